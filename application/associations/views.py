"""What staff and a 自治会長 read of the associations. A leader's view holds only their own
association, and of each member only the name, whether the town can reach them and whether they
read each circular: never an address, a birth date or a contact (ADR 0057). Every look at
members' names is audited in its own transaction."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.associations.common import association_or_refuse, leaders_association
from application.associations.reach import recipients
from application.audit.recording import record
from application.messaging.telling import Telling
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.associations import Association, AssociationMember, Circular
from domain.errors import NotFound

__all__ = ["MEMBER_PAGE", "AssociationLine", "AssociationPage", "CircularLine", "LeaderPage",
           "MemberLine", "association_lines", "association_page", "leader_circular", "leader_page"]

ON_PAPER = "連絡手段なし（紙で回覧）"
MEMBER_PAGE = 100  # members on a page of staff's association page


@frozen
class AssociationLine:
    association: Association
    members: int


@frozen
class MemberLine:
    id: str
    name: str
    source: str  # "list" or "chat"
    reachable: bool


@frozen
class CircularLine:
    circular: Circular
    read: int
    members: int
    unread: tuple[str, ...] = field(converter=tuple)  # names of who has not read it yet
    read_by: frozenset[str] = field(converter=frozenset)  # member ids who read it


@frozen
class AssociationPage:
    """One page of the members (MEMBER_PAGE, in the order they joined) of `total`;
    `next_after`: the last member's id when more follow (the next page's cursor)."""
    association: Association
    members: tuple[MemberLine, ...] = field(converter=tuple)
    leaders: tuple[str, ...] = field(converter=tuple)  # the leaders' login ids
    total: int = 0
    next_after: str | None = None


@frozen
class LeaderPage:
    association: Association
    members: tuple[MemberLine, ...] = field(converter=tuple)
    circulars: tuple[CircularLine, ...] = field(converter=tuple)


def association_lines(*, actor: Actor, uow: UnitOfWork) -> list[AssociationLine]:
    """The town's associations with how many members each has (no names: not audited)."""
    actor.ensure(Permission.SEND_NOTICES, "自治会・町内会を見ることは")
    with uow:
        counts = uow.associations.member_counts()
        return [AssociationLine(a, counts.get(a.id, 0)) for a in uow.associations.every()]


def _member_lines(uow: UnitOfWork, telling: Telling, association: Association,
                  members: Sequence[AssociationMember] | None = None) -> list[MemberLine]:
    if members is None:
        members = uow.associations.members(association.id)
    reached = recipients(uow, telling, members)
    return [MemberLine(id=m.id, name=m.name, source=m.source, reachable=m.id in reached)
            for m in members]


def association_page(association_id: str, *, actor: Actor, uow: UnitOfWork, telling: Telling,
                     clock: Clock, after: str | None = None) -> AssociationPage:
    """Staff's page of one association: a page of its members' names (audited; `after`: the
    member the page follows) and its leaders."""
    actor.ensure(Permission.SEND_NOTICES, "自治会・町内会の会員を見ることは")
    with uow:
        association = association_or_refuse(uow, association_id)
        found = uow.associations.members_page(association.id, after=after,
                                              limit=MEMBER_PAGE + 1)
        members = _member_lines(uow, telling, association, found[:MEMBER_PAGE])
        total = uow.associations.member_counts().get(association.id, 0)
        leaders = sorted(s.login_id for s in uow.staff.leaders_of(association.id))
        record(uow, actor, "association.view_members", "association", association.id,
               at=clock.now(), members=len(members))
        uow.commit()
    return AssociationPage(association, members, leaders, total=total,
                           next_after=members[-1].id if len(found) > MEMBER_PAGE else None)


def leader_page(*, actor: Actor, uow: UnitOfWork, telling: Telling,
                clock: Clock) -> LeaderPage:
    """The 自治会長's page: their association's members (name, reachable) and each circular with
    its read count and who has not read it. Audited."""
    with uow:
        association = leaders_association(uow, actor)
        members = _member_lines(uow, telling, association)
        circulars = uow.circulars.of_association(association.id)
        reads: dict[str, set[str]] = {}
        for read in uow.circulars.reads([c.id for c in circulars]):
            reads.setdefault(read.circular_id, set()).add(read.member_id)
        lines = []
        for circular in circulars:
            read_by = reads.get(circular.id, set()) & {m.id for m in members}
            lines.append(CircularLine(circular=circular, read=len(read_by),
                                      members=len(members),
                                      unread=[m.name for m in members if m.id not in read_by],
                                      read_by=read_by))
        record(uow, actor, "circular.view", "association", association.id, at=clock.now(),
               members=len(members))
        uow.commit()
    return LeaderPage(association, members, lines)


def leader_circular(circular_id: str, page: LeaderPage) -> CircularLine:
    """One circular of the leader's page; another association's (an id changed in a URL) is
    not found, exactly like one that does not exist."""
    found = next((line for line in page.circulars if line.circular.id == circular_id), None)
    if found is None:
        raise NotFound("その回覧板はありません。", code="circular_not_found")
    return found
