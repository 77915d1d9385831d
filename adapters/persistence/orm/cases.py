"""The town's inbox: departments (課), who belongs to them, cases and their threads (ADR 0042).
What residents wrote (the answers, their messages, staff replies and notes) is encrypted."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ENCRYPTED_TEXT, ID, metadata
from adapters.persistence.types import EncryptedJSON, EnumValue, JSONText, UTCDateTime
from domain.canned_replies import CannedReply
from domain.cases import (
    CaseEntry,
    CaseEntryKind,
    CaseStatus,
    Department,
    DepartmentMembership,
    InboxCase,
)

__all__ = ["canned_replies", "case_entries", "cases", "department_members", "departments",
           "map_cases"]

_ENCRYPTED_LIST = MutableList.as_mutable(EncryptedJSON(list, list))

departments = Table(
    "departments", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(50), nullable=False, unique=True),
    Column("alert_email", String(254)),
    Column("created_at", UTCDateTime),
)

department_members = Table(
    "department_members", metadata,
    Column("department_id", ID, ForeignKey("departments.id"), primary_key=True),
    Column("staff_id", ID, ForeignKey("staff_members.id"), primary_key=True, index=True),
)

cases = Table(
    "cases", metadata,
    Column("id", ID, primary_key=True),
    Column("number", String(16), nullable=False, unique=True),  # 受付番号 2026-000123
    Column("department_id", ID, ForeignKey("departments.id")),
    Column("procedure_id", String(64), nullable=False),
    Column("title", String(200), nullable=False),
    Column("identity_id", ID, ForeignKey("channel_identities.id"), nullable=False),
    Column("resident_id", ID, ForeignKey("residents.id")),
    Column("conversation_id", ID),
    Column("answers", _ENCRYPTED_LIST, nullable=False),
    Column("photos", MutableList.as_mutable(JSONText()), nullable=False),
    Column("status", EnumValue(CaseStatus), nullable=False),
    Column("assignee_id", String(128)),  # an actor id: a staff id, `api:…`, `cli:…`
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("erased_at", UTCDateTime),  # personal data erased after retention (ADR 0047)
    Column("holds_the_chat", Boolean, nullable=False),
    Column("resident_waiting", Boolean, nullable=False),
    Column("acknowledged", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("latitude", Float),  # the first place's point (ADR 0048): the map of open cases
    Column("longitude", Float),
    Index("ix_cases_department_id_status_created_at", "department_id", "status", "created_at"),
    Index("ix_cases_identity_id_holds_the_chat", "identity_id", "holds_the_chat"),
    Index("ix_cases_status_closed_at", "status", "closed_at"),
    Index("ix_cases_status_updated_at", "status", "updated_at"),  # untouched cases (ADR 0067)
    # newest first, of one's departments or of all (the inbox list and the map, ADR 0048)
    Index("ix_cases_department_id_created_at_id", "department_id", "created_at", "id"),
    Index("ix_cases_created_at_id", "created_at", "id"),
    Index("ix_cases_procedure_id", "procedure_id"),  # a procedure's capacity (ADR 0055)
)

case_entries = Table(
    "case_entries", metadata,
    Column("id", ID, primary_key=True),
    Column("case_id", ID, ForeignKey("cases.id"), nullable=False),
    Column("kind", EnumValue(CaseEntryKind), nullable=False),
    Column("text", ENCRYPTED_TEXT, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("photo_ref", String(128)),
    Column("staff_id", String(128)),  # who wrote a reply or note: an actor id
    Column("outbox_id", ID),
    # A staff form's key: the same reply submitted twice is one row (the second is refused).
    Column("request_key", String(64), unique=True),
    Index("ix_case_entries_case_id_at", "case_id", "at"),
)

# 定型文: a department's canned replies (ADR 0047); not personal data, so not encrypted.
canned_replies = Table(
    "canned_replies", metadata,
    Column("id", ID, primary_key=True),
    Column("department_id", ID, ForeignKey("departments.id"), nullable=False, index=True),
    Column("title", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(128), nullable=False),
)

def map_cases(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(Department, departments)
    m(DepartmentMembership, department_members)
    m(InboxCase, cases, version_id_col=cases.c.version)
    m(CaseEntry, case_entries)
    m(CannedReply, canned_replies)
