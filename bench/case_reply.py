"""A staff member's reply to a case, from the reply form's POST to the resident's LINE chat: the
POST (reply_to_case: the entry, CaseAnswered → the one telling policy → the outbox, one
transaction), the in-process outbox pump woken by it, the LINE SDK's push to the local LINE
simulator. Latency is measured from the POST until the simulator has the message; the baseline
in the same run is a bare push of the same text to the simulator through the same SDK
(its own ceiling for one message) and an empty Flask POST.

    .venv/bin/python -m bench.case_reply --size 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert

from adapters.crypto import new_key
from adapters.line.messenger import LineMessenger
from adapters.line.simulator.running import running_simulator
from adapters.persistence import migrating
from application.access.actor import Actor
from application.ports.messaging import OutgoingMessage
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from bench.common import (
    DEV_SECRET,
    DEV_TOKEN,
    STAFF_PASSWORD,
    median,
    percentile,
    report,
    signed_in,
)
from domain.cases import InboxCase
from domain.channels import ChannelIdentity
from entrypoints.config import Settings
from entrypoints.containers import build_container, shutdown
from entrypoints.web import create_app

REPLY = "ご連絡ありがとうございます。担当者が現地を確認し、今週中に補修します。"


def _seed(container: Any, users: list[str]) -> tuple[list[str], str]:
    from adapters.persistence.orm.cases import department_members, departments

    now = dt.datetime.now(dt.UTC)
    with container.engine().begin() as connection:
        connection.execute(insert(departments).values(id="dbench", name="建設課", created_at=now))
    staff_id = create_staff_member(
        CreateStaffMember(login_id="bench", display_name="計測 職員", role="case_worker",
                          password=STAFF_PASSWORD, actor=Actor.operator("bench")),
        uow=container.uow(), ids=container.ids(), hasher=container.password_hasher(),
        clock=container.clock())
    with container.engine().begin() as connection:
        connection.execute(insert(department_members).values(department_id="dbench",
                                                             staff_id=staff_id))
    case_ids = []
    with container.uow() as uow:  # the identities first: the cases refer to them
        for n, user in enumerate(users):
            uow.channel_identities.add(ChannelIdentity.first_seen(
                id=f"ibench{n:06d}", channel="line", address=user, at=now))
        uow.commit()
    with container.uow() as uow:
        for n in range(len(users)):
            case = InboxCase.opened(
                id=f"cbench{n:06d}", number=f"2026-{n + 1:06d}", department_id="dbench",
                procedure_id="report", title="道路・公園などの通報（道路の損傷）",
                identity_id=f"ibench{n:06d}", answers=[("内容", "道路に穴があいています")],
                photos=[], at=now)
            uow.cases.add(case)
            case_ids.append(case.id)
        uow.commit()
    return case_ids, staff_id


def _arrived(sim: Any, user: str, deadline: float) -> float:
    while time.perf_counter() < deadline:
        if sim.received(user):
            return time.perf_counter()
        time.sleep(0.0005)
    raise AssertionError("the reply did not reach the simulator within 10 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=200, help="replies to time")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_simulator(
            DEV_SECRET, DEV_TOKEN, None, users=args.size * 2 + 1, push_rate=2000) as sim:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        container = build_container(Settings.from_env({
            "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": folder, "DATABASE_URL": url,
            "MADOGUCHI_DATA_KEYS": new_key(), "MADOGUCHI_TASK_QUEUE": "in_process",
            "LINE_CHANNEL_SECRET": DEV_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": DEV_TOKEN,
            "LINE_API_BASE_URL": sim.base_url}))
        migrating.upgrade(container.engine())
        try:
            users = sim.bulk_user_ids[:args.size]
            case_ids, _staff = _seed(container, users)
            client = signed_in(app := create_app(container))
            posts, arrivals = [], []
            for n, (case_id, user) in enumerate(zip(case_ids, users, strict=True)):
                page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]  # type: ignore[index]
                key = re.search(r'name="reply_key" value="([^"]+)"', page)[1]  # type: ignore[index]
                began = time.perf_counter()
                answered = client.post(f"/staff/cases/{case_id}/reply", data={
                    "text": f"{REPLY}（{n}）", "reply_key": key, "csrf_token": csrf})
                posted = time.perf_counter()
                assert answered.status_code in (302, 303), answered.status_code
                arrivals.append(_arrived(sim, user, began + 10) - began)
                posts.append(posted - began)
            del app
            bare = LineMessenger(access_token=DEV_TOKEN, base_url=sim.base_url)
            spare = sim.bulk_user_ids[args.size:args.size * 2]
            pushes = []
            for n, user in enumerate(spare):
                began = time.perf_counter()
                bare.send(user, [OutgoingMessage(text=f"{REPLY}（{n}）")],
                          idempotency_key=f"bare-{n}")
                pushes.append(time.perf_counter() - began)
            empty = Flask("bench_empty")
            empty.add_url_rule("/", "empty", lambda: "", methods=["POST"])
            empty_client = empty.test_client()
            empties = []
            for _ in range(args.size):
                began = time.perf_counter()
                empty_client.post("/", data={"text": REPLY})
                empties.append(time.perf_counter() - began)
        finally:
            shutdown(container)
    ms = 1000
    report(f"a staff reply to a case reaching the resident's LINE chat ({args.size} replies, "
           f"{'PostgreSQL' if args.database_url else 'SQLite'}, in-process outbox pump)", [
        ("POST → in the simulator, p50 / p99",
         f"{median(arrivals) * ms:.1f} ms / {percentile(arrivals, 0.99) * ms:.1f} ms  "
         "(goal p99 <= 1,000 ms)"),
        ("the reply's POST alone, p50 / p99",
         f"{median(posts) * ms:.1f} ms / {percentile(posts, 0.99) * ms:.1f} ms"),
        ("bare SDK push to the simulator, p50 / p99",
         f"{median(pushes) * ms:.1f} ms / {percentile(pushes, 0.99) * ms:.1f} ms"),
        ("empty Flask POST, p50", f"{median(empties) * ms:.2f} ms"),
        ("ratio p50 to the bare push", f"{median(arrivals) / median(pushes):.1f}  (the pump "
                                       "waits 50 ms to gather a burst into one batch)"),
    ])


if __name__ == "__main__":
    main()
