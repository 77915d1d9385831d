"""The job catalog: every kind of long work the job queue can run, by name."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from adapters.background.spooling import SealedFileSpool
from adapters.csv_io import CsvFile
from application.access.actor import SYSTEM
from application.benefits.importing_eligibility import (
    COLUMNS as ELIGIBILITY_COLUMNS,
)
from application.benefits.importing_eligibility import (
    ImportEligibility,
    import_eligibility,
)
from application.benefits.reminding_send import SEND_REMINDER, send_reminder
from application.benefits.sending_campaign import SEND_CAMPAIGN, send_campaign
from application.jobs.catalog import JobCatalog, JobProgress, Progress
from application.keeping_attachment import keep_attachment
from application.messaging.telling import Telling, load_policy
from application.notices.sending import SEND_NOTICE, send_notice
from application.ports.attachments import AttachmentSource
from application.ports.bank_master import BankMaster
from application.ports.chunk_workers import ChunkWorkers
from application.ports.clock import Clock, IdGenerator
from application.ports.identity import IdentityProvider
from application.ports.matching import MatchKeyer
from application.ports.payouts import BankCalendar, Originator, TransferFileWriter
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.residents.importing_registry import ImportRegistry, import_registry
from application.residents.registry_rows import COLUMNS, REQUIRED
from demo.past_town import PastTown
from demo.seeding_activity import seed_activity
from demo.seeding_contacts import Route, seed_demo_contacts
from demo.seeding_payments import ladder_households, seed_demo_payments
from demo.seeding_procedures import seed_demo_procedures
from demo.seeding_town import DEMO_STAFF_PASSWORD, SeedDemoTown, seed_demo_town
from domain.access import Permission
from entrypoints.builder_wiring import TEMPLATE_LIBRARY
from entrypoints.procedure_wiring import SHIPPED_IDS

__all__ = [
    "IMPORT_ELIGIBILITY",
    "IMPORT_REGISTRY",
    "IMPORT_REGISTRY_UPLOAD",
    "KEEP_ATTACHMENT",
    "SEED_DEMO_TOWN",
    "SEND_CAMPAIGN",
    "SEND_NOTICE",
    "SEND_REMINDER",
    "build_job_catalog",
]

# units of work for one long write, while the block lasts (ADR 0081)
BulkUnits = AbstractContextManager[Callable[[], UnitOfWork]]

SEED_DEMO_TOWN = "seed_demo_town"
IMPORT_REGISTRY = "import_registry"
IMPORT_ELIGIBILITY = "import_eligibility"
KEEP_ATTACHMENT = "keep_attachment"
IMPORT_REGISTRY_UPLOAD = "import_registry_upload"  # a staff upload: the file is removed after


def build_job_catalog(*, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                        clock: Clock, hasher: PasswordHasher, keyer: MatchKeyer,
                        calendar: BankCalendar, telling: Telling,
                        banks: BankMaster | None = None, public_url: str = "",
                        attachments: AttachmentSource | None = None,
                        writer: TransferFileWriter | None = None,
                        originator: Originator | None = None,
                        wake_outbox: Callable[[], None] = lambda: None,
                        route: Route | None = None,
                        identity_provider: Callable[[], IdentityProvider] | None = None,
                        past_town: Callable[[], PastTown] | None = None,
                        chunk_workers: ChunkWorkers | None = None,
                        bulk_units: Callable[[], BulkUnits] | None = None,
                        ) -> JobCatalog:
    """`wake_outbox` tells the outbox dispatcher there is more to send (a campaign's pages);
    `route` handles an inbound event as a channel's request does (the demo's residents on the
    web page, with `identity_provider`'s card); `past_town` makes the town on a clock the demo
    moves back in time (its year of activity, when the payload asks for `activity`);
    `chunk_workers` read and key a registry extract's rows beside the writing (ADR 0080), which
    goes through the units of work `bulk_units` gives for its length (ADR 0081; default: the
    ordinary ones)."""
    catalog = JobCatalog()
    if bulk_units is None:
        bulk_units = functools.partial(contextlib.nullcontext, uow_factory)

    def seeding(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        # The job seeds as the system; who started it is audited with the job ("demo.seed").
        command = SeedDemoTown(actor=SYSTEM, households=int(payload.get("households", 200)),
                               staff_password=payload.get("staff_password", DEMO_STAFF_PASSWORD))
        created = seed_demo_town(command, uow_factory=uow_factory, ids=ids, clock=clock,
                                 hasher=hasher, keyer=keyer,
                                 policy=load_policy(uow_factory), progress=progress)
        procedures = seed_demo_procedures(actor=SYSTEM, uow_factory=uow_factory, clock=clock,
                                          shipped=SHIPPED_IDS, library=TEMPLATE_LIBRARY)
        payments = seed_demo_payments(uow_factory=uow_factory, ids=ids, clock=clock,
                                      calendar=calendar, telling=telling, writer=writer,
                                      originator=originator)
        activity: dict[str, int] = {}
        if payload.get("activity") and past_town is not None:
            town = past_town()
            try:
                activity = seed_activity(town, ids=ids, keyer=keyer, seed=command.seed)
            finally:
                town.close()
        contacts = {"sms": 0, "email": 0}
        if route is not None and identity_provider is not None:
            contacts = seed_demo_contacts(
                ladder_households(command.seed), route=route,
                identity_provider=identity_provider(), uow_factory=uow_factory, ids=ids,
                clock=clock, keyer=keyer)
        return {**created, "procedures": procedures, "payment_batch": payments["payment_batch"],
                "on_file": payments["on_file"], "by_sms": contacts["sms"],
                "by_email": contacts["email"], "activity": activity}

    def importing(payload: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
        command = ImportRegistry(mode=payload.get("mode", "all_or_nothing"),
                                 full_extract=bool(payload.get("full_extract", True)))
        with bulk_units() as writing:  # its progress too: one connection writes (ADR 0081)
            report = import_registry(
                command, rows=CsvFile(payload["path"], columns=COLUMNS, required=REQUIRED),
                uow_factory=writing, ids=ids, clock=clock, keyer=keyer,
                progress=functools.partial(progress, units=writing), workers=chunk_workers,
                spools=SealedFileSpool)
        return report.to_json()

    def importing_eligibility(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        command = ImportEligibility(program_id=payload["program_id"],
                                    mode=payload.get("mode", "all_or_nothing"))
        try:
            report = import_eligibility(
                command, rows=CsvFile(payload["path"], columns=ELIGIBILITY_COLUMNS),
                uow_factory=uow_factory, ids=ids, clock=clock,
                policy=load_policy(uow_factory), progress=progress)
        finally:  # the uploaded list is not kept once read (or refused)
            Path(payload["path"]).unlink(missing_ok=True)
        return report.to_json()

    def sending_campaign(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        return send_campaign(payload["program_id"], uow_factory=uow_factory, ids=ids,
                             clock=clock, banks=banks, policy=load_policy(uow_factory),
                             wake=wake_outbox, progress=progress)

    def sending_reminder(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        return send_reminder(payload["reminder_id"], uow_factory=uow_factory, ids=ids,
                             clock=clock, banks=banks, policy=load_policy(uow_factory),
                             wake=wake_outbox, progress=progress)

    def sending_notice(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        return send_notice(payload["notice_id"], uow_factory=uow_factory, ids=ids, clock=clock,
                           policy=load_policy(uow_factory), public_url=public_url,
                           wake=wake_outbox, progress=progress)

    def keeping_attachment(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
        if attachments is None:
            return {"kept": False}
        kept = keep_attachment(payload["ref"], source=attachments, uow=uow_factory(), ids=ids,
                               clock=clock)
        return {"kept": kept is not None}

    def importing_upload(payload: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
        try:
            return importing(payload, progress)
        finally:
            Path(payload["path"]).unlink(missing_ok=True)

    # Who may start each kind, and who may see its report: an import's report quotes rows that
    # may hold personal data, so only those who may import see it.
    catalog.register(SEED_DEMO_TOWN, seeding, label="デモ用データの作成",
                     permission=Permission.ADMINISTER, report_permission=Permission.ADMINISTER,
                     action="demo.seed")
    catalog.register(KEEP_ATTACHMENT, keeping_attachment, label="添付ファイルの保存")
    catalog.register(IMPORT_REGISTRY, importing, label="住民記録の取り込み",
                     permission=Permission.IMPORT_REGISTRY,
                     report_permission=Permission.IMPORT_REGISTRY, action="registry.import")
    # Its report quotes the household numbers it refused or did not know: for those who may
    # import the list, on the staff pages and the API alike (the catalog is the one rule).
    catalog.register(IMPORT_ELIGIBILITY, importing_eligibility, label="対象者リストの取り込み",
                     permission=Permission.MANAGE_PROGRAMS,
                     report_permission=Permission.MANAGE_PROGRAMS, action="eligibility.import")
    # start_campaign stores this job itself, checking the same permission and recording the
    # same action in its transaction; the entry says so for anything that starts it otherwise.
    catalog.register(SEND_CAMPAIGN, sending_campaign, label="給付金の通知の送信",
                     permission=Permission.MANAGE_PROGRAMS, action="campaign.start",
                     unit="世帯を確認")
    # The scheduler starts reminders when due (application/benefits/reminding_due.py); staff
    # scheduled them, audited as "reminder.schedule".
    catalog.register(SEND_REMINDER, sending_reminder, label="給付金の督促の送信",
                     permission=Permission.MANAGE_PROGRAMS, action="reminder.schedule",
                     unit="世帯を確認")
    # start_notice stores this job itself (or the scheduler, for a notice staff scheduled),
    # audited as "notice.send" / "notice.schedule" (ADR 0058).
    catalog.register(SEND_NOTICE, sending_notice, label="お知らせの配信",
                     permission=Permission.SEND_NOTICES,
                     report_permission=Permission.SEND_NOTICES, action="notice.send",
                     unit="人を確認")
    catalog.register(IMPORT_REGISTRY_UPLOAD, importing_upload, label="住民記録の取り込み",
                     permission=Permission.IMPORT_REGISTRY,
                     report_permission=Permission.IMPORT_REGISTRY, action="registry.import")
    return catalog
