"""Who may do what: permissions, the roles that hold them, and integrator API keys.

Deny by default: a permission not listed for a role is refused.

A key belongs to one accountable party (責任主体): the staff member it acts for, or a named
organisation (a vendor's system). Four-eyes rules compare parties, never keys: one party's two
keys are one person.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata

from attrs import define

from domain.errors import InvalidValue
from domain.staff import Role

__all__ = ["DEFAULT_RATE_LIMIT", "MAX_RATE_LIMIT", "ROLE_PERMISSIONS", "WRITE_SCOPE", "ApiKey",
           "Permission", "allows", "organisation_party"]

DEFAULT_RATE_LIMIT = 600  # requests a minute a key may make, unless its administrator chose
MAX_RATE_LIMIT = 6000
WRITE_SCOPE = "write"  # what a read-only key lacks: any call that changes something


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
    HANDLE_CASES = "handle_cases"  # the inbox of one's departments: read, answer, close
    BUILD_PROCEDURES = "build_procedures"  # draft procedures, try them, import templates
    PUBLISH_PROCEDURES = "publish_procedures"  # publish or withdraw them (administrators)
    # segments, notices to them, the interests residents subscribe to and the 自治会 (approvers)
    SEND_NOTICES = "send_notices"
    # 回覧板: a 自治会長 writes to their own association's members and sees who read (ADR 0057)
    SEND_CIRCULARS = "send_circulars"


P = Permission
_VIEWER = {P.VIEW_PROGRAMS, P.VIEW_JOBS}
_VIEWER |= {P.VIEW_DASHBOARD}
_CASE_WORKER = _VIEWER | {P.VIEW_RESIDENTS, P.HANDLE_APPLICATIONS, P.REVIEW_VERIFICATIONS,
                          P.HANDLE_CASES, P.BUILD_PROCEDURES}
_APPROVER = _CASE_WORKER | {P.DECIDE_APPLICATIONS, P.APPROVE_BATCHES, P.SEND_NOTICES}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(_VIEWER),
    Role.CASE_WORKER: frozenset(_CASE_WORKER),
    Role.APPROVER: frozenset(_APPROVER),
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.ASSOCIATION_LEADER: frozenset({P.SEND_CIRCULARS}),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def organisation_party(name: str) -> str:
    """The party an organisation's keys share: `org:` and its name as people would call it the
    same (NFKC, case and spacing folded: 「ＡＢＣ 商事」 and 「abc　商事」 are one)."""
    folded = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return f"org:{folded[:100]}"


@define(slots=False, eq=False)
class ApiKey:
    """An integrator's key. Only a hash of the secret is ever kept. It acts for exactly one
    party: a staff member (`staff_id`) or an organisation (`organisation`, its name)."""

    id: str
    name: str
    role: Role
    key_hash: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    staff_id: str | None = None
    organisation: str | None = None
    # Scopes (ADR 0072): the permissions of its role the key may use (None: all of them), and
    # whether it may only read; how many requests a minute it may make.
    scopes: frozenset[Permission] | None = None
    read_only: bool = False
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT

    def __attrs_post_init__(self) -> None:
        if self.scopes is not None:
            beyond = self.scopes - ROLE_PERMISSIONS.get(self.role, frozenset())
            if beyond:
                names = "、".join(sorted(p.value for p in beyond))
                raise InvalidValue(f"役割「{self.role.label}」にない権限はスコープにできません"
                                   f"（{names}）。", code="scope_beyond_role")
            if not self.scopes:
                raise InvalidValue("スコープを一つ以上選んでください。", code="no_scope")
        if not 1 <= self.rate_limit_per_minute <= MAX_RATE_LIMIT:
            raise InvalidValue(f"1分あたりのリクエスト数は1〜{MAX_RATE_LIMIT}で指定してください。",
                               code="invalid_rate_limit")
        if not self.name or not self.name.strip() or len(self.name) > 100:
            raise InvalidValue("APIキーの名前を100文字以内で入力してください。")
        if self.organisation is not None:
            self.organisation = " ".join(self.organisation.split())
        if (self.staff_id is None) == (self.organisation is None):
            raise InvalidValue("APIキーを使う職員か組織のどちらか一方を指定してください"
                               "（同じ職員・同じ組織のキーは、二人承認では同じ人として"
                               "扱います）。")
        if self.organisation is not None and not 0 < len(self.organisation) <= 100:
            raise InvalidValue("組織名を100文字以内で入力してください。")

    @property
    def party(self) -> str:
        """Who is accountable for what the key does: the staff member's id, or the
        organisation's party (`org:<name>`)."""
        return self.staff_id or organisation_party(self.organisation or "")

    def missing_scope(self, permission: Permission, *, writing: bool) -> str | None:
        """The scope this key lacks for an operation needing `permission` (and writing, for
        any method but GET), or None when it may go ahead. Its role is checked first."""
        if self.scopes is not None and permission not in self.scopes:
            return permission.value
        if writing and self.read_only:
            return WRITE_SCOPE
        return None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, at: dt.datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = at
