"""How the REST API shows what several of its modules return: a job, a person's verified
facts, a moment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from application.jobs.job import Job
from domain.residents import PersonalFacts

__all__ = ["facts_json", "iso", "job_json"]


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "status": job.status.value,
        "progress": {"done": job.progress_done, "total": job.progress_total},
        "result": job.result,
        "error": job.error or None,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def facts_json(facts: PersonalFacts) -> dict[str, Any]:
    return {"name": facts.name.name, "kana": facts.name.kana, "address": facts.address.text,
            "postal_code": facts.address.postal_code,
            "date_of_birth": facts.date_of_birth.value.isoformat(), "sex": facts.sex.label}


def iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
