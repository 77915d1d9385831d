"""Staff pages for benefit programs (給付金): the list, creating one, a program's page with its
status, eligibility split and campaigns. Each change is audited by its use case, in the
change's own transaction (never when it was refused)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import flash, g, redirect, render_template, request, url_for

from application.benefits import views as benefit_views
from application.benefits.changing_program_status import (
    ChangeProgramStatus,
    change_program_status,
)
from application.benefits.creating_program import CreateProgram, create_program, deadline
from application.benefits.withdrawing_program import WithdrawProgram, withdraw_program
from application.messaging.outbox import DeliveryStatus, OutboxStatus
from domain.access import Permission
from domain.benefits import (
    MAX_AMOUNT_PER_HOUSEHOLD,
    ApplicationStatus,
    PayoutMethod,
    ProgramStatus,
)
from domain.errors import DomainError, InvalidValue
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.benefits.blueprint import (
    MOVES,
    PROGRAM_LABELS,
    program_or_404,
    staff_benefits,
)
from entrypoints.web.staff.formatting import JST

_LOCAL = "%Y-%m-%dT%H:%M"


def _local_input(moment: dt.datetime) -> str:
    return moment.astimezone(JST).strftime(_LOCAL)


def _japan_time(form_value: str, label: str) -> dt.datetime:
    """A `datetime-local` value, read as Japan time."""
    try:
        moment = dt.datetime.fromisoformat(form_value.strip())
    except ValueError:
        raise InvalidValue(f"{label}を日時で入力してください。") from None
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment


def _closes_at(form: Mapping[str, str]) -> dt.datetime:
    """The deadline: a day, and a time only when staff pick one (else 23:59 of that day, JST).
    A full date and time (`closes_at`) is still read, as the API and older forms send it."""
    if not form.get("closes_on", "").strip() and form.get("closes_at", "").strip():
        return _japan_time(form.get("closes_at", ""), "受付終了")
    try:
        day = dt.date.fromisoformat(form.get("closes_on", "").strip())
    except ValueError:
        raise InvalidValue("申請の締切日を日付で入力してください。") from None
    raw_time = form.get("closes_time", "").strip()
    try:
        at = dt.time.fromisoformat(raw_time) if raw_time else None
    except ValueError:
        raise InvalidValue("締切の時刻を「17:00」のように入力してください。") from None
    return deadline(day, at)


def _amount(raw: str) -> int:
    cleaned = raw.replace(",", "").replace("円", "").strip()
    if not cleaned.isdecimal():
        raise InvalidValue("1世帯あたりの支給額を半角数字で入力してください。")
    if len(cleaned) > 15:  # far above any amount allowed (and int() refuses thousands of digits)
        raise InvalidValue(f"1世帯あたりの支給額は{MAX_AMOUNT_PER_HOUSEHOLD:,}円以下に"
                           "してください。")
    return int(cleaned)


@staff_benefits.get("/")
@requires_staff_permission(Permission.VIEW_PROGRAMS)
def index():  # type: ignore[no-untyped-def]
    programs = benefit_views.programs(uow=container().uow())
    now = container().clock().now()
    defaults = {"opens_at": _local_input(now), "closes_on": (
        now + dt.timedelta(days=90)).astimezone(JST).date().isoformat()}
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
            closes_at=_closes_at(form),
            payout_methods=tuple(form.getlist("payout_methods")),
            notice_text=form.get("notice_text", "").strip(),
            decision_text=form.get("decision_text", "").strip(),
            rejection_text=form.get("rejection_text", "").strip()),
            uow=services.uow(), ids=services.ids(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return render_template("staff/benefits/index.html",
                               programs=benefit_views.programs(uow=services.uow()),
                               labels=PROGRAM_LABELS, methods=list(PayoutMethod), form=form,
                               defaults={}), 422
    flash("給付金を登録しました（準備中）。", "success")
    return redirect(url_for("staff_benefits.program", program_id=program_id))


@staff_benefits.get("/programs/<program_id>")
@requires_staff_permission(Permission.VIEW_PROGRAMS)
def program(program_id: str):  # type: ignore[no-untyped-def]
    services = container()
    page = benefit_views.program_page(program_id, uow=services.uow(),
                                      policy=services.contact_policy())
    found = page.program
    return render_template(
        "staff/benefits/program.html", program=found, labels=PROGRAM_LABELS,
        moves=MOVES[found.status], reach=page.reach,
        counts=[(status, page.counts.get(status, 0)) for status in ApplicationStatus],
        outcomes=[(status, page.notice_outcomes.get(status.value, 0))
                  for status in OutboxStatus],
        campaigns=[run.campaign for run in page.campaigns], reminders=page.reminders,
        deliveries=_by_channel(page.deliveries), delivery_statuses=list(DeliveryStatus))


def _by_channel(deliveries: Mapping[tuple[str, str], int]) -> list[tuple[str, list[int]]]:
    """Each channel the notices went on, with a count per delivery status (DeliveryStatus's
    order), for the program page's table."""
    channels = sorted({channel for channel, _ in deliveries})
    return [(channel, [deliveries.get((channel, status.value), 0) for status in DeliveryStatus])
            for channel in channels]


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


def _withdrawal_page(program_id: str, form: Mapping[str, str], status: int = 200):  # type: ignore[no-untyped-def]
    seen = benefit_views.withdrawal(program_id, uow=container().uow())
    return render_template(
        "staff/benefits/withdraw.html", program=seen.program, blocked=seen.blocked, form=form,
        counts=[(s, seen.counts.get(s, 0)) for s in ApplicationStatus],
        kept={"paid", "rejected", "withdrawn"}), status


@staff_benefits.get("/programs/<program_id>/withdrawal")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def withdrawal(program_id: str):  # type: ignore[no-untyped-def]
    """The confirmation: what a withdrawal takes back, what blocks it, and the reason."""
    if program_or_404(program_id).status is ProgramStatus.WITHDRAWN:
        flash("この給付金はすでに取り下げられています。", "error")
        return redirect(url_for("staff_benefits.program", program_id=program_id))
    return _withdrawal_page(program_id, {})


@staff_benefits.post("/programs/<program_id>/withdrawal")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def withdraw(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    form = request.form
    try:
        done = withdraw_program(
            WithdrawProgram(program_id=program_id, reason=form.get("reason", ""), actor=g.actor),
            uow=container().uow(), clock=container().clock())
    except DomainError as error:
        flash(error.message, "error")
        return _withdrawal_page(program_id, form.to_dict(), 422)
    flash(f"給付金を取り下げました（申請{done.applications}件を取り下げ、世帯にお知らせします）。",
          "success")
    return redirect(url_for("staff_benefits.program", program_id=program_id))
