"""Repositories of 自治会・町内会, their members and their 回覧板 (ADR 0057)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, func, or_, select

from adapters.persistence.orm.community import association_members
from adapters.persistence.repositories.base import SqlRepository
from domain.associations import Association, AssociationMember, Circular, CircularRead

__all__ = ["SqlAssociationRepository", "SqlCircularRepository"]


class SqlAssociationRepository(SqlRepository):
    model = Association

    def get_by_name(self, name: str) -> Association | None:
        return self._one(Association.name == name)

    def every(self) -> Sequence[Association]:
        found = self.session.scalars(select(Association).order_by(Association.name)).all()
        self.tracked.update(found)
        return found

    def add_member(self, member: AssociationMember) -> None:
        self.session.add(member)

    def member(self, member_id: str) -> AssociationMember | None:
        return self.session.get(AssociationMember, member_id)

    def remove_member(self, member: AssociationMember) -> None:
        self.session.delete(member)

    def members(self, association_id: str) -> Sequence[AssociationMember]:
        return self.session.scalars(
            select(AssociationMember).where(AssociationMember.association_id == association_id)
            .order_by(AssociationMember.joined_at, AssociationMember.id)).all()

    def members_page(self, association_id: str, *, after: str | None,
                     limit: int) -> Sequence[AssociationMember]:
        """Keyset paging on (joined_at, id) over ix_association_members_joined (ADR 0067)."""
        m = association_members.c
        query = select(AssociationMember).where(m.association_id == association_id)
        if after is not None:
            joined = self.session.scalar(select(m.joined_at).where(
                m.id == after, m.association_id == association_id))
            if joined is None:
                return []
            query = query.where(or_(m.joined_at > joined,
                                    and_(m.joined_at == joined, m.id > after)))
        return self.session.scalars(query.order_by(m.joined_at, m.id).limit(limit)).all()

    def member_counts(self) -> dict[str, int]:
        m = association_members.c
        return {association_id: int(count) for association_id, count in self.session.execute(
            select(m.association_id, func.count()).group_by(m.association_id))}

    def memberships(self, *, resident_id: str | None = None,
                    identity_id: str | None = None) -> Sequence[AssociationMember]:
        if resident_id is None and identity_id is None:
            return []
        column = (AssociationMember.resident_id if resident_id is not None
                  else AssociationMember.identity_id)
        return self.session.scalars(
            select(AssociationMember).where(column == (resident_id or identity_id))).all()


class SqlCircularRepository(SqlRepository):
    model = Circular

    def of_association(self, association_id: str) -> Sequence[Circular]:
        return self.session.scalars(
            select(Circular).where(Circular.association_id == association_id)
            .order_by(Circular.sent_at.desc(), Circular.id)).all()

    def add_read(self, read: CircularRead) -> None:
        self.session.add(read)

    def read(self, circular_id: str, member_id: str) -> CircularRead | None:
        return self.session.get(CircularRead, (circular_id, member_id))

    def forget_member(self, member_id: str) -> None:
        self.session.execute(delete(CircularRead).where(CircularRead.member_id == member_id))

    def reads(self, circular_ids: Sequence[str]) -> Sequence[CircularRead]:
        if not circular_ids:
            return []
        return self.session.scalars(
            select(CircularRead).where(CircularRead.circular_id.in_(list(circular_ids)))).all()
