"""The REST API authenticates a bearer key and learns the caller's role (and party)."""

from __future__ import annotations

from application.access.creating_api_key import hash_api_key
from application.ports.unit_of_work import UnitOfWork
from domain.access import ApiKey

__all__ = ["authenticate_api_key"]


def authenticate_api_key(secret: str, *, uow: UnitOfWork) -> ApiKey | None:
    """The active key for `secret`, or None (unknown and revoked keys look the same, and so do
    the keys of a staff member who has been deactivated: a key acts for its person)."""
    if not secret:
        return None
    with uow:
        key = uow.api_keys.get_by_hash(hash_api_key(secret))
        if key is None or not key.active:
            return None
        if key.staff_id is not None:
            member = uow.staff.get(key.staff_id)
            if member is None or not member.active:
                return None
        return key
