"""The read side in memory (`application/ports/queries.py`), over a fake unit of work's tables,
for unit tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from application.messaging.outbox import DeliveryStatus, OutboxMessage, OutboxStatus
from application.ports.kpi_queries import MonthCounts, Range
from application.ports.matching_queries import MatchScope, NearMisses, SetwiseMatch
from application.ports.notice_queries import ChannelFigures, NoticeLine, NoticeResults
from application.ports.queries import (
    ApplicationFilter,
    ApplicationLine,
    MessageLine,
    OutboxBacklog,
    PayeeLine,
    TownFigures,
)
from application.ports.survey_queries import ScoreCount, SurveyReply
from application.residents.matching import Candidate
from domain.access import ApiKey
from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.benefits import Application, ApplicationStatus, BenefitProgram
from domain.certificates import CertificateRequest, IssueState, PaymentState
from domain.channels import IdentityStatus
from domain.disbursements import DisbursementStatus
from domain.eligibility import Campaign
from domain.notices import Notice, NoticeRecipient
from domain.residents import MatchKeys, RegistryStatus, Resident
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn
from domain.surveys import SATISFACTION
from domain.values import JST
from domain.verifications import IdentityVerification, VerificationStatus
from tests.fake_segments import FakeSegmentQueries

__all__ = ["FakeQueries"]

Tables = dict[str, dict[str, Any]]


def _counted(values: Sequence[Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


class _Over:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def rows(self, table: str) -> list[Any]:
        return list(self.tables[table].values())


class FakeBenefitQueries(_Over):
    def programs(self) -> list[BenefitProgram]:
        return sorted(self.rows("programs"),
                      key=lambda p: (-p.window.opens_at.timestamp(), p.name))

    def applications(self, program_id: str, wanted: ApplicationFilter) -> list[Application]:
        found = [a for a in self.rows("applications") if a.program_id == program_id
                 and (not wanted.statuses or a.status in wanted.statuses)
                 and (wanted.channel is None or a.channel == wanted.channel)
                 and (wanted.awaiting_account_check is None
                      or a.awaits_account_check == wanted.awaiting_account_check)
                 and self._searched(a.household_id, wanted)]
        # As the database orders them: by when they were confirmed (not yet: first), then id.
        if wanted.after_id is not None:  # keyset: by id, after the cursor's
            return sorted((a for a in found if a.id > wanted.after_id),
                          key=lambda a: a.id)[:wanted.limit]
        found.sort(key=lambda a: (a.confirmed_at is not None, a.confirmed_at or 0, a.id))
        return found[wanted.offset:wanted.offset + wanted.limit]

    def _searched(self, household_id: str, wanted: ApplicationFilter) -> bool:
        household = self.tables["households"].get(household_id)
        if household is None:
            return not wanted.searching
        if wanted.household_number and household.household_number != wanted.household_number:
            return False
        if not (wanted.resident_number or wanted.person_keys or wanted.reading_keys):
            return True
        residents = self.tables["residents"]
        for member in household.members:
            resident = residents.get(member.resident_id)
            if resident is None:
                continue
            keys = resident.match_keys
            if wanted.resident_number and resident.resident_number != wanted.resident_number:
                continue
            if (wanted.person_keys or wanted.reading_keys) and not (
                    keys and (keys.person in wanted.person_keys
                              or keys.reading in wanted.reading_keys)):
                continue
            return True
        return False

    def application_counts(self, program_id: str) -> dict[ApplicationStatus, int]:
        return _counted([a.status for a in self.rows("applications")
                         if a.program_id == program_id])

    def notice_deliveries(self, program_id: str) -> dict[tuple[str, str], int]:
        notices = {a.notice_message_id for a in self.rows("applications")
                   if a.program_id == program_id and a.notice_message_id}
        return _counted([(m.channel, m.delivery_status.value) for m in self.rows("outbox")
                         if m.id in notices or m.fallback_of in notices])

    def notice_outcomes(self, program_id: str) -> dict[str, int]:
        outbox = self.tables["outbox"]
        return _counted([outbox[a.notice_message_id].status.value
                         for a in self.rows("applications")
                         if a.program_id == program_id and a.notice_message_id in outbox])

    def campaigns(self, program_id: str) -> list[Campaign]:
        return sorted((c for c in self.rows("campaigns") if c.program_id == program_id),
                      key=lambda c: c.started_at, reverse=True)

    def eligible_count(self, program_id: str) -> int:
        return sum(1 for e in self.rows("eligibility") if e.program_id == program_id)

    def _categories(self, program_id: str, channels: Sequence[str]) -> dict[str, str]:
        """Each eligible household's reach category, as the SQL query decides it."""
        households, residents = self.tables["households"], self.tables["residents"]
        applied = {a.household_id: a for a in self.rows("applications")
                   if a.program_id == program_id}
        eligible = sorted(e.household_id for e in self.rows("eligibility")
                          if e.program_id == program_id and e.household_id in households)
        heads = {households[h].head_resident_id for h in eligible}
        on_channel = {(i.resident_id, i.channel) for i in self.rows("channel_identities")
                      if i.resident_id in heads and i.channel in channels
                      and i.status is IdentityStatus.FOLLOWING
                      and i.resident_id in residents
                      and residents[i.resident_id].is_verified}
        outbox = self.rows("outbox")

        def still_going(notice_id: str) -> bool:
            return any(m.status is not OutboxStatus.FAILED for m in outbox
                       if notice_id in (m.id, m.fallback_of))

        def category(household_id: str) -> str:
            application = applied.get(household_id)
            if application is not None:
                if not application.notice_message_id:
                    return "applied"
                failed = (application.status is ApplicationStatus.NOTIFIED
                          and not still_going(application.notice_message_id))
                return "postal" if failed else "notified"
            head = households[household_id].head_resident_id
            return next((c for c in channels if (head, c) in on_channel), "postal")

        return {h: category(h) for h in eligible}

    def reach_counts(self, program_id: str, channels: Sequence[str]) -> dict[str, int]:
        return _counted(list(self._categories(program_id, channels).values()))

    def reach_page(self, program_id: str, channels: Sequence[str], category: str, *,
                   after: str, limit: int) -> list[str]:
        wanted = set(channels) if category == "to_notify" else {category}
        return [h for h, c in self._categories(program_id, channels).items()
                if c in wanted and h > after][:limit]

    def _unanswered(self, program_id: str) -> list[str]:
        return sorted(a.household_id for a in self.rows("applications")
                      if a.program_id == program_id and a.status is ApplicationStatus.NOTIFIED
                      and a.notice_message_id)

    def unanswered_page(self, program_id: str, *, after: str, limit: int) -> list[str]:
        return [h for h in self._unanswered(program_id) if h > after][:limit]

    def unanswered_count(self, program_id: str) -> int:
        return len(self._unanswered(program_id))

    def withdrawal_blockers(self, program_id: str) -> list[tuple[int, str]]:
        applications, batches = self.tables["applications"], self.tables["batches"]
        found = {(batches[d.batch_id].number, batches[d.batch_id].state.value)
                 for d in self.rows("disbursements")
                 if d.batch_id in batches and d.application_id in applications
                 and applications[d.application_id].program_id == program_id
                 and d.status in (DisbursementStatus.BATCHED, DisbursementStatus.EXPORTED)}
        return sorted(found)

    def household_applications(self, household_number: str) -> list[ApplicationLine]:
        households = {h.id for h in self.rows("households")
                      if h.household_number == household_number}
        programs = self.tables["programs"]
        return [ApplicationLine(a.id, programs[a.program_id].name, a.status.value, a.channel,
                                a.amount.yen if a.amount else None, a.confirmed_at,
                                a.decided_at)
                for a in sorted(self.rows("applications"),
                                key=lambda a: programs[a.program_id].name)
                if a.household_id in households]


class FakePaymentQueries(_Over):
    def batches(self, *, program_id: str | None = None, limit: int = 200,
                before_number: int | None = None) -> list[PaymentBatch]:
        found = [b for b in self.rows("batches")
                 if (program_id is None or b.program_id == program_id)
                 and (before_number is None or b.number < before_number)]
        return sorted(found, key=lambda b: -b.number)[:limit]

    def trail(self, batch_id: str) -> list[PaymentAuditEntry]:
        return sorted((e for e in self.rows("payment_audit") if e.batch_id == batch_id),
                      key=lambda e: (e.at, e.id))

    def ledger_rows(self, program_id: str) -> Iterator[tuple[str, DisbursementStatus, Any]]:
        applications = self.tables["applications"]
        for d in self.rows("disbursements"):
            application = applications.get(d.application_id)
            if application is not None and application.program_id == program_id:
                yield d.application_id, d.status, d.amount


    def _line(self, d: Any) -> PayeeLine | None:
        application = self.tables["applications"].get(d.application_id)
        household = self.tables["households"].get(application.household_id) if application \
            else None
        if household is None:
            return None
        return PayeeLine(disbursement_id=d.id, application_id=d.application_id,
                         household_number=household.household_number,
                         head_resident_id=household.head_resident_id, amount=d.amount,
                         account=d.payee_account, status=d.status,
                         failure_reason=d.failure_reason or "")

    def _lines(self, found: list[Any]) -> list[PayeeLine]:
        lines = [self._line(d) for d in sorted(found, key=lambda d: d.id)]
        return [line for line in lines if line is not None]

    def payees(self, batch_id: str, *, limit: int, offset: int = 0) -> list[PayeeLine]:
        mine = sorted((d for d in self.rows("disbursements") if d.batch_id == batch_id),
                      key=lambda d: d.id)
        return self._lines(mine[offset:offset + limit])

    def failed_payees(self, batch_id: str, *, limit: int = 500) -> list[PayeeLine]:
        return self._lines([d for d in self.rows("disbursements") if d.batch_id == batch_id
                            and d.status is DisbursementStatus.FAILED])[:limit]

    def payees_of(self, disbursement_ids: Sequence[str]) -> dict[str, PayeeLine]:
        return {line.disbursement_id: line for line in self._lines(
            [d for d in self.rows("disbursements") if d.id in set(disbursement_ids)])}

    def repaid_among(self, application_ids: Sequence[str]) -> set[str]:
        return {d.application_id for d in self.rows("disbursements")
                if d.application_id in set(application_ids)
                and d.status not in (DisbursementStatus.FAILED, DisbursementStatus.CANCELLED)}


class FakeResidentQueries(_Over):
    def verifications(self, status: VerificationStatus, *, limit: int = 100,
                      after: tuple[dt.datetime, str] | None = None,
                      ) -> list[IdentityVerification]:
        found = [v for v in self.rows("verifications") if v.status is status
                 and (after is None or (v.verified_at, v.id) > after)]
        return sorted(found, key=lambda v: (v.verified_at, v.id))[:limit]

    def verification_counts(self) -> dict[VerificationStatus, int]:
        return _counted([v.status for v in self.rows("verifications")])

    def first_residents(self, count: int, *, prefix: str = "") -> list[Resident]:
        found = [r for r in self.rows("residents")
                 if r.resident_number and r.resident_number.startswith(prefix)]
        return sorted(found, key=lambda r: r.resident_number)[:count]

    def heads_to_notify(self, program_id: str, count: int, *,
                        prefix: str = "") -> list[tuple[Resident, str]]:
        listed = {e.household_id for e in self.rows("eligibility") if e.program_id == program_id}
        applied = {a.household_id for a in self.rows("applications")
                   if a.program_id == program_id}
        residents = {r.id: r for r in self.rows("residents")}
        found = [(residents[h.head_resident_id], h.id) for h in self.rows("households")
                 if h.id in listed - applied and h.head_resident_id in residents]
        found = [(r, h) for r, h in found if not r.is_verified
                 and (r.resident_number or "").startswith(prefix)]
        return sorted(found, key=lambda pair: pair[0].resident_number or "")[:count]


class FakeMatchingQueries(_Over):
    """As the database decides it: a link where exactly one living person shares both the
    person and the place key; the others' keys, and their candidates by resident id."""

    def match(self, scope: MatchScope) -> SetwiseMatch:
        keyed = sorted((r for r in self.rows("residents") if r.match_keys is not None),
                       key=lambda r: r.id)
        links: dict[str, str] = {}
        keys: dict[str, MatchKeys] = {}
        for v in self.rows("verifications"):
            if v.id not in scope.verification_ids and v.status not in scope.statuses:
                continue
            both = [r for r in keyed if r.match_keys.person == v.match_keys.person
                    and r.match_keys.place == v.match_keys.place]
            if len(both) == 1 and both[0].registry_status is RegistryStatus.RESIDENT:
                links[v.id] = both[0].id
            else:
                keys[v.id] = v.match_keys
        wanted = [{getattr(k, kind) for k in keys.values()} - {None}
                  for kind in ("person", "place", "reading", "name_place")]

        def shares(k: MatchKeys) -> bool:
            return any(value in found for value, found in zip(
                (k.person, k.place, k.reading, k.name_place), wanted, strict=True))

        candidates = [Candidate(resident_id=r.id, keys=r.match_keys,
                                living=r.registry_status is RegistryStatus.RESIDENT)
                      for r in keyed if shares(r.match_keys)]
        return SetwiseMatch(links=links, near=NearMisses(keys=keys, candidates=candidates))


class FakeCertificateQueries(_Over):
    def queue(self, *, states: Sequence[IssueState], limit: int = 200,
              after: tuple[dt.datetime, str] | None = None) -> list[CertificateRequest]:
        found = [r for r in self.rows("certificate_requests")
                 if r.payment_state in {PaymentState.PAID, PaymentState.REFUNDED}
                 and r.issue_state in states
                 and (after is None or (r.paid_at, r.id) > after)]
        return sorted(found, key=lambda r: (r.paid_at, r.id))[:limit]


class FakeMessageQueries(_Over):
    def outbox_counts(self) -> dict[OutboxStatus, int]:
        return _counted([m.status for m in self.rows("outbox")])

    def backlog(self, *, now: dt.datetime) -> OutboxBacklog:
        waiting = [m for m in self.rows("outbox")
                   if m.status in {OutboxStatus.PENDING, OutboxStatus.SENDING}]
        due = [m.next_attempt_at or m.created_at for m in waiting
               if m.status is OutboxStatus.PENDING and (m.next_attempt_at or m.created_at) <= now]
        return OutboxBacklog(waiting=len(waiting), oldest_due_at=min(due, default=None))

    def pending(self, limit: int) -> list[OutboxMessage]:
        found = [m for m in self.rows("outbox") if m.status is OutboxStatus.PENDING]
        return sorted(found, key=lambda m: (m.created_at, m.id))[:limit]

    def messages_to(self, addresses: Sequence[tuple[str, str]], *,
                    limit: int = 30) -> list[MessageLine]:
        wanted = set(addresses)
        found = sorted((m for m in self.rows("outbox") if (m.channel, m.recipient) in wanted),
                       key=lambda m: m.created_at, reverse=True)[:limit]
        return [MessageLine(m.channel, m.status.value, _text(m.payload), m.created_at, m.sent_at)
                for m in found]

    def transcript(self, channel: str, address: str, *,
                   limit: int = 30) -> list[OutboxMessage]:
        found = sorted((m for m in self.rows("outbox")
                        if (m.channel, m.recipient) == (channel, address)),
                       key=lambda m: (m.created_at, m.id))
        return found[-limit:]


class FakeStaffQueries(_Over):
    def members(self) -> list[StaffMember]:
        return sorted(self.rows("staff"), key=lambda m: m.login_id)

    def sign_in_states(self, staff_ids: Sequence[str]) -> dict[str, StaffSignIn]:
        return {s.staff_id: s for s in self.rows("sign_ins") if s.staff_id in set(staff_ids)}

    def api_keys(self) -> list[ApiKey]:
        return sorted(self.rows("api_keys"), key=lambda k: (k.created_at, k.id))


class FakeFigureQueries(_Over):
    def figures(self, *, today: dt.date, days: int = 14) -> TownFigures:
        line = [i for i in self.rows("channel_identities") if i.channel == "line"]
        first_day = today - dt.timedelta(days=days - 1)
        per_day = {first_day + dt.timedelta(days=n): 0 for n in range(days)}
        for identity in line:
            day = identity.created_at.astimezone(JST).date()
            if day in per_day:
                per_day[day] += 1
        settled = [d for d in self.rows("disbursements")
                   if d.status is DisbursementStatus.SETTLED]
        return TownFigures(
            line_friends=sum(1 for i in line if i.status is IdentityStatus.FOLLOWING),
            line_blocked=sum(1 for i in line if i.status is IdentityStatus.BLOCKED),
            residents_in_registry=sum(1 for r in self.rows("residents") if r.resident_number),
            verified_residents=sum(1 for r in self.rows("residents") if r.is_verified),
            verifications_waiting=sum(1 for v in self.rows("verifications")
                                      if v.status is VerificationStatus.REVIEW),
            applications_by_status={s.value: n for s, n in _counted(
                [a.status for a in self.rows("applications")]).items()},
            amount_paid_yen=sum(d.amount.yen for d in settled),
            disbursements_settled=len(settled),
            certificate_requests_by_state={s.value: n for s, n in _counted(
                [r.issue_state for r in self.rows("certificate_requests")]).items()},
            new_friends_by_day=tuple(sorted(per_day.items())))


class FakeNoticeQueries(_Over):
    def _recipients(self, notice_id: str) -> list[NoticeRecipient]:
        return [r for r in self.rows("notice_recipients") if r.notice_id == notice_id]

    def notices(self, *, limit: int = 200) -> list[NoticeLine]:
        found: list[Notice] = sorted(self.rows("notices"), key=lambda n: n.created_at,
                                     reverse=True)[:limit]
        return [NoticeLine(n, len(rs := self._recipients(n.id)),
                           sum(r.opened_at is not None for r in rs),
                           sum(r.tapped_at is not None for r in rs)) for n in found]

    def results(self, notice_id: str) -> NoticeResults | None:
        notice = self.tables["notices"].get(notice_id)
        if notice is None:
            return None
        recipients = self._recipients(notice_id)
        firsts = {r.outbox_id for r in recipients if r.outbox_id}
        rows = [m for m in self.rows("outbox") if m.id in firsts or m.fallback_of in firsts]
        channels = sorted({r.channel for r in recipients if r.channel} | {m.channel for m in rows})
        figures = []
        for channel in channels:
            told = [r for r in recipients if r.channel == channel]
            mine = [m for m in rows if m.channel == channel]
            figures.append(ChannelFigures(
                channel, len(told), len(mine),
                sum(m.status is OutboxStatus.SENT for m in mine),
                sum(m.delivery_status is DeliveryStatus.DELIVERED for m in mine),
                sum(m.status is OutboxStatus.FAILED for m in mine),
                sum(m.status in (OutboxStatus.PENDING, OutboxStatus.SENDING) for m in mine),
                sum(r.opened_at is not None for r in told),
                sum(r.tapped_at is not None for r in told)))
        nobody = [r for r in recipients if not r.channel]
        return NoticeResults(notice, tuple(figures), len(recipients),
                             sum(not r.declined for r in nobody), sum(r.declined for r in nobody))


class FakeKpiQueries(_Over):
    """The report's counts (ADR 0060) over the fake tables (no survey answers in them)."""

    def live(self, ranges: Sequence[Range]) -> list[MonthCounts]:
        def within(moment: dt.datetime | None, span: Range) -> bool:
            start, end = span
            return moment is not None and (start is None or moment >= start) and moment < end

        def by(items: list[Any], key: Any) -> dict[str, int]:
            found: dict[str, int] = {}
            for item in items:
                found[key(item)] = found.get(key(item), 0) + 1
            return found

        line = [i for i in self.rows("channel_identities") if i.channel == "line"]
        answers = []
        for span in ranges:
            talks = [c for c in self.rows("conversations") if within(c.started_at, span)
                     and c.procedure_version != 0]
            answers.append(MonthCounts(
                friends_added=sum(within(i.created_at, span) for i in line),
                friends_left=sum(within(i.status_changed_at, span) for i in line
                                 if i.status is not IdentityStatus.FOLLOWING),
                verified=sum(within(v.verified_at, span) for v in self.rows("verifications")
                             if v.status is VerificationStatus.LINKED),
                cases=by([c for c in self.rows("cases") if within(c.created_at, span)],
                         lambda c: c.procedure_id),
                certificates=sum(within(r.requested_at, span)
                                 for r in self.rows("certificate_requests")),
                benefits=by([a for a in self.rows("applications")
                             if within(a.confirmed_at, span)], lambda a: a.channel),
                started=by(talks, lambda c: c.procedure_id),
                completed=by([c for c in talks if c.status.value == "completed"],
                             lambda c: c.procedure_id)))
        return answers

    def kept_span(self) -> tuple[dt.date, dt.date] | None:
        months = sorted(self.tables["kpi_months"])
        return (months[0], months[-1]) if months else None

    def kept(self, first: dt.date, last: dt.date) -> dict[dt.date, MonthCounts]:
        return {m: c for m, c in self.tables["kpi_months"].items() if first <= m <= last}

    def kept_before(self, month: dt.date) -> MonthCounts:
        total = MonthCounts()
        for kept, counts in self.tables["kpi_months"].items():
            if kept < month:
                total = total.plus(counts)
        return total

    def first_event(self) -> dt.datetime | None:
        moments = [i.created_at for i in self.rows("channel_identities")
                   if i.channel == "line"] + [c.created_at for c in self.rows("cases")]
        return min(moments) if moments else None


class FakeSurveyQueries(_Over):
    def satisfaction_counts(self, *, since: str = "") -> Sequence[ScoreCount]:
        counted = _counted([(a.procedure_id, a.period, a.score)
                            for a in self.rows("survey_answers")
                            if a.survey_id == SATISFACTION and a.period >= since
                            and a.score is not None])
        return [ScoreCount(*key, count) for key, count in sorted(counted.items())]

    def survey_counts(self) -> dict[str, int]:
        return _counted([a.survey_id for a in self.rows("survey_answers")
                         if a.survey_id != SATISFACTION])

    def replies(self, survey_id: str) -> Sequence[SurveyReply]:
        return [SurveyReply(a.answered_at, a.score, dict(a.answers), a.resident_id)
                for a in sorted(self.rows("survey_answers"), key=lambda a: (a.answered_at, a.id))
                if a.survey_id == survey_id]


class FakeQueries:
    def __init__(self, tables: Tables) -> None:
        self.benefits = FakeBenefitQueries(tables)
        self.payments = FakePaymentQueries(tables)
        self.residents = FakeResidentQueries(tables)
        self.matching = FakeMatchingQueries(tables)
        self.certificates = FakeCertificateQueries(tables)
        self.messages = FakeMessageQueries(tables)
        self.staff = FakeStaffQueries(tables)
        self.figures = FakeFigureQueries(tables)
        self.segments = FakeSegmentQueries(tables)
        self.notices = FakeNoticeQueries(tables)
        self.kpi = FakeKpiQueries(tables)
        self.surveys = FakeSurveyQueries(tables)


def _text(payload: dict[str, Any]) -> str:
    """As the database query shows a message: its texts (or alternative texts), cut at 200."""
    texts = [m.get("text") or m.get("alt_text") or "" for m in payload.get("messages") or []]
    return " / ".join(t for t in texts if t)[:200]
