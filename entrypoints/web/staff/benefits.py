"""Staff pages for benefit programs (給付金): the list, creating one, a program's page with its
status, eligibility split and campaigns. Applications and the postal path are in
benefits_applications.py and benefits_postal.py; the eligibility list and notices in
benefits_campaigns.py.

Each change is audited by its use case, in the change's own transaction (never when it was
refused)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from application.benefits.changing_program_status import (
    ChangeProgramStatus,
    change_program_status,
)
from application.benefits.creating_program import CreateProgram, create_program
from application.benefits.reach import split
from application.outbox import OutboxStatus
from domain.access import Permission
from domain.benefits import ApplicationStatus, BenefitProgram, PayoutMethod, ProgramStatus
from domain.errors import DomainError, InvalidValue, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff import use_staff_error_pages
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.formatting import JST
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["PROGRAM_LABELS", "program_or_404", "staff_benefits"]

staff_benefits = Blueprint("staff_benefits", __name__, url_prefix="/staff/benefits")
use_staff_error_pages(staff_benefits)
register_nav(staff_benefits, NavEntry("給付金", "staff_benefits.index",
                                      Permission.VIEW_PROGRAMS, order=40))

PROGRAM_LABELS = {ProgramStatus.DRAFT: "準備中", ProgramStatus.OPEN: "受付中",
                  ProgramStatus.CLOSED: "受付終了", ProgramStatus.WITHDRAWN: "取り下げ"}
MOVES = {  # the buttons a program in each status shows: (status to, label)
    ProgramStatus.DRAFT: (("open", "受付を開始する"), ("withdrawn", "取り下げる")),
    ProgramStatus.OPEN: (("closed", "受付を終了する"), ("withdrawn", "取り下げる")),
    ProgramStatus.CLOSED: (("open", "受付を再開する"), ("withdrawn", "取り下げる")),
    ProgramStatus.WITHDRAWN: (),
}
_LOCAL = "%Y-%m-%dT%H:%M"


@staff_benefits.context_processor
def _permissions() -> dict[str, object]:
    return {"Permission": Permission}


def program_or_404(program_id: str) -> BenefitProgram:
    with container().uow() as uow:
        program = uow.programs.get(program_id)
    if program is None:
        raise NotFound("給付金が見つかりません。")
    return program


def _local_input(moment: dt.datetime) -> str:
    return moment.astimezone(JST).strftime(_LOCAL)


def _japan_time(form_value: str, label: str) -> dt.datetime:
    """A `datetime-local` value, read as Japan time."""
    try:
        moment = dt.datetime.fromisoformat(form_value.strip())
    except ValueError:
        raise InvalidValue(f"{label}を日時で入力してください。") from None
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment


def _amount(raw: str) -> int:
    cleaned = raw.replace(",", "").replace("円", "").strip()
    if not cleaned.isdecimal():
        raise InvalidValue("1世帯あたりの支給額を半角数字で入力してください。")
    return int(cleaned)


@staff_benefits.get("/")
@requires_staff_permission(Permission.VIEW_PROGRAMS)
def index():  # type: ignore[no-untyped-def]
    with container().uow() as uow:
        programs = list(uow.programs.list())
    now = container().clock().now()
    defaults = {"opens_at": _local_input(now), "closes_at": _local_input(
        now + dt.timedelta(days=90))}
    return render_template("staff/benefits/index.html", programs=programs,
                           labels=PROGRAM_LABELS, methods=list(PayoutMethod),
                           form=request.args, defaults=defaults)


@staff_benefits.post("/")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def create():  # type: ignore[no-untyped-def]
    form = request.form
    services = container()
    try:
        program_id = create_program(CreateProgram(
            actor=g.actor,
            name=form.get("name", ""),
            amount_yen=_amount(form.get("amount", "")),
            eligibility_source=form.get("eligibility_source", "").strip(),
            opens_at=_japan_time(form.get("opens_at", ""), "受付開始"),
            closes_at=_japan_time(form.get("closes_at", ""), "受付終了"),
            payout_methods=tuple(form.getlist("payout_methods")),
            notice_text=form.get("notice_text", "").strip(),
            decision_text=form.get("decision_text", "").strip(),
            rejection_text=form.get("rejection_text", "").strip()),
            uow=services.uow(), ids=services.ids(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return render_template("staff/benefits/index.html", programs=_programs(),
                               labels=PROGRAM_LABELS, methods=list(PayoutMethod), form=form,
                               defaults={}), 422
    flash("給付金を登録しました（準備中）。", "success")
    return redirect(url_for("staff_benefits.program", program_id=program_id))


def _programs() -> list[BenefitProgram]:
    with container().uow() as uow:
        return list(uow.programs.list())


@staff_benefits.get("/programs/<program_id>")
@requires_staff_permission(Permission.VIEW_PROGRAMS)
def program(program_id: str):  # type: ignore[no-untyped-def]
    found = program_or_404(program_id)
    services = container()
    reach = split(program_id, uow=services.uow())
    with services.uow() as uow:
        counts = uow.applications.count_by_status(program_id)
        outcomes = uow.applications.notice_outcomes(program_id)
        campaigns = list(uow.campaigns.for_program(program_id))
    return render_template(
        "staff/benefits/program.html", program=found, labels=PROGRAM_LABELS,
        moves=MOVES[found.status], reach=reach,
        counts=[(status, counts.get(status, 0)) for status in ApplicationStatus],
        outcomes=[(status, outcomes.get(status.value, 0)) for status in OutboxStatus],
        campaigns=campaigns)


@staff_benefits.post("/programs/<program_id>/status")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def change_status(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    wanted = request.form.get("status", "")
    try:
        status = change_program_status(
            ChangeProgramStatus(program_id=program_id, status=wanted, actor=g.actor),
            uow=container().uow(), clock=container().clock())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"状態を「{PROGRAM_LABELS[status]}」にしました。", "success")
    return redirect(url_for("staff_benefits.program", program_id=program_id))


from entrypoints.web.staff import (  # noqa: E402,F401  (their views attach to staff_benefits)
    benefits_applications,
    benefits_campaigns,
    benefits_postal,
)
