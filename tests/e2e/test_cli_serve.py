"""`madoguchi serve`: when the server stops, the threads the app started stop with it."""

from __future__ import annotations

import datetime as dt
import importlib
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from flask import Flask

from adapters.email.bounces import hard_bounces
from application.channels.recording_bounces import Bounce
from application.messaging.outbox import DeliveryStatus, OutboxMessage, OutboxStatus
from application.ports.messaging import OutgoingMessage
from entrypoints.cli import main
from entrypoints.config import Settings
from entrypoints.containers import build_container, shutdown
from tests.support.isolation import threads_left_behind

pytestmark = pytest.mark.e2e


def test_the_outbox_threads_end_when_the_server_stops(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "in_process"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    running: set[str] = set()

    def served_until_interrupted(host: str, port: int, app: Flask, **options: Any) -> None:
        container = app.extensions["madoguchi"]  # a request wrote a reply: the pump woke
        container.outbox_notifier().wake()
        container.outbox_executor().submit(lambda: None).result()
        running.update(thread.name for thread in threading.enumerate())

    commands = importlib.import_module("entrypoints.cli.serve")  # the module, not the command
    monkeypatch.setattr(commands, "run_simple", served_until_interrupted)
    before = set(threading.enumerate())

    result = runner.invoke(main, ["serve", "--port", "8999"], env=env)

    assert result.exit_code == 0, result.output
    # start-up says which adapter each port uses (ADR 0069)
    assert "SMS provider: none (entrypoints.builtin_plugins:no_sms, from madoguchi)" \
        in result.output.splitlines()
    assert {"cash payout provider: fake (entrypoints.builtin_plugins:fake_cash, from madoguchi)",
            "transfer format: zengin (entrypoints.builtin_plugins:zengin, from madoguchi)",
            "bank master: zengin-code (entrypoints.builtin_plugins:zengin_code, from madoguchi)",
            "bank calendar: japanese-banks (entrypoints.builtin_plugins:japanese_banks, from "
            "madoguchi)"} <= set(result.output.splitlines())
    assert {"madoguchi-outbox", "madoguchi-send_0"} <= running
    # the rate limits' memory counter expires its keys on a 10 ms timer of its own: a moment
    assert threads_left_behind(before, grace=1) == []


def test_serve_delivers_what_is_due_at_boot_without_waiting_for_a_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "in_process"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    left = build_container(Settings.from_env(env))  # a crash left a message to deliver
    with left.uow() as uow:
        uow.outbox.add(OutboxMessage.of([OutgoingMessage(text="お知らせ")], id="left-1",
                                        channel="line", recipient="U" + "0" * 32,
                                        at=dt.datetime.now(dt.UTC)))
        uow.commit()
    shutdown(left)
    seen: dict[str, object] = {}

    def served_without_any_request(host: str, port: int, app: Flask, **options: Any) -> None:
        container = app.extensions["madoguchi"]
        seen["running"] = {thread.name for thread in threading.enumerate()}
        seen["idle"] = container.outbox_notifier().wait_idle(20)
        with container.uow() as uow:
            seen["status"] = uow.outbox.get("left-1").status

    commands = importlib.import_module("entrypoints.cli.serve")
    monkeypatch.setattr(commands, "run_simple", served_without_any_request)

    result = runner.invoke(main, ["serve", "--port", "8998", "--line-sim", str(_free_port())],
                           env=env)

    assert result.exit_code == 0, result.output
    assert "madoguchi-outbox" in seen["running"]  # type: ignore[operator]
    assert seen["idle"] is True
    assert seen["status"] is not OutboxStatus.PENDING  # handled (sent or refused), not waiting


def _free_port() -> int:
    """A port for the LINE simulator whose next one is free too: the SMS stand-in takes it."""
    for _ in range(50):
        with socket.socket() as probe, socket.socket() as beside:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
            try:
                beside.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no two free ports side by side")


def test_serve_with_the_simulators_sends_sms_to_the_stand_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "in_process",
           "MADOGUCHI_SMS_PROVIDER": "twilio"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    left = build_container(Settings.from_env(env))
    with left.uow() as uow:
        uow.outbox.add(OutboxMessage.of([OutgoingMessage(text="見本町からのお知らせ")],
                                        id="sms-1", channel="sms", recipient="+819012345678",
                                        at=dt.datetime.now(dt.UTC)))
        uow.commit()
    shutdown(left)
    seen: dict[str, object] = {}

    def served(host: str, port: int, app: Flask, **options: Any) -> None:
        container = app.extensions["madoguchi"]
        seen["idle"] = container.outbox_notifier().wait_idle(20)
        base = container.config.twilio_api_base_url()
        seen["stats"] = requests.get(f"{base}/_sim/sms/stats", timeout=5).json()
        with container.uow() as uow:
            seen["status"] = uow.outbox.get("sms-1").status

    commands = importlib.import_module("entrypoints.cli.serve")
    monkeypatch.setattr(commands, "run_simple", served)
    before = set(threading.enumerate())

    result = runner.invoke(main, ["serve", "--port", "8997", "--line-sim", str(_free_port())],
                           env=env)

    assert result.exit_code == 0, result.output
    assert "SMS stand-in" in result.output
    assert seen["idle"] is True and seen["status"] is OutboxStatus.SENT
    assert seen["stats"]["messages"] == 1  # type: ignore[index]
    assert threads_left_behind(before, grace=5) == []


def test_serve_with_the_simulator_mails_its_catcher_and_shows_each_inbox(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path / "var"), "MADOGUCHI_TASK_QUEUE": "in_process"}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    waiting = build_container(Settings.from_env(env))
    with waiting.uow() as uow:
        uow.outbox.add(OutboxMessage.of([OutgoingMessage(text="特別給付金のお知らせです。")],
                                        id="mail-1", channel="email",
                                        recipient="hanako@example.jp",
                                        at=dt.datetime.now(dt.UTC)))
        uow.commit()
    shutdown(waiting)
    seen: dict[str, Any] = {}

    def served(host: str, port: int, app: Flask, **options: Any) -> None:
        container = app.extensions["madoguchi"]
        container.outbox_notifier().wait_idle(20)
        with container.uow() as uow:
            seen["status"] = uow.outbox.get("mail-1").status
        base = container.config.line_api_base_url()
        seen["inboxes"] = requests.get(f"{base}/_sim/mail/", timeout=5).text
        seen["mail"] = requests.get(f"{base}/_sim/mail/1", timeout=5).text
        seen["html"] = requests.get(f"{base}/_sim/mail/1/html", timeout=5)
        # 不達にする: the relay's report goes to the town's bounce path, as the command takes it
        seen["report"] = requests.get(f"{base}/_sim/mail/1/dsn.eml", timeout=5).content
        seen["bounced"] = requests.post(f"{base}/_sim/mail/1/bounce", timeout=5).text
        seen["again"] = requests.post(f"{base}/_sim/mail/1/bounce", timeout=5).status_code
        seen["town_box"] = requests.get(f"{base}/_sim/mail/2", timeout=5).text
        with container.uow() as uow:
            seen["delivery"] = uow.outbox.get("mail-1").delivery_status

    commands = importlib.import_module("entrypoints.cli.serve")
    monkeypatch.setattr(commands, "run_simple", served)

    result = runner.invoke(main, ["serve", "--port", "8997", "--line-sim", str(_free_port())],
                           env=env)

    assert result.exit_code == 0, result.output
    assert "Mail inboxes" in result.output
    assert "不達にする" in seen["mail"] and "不達にしました" in seen["bounced"]
    assert seen["again"] == 409 and "Undelivered Mail Returned to Sender" in seen["town_box"]
    assert seen["delivery"] is DeliveryStatus.PERMANENT_FAILURE
    assert hard_bounces(seen["report"]) == [Bounce(address="hanako@example.jp", status="5.1.1",
                                                   message_id="mail-1")]
    assert seen["status"] is OutboxStatus.SENT
    assert "hanako@example.jp" in seen["inboxes"] and "特別給付金のお知らせです" in seen["mail"]
    assert "+0900" not in seen["mail"] and "年" in seen["mail"]  # the Date as staff pages write it
    assert "sandbox" in seen["html"].headers["Content-Security-Policy"]
    assert "特別給付金のお知らせです。" in seen["html"].text
