"""配信対象: the saved segments, the editor (a structured editor in `segment_editor.js` over
the condition's JSON, which a textarea holds: without JavaScript the JSON is edited as text),
and the live count as staff edit (JSON). Saving and deleting are audited (SEND_NOTICES)."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for

from application.segments.managing_segments import (
    DeleteSegment,
    SaveSegment,
    count_segment,
    delete_segment,
    editor_choices,
    save_segment,
    segment_list,
    shown_segment,
)
from domain.access import Permission
from domain.errors import DomainError, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.segments.blueprint import staff_segments

EMPTY = {"all": [{"verified": True}]}
UNREADABLE = "条件を JSON として読めません。形を確かめてください。"


def _editor(*, segment: Any = None, name: str = "", condition: str = "", count: Any = None,
            status: int = 200):  # type: ignore[no-untyped-def]
    services = container()
    choices = editor_choices(actor=g.actor, uow=services.uow(), clock=services.clock())
    return render_template(
        "staff/segments/edit.html", segment=segment, name=name, condition=condition,
        count=count, choices=choices), status


@staff_segments.get("/segments")
@requires_staff_permission(Permission.SEND_NOTICES)
def index():  # type: ignore[no-untyped-def]
    lines = segment_list(actor=g.actor, uow=container().uow())
    return render_template("staff/segments/index.html", lines=lines)


@staff_segments.get("/segments/new")
@requires_staff_permission(Permission.SEND_NOTICES)
def new():  # type: ignore[no-untyped-def]
    return _editor(condition=json.dumps(EMPTY, ensure_ascii=False, indent=1))[0]


@staff_segments.post("/segments/new")
@requires_staff_permission(Permission.SEND_NOTICES)
def create():  # type: ignore[no-untyped-def]
    return _save("")


@staff_segments.get("/segments/<segment_id>")
@requires_staff_permission(Permission.SEND_NOTICES)
def edit(segment_id: str):  # type: ignore[no-untyped-def]
    try:
        segment, count = shown_segment(segment_id, actor=g.actor, uow=container().uow())
    except NotFound:
        abort(404)
    return _editor(segment=segment, name=segment.name, count=count,
                   condition=json.dumps(segment.condition_json, ensure_ascii=False,
                                        indent=1))[0]


@staff_segments.post("/segments/<segment_id>")
@requires_staff_permission(Permission.SEND_NOTICES)
def change(segment_id: str):  # type: ignore[no-untyped-def]
    return _save(segment_id)


def _save(segment_id: str):  # type: ignore[no-untyped-def]
    services = container()
    name, text = request.form.get("name", ""), request.form.get("condition", "")
    segment = None
    try:
        if segment_id:
            segment, _ = shown_segment(segment_id, actor=g.actor, uow=services.uow())
        try:
            condition = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than JSON can go
            flash(UNREADABLE, "error")
            return _editor(segment=segment, name=name, condition=text, status=422)
        saved = save_segment(SaveSegment(g.actor, name, condition, segment_id=segment_id,
                                         version=_version()),
                             uow=services.uow(), ids=services.ids(), clock=services.clock())
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return _editor(segment=segment, name=name, condition=text, status=422)
    flash(f"配信対象「{saved.name}」を保存しました。", "success")
    return redirect(url_for("staff_segments.edit", segment_id=saved.id))


def _version() -> int:
    text = request.form.get("version", "0")
    return int(text) if text.isdigit() else 0


@staff_segments.post("/segments/<segment_id>/delete")
@requires_staff_permission(Permission.SEND_NOTICES)
def delete(segment_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        delete_segment(DeleteSegment(g.actor, segment_id, _version()), uow=services.uow(),
                       clock=services.clock())
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_segments.edit", segment_id=segment_id))
    flash("配信対象を削除しました。", "success")
    return redirect(url_for("staff_segments.index"))


@staff_segments.post("/segments/count")
@requires_staff_permission(Permission.SEND_NOTICES)
def count():  # type: ignore[no-untyped-def]
    """The editor's live count: {"count": n, "words": "…"} or {"problem": "…"} (changes
    nothing)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: unreadable as well
        body = None
    if not isinstance(body, dict) or "condition" not in body:
        return jsonify({"problem": UNREADABLE}), 400
    try:
        counted = count_segment(body["condition"], actor=g.actor, uow=container().uow())
    except DomainError as error:
        return jsonify({"problem": error.message}), 422
    return jsonify({"count": counted.count, "words": counted.words,
                    "none": "条件に合う人がいません" if counted.count == 0 else ""})
