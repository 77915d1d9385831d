"""A year of the demo town's activity, so the dashboard, its charts and the monthly report show
real-looking figures on first start: month by month, residents of the rest of the town follow
the town's account (a few at first, a few hundred by now; most on LINE, some by SMS or on the
web page), about six in ten verify with the card, a few block the account later; they send
お問い合わせ, 通報 and 粗大ごみ (some leave them half-way), which open cases in their departments
that the demo staff answer and close, and request certificates that staff issue and mail; fees
are paid on the development pay page; about half rate the procedure they finished (mostly 4
and 5).

Everything goes through the same router, identity provider, payment and staff use cases as in
the present, on a clock moved back to when it happened (`past_town.PastTown`); only the
satisfaction answers are taps on the question that follows a finished procedure. The history's
residents are households of their own in the registry (`HISTORY_PREFIX`), not on the demo
program's list, so the README's walk (the campaign's counts, the card page's people) is as
before, and no benefit is paid in it.

Deterministic (`plan_year` with a seeded random: the same seed on the same day gives the same
year); idempotent: a history whose first friend is already there is left as it is (a run
stopped half-way is not completed by the next; its households are imported only when
missing)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence

from application.access.actor import Actor
from application.cases.handling_case import CaseAction, HandleCase, handle_case
from application.cases.replying_to_case import ReplyToCase, reply_to_case
from application.channels.web_sign_in import start_fresh
from application.dates import in_japan
from application.messaging.delivering_outbox import deliver_outbox
from application.payments.paying import Payables
from application.ports.clock import IdGenerator
from application.ports.matching import MatchKeyer
from application.residents.importing_registry import ImportRegistry, import_registry
from demo import activity_chats as chats
from demo import activity_fees as fees
from demo.activity_plan import Step, months_of, plan_year
from demo.past_town import PastDeliveries, PastTown
from demo.seeding_town import DEMO_ADMIN_LOGIN
from demo.synthetic_town import SyntheticPerson, generate_households, registry_rows
from domain.errors import DomainError, InvariantViolated

__all__ = ["HISTORY_FRIENDS", "HISTORY_HOUSEHOLDS", "HISTORY_PREFIX", "history_people",
           "line_address", "seed_activity"]

HISTORY_PREFIX = "T"  # the history's households: TH00000001…, residents T000000001…
HISTORY_HOUSEHOLDS = 260
HISTORY_FRIENDS = 300
_ADULT_BEFORE = dt.date(2006, 1, 1)
_STAFF = ("worker", "approver", DEMO_ADMIN_LOGIN)  # who answers a case (the first who may)
_REPLIES = ("お問い合わせありがとうございます。担当者が確認し、対応いたします。",
            "ご連絡ありがとうございます。現地を確認し、補修の手配をしました。",
            "ご質問の件、窓口のページの案内のとおりです。ご不明な点はお問い合わせください。")


def history_people(seed: int = 7, households: int = HISTORY_HOUSEHOLDS,
                   ) -> list[SyntheticPerson]:
    """The adults of the history's households, the order the plan draws them from."""
    return [person for household in generate_households(households, seed=seed + 1,
                                                         prefix=HISTORY_PREFIX)
            for person in household.members
            if person.facts.date_of_birth.value < _ADULT_BEFORE]


def line_address(seed: int, person: int) -> str:
    """The LINE user id of the history's person (U and 32 hex digits, as LINE's)."""
    return "U" + hashlib.sha256(f"madoguchi-demo:{seed}:{person}".encode()).hexdigest()[:32]


def seed_activity(town: PastTown, *, ids: IdGenerator, keyer: MatchKeyer, seed: int = 7,
                  households: int = HISTORY_HOUSEHOLDS,
                  friends: int = HISTORY_FRIENDS) -> dict[str, int]:
    """Seed the year ending now; returns what it added, by kind (empty: it was there)."""
    present = town.clock.now()
    with town.uow_factory() as uow:
        if uow.channel_identities.get_by_address("line", line_address(seed, 0)) is not None:
            return {}
    town.clock.travel_to(months_of(present)[0] - dt.timedelta(days=1))
    added: Counter[str] = Counter()
    try:
        added["households"] = _registry(town, ids=ids, keyer=keyer, seed=seed,
                                        households=households)
        people = history_people(seed, households)
        steps = plan_year(present, people=len(people), seed=seed, friends=friends)
        _Year(town, ids=ids, keyer=keyer, seed=seed, people=people, added=added).run(steps)
        _delivered_in_the_past(town)
    finally:
        town.clock.back_to_present()
    return dict(added)


def _registry(town: PastTown, *, ids: IdGenerator, keyer: MatchKeyer, seed: int,
              households: int) -> int:
    """The history's households, imported a year ago as a partial extract when missing."""
    rows = list(generate_households(households, seed=seed + 1, prefix=HISTORY_PREFIX))
    with town.uow_factory() as uow:
        known = uow.households.ids_by_numbers([h.household_number for h in rows])
    new = [h for h in rows if h.household_number not in known]
    if not new:
        return 0
    report = import_registry(ImportRegistry(full_extract=False), rows=lambda: registry_rows(new),
                             uow_factory=town.uow_factory, ids=ids, clock=town.clock,
                             keyer=keyer)
    if not report.written:
        raise InvariantViolated(report.summary())
    return report.households_created


class _Year:
    """Runs the plan's steps in order, each at its moment."""

    def __init__(self, town: PastTown, *, ids: IdGenerator, keyer: MatchKeyer, seed: int,
                 people: Sequence[SyntheticPerson], added: Counter[str]) -> None:
        self.town, self.ids, self.keyer, self.seed = town, ids, keyer, seed
        self.people, self.added = people, added
        self.addresses: dict[int, str] = {}
        self.cases: dict[tuple[int, dt.datetime], str] = {}  # (person, chat) → 受付番号
        self.certificates: dict[tuple[int, dt.datetime], str] = {}  # … → the request's id
        self.rated: set[tuple[str, str, str]] = set()  # (procedure, respondent, month)
        with town.uow_factory() as uow:
            self.staff = [Actor.staff(member) for login in _STAFF
                          if (member := uow.staff.get_by_login_id(login)) is not None]

    def run(self, steps: Sequence[Step]) -> None:
        for step in steps:
            self.town.clock.travel_to(step.at)
            getattr(self, f"_{step.kind}")(step)

    def _address(self, step: Step) -> str:
        return self.addresses[step.person]

    def _follow(self, step: Step) -> None:
        if step.channel == "web":
            address = start_fresh(uow=self.town.uow_factory(), ids=self.ids,
                                  clock=self.town.clock)
        elif step.channel == "sms":
            address = f"+8180{20_000_000 + step.person:08d}"
        else:
            address = line_address(self.seed, step.person)
        self.addresses[step.person] = address
        chats.follow(self.town, self.ids, step.channel, address)
        self.added[f"friends_{step.channel}"] += 1

    def _verify(self, step: Step) -> None:
        if chats.verify(self.town, self.ids, self.keyer, step.channel, self._address(step),
                        self.people[step.person]):
            self.added["verified"] += 1

    def _email(self, step: Step) -> None:
        mail = f"t{step.person:05d}@example.jp"
        if chats.add_email(self.town, self.ids, step.channel, self._address(step), mail):
            self.added["friends_email"] += 1

    def _block(self, step: Step) -> None:
        _delivered_in_the_past(self.town)  # what the town said before they left reached them
        chats.block(self.town, self.ids, self._address(step))
        self.added["blocked"] += 1

    def _chat(self, step: Step) -> None:
        address = self._address(step)
        sent = chats.run_procedure(self.town, self.ids, step.channel, address, step.procedure,
                                   answers=step.answers, choice=step.choice,
                                   person=self.people[step.person])
        self.added["procedures_started"] += 1
        if sent is not None and sent.pay_url is not None:
            sent = self._paid(step, address, sent.pay_url)
        if sent is None:
            self.added["procedures_left"] += 1
            return
        self.added["procedures_sent"] += 1
        if sent.number is not None:
            self.cases[(step.person, step.at)] = sent.number
        if step.score is not None:
            self._rate(step, address)

    def _paid(self, step: Step, address: str, pay_url: str) -> chats.Sent | None:
        """The fee paid on the pay page: a certificate request waits for staff (kept under
        its id), a procedure's fee opens its case (its 受付番号 in the chat)."""
        payable = fees.payable_in(pay_url)
        if payable is None or not fees.pay(self.town, payable):
            return None
        self.added["fees_paid"] += 1
        if payable.kind is Payables.CERTIFICATES:
            self.certificates[(step.person, step.at)] = payable.id
            self.added["certificates_requested"] += 1
            return chats.Sent()
        return chats.Sent(number=chats.case_number_in(self.town, step.channel, address))

    def _rate(self, step: Step, address: str) -> None:
        with self.town.uow_factory() as uow:
            identity = uow.channel_identities.get_by_address(step.channel, address)
            respondent = identity.id if identity is not None else address
        month = in_japan(self.town.clock.now()).strftime("%Y-%m")
        if (step.procedure, respondent, month) in self.rated or step.score is None:
            return
        self.rated.add((step.procedure, respondent, month))
        self.town.clock.wait(60)
        if chats.rate(self.town, self.ids, step.channel, address, step.procedure, step.score):
            self.added["satisfaction_answers"] += 1

    def _reply(self, step: Step) -> None:
        self._handle(step, reply=True)

    def _close(self, step: Step) -> None:
        self._handle(step, reply=False)

    def _handle(self, step: Step, *, reply: bool) -> None:
        """The first demo staff member whose department holds the case answers or closes it
        (a certificate: issues it, then mails it)."""
        request_id = self.certificates.get((step.person, step.chat_at)) if step.chat_at else None
        if request_id is not None:
            done = any(fees.handle_certificate(self.town, request_id, actor, mail=not reply,
                                               tracking_number=f"DM{step.at:%y%m%d%H%M}JP")
                       for actor in self.staff)
            if done:
                self.added["certificates_mailed" if not reply else "certificates_issued"] += 1
            return
        number = self.cases.get((step.person, step.chat_at)) if step.chat_at else None
        if number is None:
            return
        with self.town.uow_factory() as uow:
            case = uow.cases.get_by_number(number)
            case_id = case.id if case is not None else None
        if case_id is None:
            return
        for actor in self.staff:
            try:
                if reply:
                    reply_to_case(ReplyToCase(
                        case_id=case_id, text=_REPLIES[step.at.day % len(_REPLIES)],
                        request_key=f"demo-history:{self.ids.new_id()}", actor=actor),
                        uow=self.town.uow_factory(), ids=self.ids, clock=self.town.clock)
                else:
                    handle_case(HandleCase(case_id=case_id, action=CaseAction.CLOSE,
                                           actor=actor),
                                uow=self.town.uow_factory(), ids=self.ids,
                                clock=self.town.clock)
            except DomainError:  # not their department's: the next one
                continue
            self.added["cases_answered" if reply else "cases_closed"] += 1
            return


def _delivered_in_the_past(town: PastTown) -> None:
    """The history's replies and notices, delivered at the moment the history ends (messages
    written in the present are not due then, and stay for the real channels)."""
    channels = {name: PastDeliveries(name) for name in ("line", "sms", "email", "web")}
    while deliver_outbox(uow_factory=town.uow_factory, channels=channels,
                         clock=town.clock).handled:
        pass
