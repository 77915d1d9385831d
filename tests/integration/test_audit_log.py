"""The audit log on the database: appended in the unit of work, chained by hash, and a changed
or deleted record is found by the verification."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, text

from application.access.actor import Actor
from application.audit.recording import record
from application.audit.verifying_chain import verify_audit_chain
from application.ports.audit import AuditQuery
from domain.staff import Role
from entrypoints.containers import Container

pytestmark = pytest.mark.integration


class _Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


KATO = Actor(id="s1", role=Role.CASE_WORKER, label="kato", ip="10.0.0.1")


def _record(uow: object, n: int, action: str = "resident.view") -> None:
    record(uow, KATO, action, "resident", f"r{n}", at=_Clock().now(),  # type: ignore[arg-type]
           n=n, page="detail", ok=True)


def _fill(container: Container, count: int) -> None:
    for n in range(count):
        with container.uow() as uow:
            _record(uow, n)
            uow.commit()


def test_records_chain_one_after_another_and_verify(container: Container) -> None:
    _fill(container, 5)

    report = verify_audit_chain(uow_factory=container.uow)

    assert report.intact and report.checked == 5
    with container.uow() as uow:
        found = uow.audit.search(AuditQuery(target_id="r3"))
    assert [r.seq for r in found] == [4]
    assert found[0].detail == {"n": 3, "page": "detail", "ok": True}


def test_a_record_is_written_only_with_the_change_it_belongs_to(container: Container) -> None:
    with container.uow() as uow:
        _record(uow, 1, "verification.decide")
        uow.rollback()
    with container.uow() as uow:
        _record(uow, 2, "verification.decide")  # never committed
    _fill(container, 1)

    with container.uow() as uow:
        records = uow.audit.in_order(after_seq=0, limit=10)
    assert [(r.seq, r.target_id) for r in records] == [(1, "r0")]
    assert verify_audit_chain(uow_factory=container.uow).intact


@pytest.mark.parametrize("tamper", [
    "UPDATE audit_log SET target_id = 'r999' WHERE seq = 3",
    "UPDATE audit_log SET detail = '{\"n\": 99}' WHERE seq = 3",
    "DELETE FROM audit_log WHERE seq = 3",
])
def test_a_changed_or_deleted_record_breaks_the_chain_there(container: Container,
                                                            engine: Engine, tamper: str) -> None:
    _fill(container, 5)
    with engine.begin() as connection:
        connection.execute(text(tamper))

    report = verify_audit_chain(uow_factory=container.uow)

    assert not report.intact and report.broken_at == 3


def test_deleting_the_newest_record_is_found_too(container: Container, engine: Engine) -> None:
    _fill(container, 4)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 4"))

    report = verify_audit_chain(uow_factory=container.uow)

    assert not report.intact and report.broken_at == 4


def test_appenders_at_the_same_time_take_turns_and_never_fork(container: Container) -> None:
    errors: list[BaseException] = []

    def append_some() -> None:
        try:
            _fill(container, 10)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=append_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    report = verify_audit_chain(uow_factory=container.uow)
    assert report.intact and report.checked == 40


def test_the_verify_command_exits_1_on_a_tampered_log(container: Container, engine: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from entrypoints.cli import main
    from entrypoints.cli.context import CliContext

    _fill(container, 3)
    monkeypatch.setattr(CliContext, "container", property(lambda self: container))
    runner = CliRunner()
    good = runner.invoke(main, ["audit", "verify"])
    assert good.exit_code == 0 and "3 records verified" in good.output
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET ip = '192.0.2.1' WHERE seq = 2"))
    bad = runner.invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1 and "record 2" in bad.output


def test_the_command_line_unlocks_an_account_and_says_so_in_the_audit_log(
        container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
    from domain.staff_sign_in import StaffSignIn
    from entrypoints.cli import main
    from entrypoints.cli.context import CliContext

    staff_id = create_staff_member(
        CreateStaffMember(login_id="boss", display_name="管理", role="administrator",
                          password="long enough password", actor=Actor.operator("setup")),
        uow=container.uow(), ids=container.ids(), hasher=container.password_hasher(),
        clock=container.clock())
    with container.uow() as uow:
        state = StaffSignIn(staff_id=staff_id, failed_attempts=5,
                            locked_until=_Clock().now() + dt.timedelta(minutes=10))
        state.enable_totp("JBSWY3DPEHPK3PXP", 1)
        uow.sign_ins.add(state)
        uow.commit()
    monkeypatch.setattr(CliContext, "container", property(lambda self: container))
    monkeypatch.setattr("getpass.getuser", lambda: "kato")
    with container.uow() as uow:
        before, _ = uow.audit.head()

    result = CliRunner().invoke(main, ["staff", "reset-sign-in", "boss"])

    assert result.exit_code == 0, result.output
    with container.uow() as uow:
        state = uow.sign_ins.get(staff_id)
        assert not state.is_locked(_Clock().now()) and not state.uses_totp
        done = [(r.actor_label, r.action, r.target_id)
                for r in uow.audit.in_order(after_seq=before, limit=10)]
    assert done == [("cli:kato", "staff.unlock", staff_id),
                    ("cli:kato", "staff.reset_totp", staff_id)]
    unknown = CliRunner().invoke(main, ["staff", "reset-sign-in", "nobody"])
    assert unknown.exit_code == 1
