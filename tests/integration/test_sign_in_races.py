"""Sign-in attempts sent in parallel, on the database: the lock-out counts every one of them
and a one-time code signs in once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest

from application.access.actor import Actor
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from application.staff.signing_in import (
    ConfirmCode,
    SignIn,
    SignInOutcome,
    SignInResult,
    confirm_code,
    sign_in,
)
from domain.staff_sign_in import MAX_FAILED_ATTEMPTS, StaffSignIn
from entrypoints.containers import Container

pytestmark = pytest.mark.integration

PARALLEL = 24


class _Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class _SlowHasher:
    """Checks like a real hash takes time (the window the race needs), and counts the checks."""

    def __init__(self) -> None:
        self.checked = 0
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return f"plain:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.checked += 1
        time.sleep(0.05)
        return password_hash == f"plain:{password}"


class _Codes:
    """"123456" is the code of time step 100."""

    def matching_step(self, secret: str, code: str, *, at: dt.datetime) -> int | None:
        return 100 if code == "123456" else None


def _staff(container: Container, hasher: _SlowHasher, *, totp: bool = False) -> str:
    staff_id = create_staff_member(
        CreateStaffMember(login_id="kato", display_name="加藤", role="viewer",
                          password="the right password", actor=Actor.operator("setup")),
        uow=container.uow(), ids=container.ids(), hasher=hasher, clock=_Clock())
    if totp:
        with container.uow() as uow:
            state = StaffSignIn(staff_id=staff_id)
            state.enable_totp("JBSWY3DPEHPK3PXP", 99)
            uow.sign_ins.add(state)
            uow.commit()
    return staff_id


def _in_parallel(attempt: Callable[[], SignInResult]) -> list[SignInResult]:
    results: list[SignInResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(PARALLEL)

    def run() -> None:
        try:
            start.wait()
            results.append(attempt())
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def test_parallel_wrong_passwords_are_all_counted_and_at_most_five_are_checked(
        container: Container) -> None:
    hasher = _SlowHasher()
    staff_id = _staff(container, hasher)

    results = _in_parallel(lambda: sign_in(
        SignIn(login_id="kato", password="wrong", ip="192.0.2.1"),
        uow=container.uow(), hasher=hasher, clock=_Clock()))

    assert hasher.checked == MAX_FAILED_ATTEMPTS
    assert all(r.outcome is SignInOutcome.REFUSED for r in results)
    with container.uow() as uow:
        state = uow.sign_ins.get(staff_id)
        assert state.failed_attempts == MAX_FAILED_ATTEMPTS and state.is_locked(_Clock().now())
        reasons = [r.detail.get("reason") for r in uow.audit.in_order(after_seq=0, limit=100)
                   if r.action == "staff.sign_in_failed"]
    assert sorted(reasons) == sorted(["password"] * MAX_FAILED_ATTEMPTS
                                     + ["locked"] * (PARALLEL - MAX_FAILED_ATTEMPTS))
    right = sign_in(SignIn(login_id="kato", password="the right password"),
                    uow=container.uow(), hasher=hasher, clock=_Clock())
    assert right.outcome is SignInOutcome.REFUSED and "ログインできません" in right.message


def test_the_same_one_time_code_sent_in_parallel_signs_in_once(container: Container) -> None:
    staff_id = _staff(container, _SlowHasher(), totp=True)

    results = _in_parallel(lambda: confirm_code(
        ConfirmCode(staff_id=staff_id, code="123456", ip="192.0.2.1"),
        uow=container.uow(), codes=_Codes(), clock=_Clock()))  # type: ignore[arg-type]

    signed_in = [r for r in results if r.outcome is SignInOutcome.SIGNED_IN]
    assert len(signed_in) == 1
    with container.uow() as uow:
        assert uow.sign_ins.get(staff_id).totp_last_step == 100
