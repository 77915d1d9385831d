"""The database unavailable for a few seconds in the middle of a webhook burst, the app (gunicorn)
left running: requests fail clearly while it is gone (503 and a Japanese page for staff, 503
JSON for the API, 500 to LINE so that it redelivers), nothing is half-written, and the app
resumes by itself.

PostgreSQL: the app reaches the server through a TCP proxy that the test cuts (open connections
reset, new ones refused), as a server restart or a network partition would. SQLite has no
server to lose: another connection holds the write lock (BEGIN EXCLUSIVE) instead, and writes
wait for it within the busy timeout (30 s) rather than fail; the invariants are the same."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from adapters.line.simulator.simulator import bulk_user_ids
from adapters.passwords import Argon2PasswordHasher
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.access.actor import Actor
from application.access.creating_api_key import CreateApiKey, create_api_key
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from bench.common import unit_of_work
from entrypoints.config import DEV_LINE_SECRET
from tests.e2e.staff_support import PASSWORD, csrf_of
from tests.faults.conftest import Stack, report, scalar, wait_until
from tests.faults.proxy import TcpProxy

EVENTS = 30
USERS = 6
OUTAGE = 3.0  # seconds
LEASE_SECONDS = 15  # the shortest MADOGUCHI_INBOUND_LEASE_SECONDS: a claim the outage met lapses
PROGRAM = {"name": "停電対策給付金", "amount_per_household": 10000,
           "eligibility_source": "全世帯", "opens_at": "2026-01-01T00:00:00+09:00",
           "closes_at": "2030-01-01T00:00:00+09:00", "payout_methods": ["bank_transfer"]}


class _Outage:
    """Takes the database away from the app for a while, and gives it back."""

    def __init__(self, database_url: str) -> None:
        self.url = make_url(database_url)
        self.postgres = self.url.get_backend_name() == "postgresql"
        self.proxy = (TcpProxy(self.url.host or "127.0.0.1", self.url.port or 5432)
                      if self.postgres else None)

    @property
    def app_url(self) -> str:
        if self.proxy is None:
            return self.url.render_as_string(hide_password=False)
        return self.url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(
            hide_password=False)

    def take_away(self, engine: Engine, seconds: float) -> threading.Thread:
        """For `seconds`, from now (on a thread: the test's requests go meanwhile)."""
        taken = threading.Event()

        def hold() -> None:
            if self.proxy is not None:
                self.proxy.cut()
                taken.set()
                time.sleep(seconds)
                self.proxy.restore()
                return
            with engine.connect() as connection:  # SQLite: the write lock, held
                connection.exec_driver_sql("BEGIN EXCLUSIVE")
                taken.set()
                time.sleep(seconds)
                connection.exec_driver_sql("ROLLBACK")

        thread = threading.Thread(target=hold, name="faults-outage")
        thread.start()
        assert taken.wait(30)
        return thread

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()


@pytest.fixture
def outage(database_url: str) -> Iterator[_Outage]:
    built = _Outage(database_url)
    yield built
    built.stop()


def _setup(engine: Engine) -> str:
    uow = lambda: unit_of_work(session_factory(engine))  # noqa: E731
    create_staff_member(CreateStaffMember(login_id="faults", display_name="障害 試験",
                                          role="viewer", password=PASSWORD,
                                          actor=Actor.operator("test")),
                        uow=uow(), ids=TimeOrderedIds(),
                        hasher=Argon2PasswordHasher(time_cost=1, memory_cost=64),
                        clock=SystemClock())
    return create_api_key(CreateApiKey(name="faults", role="administrator", organisation="障害試験",
                                       actor=Actor.operator("test")),
                          uow=uow(), ids=TimeOrderedIds(), clock=SystemClock()).secret


def _signed_in(app_url: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{app_url}/staff/login", timeout=30)
    answer = browser.post(f"{app_url}/staff/login", timeout=30, data={
        "login_id": "faults", "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 200 and "/staff/login" not in answer.url, answer.text[:500]
    return browser


def test_the_database_gone_for_seconds_fails_requests_clearly_and_the_app_resumes_by_itself(
        stack: Stack, engine: Engine, outage: _Outage, rng: random.Random) -> None:
    key = _setup(engine)
    api = {"Authorization": f"Bearer {key}"}
    users = bulk_user_ids(DEV_LINE_SECRET, USERS)
    stack.simulator(users=USERS).start()
    stack.app(DATABASE_URL=outage.app_url,
              MADOGUCHI_INBOUND_LEASE_SECONDS=str(LEASE_SECONDS)).start()
    browser = _signed_in(stack.app_url)
    cut_at = rng.randint(3, EVENTS - 10)
    gone, back = threading.Event(), threading.Event()
    lock, started = threading.Lock(), 0

    def send(index: int) -> dict:  # type: ignore[type-arg]
        nonlocal started
        with lock:
            started += 1
            if started == cut_at:
                gone.set()  # the main thread takes the database away now
        if started > cut_at + 4:
            back.wait(30)  # the rest of the burst arrives once it is back
        return stack.sim("POST", f"/_sim/users/{users[index % USERS]}/text",
                         {"text": f"停電 {index}"})

    outcomes: list[dict] = []  # type: ignore[type-arg]

    def fire() -> None:
        with ThreadPoolExecutor(2) as pool:
            outcomes.extend(pool.map(send, range(EVENTS)))

    burst = threading.Thread(target=fire, name="faults-burst")
    burst.start()
    try:
        assert gone.wait(60)
        away = outage.take_away(engine, OUTAGE)
        time.sleep(0.2)
        staff = browser.get(f"{stack.app_url}/staff", timeout=60)
        listed = requests.get(f"{stack.app_url}/api/v1/programs", headers=api, timeout=60)
        created = requests.post(f"{stack.app_url}/api/v1/programs", headers=api,
                                json=PROGRAM, timeout=60)
        health = requests.get(f"{stack.app_url}/healthz", timeout=60)
        away.join()
    finally:
        back.set()
        burst.join()

    wait_until(lambda: requests.get(f"{stack.app_url}/healthz", timeout=10).status_code == 200,
               timeout=30, what="the app answers again without a restart")
    unanswered = [o["webhookEventId"] for o in outcomes if o.get("status") != 200]
    redelivered = [stack.sim("POST", "/_sim/redeliver", {"webhookEventId": e})
                   for e in unanswered]
    assert all(o["status"] == 200 for o in redelivered), redelivered
    after_staff = browser.get(f"{stack.app_url}/staff", timeout=30)
    after_created = requests.post(f"{stack.app_url}/api/v1/programs", headers=api,
                                  json={**PROGRAM, "name": "停電対策給付金（再開後）"},
                                  timeout=30)
    # A stored event whose handling met the outage is handled again once its worker's lease
    # lapses (ADR 0062): every stored event handled, then every reply delivered.
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM inbox WHERE processed_at IS NULL "
                                      "AND failed_at IS NULL") == 0,
               timeout=120, what="every stored event handled")
    wait_until(lambda: scalar(engine, "SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0,
               timeout=60, what="every reply delivered")

    handled = scalar(engine, "SELECT count(*) FROM inbox WHERE source = 'line'")
    replies = scalar(engine, "SELECT count(*) FROM outbox")
    received = {u: len({m["requestId"] for m in stack.replies(u)}) for u in users}
    programs = scalar(engine, "SELECT count(*) FROM benefit_programs")
    statuses = Counter(str(o.get("status")) for o in outcomes)
    report("database outage", taken_away=("PostgreSQL cut at a TCP proxy" if outage.postgres
                                          else "SQLite write lock held (BEGIN EXCLUSIVE)"),
           at=f"event {cut_at} of {EVENTS}", seconds=OUTAGE,
           webhook_answers=dict(statuses), redelivered=len(unanswered),
           during=f"staff {staff.status_code}, api list {listed.status_code}, "
                  f"api create {created.status_code}, healthz {health.status_code}",
           after=f"staff {after_staff.status_code}, api create {after_created.status_code}",
           events_handled=handled, replies_written=replies,
           replies_received=sum(received.values()), programs=programs)
    assert handled == EVENTS and replies == EVENTS
    assert received == dict(Counter(users[i % USERS] for i in range(EVENTS)))
    assert after_staff.status_code == 200 and after_created.status_code == 201
    if outage.postgres:
        assert staff.status_code == 503
        assert "text/html" in staff.headers["Content-Type"]
        assert "データベースに接続できません" in staff.text
        assert staff.headers.get("Retry-After")
        assert (listed.status_code, created.status_code) == (503, 503)
        assert listed.json()["error"]["code"] == "unavailable"
        assert health.status_code == 503
        assert set(statuses) - {"200"} == {"500"}, statuses  # LINE is told to redeliver
        assert programs == 1  # the create during the outage wrote nothing
    else:  # the lock is waited for: nothing fails, nothing is lost
        assert (staff.status_code, listed.status_code, created.status_code) == (200, 200, 201)
        assert programs == 2
