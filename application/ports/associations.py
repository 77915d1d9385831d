"""The repositories of 自治会・町内会, their members and the 回覧板 sent to them (ADR 0057)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.associations import Association, AssociationMember, Circular, CircularRead

__all__ = ["AssociationRepository", "CircularRepository"]


class AssociationRepository(Protocol):
    def add(self, association: Association) -> None: ...
    def get(self, association_id: str) -> Association | None: ...
    def get_by_name(self, name: str) -> Association | None: ...

    def every(self) -> Sequence[Association]:
        """All of the town's associations, by name."""
        ...

    def add_member(self, member: AssociationMember) -> None: ...
    def member(self, member_id: str) -> AssociationMember | None: ...
    def remove_member(self, member: AssociationMember) -> None: ...

    def members(self, association_id: str) -> Sequence[AssociationMember]:
        """The association's members, in the order they joined."""
        ...

    def members_page(self, association_id: str, *, after: str | None,
                     limit: int) -> Sequence[AssociationMember]:
        """At most `limit` of the association's members in the order they joined, those after
        the member `after` (None: from the first; an id not of this association: none)."""
        ...

    def member_counts(self) -> dict[str, int]:
        """How many members each association has, by association id (one counting query, no
        member read: none with no members)."""
        ...

    def memberships(self, *, resident_id: str | None = None,
                    identity_id: str | None = None) -> Sequence[AssociationMember]:
        """The memberships of one resident, or of one identity not linked to a resident."""
        ...


class CircularRepository(Protocol):
    def add(self, circular: Circular) -> None: ...
    def get(self, circular_id: str) -> Circular | None: ...

    def of_association(self, association_id: str) -> Sequence[Circular]:
        """The association's circulars, newest first."""
        ...

    def add_read(self, read: CircularRead) -> None: ...
    def read(self, circular_id: str, member_id: str) -> CircularRead | None: ...

    def forget_member(self, member_id: str) -> None:
        """Delete the reads of a member who leaves (before the member goes)."""
        ...

    def reads(self, circular_ids: Sequence[str]) -> Sequence[CircularRead]:
        """Every read of these circulars."""
        ...
