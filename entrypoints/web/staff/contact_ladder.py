"""The town's ladder of channels (連絡手段の順番), for administrators: the order in which a notice
tries LINE, SMS and e-mail before the postal list (ADR 0041). Each change is audited."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from application.messaging.ladder import load_ladder
from application.messaging.setting_ladder import SetLadder, set_ladder
from domain.access import Permission
from domain.channels import LADDER_CHANNELS
from domain.errors import DomainError
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("連絡手段の順番", "staff.contact_ladder", Permission.ADMINISTER, 930))


def _page(chosen: list[str], status: int = 200):  # type: ignore[no-untyped-def]
    rungs = chosen + [""] * (len(LADDER_CHANNELS) - len(chosen))
    return render_template("staff/admin/ladder.html", rungs=rungs,
                           channels=LADDER_CHANNELS), status


@staff.get("/settings/ladder")
@requires_staff_permission(Permission.ADMINISTER)
def contact_ladder():  # type: ignore[no-untyped-def]
    return _page(list(load_ladder(container().uow).channels))


@staff.post("/settings/ladder")
@requires_staff_permission(Permission.ADMINISTER)
def set_contact_ladder():  # type: ignore[no-untyped-def]
    chosen = [request.form.get(f"rung{n}", "") for n in range(1, len(LADDER_CHANNELS) + 1)]
    services = container()
    try:
        set_ladder(SetLadder(tuple(chosen)), actor=g.actor, uow=services.uow(),
                   clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _page(chosen, 422)
    flash("連絡手段の順番を保存しました。次の通知から使われます。", "success")
    return redirect(url_for("staff.contact_ladder"))
