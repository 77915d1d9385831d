"""Rows of the tables the report (報告・KPI, ADR 0060) counts, as bulk Core inserts take them:
the fewest columns each table needs, with the moments the report reads given. The integration
tests seed exact small towns with them; bench/kpi_dashboard.py seeds a million residents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.benefits import ApplicationStatus
from domain.cases import CaseStatus
from domain.certificates import CertificateKind, Delivery, IssueState
from domain.payments import PaymentState
from domain.residents import PersonalFacts, RegistryStatus, VerificationState
from domain.values import Address, DateOfBirth, Money, PersonName, Sex
from domain.verifications import MatchOutcome

__all__ = ["application", "case", "certificate_request", "conversation", "household",
           "identity", "program", "resident", "survey_answer", "verification"]

FACTS = PersonalFacts(name=PersonName(name="見本 太郎", kana="ミホン タロウ"),
                      address=Address(text="見本県見本町本町1丁目1番", postal_code="7190000"),
                      date_of_birth=DateOfBirth(dt.date(1980, 1, 1)), sex=Sex.MALE)
Row = dict[str, Any]


def resident(n: int, *, created_at: dt.datetime, verified: bool = False) -> Row:
    return {"id": f"r{n:09d}", "resident_number": f"{n:09d}", "household_number": f"H{n:08d}",
            "registry_status": RegistryStatus.RESIDENT,
            "verification_state": VerificationState.VERIFIED if verified
            else VerificationState.UNVERIFIED, "facts": None, "created_at": created_at}


def household(n: int) -> Row:
    return {"id": f"h{n:09d}", "household_number": f"H{n:08d}",
            "head_resident_id": f"r{n:09d}"}


def program(program_id: str, *, at: dt.datetime) -> Row:
    from domain.benefits import PayoutMethod, ProgramStatus
    return {"id": program_id, "name": "見本給付金", "amount_per_household": Money(70_000),
            "eligibility_source": "見本", "window_opens_at": at,
            "window_closes_at": at + dt.timedelta(days=900),
            "payout_methods": [PayoutMethod.BANK_TRANSFER], "status": ProgramStatus.OPEN,
            "notice_text": "", "decision_text": "", "rejection_text": ""}


def identity(n: int, *, created_at: dt.datetime, status: str = "following",
             changed_at: dt.datetime | None = None, channel: str = "line",
             resident_id: str | None = None) -> Row:
    from domain.channels import IdentityStatus
    return {"id": f"i{n:09d}", "channel": channel, "address": f"U{n:032d}",
            "status": IdentityStatus(status), "resident_id": resident_id,
            "created_at": created_at, "status_changed_at": changed_at}


def verification(n: int, *, identity_id: str, verified_at: dt.datetime,
                 status: str = "linked", resident_id: str | None = None) -> Row:
    from domain.verifications import VerificationStatus
    return {"id": f"v{n:09d}", "identity_id": identity_id, "provider": "dev_card",
            "subject": f"s{n}", "assurance": "card", "verified_at": verified_at,
            "facts": FACTS, "match_person": "p", "match_place": "q",
            "status": VerificationStatus(status), "outcome": MatchOutcome.EXACT, "reason": "",
            "candidate_ids": [], "resident_id": resident_id, "version": 1}


def case(n: int, *, identity_id: str, procedure_id: str, created_at: dt.datetime) -> Row:
    return {"id": f"c{n:09d}", "number": f"K{n:09d}", "procedure_id": procedure_id,
            "title": "見本", "identity_id": identity_id, "answers": [], "photos": [],
            "status": CaseStatus.NEW, "created_at": created_at, "holds_the_chat": False,
            "resident_waiting": False, "acknowledged": False, "version": 1}


def certificate_request(n: int, *, resident_id: str, requested_at: dt.datetime) -> Row:
    return {"id": f"q{n:09d}", "requester_id": resident_id, "subject_id": resident_id,
            "kind": CertificateKind.RESIDENT_RECORD, "copies": 1, "purpose": "",
            "fee_per_copy": Money(300), "postage": Money(0), "items": frozenset(),
            "delivery": Delivery.POST, "payment_state": PaymentState.PAID,
            "issue_state": IssueState.WAITING, "rejection_reason": "",
            "requested_at": requested_at, "payment_attempts": 0, "version": 1}


def application(n: int, *, program_id: str, household_id: str, confirmed_at: dt.datetime,
                channel: str = "line") -> Row:
    return {"id": f"a{n:09d}", "program_id": program_id, "household_id": household_id,
            "status": ApplicationStatus.CONFIRMED, "channel": channel,
            "confirmed_at": confirmed_at, "decision_reason": "", "version": 1}


def conversation(n: int, *, identity_id: str, procedure_id: str, started_at: dt.datetime,
                 status: str = "completed", procedure_version: int | None = None) -> Row:
    from application.conversations.state import ConversationStatus
    return {"id": f"t{n:09d}", "identity_id": identity_id, "procedure_id": procedure_id,
            "procedure_version": procedure_version, "step_key": None, "answers": {},
            "history": [], "turn": 0, "status": ConversationStatus(status),
            "started_at": started_at, "updated_at": started_at,
            "expires_at": started_at + dt.timedelta(minutes=30), "version": 1}


def survey_answer(n: int, *, answered_at: dt.datetime, score: int | None,
                  survey_id: str = "satisfaction") -> Row:
    return {"id": f"s{n:09d}", "survey_id": survey_id, "procedure_id": "certificate",
            "respondent_key": f"k{n}", "period": f"{answered_at:%Y-%m}", "score": score,
            "answers": None, "channel": "line", "answered_at": answered_at}
