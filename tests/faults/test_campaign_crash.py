"""A benefit campaign with the app (gunicorn, which runs the job and delivers the notices)
killed mid-send: after the restart every reachable household has exactly one notice, for its
own application."""

from __future__ import annotations

import json
import random
import time
import urllib.request
from pathlib import Path

from sqlalchemy import Engine

from adapters.line.simulator.simulator import bulk_user_ids
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.access.actor import Actor
from application.access.creating_api_key import CreateApiKey, create_api_key
from bench.benefit_campaign import PROGRAM_ID, check_notices, seed, time_import, write_list
from bench.common import unit_of_work
from entrypoints.config import DEV_LINE_SECRET
from tests.faults.conftest import Stack, report, scalar, wait_until

HOUSEHOLDS = 30  # every other one on LINE: 15 notices, 15 left for the postal path
ON_LINE = HOUSEHOLDS // 2
PUSH_RATE = 6  # pushes a second before the simulator answers 429: the send takes seconds


def _api_key(engine: Engine) -> str:
    created = create_api_key(
        CreateApiKey(name="faults", role="administrator", organisation="障害試験",
                     actor=Actor.operator("test")),
        uow=unit_of_work(session_factory(engine)), ids=TimeOrderedIds(), clock=SystemClock())
    return created.secret


def _post(url: str, key: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    request = urllib.request.Request(url, data=b"{}", method="POST", headers={
        "Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, json.loads(answer.read())


def test_a_campaign_killed_mid_send_notifies_every_household_exactly_once_after_restart(
        stack: Stack, engine: Engine, rng: random.Random, tmp_path: Path) -> None:
    users = bulk_user_ids(DEV_LINE_SECRET, ON_LINE)
    seed(engine, HOUSEHOLDS, users)
    write_list(HOUSEHOLDS, tmp_path / "eligible.csv")
    time_import(engine, tmp_path / "eligible.csv", HOUSEHOLDS)
    key = _api_key(engine)
    stack.simulator(users=ON_LINE, push_rate=PUSH_RATE).start()
    app = stack.app().start()
    stack.dispatcher().start()  # `madoguchi scheduler`: the outbox and left-behind jobs

    in_the_job = rng.random() < 0.5
    delay = rng.uniform(0.0, 0.05) if in_the_job else rng.uniform(0.1, 2.5)
    status, _ = _post(f"{stack.app_url}/api/v1/programs/{PROGRAM_ID}/campaigns", key)
    assert status == 202
    time.sleep(delay)
    app.kill()
    notified_at_kill = scalar(engine, "SELECT count(*) FROM applications WHERE program_id = :p",
                              p=PROGRAM_ID)
    delivered_at_kill = scalar(engine, "SELECT count(*) FROM outbox WHERE status = 'sent'")
    job_at_kill = scalar(engine, "SELECT status FROM jobs ORDER BY created_at DESC LIMIT 1")

    app.start()
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM applications "
                                      "WHERE program_id = :p", p=PROGRAM_ID) == ON_LINE
               and scalar(engine, "SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0,
               timeout=90, what="every reachable household notified and its notice delivered")
    with engine.connect() as connection:
        from sqlalchemy import text

        applications = dict(connection.execute(text(
            "SELECT household_id, id FROM applications WHERE program_id = :p"),
            {"p": PROGRAM_ID}).all())
    expected = {users[int(household[1:]) // 2]: application
                for household, application in applications.items()}
    found = check_notices(stack.sim_url, expected)
    stats = stack.sim("GET", "/_sim/stats")
    report("campaign", killed="app (gunicorn: the job and the delivery)",
           at=f"{delay:.3f} s after the send was started ({'in' if in_the_job else 'after'} "
              f"the job)", households=HOUSEHOLDS, reachable=ON_LINE,
           job_at_kill=job_at_kill, notified_at_kill=notified_at_kill,
           delivered_at_kill=delivered_at_kill, notified=len(applications),
           notices_received=len(expected) - found["missing"] + found["duplicates"],
           missing=found["missing"], duplicates=found["duplicates"], wrong=found["wrong"],
           rate_limited_429=stats["rate_limited_429"])
    assert len(applications) == ON_LINE
    assert found == {"missing": 0, "duplicates": 0, "wrong": 0}
    assert stats["duplicate_deliveries"] == 0
