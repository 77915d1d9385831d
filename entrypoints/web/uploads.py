"""Uploads a job reads later: a file is kept in the town's upload folder (mode 700; personal
data stays on the town's disk, never in a URL or a log) until the job that imports it has run,
which deletes it. The staff pages and the REST API keep their uploads here alike."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from flask import Flask, current_app, g

from application.jobs.running import start_job
from entrypoints.jobs import IMPORT_ELIGIBILITY
from entrypoints.upload_folder import prepare_upload_folder
from entrypoints.web.services import container

__all__ = [
    "ELIGIBILITY_MODES",
    "keep_upload",
    "start_eligibility_import",
    "start_upload_job",
    "upload_folder",
]

ELIGIBILITY_MODES = ("all_or_nothing", "valid_rows")


def upload_folder(app: Flask | None = None) -> Path:
    """The app's upload folder (not made here)."""
    app = app or current_app
    configured = app.config.get("STAFF_UPLOAD_DIR")  # tests keep theirs apart
    return (Path(configured) if configured else
            app.extensions["madoguchi"].config.data_dir() / "uploads")


def keep_upload(source: bytes | BinaryIO, *, prefix: str) -> Path:
    """Writes the upload (its bytes, or a stream copied without reading it whole) to a new
    file of its own; returns the file's path."""
    folder = prepare_upload_folder(upload_folder())
    fd, name = tempfile.mkstemp(prefix=f"{prefix}-", suffix=".csv", dir=folder)
    os.fchmod(fd, 0o600)  # mkstemp's own mode, said out loud
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(source, bytes):
                handle.write(source)
            else:
                shutil.copyfileobj(source, handle)
    except BaseException:  # a broken upload stream: nothing half-written stays
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def start_upload_job(name: str, path: Path, payload: dict[str, Any],
                     **detail: str | int | bool) -> str:
    """Starts the job that reads the kept upload at `path` for `g.actor`; when the start is
    refused or fails the upload is deleted at once (no job will ever read it)."""
    services = container()
    try:
        return start_job(name, {**payload, "path": str(path)},
                         uow=services.uow(), queue=services.job_queue(),
                         catalog=services.job_catalog(), ids=services.ids(),
                         clock=services.clock(), actor=g.actor, **detail)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def start_eligibility_import(program_id: str, data: bytes, mode: str) -> str:
    """Keeps the CSV and starts its import for `g.actor`; returns the job's id."""
    path = keep_upload(data, prefix="eligibility")
    return start_upload_job(IMPORT_ELIGIBILITY, path, {"program_id": program_id, "mode": mode},
                            program_id=program_id, mode=mode)
