"""Tables and the imperative mapping of domain classes onto them (`start_mappers`).

One module per bounded context holds that context's tables and maps its classes; `base`
holds what they share. Importing this package defines every table on `metadata` (which Alembic
compares with the migrations) before anything is mapped.
"""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.crypto import FieldCipher
from adapters.persistence.orm import (
    audit,
    benefits,
    cases,
    certificates,
    circulars,
    community,
    consultations,
    disbursements,
    fees,
    jobs,
    kpi,
    messaging,
    notices,
    procedures,
    residents,
    segments,
    staff,
    surveys,
    web,
    webhooks,
)
from adapters.persistence.orm.base import metadata
from adapters.persistence.types import cipher_slot

__all__ = [
    "audit",
    "benefits",
    "cases",
    "certificates",
    "circulars",
    "community",
    "consultations",
    "disbursements",
    "fees",
    "jobs",
    "kpi",
    "messaging",
    "metadata",
    "notices",
    "procedures",
    "residents",
    "segments",
    "staff",
    "start_mappers",
    "surveys",
    "web",
    "webhooks",
]

mapper_registry = registry()
_started = False


def start_mappers(cipher: FieldCipher) -> None:
    """Install the data cipher and map the domain classes (the mapping happens once a process;
    a second call only replaces the cipher)."""
    global _started
    cipher_slot.install(cipher)
    if _started:
        return
    _started = True
    residents.map_residents(mapper_registry)
    benefits.map_benefits(mapper_registry)
    disbursements.map_disbursements(mapper_registry)
    certificates.map_certificates(mapper_registry)
    staff.map_staff(mapper_registry)
    jobs.map_jobs(mapper_registry)
    messaging.map_messaging(mapper_registry)
    cases.map_cases(mapper_registry)
    consultations.map_consultations(mapper_registry)
    procedures.map_procedures(mapper_registry)
    fees.map_fees(mapper_registry)
    notices.map_notices(mapper_registry)
    kpi.map_kpi(mapper_registry)
    circulars.map_associations(mapper_registry)
    surveys.map_surveys(mapper_registry)
    webhooks.map_webhooks(mapper_registry)
