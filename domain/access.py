"""Who may do what: permissions, the roles that hold them, and integrator API keys.

Deny by default: a permission not listed for a role is refused.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define

from domain.errors import InvalidValue
from domain.staff import Role

__all__ = ["ROLE_PERMISSIONS", "ApiKey", "Permission", "allows"]


class Permission(enum.Enum):
    VIEW_PROGRAMS = "view_programs"
    MANAGE_PROGRAMS = "manage_programs"
    VIEW_RESIDENTS = "view_residents"  # personal data: every look is audited
    HANDLE_APPLICATIONS = "handle_applications"
    REVIEW_VERIFICATIONS = "review_verifications"  # link a verification to a registry person
    DECIDE_APPLICATIONS = "decide_applications"
    APPROVE_BATCHES = "approve_batches"
    VIEW_JOBS = "view_jobs"
    ADMINISTER = "administer"
    VIEW_DASHBOARD = "view_dashboard"  # the town's figures, no personal data
    VIEW_AUDIT_LOG = "view_audit_log"  # who looked at what: administrators only
    IMPORT_REGISTRY = "import_registry"  # replace the registry extract (administrators)


P = Permission
_VIEWER = {P.VIEW_PROGRAMS, P.VIEW_JOBS}
_VIEWER |= {P.VIEW_DASHBOARD}
_CASE_WORKER = _VIEWER | {P.VIEW_RESIDENTS, P.HANDLE_APPLICATIONS, P.REVIEW_VERIFICATIONS}
_APPROVER = _CASE_WORKER | {P.DECIDE_APPLICATIONS, P.APPROVE_BATCHES}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(_VIEWER),
    Role.CASE_WORKER: frozenset(_CASE_WORKER),
    Role.APPROVER: frozenset(_APPROVER),
    Role.ADMINISTRATOR: frozenset(Permission),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


@define(slots=False, eq=False)
class ApiKey:
    """An integrator's key. Only a hash of the secret is ever kept."""

    id: str
    name: str
    role: Role
    key_hash: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        if not self.name or not self.name.strip() or len(self.name) > 100:
            raise InvalidValue("APIキーの名前を100文字以内で入力してください。")

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, at: dt.datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = at
