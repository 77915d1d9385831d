"""An administrator creates an integrator API key for one accountable party: the staff member it
acts for (by log-in id) or a named organisation. The secret is shown once; only a hash stays.
Audited with it."""

from __future__ import annotations

import hashlib
import secrets

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import DEFAULT_RATE_LIMIT, ApiKey, Permission
from domain.errors import InvalidValue, NotFound
from domain.staff import Role

__all__ = ["CreateApiKey", "CreatedApiKey", "create_api_key", "hash_api_key"]

KEY_PREFIX = "mdg_"


@frozen
class CreateApiKey:
    name: str
    role: str
    actor: Actor
    staff_login_id: str = ""  # the staff member the key acts for, or
    organisation: str = ""  # the organisation it belongs to (exactly one of the two)
    scopes: tuple[str, ...] = ()  # permission values of its role it may use (none: all)
    read_only: bool = False  # may only read (GET)
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT


@frozen
class CreatedApiKey:
    id: str
    secret: str  # shown to the administrator once, never stored


def hash_api_key(secret: str) -> str:
    """API keys are 256-bit random values, so a plain SHA-256 is enough (no slow hash needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(command: CreateApiKey, *, uow: UnitOfWork, ids: IdGenerator,
                   clock: Clock) -> CreatedApiKey:
    command.actor.ensure(Permission.ADMINISTER, "APIキーを作成")
    login_id, organisation = command.staff_login_id.strip(), command.organisation.strip()
    if bool(login_id) == bool(organisation):
        raise InvalidValue("APIキーを使う職員（ログインID）か組織名のどちらか一方を指定して"
                           "ください。", code="no_party")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    with uow:
        staff_id = None
        if login_id:
            member = uow.staff.get_by_login_id(login_id.lower())
            if member is None or not member.active:
                raise NotFound(f"ログインID「{login_id}」の有効な職員が見つかりません。")
            staff_id = member.id
        key = ApiKey(id=ids.new_id(), name=command.name.strip(), role=Role.parse(command.role),
                     key_hash=hash_api_key(secret), created_at=clock.now(), staff_id=staff_id,
                     organisation=organisation or None, scopes=_scopes(command.scopes),
                     read_only=command.read_only,
                     rate_limit_per_minute=command.rate_limit_per_minute)
        uow.api_keys.add(key)
        record(uow, command.actor, "api_key.create", "api_key", key.id, at=key.created_at,
               role=key.role.value, owner=key.party,
               scopes=" ".join(sorted(p.value for p in key.scopes)) if key.scopes else "all",
               read_only=key.read_only, rate_limit=key.rate_limit_per_minute)
        uow.commit()
    return CreatedApiKey(id=key.id, secret=secret)


def _scopes(values: tuple[str, ...]) -> frozenset[Permission] | None:
    if not values:
        return None
    try:
        return frozenset(Permission(v.strip()) for v in values)
    except ValueError:
        known = "、".join(p.value for p in Permission)
        raise InvalidValue(f"スコープは権限の名前（{known}）で指定してください。",
                           code="unknown_scope") from None
