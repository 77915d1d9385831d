"""Uploads wait for their job mode 600 in a folder closed to others (mode 700), are deleted
after the job whether it succeeds or fails, at once when the job cannot start, and leftovers
older than a day are swept when the app starts."""

from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path

from dependency_injector import providers
from flask.testing import FlaskClient

from entrypoints.containers import Container
from entrypoints.web import create_app
from tests.e2e.staff_support import token
from tests.e2e.test_api import PROGRAM
from tests.e2e.test_staff_benefits import (
    admin,
    create_program,
    open_program,
    seed_households,
    upload,
)

__all__ = ["admin"]  # the fixture, shared with the staff benefit pages' tests


def uploads(container: Container) -> list[Path]:
    folder = container.config.data_dir() / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


class Waiting:
    """A job queue that keeps what it is given: the upload waits as it would for a worker."""

    def __init__(self) -> None:
        self.jobs: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.jobs.append(job_id)


class Broken:
    def enqueue(self, job_id: str) -> None:
        raise ConnectionError("the broker is down")


def test_an_upload_waits_mode_600_in_a_folder_closed_to_others(
        admin: FlaskClient, container: Container) -> None:
    folder = container.config.data_dir() / "uploads"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # as an older version left it
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    container.job_queue.override(providers.Object(Waiting()))
    try:
        upload(admin, program_id, "世帯番号\nH0001\n")
    finally:
        container.job_queue.reset_override()
    [waiting] = uploads(container)
    assert stat.S_IMODE(waiting.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_eligibility_list_whose_job_cannot_start_is_deleted_at_once(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    container.job_queue.override(providers.Object(Broken()))
    admin.application.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = upload(admin, program_id, "世帯番号\nH0001\n")
    finally:
        container.job_queue.reset_override()
    assert response.status_code == 500
    assert uploads(container) == []


def test_a_registry_upload_whose_job_cannot_start_is_deleted_at_once(
        admin: FlaskClient, container: Container) -> None:
    container.job_queue.override(providers.Object(Broken()))
    admin.application.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = admin.post("/staff/registry-import", data={
            "csrf_token": token(admin), "file": (io.BytesIO(b"a,b\n1,2\n"), "r.csv")},
            content_type="multipart/form-data")
    finally:
        container.job_queue.reset_override()
    assert response.status_code == 500
    assert uploads(container) == []


def test_a_staff_eligibility_list_that_cannot_be_read_is_deleted_after_its_job(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    response = admin.post(f"/staff/benefits/programs/{program_id}/eligibility", data={
        "csrf_token": token(admin), "mode": "all_or_nothing",
        "file": (io.BytesIO(b"\x00\xff\xfe\x81"), "list.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert uploads(container) == []


def test_api_eligibility_lists_are_deleted_after_their_job_succeeds_or_fails(
        client: FlaskClient, container: Container, api_key) -> None:  # type: ignore[no-untyped-def]
    seed_households(container)
    headers = api_key("administrator")
    created = client.post("/api/v1/programs", json=PROGRAM, headers=headers)
    program_id = created.json["id"]
    good = client.post(f"/api/v1/programs/{program_id}/eligibility?mode=valid_rows",
                       data="世帯番号\nH0001\n".encode("cp932"), headers=headers,
                       content_type="text/csv")
    assert good.status_code == 202
    assert uploads(container) == []
    bad = client.post(f"/api/v1/programs/{program_id}/eligibility",
                      data={"file": (io.BytesIO(b"\x00\xff\xfe\x81"), "list.csv")},
                      headers=headers, content_type="multipart/form-data")
    assert bad.status_code == 202
    assert uploads(container) == []


def test_api_eligibility_list_whose_job_cannot_start_is_deleted_at_once(
        client: FlaskClient, container: Container, api_key) -> None:  # type: ignore[no-untyped-def]
    headers = api_key("administrator")
    program_id = client.post("/api/v1/programs", json=PROGRAM, headers=headers).json["id"]
    container.job_queue.override(providers.Object(Broken()))
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.post(f"/api/v1/programs/{program_id}/eligibility",
                               data=b"\x90\xa2\x91\xd1\x94\xd4\x8d\x86\nH0001\n",
                               headers=headers, content_type="text/csv")
    finally:
        container.job_queue.reset_override()
    assert response.status_code == 500
    assert uploads(container) == []


def test_leftover_uploads_older_than_a_day_are_swept_when_the_app_starts(
        container: Container) -> None:
    folder = container.config.data_dir() / "uploads"
    folder.mkdir(mode=0o700)
    old, recent = folder / "eligibility-old.csv", folder / "registry-recent.csv"
    for path in (old, recent):
        path.write_bytes(b"H0001\n")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    create_app(container)
    assert uploads(container) == [recent]  # a recent one may still wait for its job

