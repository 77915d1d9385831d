"""Consultations (相談, ADR 0046): the live side of a consultation case (one row per case) and
each department's opening hours for them. What was said is in the case's thread."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ID, metadata
from adapters.persistence.types import EnumValue, UTCDateTime
from domain.consultations import Consultation, ConsultationStatus, DepartmentHours

__all__ = ["consultations", "department_hours", "map_consultations"]

consultations = Table(
    "consultations", metadata,
    Column("id", ID, ForeignKey("cases.id"), primary_key=True),  # the case's id
    Column("department_id", ID, ForeignKey("departments.id")),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("in_hours", Boolean, nullable=False),
    Column("status", EnumValue(ConsultationStatus), nullable=False),
    Column("staff_id", String(128)),  # who took it: an actor id
    Column("taken_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Index("ix_consultations_status_department_id_requested_at",
          "status", "department_id", "requested_at"),
)

department_hours = Table(
    "department_hours", metadata,
    Column("id", ID, ForeignKey("departments.id"), primary_key=True),  # the department's id
    Column("weekdays", String(7), nullable=False),  # 月火水木金
    Column("opens", String(5), nullable=False),  # 8:30
    Column("closes", String(5), nullable=False),  # 17:15
)


def map_consultations(mappers: registry) -> None:
    mappers.map_imperatively(Consultation, consultations)
    mappers.map_imperatively(DepartmentHours, department_hours)
