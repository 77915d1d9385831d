"""Benefit programs' lists and counts for people to read (staff pages, the API)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from adapters.persistence.database import without_jit
from adapters.persistence.orm.benefits import applications, benefit_programs, eligible_households
from adapters.persistence.orm.disbursements import disbursements, payment_batches
from adapters.persistence.orm.messaging import channel_identities, outbox
from adapters.persistence.orm.residents import household_members, households, residents
from adapters.persistence.queries.rows import plain
from application.messaging.outbox import OutboxStatus
from application.ports.queries import ApplicationFilter, ApplicationLine
from domain.benefits import Application, ApplicationStatus, BenefitProgram
from domain.channels import IdentityStatus
from domain.disbursements import DisbursementStatus
from domain.eligibility import Campaign
from domain.residents import VerificationState

__all__ = ["SqlBenefitQueries"]


class SqlBenefitQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def programs(self) -> Sequence[BenefitProgram]:
        return self.session.scalars(
            select(BenefitProgram).order_by(BenefitProgram.window_opens_at.desc(),
                                            BenefitProgram.name)).all()

    def applications(self, program_id: str, wanted: ApplicationFilter) -> Sequence[Application]:
        query = select(Application).where(Application.program_id == program_id)
        if wanted.statuses:
            query = query.where(Application.status.in_(list(wanted.statuses)))
        if wanted.channel:
            query = query.where(Application.channel == wanted.channel)
        if wanted.awaiting_account_check is not None:
            awaiting = and_(applications.c.passbook_photo.is_not(None),
                            applications.c.account_checked_at.is_(None))
            query = query.where(awaiting if wanted.awaiting_account_check else ~awaiting)
        query = _searched(query, wanted)
        if wanted.after_id is not None:  # keyset: by id, after the cursor's
            return self.session.scalars(
                query.where(Application.id > wanted.after_id).order_by(Application.id)
                .limit(wanted.limit)).all()
        return self.session.scalars(
            query.order_by(Application.confirmed_at, Application.id)
            .limit(wanted.limit).offset(wanted.offset)).all()

    def application_counts(self, program_id: str) -> dict[ApplicationStatus, int]:
        rows = self.session.execute(
            select(applications.c.status, func.count())
            .where(applications.c.program_id == program_id)
            .group_by(applications.c.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def notice_outcomes(self, program_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(outbox.c.status, func.count())
            .select_from(applications.join(outbox, outbox.c.id == applications.c.notice_message_id))
            .where(applications.c.program_id == program_id,  # the noticed only, by an index
                   applications.c.notice_message_id.is_not(None))
            .group_by(outbox.c.status)).all()
        return {status.value: count for status, count in rows}

    def notice_deliveries(self, program_id: str) -> dict[tuple[str, str], int]:
        """The program's notices, with the rows that carried them on to other rungs, by
        (channel, delivery status value)."""
        rows = self.session.execute(
            select(outbox.c.channel, outbox.c.delivery_status, func.count())
            .select_from(applications.join(outbox, or_(
                outbox.c.id == applications.c.notice_message_id,
                outbox.c.fallback_of == applications.c.notice_message_id)))
            .where(applications.c.program_id == program_id,
                   applications.c.notice_message_id.is_not(None))
            .group_by(outbox.c.channel, outbox.c.delivery_status)).all()
        return {(channel, status.value): count for channel, status, count in rows}

    def campaigns(self, program_id: str) -> Sequence[Campaign]:
        return self.session.scalars(
            select(Campaign).where(Campaign.program_id == program_id)
            .order_by(Campaign.started_at.desc())).all()

    def eligible_count(self, program_id: str) -> int:
        return self.session.scalar(
            select(func.count()).select_from(eligible_households)
            .where(eligible_households.c.program_id == program_id)) or 0

    def reach_counts(self, program_id: str, channels: Sequence[str]) -> dict[str, int]:
        without_jit(self.session)  # its estimate passes JIT's threshold: compiling cost 0.58 s
        rung = self._rung(channels).label("rung")
        each = self._eligible(program_id).add_columns(rung).subquery()
        rows = self.session.execute(
            select(each.c.rung, func.count()).group_by(each.c.rung)).all()
        return {str(name): int(count) for name, count in rows}

    def reach_page(self, program_id: str, channels: Sequence[str], category: str, *,
                   after: str, limit: int) -> Sequence[str]:
        rung = self._rung(channels)
        wanted = rung.in_(list(channels)) if category == "to_notify" else rung == category
        return self.session.scalars(
            self._eligible(program_id)
            .where(wanted, eligible_households.c.household_id > after)
            .order_by(eligible_households.c.household_id).limit(limit)).all()

    @staticmethod
    def _eligible(program_id: str):  # type: ignore[no-untyped-def]
        """The program's eligible households with their current head and their application
        (if any): what every reach figure is counted from."""
        return (select(eligible_households.c.household_id)
                .select_from(eligible_households
                             .join(households,
                                   households.c.id == eligible_households.c.household_id)
                             .outerjoin(applications, and_(
                                 applications.c.program_id == eligible_households.c.program_id,
                                 applications.c.household_id
                                 == eligible_households.c.household_id)))
                .where(eligible_households.c.program_id == program_id))

    @staticmethod
    def _rung(channels: Sequence[str]) -> ColumnElement[str]:
        """notified (a notice went, and reaches or may still reach them), applied (an
        application without a notice: paper, counter), the channel of the ladder a notice would
        go on (no application; the first channel on which the verified head follows the town)
        or postal (no application and nobody to message, or a notice not answered that failed
        on every rung of the ladder: ADR 0041): one per household."""

        def reachable_on(channel: str) -> ColumnElement[bool]:
            return (select(channel_identities.c.id)
                    .join(residents, residents.c.id == channel_identities.c.resident_id)
                    .where(channel_identities.c.resident_id == households.c.head_resident_id,
                           channel_identities.c.channel == channel,
                           channel_identities.c.status == IdentityStatus.FOLLOWING,
                           residents.c.verification_state == VerificationState.VERIFIED)
                    .exists())

        still_going = (select(outbox.c.id)
                       .where(or_(outbox.c.id == applications.c.notice_message_id,
                                  outbox.c.fallback_of == applications.c.notice_message_id),
                              outbox.c.status != OutboxStatus.FAILED)
                       .exists())
        return case(
            (and_(applications.c.notice_message_id.is_not(None),
                  applications.c.status == ApplicationStatus.NOTIFIED, ~still_going), "postal"),
            (applications.c.notice_message_id.is_not(None), "notified"),
            (applications.c.id.is_not(None), "applied"),
            *((reachable_on(channel), channel) for channel in channels),
            else_="postal")

    def unanswered_page(self, program_id: str, *, after: str, limit: int) -> Sequence[str]:
        return self.session.scalars(
            select(applications.c.household_id)
            .where(*self._unanswered(program_id), applications.c.household_id > after)
            .order_by(applications.c.household_id).limit(limit)).all()

    def unanswered_count(self, program_id: str) -> int:
        return self.session.scalar(
            select(func.count()).select_from(applications)
            .where(*self._unanswered(program_id))) or 0

    @staticmethod
    def _unanswered(program_id: str) -> tuple[ColumnElement[bool], ...]:
        return (applications.c.program_id == program_id,
                applications.c.status == ApplicationStatus.NOTIFIED,
                applications.c.notice_message_id.is_not(None))

    def withdrawal_blockers(self, program_id: str) -> Sequence[tuple[int, str]]:
        """(number, state value) of the batches still holding a live payment of the program
        (registered or in a file whose result has not come back), by number."""
        rows = self.session.execute(
            select(payment_batches.c.number, payment_batches.c.state).distinct()
            .select_from(disbursements
                         .join(applications, applications.c.id == disbursements.c.application_id)
                         .join(payment_batches, payment_batches.c.id == disbursements.c.batch_id))
            .where(applications.c.program_id == program_id,
                   disbursements.c.status.in_([DisbursementStatus.BATCHED,
                                               DisbursementStatus.EXPORTED]))
            .order_by(payment_batches.c.number)).all()
        return [(int(number), plain(state)) for number, state in rows]

    def household_applications(self, household_number: str) -> Sequence[ApplicationLine]:
        a, p, h = applications.c, benefit_programs.c, households.c
        statement = (select(a.id, p.name, a.status, a.channel, a.amount, a.confirmed_at,
                            a.decided_at)
                     .join(benefit_programs, p.id == a.program_id)
                     .join(households, h.id == a.household_id)
                     .where(h.household_number == household_number).order_by(p.name))
        return [ApplicationLine(application_id=row[0], program_name=row[1],
                                status=plain(row[2]), channel=row[3],
                                amount_yen=getattr(row[4], "yen", row[4]),
                                confirmed_at=row[5], decided_at=row[6])
                for row in self.session.execute(statement)]


def _searched(query, wanted: ApplicationFilter):  # type: ignore[no-untyped-def]
    """Narrowed to the households the search names (each by an indexed column)."""
    if wanted.household_number:
        query = query.where(Application.household_id.in_(
            select(households.c.id)
            .where(households.c.household_number == wanted.household_number)))
    member = []
    if wanted.resident_number:
        member.append(residents.c.resident_number == wanted.resident_number)
    if wanted.person_keys or wanted.reading_keys:
        member.append(or_(residents.c.match_person.in_(list(wanted.person_keys)),
                          residents.c.match_reading.in_(list(wanted.reading_keys))))
    if member:
        query = query.where(Application.household_id.in_(
            select(household_members.c.household_id)
            .join(residents, residents.c.id == household_members.c.resident_id)
            .where(*member)))
    return query
