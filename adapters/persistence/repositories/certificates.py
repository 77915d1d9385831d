"""The repository of certificate requests."""

from __future__ import annotations

from adapters.persistence.repositories.base import SqlPayableRepository
from domain.certificates import CertificateRequest

__all__ = ["SqlCertificateRequestRepository"]


class SqlCertificateRequestRepository(SqlPayableRepository):
    model = CertificateRequest
