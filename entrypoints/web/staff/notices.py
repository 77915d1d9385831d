"""お知らせ配信 (ADR 0058): the notices staff send to a segment — the list with each one's status
and figures, the compose page with a preview per channel (LINE's bubble, the SMS with its parts
and cost, the e-mail) and the count of people the condition matches, send now or at a time, and
each notice's results by channel."""

from __future__ import annotations

import datetime as dt
import json
from email import message_from_string
from email.header import decode_header, make_header
from typing import Any

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for

from adapters.email.rendering import MailIdentity, Rendered, needs_link
from adapters.email.rendering import render as render_mail
from adapters.sms.rendering import sample
from application.notices.composing import (
    ComposeNotice,
    cancel_notice,
    compose_notice,
    schedule_notice,
)
from application.notices.messages import message_for, sms_estimate
from application.notices.sending import start_notice
from application.notices.views import (
    count_people,
    notice_lines,
    notice_results,
    segment_words,
)
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate
from application.segments.managing_segments import segment_list, shown_segment
from domain.access import Permission
from domain.errors import DomainError, InvalidValue
from domain.notices import MAX_BUTTONS, Notice, ensure_ahead
from domain.values import JST
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.forms import keep_form, kept_form
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["staff_notices"]

staff_notices = Blueprint("staff_notices", __name__, url_prefix="/staff/notices")
use_staff_error_pages(staff_notices)
register_nav(staff_notices, NavEntry("お知らせ配信", "staff_notices.index",
                                     Permission.SEND_NOTICES, order=75))

FIELDS = ("title", "text", "condition", "segment_name", "when", *(
    f"button_{part}_{i}" for i in range(MAX_BUTTONS) for part in ("label", "procedure", "url")))
SAMPLE_TOKEN = "x" * 22


@staff_notices.get("/")
@requires_staff_permission(Permission.SEND_NOTICES)
def index():  # type: ignore[no-untyped-def]
    return render_template("staff/notices/index.html",
                           lines=notice_lines(uow=container().uow()))


def _condition(raw: str) -> dict[str, Any]:
    try:
        found = json.loads(raw or "")
    except (ValueError, RecursionError):
        raise InvalidValue("配信対象の条件を選んでください。") from None
    if not isinstance(found, dict):
        raise InvalidValue("配信対象の条件を選んでください。")
    return found


def _procedures() -> list[tuple[str, str]]:
    """The procedures a button may start: those residents start from the menu (that ship, and
    that staff built and published)."""
    services = container()
    shipped = [(entry.procedure_id, entry.label) for entry in services.menu().entries]
    built = [(p.procedure_id, p.label) for p in services.procedures().in_menu()]
    return list(dict(shipped + built).items())


def _button(form: Any, i: int) -> dict[str, str] | None:
    label = form.get(f"button_label_{i}", "").strip()
    procedure = form.get(f"button_procedure_{i}", "").strip()
    url = form.get(f"button_url_{i}", "").strip()
    if not (label or procedure or url):
        return None
    if procedure and procedure not in dict(_procedures()):
        raise InvalidValue(f"ボタン「{label}」の手続きは、いま住民が始められる手続きから選んで"
                           "ください。")
    return {"label": label, "target": f"start:{procedure}" if procedure else url}


def _command(form: Any) -> ComposeNotice:
    buttons = tuple(b for b in (_button(form, i) for i in range(MAX_BUTTONS)) if b)
    upload = request.files.get("image")
    image = upload.read() if upload is not None else b""
    return ComposeNotice(title=form.get("title", ""), text=form.get("text", ""),
                         condition=_condition(form.get("condition", "")),
                         segment_name=form.get("segment_name", ""), buttons=buttons,
                         image=image or None)


def _when(raw: str) -> dt.datetime:
    """A datetime-local field (Japan time) as a moment."""
    try:
        return dt.datetime.fromisoformat(raw.strip()).replace(tzinfo=JST)
    except ValueError:
        raise InvalidValue("配信日時を「2026-12-24 09:00」の形で入力してください。") from None


@staff_notices.get("/new")
@requires_staff_permission(Permission.SEND_NOTICES)
def new():  # type: ignore[no-untyped-def]
    form = kept_form("notice") or _segment_form(request.args.get("segment", "")) or {
        "condition": request.args.get("condition", ""),
        "segment_name": request.args.get("name", ""),
    }
    segments = [(segment.id, segment.name)
                for segment, _ in segment_list(actor=g.actor, uow=container().uow())]
    return render_template("staff/notices/new.html", form=form, max_buttons=MAX_BUTTONS,
                           preview=_preview(form), procedures=_procedures(), segments=segments)


def _segment_form(segment_id: str) -> dict[str, str] | None:
    """The saved segment 「この対象にお知らせを送る」 came from: its condition (a copy the notice
    keeps) and its name; None without one, or with a message when it is gone."""
    if not segment_id:
        return None
    try:
        segment, _ = shown_segment(segment_id, actor=g.actor, uow=container().uow())
    except DomainError as error:
        flash(str(error), "error")
        return None
    return {"condition": json.dumps(segment.condition_json, ensure_ascii=False),
            "segment_name": segment.name}


@staff_notices.post("/preview")
@requires_staff_permission(Permission.SEND_NOTICES)
def preview():  # type: ignore[no-untyped-def]
    """The live preview: what each channel would carry, and how many people it goes to."""
    return jsonify(_preview(request.form))


def _preview(form: Any) -> dict[str, Any]:
    if not form.get("title") and not form.get("text"):
        return {"error": ""}
    services = container()
    try:
        command = _command(form)
        notice = Notice.compose(id="preview", title=command.title, text=command.text,
                                condition=command.condition,
                                segment_name=command.segment_name, buttons=command.buttons,
                                by=g.actor.id, at=services.clock().now(),
                                link_token=SAMPLE_TOKEN)
        count = count_people(notice.segment, uow=services.uow())
    except DomainError as error:
        return {"error": error.message}
    public_url = services.config.public_url()
    line = message_for(notice, "line", public_url=public_url, token=SAMPLE_TOKEN)
    sms_body = sample([message_for(notice, "sms", public_url=public_url, token=SAMPLE_TOKEN)],
                      public_url)
    estimate = sms_estimate(sms_body, yen_per_segment=services.config.sms_yen_per_segment(),
                            recipients=count)
    subject, body = _as_mail(message_for(notice, "email", public_url=public_url,
                                         token=SAMPLE_TOKEN))
    return {"count": count, "describe": segment_words(notice.segment, uow=services.uow()),
            "line": {"text": line.text, "buttons": [c.label for c in line.choices]},
            "sms": {"text": sms_body, "segments": estimate.segments,
                    "encoding": estimate.encoding, "yen": estimate.yen},
            "email": {"subject": subject, "body": body}}


def _as_mail(message: OutgoingMessage) -> tuple[str, str]:
    """The e-mail as the mailer writes it (a sample recipient and links as long as real ones)."""
    config = container().config
    public_url = config.public_url()
    sender = MailIdentity(config.town_name(), config.mail_from() or "noreply@town.example")
    rendered = Rendered(personal_link=f"{public_url}/r/{SAMPLE_TOKEN * 2}"
                        if needs_link([message]) else None,
                        unsubscribe_link=f"{public_url}/mail/unsubscribe/{SAMPLE_TOKEN}")
    mail = render_mail([message], recipient="resident@example.jp", sender=sender,
                       message_id="<preview@town.example>", rendered=rendered,
                       at=container().clock().now())
    parsed = message_from_string(mail.as_string())
    text = next(part for part in parsed.walk() if part.get_content_type() == "text/plain")
    payload = text.get_payload(decode=True)
    body = payload.decode("utf-8") if isinstance(payload, bytes) else ""
    return str(make_header(decode_header(parsed["Subject"]))), body


@staff_notices.post("/")
@requires_staff_permission(Permission.SEND_NOTICES)
def create():  # type: ignore[no-untyped-def]
    services = container()
    action = request.form.get("action", "draft")
    try:
        command = _command(request.form)
        when = _when(request.form.get("when", "")) if action == "schedule" else None
        if when is not None:  # refused before anything is written: no draft is left behind
            ensure_ahead(when, now=services.clock().now())
        notice = compose_notice(command, actor=g.actor, uow=services.uow(), ids=services.ids(),
                                clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        keep_form("notice", *FIELDS)
        return redirect(url_for("staff_notices.new"))
    return _act(notice.id, action, when)


def _act(notice_id: str, action: str, when: dt.datetime | None):  # type: ignore[no-untyped-def]
    services = container()
    try:
        if action == "send":
            start_notice(notice_id, actor=g.actor, uow=services.uow(),
                         queue=services.job_queue(), ids=services.ids(), clock=services.clock())
            flash("お知らせの配信を始めました。", "success")
        elif action == "schedule" and when is not None:
            schedule_notice(notice_id, when, actor=g.actor, uow=services.uow(),
                            clock=services.clock())
            flash("お知らせの配信を予約しました。", "success")
        else:
            flash("下書きを保存しました。", "success")
    except DomainError as error:
        flash(f"{error.message}（下書きとして保存しています）", "error")
    except ConcurrentUpdate:
        flash("ほかの操作と重なりました。もう一度確認してください。", "error")
    return redirect(url_for("staff_notices.show", notice_id=notice_id))


@staff_notices.get("/<notice_id>")
@requires_staff_permission(Permission.SEND_NOTICES)
def show(notice_id: str):  # type: ignore[no-untyped-def]
    results = notice_results(notice_id, uow=container().uow())
    return render_template("staff/notices/show.html", results=results, notice=results.notice,
                           words=segment_words(results.notice.segment, uow=container().uow()))


@staff_notices.post("/<notice_id>/send")
@requires_staff_permission(Permission.SEND_NOTICES)
def send(notice_id: str):  # type: ignore[no-untyped-def]
    action = request.form.get("action", "send")
    try:
        when = _when(request.form.get("when", "")) if action == "schedule" else None
    except InvalidValue as error:
        flash(error.message, "error")
        return redirect(url_for("staff_notices.show", notice_id=notice_id))
    notice_results(notice_id, uow=container().uow())  # 404 for a notice that does not exist
    return _act(notice_id, action if action in ("send", "schedule") else "send", when)


@staff_notices.post("/<notice_id>/cancel")
@requires_staff_permission(Permission.SEND_NOTICES)
def cancel(notice_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        cancel_notice(notice_id, actor=g.actor, uow=services.uow(), clock=services.clock())
        flash("配信を取り消しました。", "success")
    except (DomainError, ConcurrentUpdate) as error:
        flash(getattr(error, "message", "ほかの操作と重なりました。"), "error")
    return redirect(url_for("staff_notices.show", notice_id=notice_id))
