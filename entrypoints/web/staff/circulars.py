"""回覧板 (for a 自治会長): their association's members by name (whether the town reaches each,
and who read each circular), writing and sending a circular, and one circular's readers. A
leader reaches nothing else: every other staff page refuses their role, and a circular of
another association is not found here (ADR 0057). Every look is audited."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from application.associations.sending_circular import SendCircular, send_circular
from application.associations.views import ON_PAPER, leader_circular, leader_page
from domain.access import Permission
from domain.associations import MAX_CIRCULAR_BODY, MAX_CIRCULAR_TITLE
from domain.errors import DomainError, NotAllowed, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("回覧板", "staff.circulars", Permission.SEND_CIRCULARS, 710))


def _page(status: int = 200, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """An account not linked to an association (an administrator holds every permission) is
    told who sends circulars, and reaches no member."""
    services = container()
    try:
        page = leader_page(actor=g.actor, uow=services.uow(), telling=services.telling(),
                           clock=services.clock())
    except NotAllowed as error:
        return render_template("staff/associations/no_association.html",
                               message=error.message), status
    return render_template("staff/associations/circulars.html", page=page, form=form or {},
                           on_paper=ON_PAPER, max_title=MAX_CIRCULAR_TITLE,
                           max_body=MAX_CIRCULAR_BODY), status


@staff.get("/circulars")
@requires_staff_permission(Permission.SEND_CIRCULARS)
def circulars():  # type: ignore[no-untyped-def]
    return _page()


@staff.post("/circulars")
@requires_staff_permission(Permission.SEND_CIRCULARS)
def send_circular_to_members():  # type: ignore[no-untyped-def]
    services = container()
    form = {key: request.form.get(key, "") for key in ("title", "body")}
    try:
        sent = send_circular(SendCircular(title=form["title"], body=form["body"], actor=g.actor),
                             uow=services.uow(), ids=services.ids(), clock=services.clock(),
                             telling=services.telling())
    except DomainError as error:  # a title or body refused; an account without an association
        flash(error.message, "error")
        return _page(422, form)
    paper = f"（{len(sent.on_paper)}人は{ON_PAPER}）" if sent.on_paper else ""
    flash(f"回覧板を{sent.told}人に送りました。{paper}", "success")
    return redirect(url_for("staff.circular", circular_id=sent.circular_id))


@staff.get("/circulars/<circular_id>")
@requires_staff_permission(Permission.SEND_CIRCULARS)
def circular(circular_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        page = leader_page(actor=g.actor, uow=services.uow(), telling=services.telling(),
                           clock=services.clock())
    except NotAllowed:  # no association: no circular of any is theirs to see
        raise NotFound("その回覧板はありません。", code="circular_not_found") from None
    line = leader_circular(circular_id, page)
    return render_template("staff/associations/circular.html", page=page, line=line,
                           on_paper=ON_PAPER)
