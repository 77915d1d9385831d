from __future__ import annotations

import datetime as dt

import pytest

from application.audit.verifying_chain import verify_audit_chain
from application.staff.signing_in import ConfirmCode, SignIn, SignInOutcome, confirm_code, sign_in
from domain.staff import Role, StaffMember
from domain.staff_sign_in import StaffSignIn
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, PlainHasher, fake_uow_factory

pytestmark = pytest.mark.unit


class FixedCodes:
    """Accepts "123456" as step 100 and "654321" as step 101."""

    def new_secret(self) -> str:
        return "SECRET"

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str:
        return f"otpauth://totp/{account}"

    def matching_step(self, secret: str, code: str, *, at: dt.datetime) -> int | None:
        return {"123456": 100, "654321": 101}.get(code)


def _database(*, totp: bool = False) -> FakeDatabase:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.staff.add(StaffMember(id="s1", login_id="kato", display_name="加藤",
                                  role=Role.VIEWER, password_hash="plain:right password"))
        if totp:
            state = StaffSignIn(staff_id="s1")
            state.enable_totp("SECRET", 99)
            uow.sign_ins.add(state)
        uow.commit()
    return database


def _sign_in(database: FakeDatabase, clock: FakeClock, password: str):  # type: ignore[no-untyped-def]
    return sign_in(SignIn(login_id="Kato ", password=password, ip="10.0.0.1"),
                   uow=FakeUnitOfWork(database), hasher=PlainHasher(), clock=clock)


def test_the_right_password_signs_in_and_every_attempt_is_in_the_chain() -> None:
    database, clock = _database(), FakeClock()
    assert _sign_in(database, clock, "wrong").outcome is SignInOutcome.REFUSED
    result = _sign_in(database, clock, "right password")

    assert result.outcome is SignInOutcome.SIGNED_IN and result.staff_id == "s1"
    actions = [r.action for r in database.tables["audit"].values()]
    assert actions == ["staff.sign_in_failed", "staff.sign_in"]
    assert verify_audit_chain(uow_factory=fake_uow_factory(database)).intact


def test_an_unknown_login_id_reads_like_a_wrong_password() -> None:
    database = _database()
    result = sign_in(SignIn(login_id="nobody", password="x"), uow=FakeUnitOfWork(database),
                     hasher=PlainHasher(), clock=FakeClock())
    assert result.message == "ログインIDまたはパスワードが違います。"


def test_the_fifth_failure_locks_and_success_resets_the_count() -> None:
    database, clock = _database(), FakeClock()
    for _ in range(3):
        _sign_in(database, clock, "wrong")
    assert _sign_in(database, clock, "right password").outcome is SignInOutcome.SIGNED_IN
    for _ in range(4):
        assert "違います" in _sign_in(database, clock, "wrong").message
    assert "ログインできません" in _sign_in(database, clock, "wrong").message
    clock.advance(minutes=14)
    assert _sign_in(database, clock, "right password").outcome is SignInOutcome.REFUSED
    clock.advance(minutes=2)
    assert _sign_in(database, clock, "right password").outcome is SignInOutcome.SIGNED_IN


def test_the_lock_out_says_until_when_in_japan_time_as_pages_write_times() -> None:
    database = _database()
    clock = FakeClock(dt.datetime(2026, 12, 4, 23, 50, tzinfo=dt.UTC))  # 8:50 in Japan
    for _ in range(4):
        _sign_in(database, clock, "wrong")
    assert "9:05までログインできません" in _sign_in(database, clock, "wrong").message


def test_with_a_second_factor_a_code_is_needed_and_used_once() -> None:
    database, clock = _database(totp=True), FakeClock()
    assert _sign_in(database, clock, "right password").outcome is SignInOutcome.NEEDS_CODE

    def confirm(code: str):  # type: ignore[no-untyped-def]
        return confirm_code(ConfirmCode(staff_id="s1", code=code), uow=FakeUnitOfWork(database),
                            codes=FixedCodes(), clock=clock)

    assert confirm("000000").outcome is SignInOutcome.REFUSED
    assert confirm("123456").outcome is SignInOutcome.SIGNED_IN
    assert confirm("123456").outcome is SignInOutcome.REFUSED  # replayed
    assert confirm("654321").outcome is SignInOutcome.SIGNED_IN
