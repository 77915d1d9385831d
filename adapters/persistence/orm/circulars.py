"""回覧板 (circulars) a 自治会長 sends their association's members and who read each one, and
the mapping of the association classes onto their tables (`community.py` holds those tables,
which segments read too). ADR 0057."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ID, metadata, writes_after
from adapters.persistence.orm.community import association_members, associations
from adapters.persistence.types import UTCDateTime
from domain.associations import Association, AssociationMember, Circular, CircularRead

__all__ = ["circular_reads", "circulars", "map_associations"]

circulars = Table(
    "circulars", metadata,
    Column("id", ID, primary_key=True),
    Column("association_id", ID, ForeignKey("associations.id"), nullable=False),
    Column("title", String(60), nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_by", ID, ForeignKey("staff_members.id"), nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
    Index("ix_circulars_association_id", "association_id", "sent_at"),
)

# One row per member who tapped 「読みました」: the pair is the key, so a second tap (or a
# redelivered one) cannot count twice.
circular_reads = Table(
    "circular_reads", metadata,
    Column("circular_id", ID, ForeignKey("circulars.id"), primary_key=True),
    Column("member_id", ID, ForeignKey("association_members.id"), primary_key=True),
    Column("read_at", UTCDateTime, nullable=False),
)


def map_associations(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(Association, associations, version_id_col=associations.c.version)
    m(AssociationMember, association_members, properties={
        "_association": writes_after(Association, association_members.c.association_id)})
    m(Circular, circulars, properties={
        "_association": writes_after(Association, circulars.c.association_id)})
    m(CircularRead, circular_reads, properties={
        "_circular": writes_after(Circular, circular_reads.c.circular_id),
        "_member": writes_after(AssociationMember, circular_reads.c.member_id)})
