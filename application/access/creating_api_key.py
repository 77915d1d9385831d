"""An administrator creates an integrator API key. The secret is shown once; only a hash stays.
Audited with it."""

from __future__ import annotations

import hashlib
import secrets

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import ApiKey, Permission
from domain.staff import Role

__all__ = ["CreateApiKey", "CreatedApiKey", "create_api_key", "hash_api_key"]

KEY_PREFIX = "mdg_"


@frozen
class CreateApiKey:
    name: str
    role: str
    actor: Actor


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
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(id=ids.new_id(), name=command.name.strip(), role=Role.parse(command.role),
                 key_hash=hash_api_key(secret), created_at=clock.now())
    with uow:
        uow.api_keys.add(key)
        record(uow, command.actor, "api_key.create", "api_key", key.id, at=key.created_at,
               role=key.role.value)
        uow.commit()
    return CreatedApiKey(id=key.id, secret=secret)
