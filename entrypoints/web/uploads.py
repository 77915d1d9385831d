"""Uploads a job reads later: the file is kept in the data directory (personal data stays on the
town's disk, never in a URL or a log) and the job that imports it is started for whoever sent
it. The staff page and the REST API share this, so both import a list the same way."""

from __future__ import annotations

import uuid

from flask import g

from application.jobs.running import start_job
from entrypoints.jobs import IMPORT_ELIGIBILITY
from entrypoints.web.services import container

__all__ = ["ELIGIBILITY_MODES", "start_eligibility_import"]

ELIGIBILITY_MODES = ("all_or_nothing", "valid_rows")


def start_eligibility_import(program_id: str, data: bytes, mode: str) -> str:
    """Keeps the CSV and starts its import for `g.actor`; returns the job's id."""
    services = container()
    folder = services.config.data_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"eligibility-{uuid.uuid4().hex}.csv"
    path.write_bytes(data)
    return start_job(IMPORT_ELIGIBILITY, {"program_id": program_id, "path": str(path),
                                          "mode": mode},
                     uow=services.uow(), queue=services.job_queue(),
                     catalog=services.job_catalog(), ids=services.ids(), clock=services.clock(),
                     actor=g.actor, program_id=program_id, mode=mode)
