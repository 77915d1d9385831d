"""Segments in SQL (ADR 0056): a condition compiled to one statement, the same on SQLite and
PostgreSQL.

The people are two sides: registry residents still in the registry (with their profile, the
identities linked to them, their household), and channel identities no resident is linked to
(someone the registry does not know). A condition becomes a WHERE clause on each side; on the
identity side a registry condition (area, age, sex, household, a program) is NULL, SQL's
unknown, which stays unknown under NOT and filters the person out: "not in 2丁目" never
reaches someone whose address the town does not know."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Boolean,
    ColumnElement,
    and_,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause, Select

from adapters.persistence.orm.benefits import applications, eligible_households
from adapters.persistence.orm.community import (
    association_members,
    associations,
    interest_subscriptions,
)
from adapters.persistence.orm.messaging import channel_identities
from adapters.persistence.orm.residents import residents
from adapters.persistence.orm.segments import resident_profiles
from application.ports.segment_queries import SegmentMember
from domain.channels import LADDER_CHANNELS, IdentityStatus
from domain.residents import RegistryStatus, VerificationState
from domain.segments import (
    Age,
    All,
    AnyOf,
    AppliedTo,
    Area,
    Condition,
    EligibleFor,
    HasChannel,
    HouseholdMember,
    HouseholdSize,
    Interest,
    MemberOf,
    Not,
    SexIs,
    Verified,
)

__all__ = ["SqlSegmentQueries", "identity_clause", "resident_clause"]

_r = residents
_p = resident_profiles
_i = channel_identities


def _unknown() -> ColumnElement[bool]:
    return cast(null(), Boolean)


def _between(column: ColumnElement[int], low: int | None,
             high: int | None) -> ColumnElement[bool]:
    parts = []
    if low is not None:
        parts.append(column >= low)
    if high is not None:
        parts.append(column <= high)
    return and_(*parts)


def _combined(condition: Condition, side: object) -> ColumnElement[bool] | None:
    clause = resident_clause if side == "r" else identity_clause
    match condition:
        case All(parts):
            return and_(*(clause(part) for part in parts))
        case AnyOf(parts):
            return or_(*(clause(part) for part in parts))
        case Not(part):
            return not_(clause(part))
    return None


def _of_household(column: ColumnElement[str], households: Select) -> ColumnElement[bool]:
    """The resident's household is one of `households` (none: false, never unknown)."""
    return and_(_p.c.household_id.is_not(None), _p.c.household_id.in_(
        households.where(column.is_not(None))))


def _resident_among(column: ColumnElement[str], ids: Select) -> ColumnElement[bool]:
    # IN (an uncorrelated subquery): read once, a hash or a temporary index the scan looks up,
    # where EXISTS would run a query per resident. NULLs are kept out (x IN (…, NULL) is
    # unknown, not false, and would stay unknown under NOT).
    return _r.c.id.in_(ids.where(column.is_not(None)))


def resident_clause(condition: Condition) -> ColumnElement[bool]:
    """The condition on a registry resident (`residents` joined to its `resident_profiles`)."""
    combined = _combined(condition, "r")
    if combined is not None:
        return combined
    match condition:
        case Area(areas):
            return _p.c.area.in_(list(areas))
        case Age() as age:
            return _between(_p.c.birth_month, *age.birth_months())
        case SexIs(sex):
            return _p.c.sex == sex
        case HouseholdSize(low, high):
            return _between(_p.c.household_size, low, high)
        case HouseholdMember() as member:
            other = resident_profiles.alias("household_member")
            person = residents.alias("household_person")  # a member still in the registry
            of_person = other.join(person, person.c.id == other.c.resident_id)
            return _of_household(other.c.household_id, select(other.c.household_id)
                                 .select_from(of_person)
                                 .where(person.c.registry_status == RegistryStatus.RESIDENT,
                                        _between(other.c.birth_month, *member.birth_months())))
        case Verified(value):
            verified = _r.c.verification_state == VerificationState.VERIFIED
            return verified if value else not_(verified)
        case HasChannel(channel):
            return _resident_among(_i.c.resident_id, select(_i.c.resident_id).where(
                _i.c.channel == channel, _i.c.status == IdentityStatus.FOLLOWING))
        case EligibleFor(program_id):
            return _of_household(eligible_households.c.household_id,
                                 select(eligible_households.c.household_id)
                                 .where(eligible_households.c.program_id == program_id))
        case AppliedTo(program_id):
            return _of_household(applications.c.household_id,
                                 select(applications.c.household_id)
                                 .where(applications.c.program_id == program_id))
        case Interest(key):
            return _resident_among(_i.c.resident_id, select(_i.c.resident_id).select_from(
                interest_subscriptions.join(_i, _i.c.id == interest_subscriptions.c.identity_id))
                .where(interest_subscriptions.c.interest_key == key))
        case MemberOf(association_id):
            members = association_members
            by_identity = (select(_i.c.resident_id)
                           .select_from(members.join(_i, _i.c.id == members.c.identity_id))
                           .where(members.c.association_id == association_id))
            return or_(_resident_among(members.c.resident_id, select(members.c.resident_id)
                                       .where(members.c.association_id == association_id)),
                       _resident_among(_i.c.resident_id, by_identity))
    raise TypeError(f"not a condition: {condition!r}")


def identity_clause(condition: Condition) -> ColumnElement[bool]:
    """The condition on a channel identity no resident is linked to."""
    combined = _combined(condition, "i")
    if combined is not None:
        return combined
    match condition:
        case Area() | Age() | SexIs() | HouseholdSize() | HouseholdMember() | EligibleFor() \
                | AppliedTo():
            return _unknown()
        case Verified(value):
            return false() if value else true()
        case HasChannel(channel):
            return and_(_i.c.channel == channel, _i.c.status == IdentityStatus.FOLLOWING)
        case Interest(key):
            return exists().where(interest_subscriptions.c.interest_key == key,
                                  interest_subscriptions.c.identity_id == _i.c.id)
        case MemberOf(association_id):
            return exists().where(association_members.c.association_id == association_id,
                                  association_members.c.identity_id == _i.c.id)
    raise TypeError(f"not a condition: {condition!r}")


def _unknown_person() -> ColumnElement[bool]:
    """An identity no resident is linked to, that the town can still push to (a LINE friend, a
    number or an address that still follows it): a blocked friend or an anonymous visit of the
    web page is nobody a notice can reach, so no segment counts it."""
    return and_(_i.c.resident_id.is_(None), _i.c.channel.in_(LADDER_CHANNELS),
                _i.c.status == IdentityStatus.FOLLOWING)


def _in_registry() -> ColumnElement[bool]:
    return _r.c.registry_status == RegistryStatus.RESIDENT


def _resident_side(condition: Condition) -> tuple[FromClause, ColumnElement[bool]]:
    return (_r.outerjoin(_p, _p.c.resident_id == _r.c.id),
            and_(_in_registry(), resident_clause(condition)))


class SqlSegmentQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, condition: Condition) -> int:
        joined, where = _resident_side(condition)
        registry = select(func.count()).select_from(joined).where(where).scalar_subquery()
        unknown = (select(func.count()).select_from(_i)
                   .where(_unknown_person(), identity_clause(condition))
                   .scalar_subquery())
        return int(self.session.execute(select(registry + unknown)).scalar_one())

    def members(self, condition: Condition, *, after: str | None, limit: int
                ) -> Sequence[SegmentMember]:
        side, _, last = (after or "").partition(":")
        joined, where = _resident_side(condition)
        registry = select(literal(1).label("side"), _r.c.id.label("id")).select_from(joined)
        registry = registry.where(where, _r.c.id > last if side == "r" else true())
        unknown = (select(literal(0).label("side"), _i.c.id.label("id"))
                   .where(_unknown_person(), identity_clause(condition),
                          _i.c.id > last if side == "i" else true()))
        if side == "r":
            unknown = unknown.where(false())
        pages = [part.order_by("id").limit(limit).subquery() for part in (unknown, registry)]
        both = union_all(*(select(page.c.side, page.c.id) for page in pages)).subquery()
        rows = self.session.execute(
            select(both.c.side, both.c.id).order_by(both.c.side, both.c.id).limit(limit)).all()
        return [SegmentMember(key=f"r:{id_}", resident_id=id_, identity_id=None) if side_ == 1
                else SegmentMember(key=f"i:{id_}", resident_id=None, identity_id=id_)
                for side_, id_ in rows]

    def areas(self) -> Sequence[tuple[str, int]]:
        """The registry's residents by area: every profile of the area, counted from the area
        index alone, less the few whose resident is not in the registry (moved out, deceased…,
        found by the registry status index) — not a join of every profile to its resident
        (ADR 0067)."""
        every = self.session.execute(
            select(_p.c.area, func.count()).where(_p.c.area != "")
            .group_by(_p.c.area).order_by(_p.c.area)).all()
        gone = dict(self.session.execute(  # type: ignore[arg-type]
            select(_p.c.area, func.count())
            .where(_p.c.resident_id.in_(select(_r.c.id).where(_r.c.registry_status.in_(
                [s for s in RegistryStatus if s is not RegistryStatus.RESIDENT]))),
                   _p.c.area != "")
            .group_by(_p.c.area)).all())
        return [(area, int(count) - int(gone.get(area, 0))) for area, count in every
                if int(count) > int(gone.get(area, 0))]

    def associations(self) -> Sequence[tuple[str, str]]:
        rows = self.session.execute(select(associations.c.id, associations.c.name)
                                    .order_by(associations.c.name)).all()
        return [(id_, name) for id_, name in rows]
