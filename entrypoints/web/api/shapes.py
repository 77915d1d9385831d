"""How the REST API shows what several of its modules return: a job, a person's verified
facts, a moment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from application.jobs.job import Job
from domain.benefits import Application
from domain.residents import PersonalFacts

__all__ = ["application_json", "facts_json", "iso", "job_json"]


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


def application_json(application: Application, household_number: str, *,
                     with_account: bool = False) -> dict[str, Any]:
    """An application as the API shows it, with its household's 世帯番号."""
    shown: dict[str, Any] = {
        "id": application.id, "program_id": application.program_id,
        "household_id": application.household_id, "household_number": household_number,
        "status": application.status.value,
        "status_label": application.status.label, "channel": application.channel,
        "payout_method": application.payout_method.value if application.payout_method else None,
        "amount": application.amount.yen if application.amount else None,
        "notified_at": iso(application.notified_at),
        "confirmed_at": iso(application.confirmed_at),
        "decided_at": iso(application.decided_at),
        "decision_reason": application.decision_reason,
        "awaits_account_check": application.awaits_account_check,
        "account_masked": application.payee_account.masked()
        if application.payee_account else None,
    }
    if with_account and application.payee_account is not None:
        account = application.payee_account
        shown["account"] = {"bank_code": account.bank_code, "branch_code": account.branch_code,
                            "account_type": account.account_type.value,
                            "number": account.number, "holder_kana": account.holder.text}
        shown["passbook_photo"] = application.passbook_photo
    return shown
