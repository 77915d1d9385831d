"""A campaign's notices pushed to a LINE platform that misbehaves: answers 500 before
recording, records and then "loses" the answer (500; the retry gets 409), and answers 429 past
a low rate. Nothing is lost and nothing is doubled: every reachable household has exactly one
notice, for its own application, and every outbox row ends sent."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import Engine, text

from adapters.line.simulator.simulator import bulk_user_ids
from bench.benefit_campaign import PROGRAM_ID, check_notices, seed, time_import, write_list
from entrypoints.config import DEV_LINE_SECRET
from tests.faults.conftest import Stack, report, scalar, wait_until
from tests.faults.test_campaign_crash import HOUSEHOLDS, ON_LINE, PUSH_RATE, _api_key, _post


def test_pushes_against_500s_lost_answers_and_429s_arrive_once_each(
        stack: Stack, engine: Engine, rng: random.Random, tmp_path: Path) -> None:
    users = bulk_user_ids(DEV_LINE_SECRET, ON_LINE)
    seed(engine, HOUSEHOLDS, users)
    write_list(HOUSEHOLDS, tmp_path / "eligible.csv")
    time_import(engine, tmp_path / "eligible.csv", HOUSEHOLDS)
    key = _api_key(engine)
    stack.simulator(users=ON_LINE, push_rate=PUSH_RATE).start()
    faults = {"error_rate": round(rng.uniform(0.2, 0.35), 2),
              "lost_response_rate": round(rng.uniform(0.2, 0.35), 2),
              "status": rng.choice([500, 502, 503]), "seed": rng.randrange(10**6)}
    assert stack.sim("POST", "/_sim/faults", faults)["error_rate"] == faults["error_rate"]
    stack.app().start()

    status, _ = _post(f"{stack.app_url}/api/v1/programs/{PROGRAM_ID}/campaigns", key)
    assert status == 202
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM applications "
                                      "WHERE program_id = :p", p=PROGRAM_ID) == ON_LINE
               and scalar(engine, "SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0,
               timeout=90, what="every notice delivered despite the platform's faults")

    with engine.connect() as connection:
        applications = dict(connection.execute(text(
            "SELECT household_id, id FROM applications WHERE program_id = :p"),
            {"p": PROGRAM_ID}).all())
        attempts = connection.execute(text("SELECT sum(attempts) FROM outbox")).scalar_one()
    expected = {users[int(household[1:]) // 2]: application
                for household, application in applications.items()}
    found = check_notices(stack.sim_url, expected)
    stats = stack.sim("GET", "/_sim/stats")
    report("LINE platform faults", faults=faults, households=HOUSEHOLDS, reachable=ON_LINE,
           notified=len(applications), outbox_attempts=attempts,
           injected_500_before_recording=stats["injected_500"]["before_recording"],
           answers_lost_after_recording=stats["injected_500"]["after_recording"],
           conflicts_409=stats["conflicts_409"], rate_limited_429=stats["rate_limited_429"],
           notices_received=len(expected) - found["missing"] + found["duplicates"],
           missing=found["missing"], duplicates=found["duplicates"], wrong=found["wrong"],
           duplicate_deliveries=stats["duplicate_deliveries"])
    assert len(applications) == ON_LINE
    assert found == {"missing": 0, "duplicates": 0, "wrong": 0}
    assert stats["duplicate_deliveries"] == 0
    assert stats["injected_500"]["before_recording"] + stats["injected_500"]["after_recording"]
