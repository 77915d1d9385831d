"""設定 → お知らせの分野: the interests residents may subscribe to. Add, rename, move, retire
or bring back; each change audited (SEND_NOTICES)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from application.interests.managing_interests import (
    ChangeInterest,
    SaveInterest,
    change_interest,
    interest_list,
    save_interest,
)
from domain.access import Permission
from domain.errors import DomainError
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.segments.blueprint import staff_segments

_CHANGES = ("up", "down", "retire", "restore")


def _page(status: int = 200, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    topics = interest_list(uow=container().uow())
    return render_template("staff/segments/interests.html", topics=topics,
                           form=form or {}), status


@staff_segments.get("/interests")
@requires_staff_permission(Permission.SEND_NOTICES)
def interests():  # type: ignore[no-untyped-def]
    return _page()


@staff_segments.post("/interests")
@requires_staff_permission(Permission.SEND_NOTICES)
def add_interest():  # type: ignore[no-untyped-def]
    form = {key: request.form.get(key, "") for key in ("key", "label", "description")}
    services = container()
    try:
        saved = save_interest(SaveInterest(g.actor, form["key"], form["label"],
                                           form["description"]),
                              uow=services.uow(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _page(422, form)
    flash(f"お知らせの分野「{saved.label}」を追加しました。", "success")
    return redirect(url_for("staff_segments.interests"))


@staff_segments.post("/interests/<key>")
@requires_staff_permission(Permission.SEND_NOTICES)
def rename_interest(key: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        version = int(request.form.get("version", "0") or 0)
        saved = save_interest(SaveInterest(g.actor, key, request.form.get("label", ""),
                                           request.form.get("description", ""), new=False,
                                           version=version),
                              uow=services.uow(), clock=services.clock())
    except (DomainError, ValueError) as error:
        flash(getattr(error, "message", "入力を確認してください。"), "error")
        return _page(422)
    flash(f"お知らせの分野「{saved.label}」を変更しました。", "success")
    return redirect(url_for("staff_segments.interests"))


@staff_segments.post("/interests/<key>/change")
@requires_staff_permission(Permission.SEND_NOTICES)
def move_interest(key: str):  # type: ignore[no-untyped-def]
    change = request.form.get("change", "")
    if change not in _CHANGES:
        flash("操作を選び直してください。", "error")
        return _page(422)
    services = container()
    try:
        change_interest(ChangeInterest(g.actor, key, change),  # type: ignore[arg-type]
                        uow=services.uow(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _page(422)
    flash({"retire": "お知らせの分野を終了しました（登録は残ります）。",
           "restore": "お知らせの分野を再開しました。"}.get(change, "並び順を変えました。"),
          "success")
    return redirect(url_for("staff_segments.interests"))
