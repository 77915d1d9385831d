"""Jobs a killed process left behind (queued, or running with nobody renewing the lease) are
taken up again; a job whose worker is alive keeps its lease and is left alone."""

from __future__ import annotations

import time
from typing import Any

from application.jobs.catalog import JobCatalog
from application.jobs.job import Job, JobStatus
from application.jobs.running import DEFAULT_LEASE, resume_left_behind, run_job
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, fake_uow_factory


class _Queue:
    def __init__(self) -> None:
        self.enqueued: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.enqueued.append(job_id)


def _store(database: FakeDatabase, job: Job) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.jobs.add(job)
        uow.commit()


def _job(job_id: str, clock: FakeClock, *, running: bool) -> Job:
    job = Job(id=job_id, name="work", payload={}, created_at=clock.now())
    if running:
        job.start(now=clock.now(), lease=DEFAULT_LEASE)  # then its process was killed
    return job


def test_a_job_whose_process_was_killed_while_running_is_resumed_once_its_lease_lapsed() -> None:
    database, clock, queue = FakeDatabase(), FakeClock(), _Queue()
    _store(database, _job("j1", clock, running=True))
    uow_factory = fake_uow_factory(database)

    clock.advance(seconds=DEFAULT_LEASE.total_seconds() - 1)
    early = resume_left_behind(uow_factory=uow_factory, queue=queue, clock=clock)
    clock.advance(seconds=2)
    later = resume_left_behind(uow_factory=uow_factory, queue=queue, clock=clock)

    assert (early, later, queue.enqueued) == (0, 1, ["j1"])


def test_a_job_left_queued_is_resumed_but_not_one_just_stored_nor_a_finished_one() -> None:
    database, clock, queue = FakeDatabase(), FakeClock(), _Queue()
    _store(database, _job("waiting", clock, running=False))
    done = _job("done", clock, running=True)
    done.succeed({}, now=clock.now())
    _store(database, done)
    clock.advance(seconds=30)
    _store(database, _job("just-stored", clock, running=False))

    resume_left_behind(uow_factory=fake_uow_factory(database), queue=queue, clock=clock)

    assert queue.enqueued == ["waiting"]


def test_a_running_job_renews_its_lease_so_it_is_not_taken_from_its_live_worker() -> None:
    database, clock = FakeDatabase(), FakeClock()
    _store(database, _job("j1", clock, running=False))
    uow_factory = fake_uow_factory(database)
    seen: list[int] = []

    def slow(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        clock.advance(minutes=5)  # far past the lease, while the worker is still at it
        time.sleep(0.2)  # the lease is renewed meanwhile
        seen.append(resume_left_behind(uow_factory=uow_factory, queue=_Queue(), clock=clock))
        return {}

    catalog = JobCatalog()
    catalog.register("work", slow, label="作業")

    status = run_job("j1", uow_factory=uow_factory, catalog=catalog, clock=clock,
                     renew_every=0.02)

    assert (status, seen) == (JobStatus.SUCCEEDED, [0])
