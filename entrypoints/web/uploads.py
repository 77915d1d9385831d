"""Uploads a job reads later: a file is kept in the town's upload folder (mode 700; personal
data stays on the town's disk, never in a URL or a log) until the job that imports it has run,
which deletes it. The staff pages and the REST API keep their uploads here alike."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app, g

from application.jobs.running import start_job
from entrypoints.jobs import IMPORT_ELIGIBILITY
from entrypoints.web.services import container

__all__ = ["ELIGIBILITY_MODES", "keep_upload", "start_eligibility_import"]

ELIGIBILITY_MODES = ("all_or_nothing", "valid_rows")


def _folder() -> Path:
    configured = current_app.config.get("STAFF_UPLOAD_DIR")  # tests keep theirs apart
    folder = Path(configured) if configured else container().config.data_dir() / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def keep_upload(source: bytes | BinaryIO, *, prefix: str) -> Path:
    """Writes the upload (its bytes, or a stream copied without reading it whole) to a new
    file of its own; returns the file's path."""
    fd, name = tempfile.mkstemp(prefix=f"{prefix}-", suffix=".csv", dir=_folder())
    with os.fdopen(fd, "wb") as handle:
        if isinstance(source, bytes):
            handle.write(source)
        else:
            shutil.copyfileobj(source, handle)
    return Path(name)


def start_eligibility_import(program_id: str, data: bytes, mode: str) -> str:
    """Keeps the CSV and starts its import for `g.actor`; returns the job's id."""
    services = container()
    path = keep_upload(data, prefix="eligibility")
    return start_job(IMPORT_ELIGIBILITY, {"program_id": program_id, "path": str(path),
                                          "mode": mode},
                     uow=services.uow(), queue=services.job_queue(),
                     catalog=services.job_catalog(), ids=services.ids(), clock=services.clock(),
                     actor=g.actor, program_id=program_id, mode=mode)
