"""An administrator revokes an integrator API key (a contract ended, a key leaked, a key moved
to another party): it stops working at once and stays listed, with when it was revoked.
Audited with it."""

from __future__ import annotations

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import ApiKey, Permission
from domain.errors import NotFound

__all__ = ["revoke_api_key"]


def revoke_api_key(key_id: str, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> ApiKey:
    """Revoking a revoked key again changes nothing (and records nothing)."""
    actor.ensure(Permission.ADMINISTER, "APIキーを失効")
    now = clock.now()
    with uow:
        key = uow.api_keys.get(key_id.strip())
        if key is None:
            raise NotFound(f"APIキー「{key_id}」が見つかりません。")
        if key.active:
            key.revoke(now)
            record(uow, actor, "api_key.revoke", "api_key", key.id, at=now, owner=key.party)
            uow.commit()
    return key
