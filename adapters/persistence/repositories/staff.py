"""Repositories of staff members, their sign-in state and API keys."""

from __future__ import annotations

from adapters.persistence.repositories.base import SqlRepository
from domain.access import ApiKey
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn

__all__ = ["SqlApiKeyRepository", "SqlStaffRepository", "SqlStaffSignInRepository"]


class SqlStaffRepository(SqlRepository):
    model = StaffMember

    def get_by_login_id(self, login_id: str) -> StaffMember | None:
        return self._one(StaffMember.login_id == login_id)


class SqlApiKeyRepository(SqlRepository):
    model = ApiKey

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._one(ApiKey.key_hash == key_hash)


class SqlStaffSignInRepository(SqlRepository):
    model = StaffSignIn
