"""Staff: the members who sign in to the staff pages, their sign-in state (failed attempts,
lock, TOTP) and the API keys of other systems."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator

from adapters.persistence.orm.base import ENCRYPTED_TEXT, ID, metadata, writes_after
from adapters.persistence.types import EnumValue, UTCDateTime
from domain.access import ApiKey, Permission
from domain.staff import Role, StaffMember
from domain.staff_sign_in import StaffSignIn

__all__ = ["api_keys", "map_staff", "staff_members", "staff_sign_ins"]

staff_members = Table(
    "staff_members", metadata,
    Column("id", ID, primary_key=True),
    Column("login_id", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("role", EnumValue(Role), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("session_generation", Integer, nullable=False, server_default="0"),
    Column("chat_name", String(20)),  # what residents read in a consultation (相談)
    # The one association a 自治会長 leads (role association_leader); NULL for town staff.
    Column("association_id", ID, ForeignKey("associations.id")),
)

staff_sign_ins = Table(
    "staff_sign_ins", metadata,
    Column("id", ID, ForeignKey("staff_members.id"), primary_key=True),  # the staff member's
    Column("failed_attempts", Integer, nullable=False),
    Column("locked_until", UTCDateTime),
    Column("totp_secret", ENCRYPTED_TEXT),
    Column("totp_last_step", Integer),
    Column("last_sign_in_at", UTCDateTime),
)

class PermissionSet(TypeDecorator[frozenset[Permission] | None]):
    """A key's scopes as their permission values, space-separated; NULL: all of its role's."""

    impl = String(1000)
    cache_ok = True

    def process_bind_param(self, value: frozenset[Permission] | None,
                           dialect: object) -> str | None:
        return None if value is None else " ".join(sorted(p.value for p in value))

    def process_result_value(self, value: str | None,
                             dialect: object) -> frozenset[Permission] | None:
        return None if value is None else frozenset(Permission(v) for v in value.split())


api_keys = Table(
    "api_keys", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", EnumValue(Role), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    # The one party the key acts for: a staff member, or a named organisation.
    Column("staff_id", ID, ForeignKey("staff_members.id"), index=True),
    Column("organisation", String(100)),
    CheckConstraint("(staff_id IS NULL) <> (organisation IS NULL)", name="ck_api_keys_one_party"),
    Column("scopes", PermissionSet()),
    Column("read_only", Boolean, nullable=False, server_default=false()),
    Column("rate_limit_per_minute", Integer, nullable=False, server_default="600"),
    CheckConstraint("rate_limit_per_minute BETWEEN 1 AND 6000", name="ck_api_keys_rate_limit"),
)


def map_staff(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(StaffMember, staff_members)
    m(ApiKey, api_keys, properties={"_staff": writes_after(StaffMember, api_keys.c.staff_id)})
    m(StaffSignIn, staff_sign_ins, properties={"staff_id": staff_sign_ins.c.id})
