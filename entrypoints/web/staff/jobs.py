"""Progress of long work (imports, campaigns, exports) for staff pages: a page per job, a JSON
status the progress bar polls, and the result report as an HTML fragment.

Any staff page can show a job's progress with
    {% from "staff/_macros.html" import job_progress %}{{ job_progress(job_id) }}"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, render_template, url_for
from flask_babel import gettext as _

from adapters.documents.labels import LABELS
from application.jobs import running as jobs
from application.jobs.catalog import JobKind
from application.jobs.job import Job
from domain.access import Permission
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission, staff_may
from entrypoints.web.staff.frame import staff


def _job(job_id: str) -> Job:
    job = jobs.job_status(job_id, uow=container().uow())
    if not staff_may(_kind(job).report_permission):
        abort(403)
    return job


def _kind(job: Job) -> JobKind:
    return container().job_catalog().kind(job.name)


# The figures a job's result may carry, as staff read them (a key without a label is not shown).
RESULT_LABELS = LABELS["report_field"]


def _shown(value: object) -> object:
    return ("はい" if value else "いいえ") if isinstance(value, bool) else value


def refused(job: Job) -> bool:
    """An import that ran to its end and wrote nothing (its file had errors, or could not be
    read): finished, but not a success."""
    return bool(job.finished and not job.error and (job.result or {}).get("written") is False)


def job_status_json(job: Job) -> dict[str, Any]:
    percent = 100 if job.finished and not job.error else (
        int(job.progress_done * 100 / job.progress_total) if job.progress_total else 0)
    return {
        "id": job.id, "status": job.status.value, "label": job.status.label,
        "done": job.progress_done, "total": job.progress_total, "percent": percent,
        "unit": _(_kind(job).unit) if _kind(job).unit else "",
        "finished": job.finished, "failed": bool(job.error), "error": job.error or None,
        "refused": refused(job),
        "report_url": url_for("staff.job_report", job_id=job.id),
    }


@staff.get("/jobs/<job_id>")
@requires_staff_permission(Permission.VIEW_JOBS)
def job_page(job_id: str):  # type: ignore[no-untyped-def]
    job = _job(job_id)
    return render_template("staff/job.html", job=job, title=_kind(job).label)


@staff.get("/jobs/<job_id>/status")
@requires_staff_permission(Permission.VIEW_JOBS)
def job_status(job_id: str):  # type: ignore[no-untyped-def]
    return jsonify(job_status_json(_job(job_id)))


@staff.get("/jobs/<job_id>/report")
@requires_staff_permission(Permission.VIEW_JOBS)
def job_report(job_id: str):  # type: ignore[no-untyped-def]
    job = _job(job_id)
    result = job.result or {}
    details = [(RESULT_LABELS[key], _shown(value)) for key, value in result.items()
               if key in RESULT_LABELS and isinstance(value, str | int | float | bool)]
    return render_template("staff/_job_report.html", job=job, refused=refused(job),
                           summary=result.get("summary"),
                           errors=result.get("errors") or [], details=details,
                           unknown=result.get("unknown") or [])
