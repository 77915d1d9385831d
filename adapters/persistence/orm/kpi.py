"""The report's own table — the service's costs staff enter per month or year — and the
indexes the report's monthly counts read (ADR 0060): each count is a range of one index, read
without touching the table."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import metadata
from adapters.persistence.orm.benefits import applications
from adapters.persistence.orm.cases import cases
from adapters.persistence.orm.certificates import certificate_requests
from adapters.persistence.orm.messaging import channel_identities, conversations
from adapters.persistence.orm.residents import identity_verifications
from adapters.persistence.orm.surveys import survey_answers
from adapters.persistence.types import UTCDateTime
from domain.service_costs import ServiceCost

__all__ = ["KPI_INDEXES", "kpi_month_counts", "kpi_months", "map_kpi", "service_costs"]

service_costs = Table(
    "service_costs", metadata,
    Column("period", String(7), primary_key=True),  # "2026-11" or "2026"
    Column("running_cost_yen", Integer, nullable=False),
    Column("staff_hours", Integer, nullable=False),
    Column("hourly_cost_yen", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(128), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # two admins: one wins
)

# Months kept counted (ADR 0060): derived from the tables above once a month is settled, so the
# report reads a few rows per month instead of counting every row again.
kpi_months = Table(
    "kpi_months", metadata,
    Column("month", String(7), primary_key=True),  # "2026-11" (Japan)
    Column("counted_at", UTCDateTime, nullable=False),
)

kpi_month_counts = Table(
    "kpi_month_counts", metadata,
    Column("month", String(7), ForeignKey("kpi_months.month", ondelete="CASCADE"),
           primary_key=True),
    Column("figure", String(32), primary_key=True),  # "friends_added", "cases", ...
    Column("key", String(64), primary_key=True),  # a procedure id, a channel, or ""
    Column("value", Integer, nullable=False),
)

_ci, _iv, _cs = channel_identities.c, identity_verifications.c, cases.c
_cr, _ap, _cv, _sa = certificate_requests.c, applications.c, conversations.c, survey_answers.c
KPI_INDEXES = (
    Index("ix_channel_identities_channel_created_at", _ci.channel, _ci.created_at),
    Index("ix_channel_identities_kpi_status_changed_at", _ci.channel, _ci.status,
          _ci.status_changed_at),
    Index("ix_identity_verifications_status_verified_at", _iv.status, _iv.verified_at),
    Index("ix_cases_created_at_procedure_id", _cs.created_at, _cs.procedure_id),
    Index("ix_certificate_requests_requested_at", _cr.requested_at),
    Index("ix_applications_confirmed_at_channel", _ap.confirmed_at, _ap.channel),
    Index("ix_conversations_kpi_started_at", _cv.started_at,
          _cv.procedure_id, _cv.procedure_version, _cv.status),
    Index("ix_survey_answers_survey_id_answered_at_score", _sa.survey_id, _sa.answered_at,
          _sa.score),
)


def map_kpi(m: registry) -> None:
    m.map_imperatively(ServiceCost, service_costs, version_id_col=service_costs.c.version)
