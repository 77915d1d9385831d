"""A job's progress: a sign of life that renews the run's lease, written through the units of
work the handler names (ADR 0081), so the renewing thread writes only when progress is slow."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from application.jobs.catalog import JobCatalog, JobProgress
from application.jobs.job import Job, JobStatus
from application.jobs.running import DEFAULT_LEASE, LEASE_THREAD, resume_left_behind, run_job
from application.ports.unit_of_work import UnitOfWork
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, fake_uow_factory

pytestmark = pytest.mark.unit

Handler = Callable[[dict[str, Any], JobProgress], dict[str, Any]]
EVERY = 0.05  # the lease thread's period in these tests (its wait is in real seconds)


class _Queue:
    def enqueue(self, job_id: str) -> None:
        pass


class _Counted:
    """Units of work that count who opened them: the lease's thread or the handler's."""

    def __init__(self, database: FakeDatabase) -> None:
        self.make = fake_uow_factory(database)
        self.by_thread: list[str] = []

    def __call__(self) -> UnitOfWork:
        self.by_thread.append(threading.current_thread().name)
        return self.make()

    def renewals(self) -> int:
        return self.by_thread.count(LEASE_THREAD)


class _Ticks:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the lease's thread did not renew"
        time.sleep(0.005)


def _run(handler: Handler, units: _Counted, ticks: _Ticks, database: FakeDatabase) -> JobStatus:
    clock = FakeClock()
    with FakeUnitOfWork(database) as uow:
        uow.jobs.add(Job(id="j1", name="work", payload={}, created_at=clock.now()))
        uow.commit()
    catalog = JobCatalog()
    catalog.register("work", handler, label="作業")
    return run_job("j1", uow_factory=units, catalog=catalog, clock=clock, renew_every=EVERY,
                   ticks=ticks)


def test_progress_renews_the_lease_so_the_job_is_not_taken_from_its_live_worker() -> None:
    database, clock = FakeDatabase(), FakeClock()
    with FakeUnitOfWork(database) as uow:
        uow.jobs.add(Job(id="j1", name="work", payload={}, created_at=clock.now()))
        uow.commit()
    uow_factory = fake_uow_factory(database)
    taken: list[int] = []

    def reporting(payload: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
        clock.advance(seconds=DEFAULT_LEASE.total_seconds() + 1)  # past the lease...
        progress(1, 2)  # ...but the worker said it is alive
        taken.append(resume_left_behind(uow_factory=uow_factory, queue=_Queue(), clock=clock))
        return {}

    catalog = JobCatalog()
    catalog.register("work", reporting, label="作業")
    status = run_job("j1", uow_factory=uow_factory, catalog=catalog, clock=clock,
                     renew_every=3600)  # the thread never renews in this test

    assert (status, taken) == (JobStatus.SUCCEEDED, [0])


def test_the_lease_thread_does_not_write_while_progress_keeps_coming() -> None:
    database, ticks = FakeDatabase(), _Ticks()
    units = _Counted(database)

    def reporting(payload: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
        for done in range(30):
            ticks.now += EVERY / 2  # half a period between two reports
            progress(done, 30)
            time.sleep(0.002)  # the thread gets its turns to look
        return {}

    assert _run(reporting, units, ticks, database) is JobStatus.SUCCEEDED
    assert units.renewals() == 0


def test_without_progress_the_lease_thread_renews_each_period() -> None:
    database, ticks = FakeDatabase(), _Ticks()
    units = _Counted(database)

    def silent(payload: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
        for expected in (1, 2):
            ticks.now += EVERY  # a whole period without progress
            _wait_until(lambda: units.renewals() >= expected)  # noqa: B023
        return {}

    assert _run(silent, units, ticks, database) is JobStatus.SUCCEEDED
    assert units.renewals() == 2


def test_progress_is_written_through_the_units_of_work_the_handler_names() -> None:
    shared, clock = FakeDatabase(), FakeClock()
    own = _Counted(shared)
    written: list[tuple[int, int]] = []

    def importing(payload: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
        progress(5, 10, units=own)
        with FakeUnitOfWork(shared) as uow:
            job = uow.jobs.get("j1")
            assert job is not None
            written.append((job.progress_done, job.progress_total))
        return {}

    with FakeUnitOfWork(shared) as uow:
        uow.jobs.add(Job(id="j1", name="work", payload={}, created_at=clock.now()))
        uow.commit()
    runner = _Counted(shared)
    catalog = JobCatalog()
    catalog.register("work", importing, label="作業")
    run_job("j1", uow_factory=runner, catalog=catalog, clock=clock, renew_every=3600)

    assert written == [(5, 10)]
    assert own.by_thread == [threading.current_thread().name]  # the handler's, once
    assert runner.by_thread.count(threading.current_thread().name) == 2  # claim and finish
