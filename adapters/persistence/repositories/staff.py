"""Repositories of staff members, their sign-in state and API keys."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, case, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.orm.staff import staff_sign_ins
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.sqlite_writers import take_turn
from domain.access import ApiKey
from domain.staff import StaffMember
from domain.staff_sign_in import LOCK_DURATION, MAX_FAILED_ATTEMPTS, StaffSignIn

__all__ = ["SqlApiKeyRepository", "SqlStaffRepository", "SqlStaffSignInRepository"]


class SqlStaffRepository(SqlRepository):
    model = StaffMember

    def get_by_login_id(self, login_id: str) -> StaffMember | None:
        return self._one(StaffMember.login_id == login_id)

    def leaders_of(self, association_id: str) -> list[StaffMember]:
        return list(self.session.scalars(
            select(StaffMember).where(StaffMember.association_id == association_id)
            .order_by(StaffMember.login_id)).all())


class SqlApiKeyRepository(SqlRepository):
    model = ApiKey

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._one(ApiKey.key_hash == key_hash)


class SqlStaffSignInRepository(SqlRepository):
    """The counts change by conditional UPDATEs (the database adds, never this process), so
    parallel sign-ins neither lose a failure nor get past the lock-out."""

    model = StaffSignIn

    def _take_turn(self) -> None:
        if self.session.get_bind().dialect.name == "sqlite":
            take_turn(self.session)  # as a flush would, before SQLite's lock

    def ensure(self, staff_id: str) -> None:
        self._take_turn()
        table = staff_sign_ins
        # INSERT ... SELECT ... WHERE NOT EXISTS, in a savepoint: two first sign-ins at once
        # make one row (the second meets the primary key and goes on).
        missing = select(literal(staff_id, table.c.id.type), literal(0)).where(
            ~select(table.c.id).where(table.c.id == staff_id).exists())
        try:
            with self.session.begin_nested():
                self.session.execute(insert(table).from_select(["id", "failed_attempts"],
                                                               missing))
        except IntegrityError:
            pass  # another request made it in the meantime

    def claim_attempt(self, staff_id: str, now: dt.datetime) -> StaffSignIn | None:
        self._take_turn()
        table = staff_sign_ins
        expired = and_(table.c.locked_until.is_not(None), table.c.locked_until <= now)
        counted = case((expired, 1), else_=table.c.failed_attempts + 1)
        until = bindparam("until", now + LOCK_DURATION, type_=table.c.locked_until.type)
        row = self.session.execute(
            update(table)
            .where(table.c.id == staff_id,
                   or_(table.c.locked_until.is_(None), table.c.locked_until <= now))
            .values(failed_attempts=counted,
                    locked_until=case((counted >= MAX_FAILED_ATTEMPTS, until), else_=None))
            .returning(table.c.id)).first()
        if row is None:
            return None
        state = self.session.get(StaffSignIn, staff_id, populate_existing=True)
        self.tracked.add(state)
        return state

    def give_back_attempt(self, staff_id: str) -> None:
        self._take_turn()
        table = staff_sign_ins
        left = table.c.failed_attempts - 1
        self.session.execute(
            update(table).where(table.c.id == staff_id, table.c.failed_attempts > 0)
            .values(failed_attempts=left,
                    locked_until=case((left >= MAX_FAILED_ATTEMPTS, table.c.locked_until),
                                      else_=None)))

    def use_code_step(self, staff_id: str, step: int) -> bool:
        self._take_turn()
        table = staff_sign_ins
        used = self.session.execute(
            update(table)
            .where(table.c.id == staff_id,
                   or_(table.c.totp_last_step.is_(None), table.c.totp_last_step < step))
            .values(totp_last_step=step).returning(table.c.id)).first()
        return used is not None
