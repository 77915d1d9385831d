"""A program's eligibility list (支給対象者リスト) upload and its import report, the notices
(通知の送信): a preview of the exact message and the count, then the send as a job; and the
reminders (督促) to the households that have not answered, previewed the same way."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping

from flask import flash, g, redirect, render_template, request, url_for

from adapters.sms.rendering import sample, sample_link
from application.benefits.reminding import (
    ScheduleReminder,
    preview_reminder,
    schedule_reminder,
)
from application.benefits.sending_campaign import preview_campaign, start_campaign
from application.jobs.running import job_status
from application.messaging.segments import count_segments, sms_cost_yen
from application.ports.messaging import OutgoingMessage
from domain.access import Permission
from domain.errors import DomainError, InvalidValue, NotFound
from domain.reminders import MAX_DAYS_BEFORE
from entrypoints.jobs import IMPORT_ELIGIBILITY
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.benefits.blueprint import program_or_404, staff_benefits
from entrypoints.web.staff.formatting import format_datetime
from entrypoints.web.staff.jobs import refused
from entrypoints.web.uploads import ELIGIBILITY_MODES, start_eligibility_import


@staff_benefits.post("/programs/<program_id>/eligibility")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def upload_eligibility(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    mode = request.form.get("mode", "all_or_nothing")
    if not data or mode not in ELIGIBILITY_MODES:
        flash("CSVファイルを選んでください。" if not data else "取り込み方法を選んでください。",
              "error")
        return redirect(url_for("staff_benefits.program", program_id=program_id))
    job_id = start_eligibility_import(program_id, data, mode)
    return redirect(url_for("staff_benefits.eligibility_import", program_id=program_id,
                            job_id=job_id))


@staff_benefits.get("/programs/<program_id>/imports/<job_id>")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)  # the report_permission of the kind
def eligibility_import(program_id: str, job_id: str):  # type: ignore[no-untyped-def]
    """The progress bar, and once the job has ended the full report: errors and numbers the
    registry does not know, by row."""
    program = program_or_404(program_id)
    job = job_status(job_id, uow=container().uow())
    if job.name != IMPORT_ELIGIBILITY or job.payload.get("program_id") != program_id:
        raise NotFound("取り込みが見つかりません。")
    return render_template("staff/benefits/import.html", program=program, job=job,
                           refused=refused(job), result=job.result or {})


@staff_benefits.get("/programs/<program_id>/campaigns/preview")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def campaign_preview(program_id: str):  # type: ignore[no-untyped-def]
    program = program_or_404(program_id)
    services = container()
    try:
        preview = preview_campaign(program_id, uow=services.uow(), clock=services.clock(),
                                   banks=services.bank_master(),
                                   policy=services.contact_policy())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_benefits.program", program_id=program_id))
    return render_template("staff/benefits/preview.html", program=program, preview=preview,
                           message=_shown(preview.example), sms=_as_sms(preview.example))


def _as_sms(example: OutgoingMessage | None) -> dict[str, object] | None:
    """The same notice by SMS (ADR 0039), when the town sends SMS (whichever provider, ADR
    0069): its parts and its cost."""
    config = container().config
    if example is None or config.sms_provider() == "none":
        return None
    preview = getattr(container().sms_channel(), "preview", None)  # the plug-in's own text
    body = (preview([example], lambda: sample_link(config.public_url())) if preview
            else sample([example], config.public_url()))
    counted = count_segments(body)
    return {"text": body, "encoding": counted.encoding, "segments": counted.segments,
            "yen": sms_cost_yen(body, yen_per_segment=config.sms_yen_per_segment())}


def _shown(example: OutgoingMessage | None) -> dict[str, object] | None:
    """The notice's text and its buttons, as the resident's phone shows them."""
    if example is None:
        return None
    return {"text": example.text, "buttons": [choice.label for choice in example.choices]}


@staff_benefits.post("/programs/<program_id>/campaigns")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def start_campaign_view(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    services = container()
    try:
        campaign = start_campaign(program_id, actor=g.actor, uow=services.uow(),
                                  queue=services.job_queue(), ids=services.ids(),
                                  clock=services.clock(), banks=services.bank_master(),
                                  policy=services.contact_policy())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_benefits.program", program_id=program_id))
    flash(f"{campaign.recipients}世帯への通知の送信を始めました。", "success")
    return redirect(url_for("staff_benefits.program", program_id=program_id,
                            _anchor="campaigns"))


def _days_before(raw: str) -> int:
    cleaned = raw.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not cleaned.isdecimal():
        raise InvalidValue(f"締切の何日前かを1〜{MAX_DAYS_BEFORE}の数字で入力してください。")
    return int(cleaned)


def _reminder_page(program_id: str, form: Mapping[str, str], status: int = 200):  # type: ignore[no-untyped-def]
    program = program_or_404(program_id)
    services = container()
    preview = preview_reminder(program_id, uow=services.uow(), banks=services.bank_master())
    due_at = None
    with contextlib.suppress(InvalidValue):  # a wrong number: the form says so on schedule
        due_at = program.window.closes_at - dt.timedelta(days=_days_before(
            form.get("days_before", "")))
    return render_template("staff/benefits/reminder.html", program=program, preview=preview,
                           messages=[_shown(m) for m in preview.messages], form=form,
                           due_at=due_at, max_days=MAX_DAYS_BEFORE), status


@staff_benefits.get("/programs/<program_id>/reminders/preview")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def reminder_preview(program_id: str):  # type: ignore[no-untyped-def]
    """How many households have not answered, and the exact reminder they would get."""
    return _reminder_page(program_id, {"days_before": request.args.get("days_before", "7")})


@staff_benefits.post("/programs/<program_id>/reminders")
@requires_staff_permission(Permission.MANAGE_PROGRAMS)
def schedule_reminder_view(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    form = request.form
    services = container()
    try:
        reminder = schedule_reminder(
            ScheduleReminder(program_id=program_id,
                             days_before=_days_before(form.get("days_before", "")),
                             actor=g.actor),
            uow=services.uow(), ids=services.ids(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _reminder_page(program_id, form.to_dict(), 422)
    flash(f"締切の{reminder.days_before}日前の督促を予約しました"
          f"（{format_datetime(reminder.due_at)}に送ります）。", "success")
    return redirect(url_for("staff_benefits.program", program_id=program_id,
                            _anchor="reminders"))
