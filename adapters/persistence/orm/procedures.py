"""Procedures staff build (ADR 0055): the draft they edit, and every version they published
(never changed afterwards: residents finish on the version they started). Templates, not
personal data, so not encrypted."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import metadata
from adapters.persistence.types import JSONText, UTCDateTime
from domain.built_procedures import BuiltProcedure

__all__ = ["built_procedures", "map_procedures", "procedure_versions"]

built_procedures = Table(
    "built_procedures", metadata,
    Column("id", String(64), primary_key=True),  # what residents' buttons carry: start:<id>
    Column("title", String(100), nullable=False),
    Column("draft", MutableDict.as_mutable(JSONText()), nullable=False),
    Column("channels", MutableList.as_mutable(JSONText()), nullable=False),
    Column("menu_label", String(40), nullable=False),
    Column("menu_order", Integer),
    Column("published_version", Integer),
    Column("published_at", UTCDateTime),
    Column("draft_changed", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("trial_code", String(16), unique=True),
    Column("trial_expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(128), nullable=False),
    Column("version", Integer, nullable=False),
)

procedure_versions = Table(
    "procedure_versions", metadata,
    Column("procedure_id", String(64), ForeignKey("built_procedures.id"), primary_key=True),
    Column("number", Integer, primary_key=True),  # one row per version: the key says so
    Column("template", Text, nullable=False),  # the template as published (JSON)
    Column("published_at", UTCDateTime, nullable=False),
    Column("published_by", String(128), nullable=False),
)


def map_procedures(mappers: registry) -> None:
    mappers.map_imperatively(BuiltProcedure, built_procedures,
                             version_id_col=built_procedures.c.version)
