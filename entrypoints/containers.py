"""The composition root: every adapter is built here from configuration, and swappable
(`container.<name>.override(...)` in tests)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
from dependency_injector import containers, providers

from adapters.background.celery_queue import (
    CeleryInboxNotifier,
    CeleryJobQueue,
    CeleryOutboxNotifier,
    make_celery,
)
from adapters.background.in_process import InProcessJobQueue
from adapters.background.inbox_workers import HandleNow, InboxWorkers
from adapters.background.outbox_pump import DeliverNow, OutboxPump
from adapters.background.process_chunks import ProcessChunks
from adapters.calendars.office_calendar import JapaneseOfficeCalendar
from adapters.crypto import FieldCipher
from adapters.documents.certificate_slip import ReportlabSlipRenderer
from adapters.email.mailer import SmtpMailer
from adapters.email.rendering import MailIdentity
from adapters.email.unsubscribe import UnsubscribeLinks
from adapters.passwords import Argon2PasswordHasher
from adapters.persistence import orm
from adapters.persistence.bulk_writing import bulk_units_of_work
from adapters.persistence.database import make_engine
from adapters.persistence.inbox_queue import SqlInboxQueue
from adapters.persistence.procedure_store import SqlProcedureStore
from adapters.persistence.resident_links import SqlLinkStore
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from adapters.persistence.verification_attempts import SqlVerificationAttempts
from adapters.postal_codes.ken_all import KenAllPostalCodes
from adapters.sms.ledger import SqlSmsLedger
from adapters.sms.webhook import SmsWebhook
from adapters.system import SystemClock, TimeOrderedIds
from adapters.totp import PyOtpCodes
from adapters.web.channel import WebChannel
from application.associations.desk import AssociationDesk, CircularDesk
from application.benefits.desk import BenefitDesk
from application.benefits.reporting_status import status_messages
from application.cases.consultation_desk import ConsultationDesk
from application.cases.opening_case import CaseDesk
from application.certificates.requesting_certificate import CertificateDesk, CertificatePolicy
from application.channels.acknowledging import Acknowledging
from application.channels.contacts import ContactCodeDesk, ContactsDesk
from application.channels.inbound import InboundEvent
from application.channels.interests import InterestsDesk
from application.channels.links import PersonalLinks
from application.channels.routing import InboundRouter
from application.channels.web_sign_in import SignInCodes
from application.conversations.engine import ConversationEngine
from application.handlers import message_bus
from application.jobs.running import run_job
from application.jobs.scheduled_work import run_scheduled_work
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.telling import Telling, load_policy
from application.ports.payouts import Originator
from application.residents.match_keys import HmacMatchKeyer
from application.residents.town import Town
from application.surveys.answering_satisfaction import SatisfactionDesk, rated_in
from application.surveys.respondents import RespondentKeys
from domain.certificate_rules import DEFAULT_FEES, FeeSchedule, HouseholdRule
from domain.certificates import CertificateKind
from domain.contact_codes import new_code
from domain.values import AccountType, Money
from entrypoints.config import Settings
from entrypoints.deferred_adapters import (
    LineChatSignals,
    LineContent,
    LineMessenger,
    LineRichMenus,
    LineWebhookParser,
    RichMenusWhenUsed,
    line_data_url,
)
from entrypoints.demo_wiring import past_town
from entrypoints.inbound_wiring import make_inbox_handler
from entrypoints.jobs import build_job_catalog
from entrypoints.payment_links import PayLinkSigner
from entrypoints.plugins import (
    BANK_CALENDAR,
    BANK_MASTER,
    CASH,
    IDENTITY,
    PAYMENT,
    SMS,
    TRANSFER,
    ContainerServices,
    adapter,
)
from entrypoints.procedure_wiring import procedure_catalogue, town_menu
from entrypoints.webhook_wiring import webhook_delivery, with_webhooks
from entrypoints.wiring import process_metrics, scheduler_thread

__all__ = ["Container", "build_container", "shutdown"]

# While a burst lasts (ADR 0074) the in-process inbox workers wait, until what they take was
# woken for this long: LINE's answers come first in a spike and the handling catches up right
# after it; a burst that lasts longer is handled beside it (ADR 0079).
PATIENCE_SECONDS = 10.0
BURST_HOLD_SECONDS = 1.0  # a burst lasts this long after its rate was last seen


def _mailer(**options: Any) -> Iterator[SmtpMailer]:
    mailer = SmtpMailer(**options)
    try:
        yield mailer
    finally:
        mailer.close()


def _waker(container: Container) -> Callable[[], None]:
    """Wake the container's outbox dispatcher (looked up when called: see `job_catalog`)."""
    return lambda: container.outbox_notifier().wake()


def _router(container: Container) -> Callable[[InboundEvent], bool]:
    """Handle an inbound event as a channel's request does (looked up when called, as
    `_waker`: the router is made after the job catalog)."""
    return lambda event: container.inbound_router().handle(event, uow=container.uow())


def _send_threads() -> Iterator[ThreadPoolExecutor]:
    """The threads that make the outbox's requests, until the container shuts down."""
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="madoguchi-send")
    yield executor
    executor.shutdown(wait=True)


def _stopped_at_shutdown(make: Callable[..., Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
    """`make(...)`, whose background thread is stopped when the container shuts down."""
    made = make(*args, **kwargs)
    yield made
    made.stop()


def certificate_policy_from(*, fees: dict[str, int], postage: int, verification_days: int,
                            household_kinds: list[str]) -> CertificatePolicy:
    """The town's certificate settings as domain values (fees not given keep the defaults)."""
    schedule = {**DEFAULT_FEES, **{CertificateKind(k): Money(v) for k, v in fees.items()}}
    return CertificatePolicy(
        fees=FeeSchedule(fees=schedule, postage=Money(postage)),
        household=HouseholdRule(frozenset(CertificateKind(k) for k in household_kinds)),
        verification_max_age=dt.timedelta(days=verification_days))


class Container(containers.DeclarativeContainer):
    __self__ = providers.Self()
    config = providers.Configuration(strict=True)

    # Gateways: the outside world.
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(TimeOrderedIds)
    password_hasher = providers.Singleton(Argon2PasswordHasher)
    cipher = providers.Singleton(FieldCipher, keys=config.data_keys.as_(list))
    engine = providers.Singleton(make_engine, config.database_url, pool_size=config.db_pool_size,
        max_overflow=config.db_max_overflow, pool_recycle=config.db_pool_recycle,  # ADR 0066
        pool_timeout=config.db_pool_timeout)
    sessions = providers.Singleton(session_factory, engine)
    # What the town lends the adapters its plug-ins build (ADR 0069); each port's adapter is the
    # plug-in its setting names (MADOGUCHI_BANK_MASTER ...), built when first needed.
    town_services = providers.ThreadSafeSingleton(ContainerServices, __self__)
    bank_master = adapter(BANK_MASTER, config, town_services)
    postal_codes = providers.Singleton(KenAllPostalCodes, config.postal_codes_file)
    pay_links = providers.Singleton(PayLinkSigner, config.secret_key, config.public_url)

    # Services: telling residents and what follows from domain events (in the transaction). The
    # ladder is staff's, in the database: `telling` reads it per unit of work (ADR 0041).
    telling = providers.Singleton(Telling, None, ids, clock)
    menu = providers.Singleton(town_menu, config.town_name)
    # The procedures residents run: those that ship, and those staff built (ADR 0055).
    procedure_store = providers.Singleton(SqlProcedureStore, engine)
    procedures = providers.Singleton(procedure_catalogue, procedure_store)
    line_data = providers.Callable(line_data_url, config.line_api_base_url,
                                   config.line_api_data_url)
    # The LINE rich menus (ADR 0049): set by `madoguchi line rich-menu`, linked on verification.
    line_rich_menus = providers.Singleton(LineRichMenus, access_token=config.line_access_token,
        base_url=config.line_api_base_url, data_url=line_data, linking=config.line_rich_menus)
    # Survey answers' respondents: digests keyed from the match-key secret (ADR 0059).
    respondent_keys = providers.Singleton(RespondentKeys, config.match_key.as_(str.encode))
    # The town's inbox (ADR 0042): every other finished procedure becomes a case (one with a
    # fee once it is paid, ADR 0053: the bus opens it).
    case_desk = providers.Singleton(CaseDesk, procedures, bank_master,
                                    fee_pay_url=pay_links.provided.fee_pay_url,
                                    respondents=respondent_keys)
    bus = providers.Singleton(
        message_bus, respondents=respondent_keys, telling=telling, ids=ids, clock=clock,
        banks=bank_master,
        pay_url=pay_links.provided.pay_url, menu=menu, cases=case_desk,
        fee_pay_url=pay_links.provided.fee_pay_url,
        procedure_titles=providers.Callable(lambda p: {k: v.title for k, v in p.items()},
                                            procedures),
        case_url=config.public_url.as_(lambda u: lambda case: f"{u}/staff/cases/{case}"),
        rich_menus=providers.Singleton(RichMenusWhenUsed, line_rich_menus.provider))
    uow = providers.Factory(SqlAlchemyUnitOfWork, sessions=sessions, bus=bus)
    contact_policy = providers.Factory(load_policy, uow.provider)
    line_parser = providers.Singleton(LineWebhookParser, config.line_channel_secret)
    web_channel = providers.Singleton(WebChannel)
    # The web channel: personal links (the LinkMaker of SMS and e-mail) and sign-in codes.
    link_store = providers.Singleton(SqlLinkStore, engine)
    personal_links = providers.Singleton(
        PersonalLinks, link_store, secret_key=config.secret_key, public_url=config.public_url,
        clock=clock, uow_factory=uow.provider, liff_id=config.liff_id)
    # Loading dots and 既読 for LINE messages (ADR 0051), sent in the background; a message to a
    # resident waits for their chat's dots to have gone first (ADR 0079).
    line_signals = providers.Resource(
        _stopped_at_shutdown, LineChatSignals, access_token=config.line_access_token,
        base_url=config.line_api_base_url)
    acknowledging = providers.Singleton(Acknowledging, line_signals,
                                        mark_read=config.line_mark_as_read)
    line_messenger = providers.Singleton(
        LineMessenger, access_token=config.line_access_token, base_url=config.line_api_base_url,
        links=personal_links, before_sending=line_signals.provided.settle)
    sign_in_codes = providers.Singleton(
        SignInCodes, link_store, secret_key=config.secret_key, town_name=config.town_name,
        clock=clock, ids=ids, uow_factory=uow.provider)
    # SMS (ADRs 0039, 0044): the plug-in MADOGUCHI_SMS_PROVIDER names (Twilio's SDK, choices as
    # one personal link); none: no channel (the outbox refuses "sms" messages).
    sms_ledger = providers.Singleton(SqlSmsLedger, engine)
    sms_webhook = providers.Singleton(SmsWebhook, auth_token=config.twilio_auth_token,
                                      public_url=config.public_url)
    sms_channel = adapter(SMS, config, town_services)
    unsubscribe_links = providers.Singleton(UnsubscribeLinks, config.secret_key, config.public_url)
    # E-mail (ADR 0040): choices become one personal link to the web channel.
    email_messenger = providers.Resource(  # a resource: its kept connections end at shutdown
        _mailer, host=config.smtp_host, port=config.smtp_port, username=config.smtp_user,
        password=config.smtp_password, starttls=config.smtp_starttls,
        sender=providers.Factory(MailIdentity, town_name=config.town_name,
                                 address=config.mail_from),
        links=personal_links, unsubscribe_link=unsubscribe_links)
    messaging_channels = providers.Dict(line=line_messenger, web=web_channel, sms=sms_channel,
                                        email=email_messenger)
    attachment_source = providers.Singleton(LineContent, access_token=config.line_access_token,
                                            base_url=line_data)
    match_keyer = providers.Singleton(
        HmacMatchKeyer, config.match_key.as_(str.encode),
        providers.Factory(Town, prefecture=config.town_prefecture, city=config.town_city,
                          code=config.town_code))
    verification_attempts = providers.Singleton(SqlVerificationAttempts, engine)
    identity_provider = adapter(IDENTITY, config, town_services)

    # Services: conversations with residents.
    conversations = providers.Singleton(ConversationEngine, procedures, clock, bank_master,
                                        postal_codes)

    # Payouts: the transfer file (MADOGUCHI_TRANSFER_FORMAT, with the bank's results) and the
    # town as its 依頼人 (the demo seeding pays with them too, so they come before the jobs).
    transfer_format = adapter(TRANSFER, config, town_services)
    transfer_writer = providers.Callable(operator.attrgetter("writer"), transfer_format)
    transfer_results = providers.Callable(operator.attrgetter("reader"), transfer_format)
    originator = providers.Singleton(
        Originator, code=config.originator_code, name=config.originator_name,
        bank_code=config.originator_bank, branch_code=config.originator_branch,
        account_type=config.originator_account_type.as_(AccountType),
        account_number=config.originator_account)

    # Monitoring: what /metrics shows (deliveries and jobs counted where they run).
    metrics = providers.Singleton(process_metrics, uow.provider, clock)

    # Services: long work and the queue that runs it.
    bank_calendar = adapter(BANK_CALENDAR, config, town_services)
    # A campaign's pages wake the outbox dispatcher as they are written; the registry gets the
    # notifier's provider (resolved when a page is written: Celery runs jobs from it too).
    job_catalog = providers.Singleton(
        build_job_catalog, uow_factory=uow.provider, ids=ids, clock=clock,
        hasher=password_hasher, keyer=match_keyer, calendar=bank_calendar, telling=telling,
        banks=bank_master, public_url=config.public_url,
        attachments=attachment_source, writer=transfer_writer, originator=originator,
        wake_outbox=providers.Callable(_waker, __self__),
        route=providers.Callable(_router, __self__),
        identity_provider=identity_provider.provider,  # made when the demo is seeded
        past_town=providers.Callable(past_town, __self__),  # the demo's year of activity
        chunk_workers=providers.Factory(ProcessChunks),
        bulk_units=providers.Factory(bulk_units_of_work, engine, uow.provider, bus=bus,
                                     cache_mib=config.import_cache_mib).provider,
    )
    job_runner = providers.Singleton(
        functools.partial, run_job, uow_factory=uow.provider, catalog=job_catalog,
        clock=clock, metrics=metrics,
    )
    # Resources: what starts a thread is stopped by `shutdown(container)`.
    outbox_executor = providers.Resource(_send_threads)
    outbox_delivery = providers.Singleton(with_webhooks, providers.Singleton(  # and ADR 0071's
        functools.partial, deliver_outbox, uow_factory=uow.provider,
        channels=messaging_channels, clock=clock, executor=outbox_executor, metrics=metrics,
    ), providers.Singleton(webhook_delivery, uow.provider, clock, ids, outbox_executor))
    # Scheduled work (jobs left behind by a killed process resumed, due reminders become jobs,
    # closed cases past retention erased): given the queue that runs them.
    scheduled_work = providers.Singleton(
        functools.partial, run_scheduled_work, uow_factory=uow.provider, ids=ids, clock=clock,
        case_retention_days=config.case_retention_days)
    # LINE's events, stored by the webhook and handled by workers (ADR 0062).
    inbox_queue = providers.Singleton(SqlInboxQueue, engine)
    inbox_handler = providers.Singleton(make_inbox_handler, __self__)
    celery_app = providers.Singleton(make_celery, config.broker_url, run=job_runner,
                                     deliver=outbox_delivery, scheduled=scheduled_work,
                                     handle_inbound=inbox_handler)
    inbound_workers = providers.Selector(
        config.task_queue,
        in_process=providers.Resource(_stopped_at_shutdown, InboxWorkers, inbox_handler,
                                      give_way_max=PATIENCE_SECONDS,
                                      patience=PATIENCE_SECONDS,
                                      burst_hold=BURST_HOLD_SECONDS),
        eager=providers.Singleton(HandleNow, inbox_handler),  # handled before the answer
        celery=providers.Resource(_stopped_at_shutdown, CeleryInboxNotifier, app=celery_app),
    )
    job_queue = providers.Selector(
        config.task_queue,
        in_process=providers.Resource(_stopped_at_shutdown, InProcessJobQueue, run=job_runner),
        eager=providers.Singleton(InProcessJobQueue, run=job_runner, eager=True),
        celery=providers.Singleton(CeleryJobQueue, app=celery_app),
    )
    # The in-process queue's scheduler thread (started by `madoguchi serve`); Celery: beat.
    scheduler = providers.Selector(
        config.task_queue,
        in_process=providers.Resource(_stopped_at_shutdown, scheduler_thread, scheduled_work,
                                      job_queue),
        eager=providers.Object(None),
        celery=providers.Object(None),
    )
    outbox_notifier = providers.Selector(
        config.task_queue,
        in_process=providers.Resource(_stopped_at_shutdown, OutboxPump, outbox_delivery),
        eager=providers.Singleton(DeliverNow, outbox_delivery),
        celery=providers.Singleton(CeleryOutboxNotifier, app=celery_app),
    )

    # Payouts: cash by ATM (MADOGUCHI_CASH_PROVIDER: the development fake, none in production).
    cash_provider = adapter(CASH, config, town_services)
    # Fees: certificate requests and the payment provider that takes the fee.
    payment_gateway = adapter(PAYMENT, config, town_services)
    payment_gateway_configured = providers.Callable(bool, config.payment_provider)
    certificate_policy = providers.Singleton(
        certificate_policy_from, fees=config.certificate_fees.as_(dict),
        postage=config.certificate_postage,
        verification_days=config.certificate_verification_days,
        household_kinds=config.certificate_household_kinds.as_(list))
    certificate_desk = providers.Singleton(CertificateDesk, certificate_policy,
                                           pay_links.provided.pay_url)
    # 連絡先: a resident's phone numbers and e-mail addresses, verified by a code (ADR 0041).
    contact_code_maker = providers.Object(new_code)
    contacts_desk = providers.Singleton(ContactsDesk, conversations, town_name=config.town_name,
                                        codes=contact_code_maker)
    # 相談 (ADR 0046): a case that holds the chat live, in its department's hours.
    office_calendar = providers.Singleton(JapaneseOfficeCalendar)
    consultation_desk = providers.Singleton(ConsultationDesk, procedures, bank_master,
                                            office_calendar)
    # The satisfaction question's buttons (ADR 0059).
    satisfaction_desk = providers.Singleton(SatisfactionDesk, respondent_keys,
                                            providers.Callable(rated_in, procedures))
    procedure_handlers = providers.List(certificate_desk, providers.Singleton(BenefitDesk),
                                        contacts_desk,
                                        providers.Singleton(ContactCodeDesk, contacts_desk),
                                        consultation_desk, providers.Singleton(InterestsDesk),
                                        # 自治会 and 回覧板 (ADR 0057)
                                        providers.Singleton(AssociationDesk),
                                        providers.Singleton(CircularDesk), satisfaction_desk)
    inbound_router = providers.Factory(
        InboundRouter, engine=conversations, menu=menu, handlers=procedure_handlers,
        identity_provider=identity_provider, status=providers.Object(status_messages), ids=ids,
        clock=clock, cases=case_desk, catalogue=procedures)
    slip_renderer = providers.Singleton(ReportlabSlipRenderer)

    # Staff UI: one-time codes for the second factor.
    one_time_codes = providers.Singleton(PyOtpCodes)


def build_container(settings: Settings | None = None) -> Container:
    settings = settings or Settings.from_env()
    container = Container()
    # The settings as they are, by name: `config.<setting>` (entrypoints/config.py), with
    # those of the chosen plug-ins (ADR 0069).
    values = attrs.asdict(settings, recurse=False)
    values.update(values.pop("plugin_settings"))
    container.config.from_dict(values)
    container.check_dependencies()
    orm.start_mappers(container.cipher())
    return container


def shutdown(container: Container) -> None:
    """Stop the threads the container started, each after those that feed it: the scheduler,
    the inbound handlers (they queue jobs, write replies), the job thread (a job wakes the
    outbox), the outbox pump, then the send threads. What never started is left alone; calling
    it twice is harmless. `madoguchi serve` calls it on its way out, the tests after each."""
    for selector in (container.scheduler, container.inbound_workers, container.job_queue,
                     container.outbox_notifier):
        for provider in selector.providers.values():
            if isinstance(provider, providers.Resource):
                provider.shutdown()
    container.shutdown_resources()
