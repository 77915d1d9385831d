"""Procfile.city for real (ADR 0066): honcho starts gunicorn, the Celery workers and beat on a
scratch PostgreSQL database and a Redis database of their own; a tiny campaign reaches the LINE
simulator through the `jobs` and `outbox` workers, the heads' はい taps are confirmed and
answered once, and on the way out nothing honcho started is left running."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from adapters.crypto import FieldCipher
from adapters.line.simulator.simulator import bulk_user_ids
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine, normalize_url
from bench.benefit_campaign import (
    check_notices,
    notified,
    seed,
    time_import,
    write_list,
)
from bench.city_topology import (
    burst,
    campaign,
    flush_redis,
    started_pids,
    topology,
    topology_env,
)
from bench.common import DEV_SECRET, fresh_database, simulator
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.e2e
HOUSEHOLDS = 12  # every other one reachable on LINE


def _servers() -> tuple[str, str]:
    database = os.environ.get("TEST_DATABASE_URL", "")
    if not database or make_url(normalize_url(database)).get_backend_name() != "postgresql":
        pytest.skip("the city topology runs on PostgreSQL: set TEST_DATABASE_URL to a "
                    "PostgreSQL server (.ci/run does)")
    broker = os.environ.get("TEST_REDIS_URL", "")
    if not broker:
        pytest.skip("the city topology's Celery needs Redis: set TEST_REDIS_URL")
    return database, f"{broker.rstrip('/')}/15"  # a Redis database of its own, flushed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_procfile_runs_a_campaign_and_a_burst_of_taps_then_stops_everything(
        tmp_path: Path) -> None:
    database, broker = _servers()
    if shutil.which("honcho", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("honcho is not installed (pip install -e '.[test]')")
    flush_redis(broker)
    # the town is seeded here and read by the topology's processes, both under TEST_KEY: a
    # container built earlier in this worker may have installed another key as the process's
    orm.start_mappers(FieldCipher([TEST_KEY]))
    log = tmp_path / "honcho.log"
    with fresh_database(database, tmp_path, "madoguchi_bench_city") as url:
        engine = make_engine(url)
        try:
            migrating.upgrade(engine)
            users = bulk_user_ids(DEV_SECRET, HOUSEHOLDS // 2)
            seed(engine, HOUSEHOLDS, users)
            write_list(HOUSEHOLDS, tmp_path / "eligible.csv")
            time_import(engine, tmp_path / "eligible.csv", HOUSEHOLDS)
            with simulator(users=len(users)) as line_url, topology(
                    topology_env(url, broker, line_url, TEST_KEY, tmp_path), log,
                    timeout=90) as port:
                sent = campaign(engine, broker, timeout=60)
                pairs = notified(engine)
                notices = check_notices(line_url, dict(pairs))
                tapped = burst(engine, port, line_url, pairs, timeout=60)
        finally:
            engine.dispose()
            flush_redis(broker)

    assert sent["finished"] and sent["job"] == "succeeded" and len(pairs) == len(users)
    assert notices == {"missing": 0, "duplicates": 0, "wrong": 0}
    assert tapped["handled"] and tapped["errors"] == 0 and tapped["redelivered"] == 1
    assert (tapped["lost"], tapped["doubled"], tapped["without_reply"]) == (0, 0, 0)
    pids = started_pids(log.read_text(errors="replace"))
    assert set(pids) == {"web.1", "jobs.1", "outbox.1", "inbound.1", "beat.1"}
    assert not [name for name, pid in pids.items() if _alive(pid)]
