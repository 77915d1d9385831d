"""自治会・町内会 (for staff who send notices): the town's associations with their member counts,
one association's members (names only, audited), its list imported from a CSV with a report by
row, removing a member, and creating its 自治会長's account (ADR 0057)."""

from __future__ import annotations

import io

from flask import flash, g, redirect, render_template, request, url_for

from adapters.csv_io import read_rows
from application.associations.changing_association import ChangeAssociation, change_association
from application.associations.creating_association import CreateAssociation, create_association
from application.associations.creating_leader import CreateLeader, create_leader
from application.associations.importing_members import (
    MEMBER_COLUMNS,
    MEMBER_REQUIRED,
    ImportMembers,
    MemberImportReport,
    import_members,
)
from application.associations.removing_member import RemoveMember, remove_member
from application.associations.views import ON_PAPER, association_lines, association_page
from application.staff.creating_staff_member import MIN_PASSWORD_LENGTH
from domain.access import Permission
from domain.errors import DomainError, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("自治会・町内会", "staff.associations", Permission.SEND_NOTICES, 700))

_MODES = ("all_or_nothing", "valid_rows")
_REPORT_LINES = 20


@staff.get("/associations")
@requires_staff_permission(Permission.SEND_NOTICES)
def associations():  # type: ignore[no-untyped-def]
    return _index()


def _index(status: int = 200, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    lines = association_lines(actor=g.actor, uow=container().uow())
    return render_template("staff/associations/index.html", lines=lines,
                           form=form or {}), status


@staff.post("/associations")
@requires_staff_permission(Permission.SEND_NOTICES)
def add_association():  # type: ignore[no-untyped-def]
    services = container()
    form = {"name": request.form.get("name", "")}
    try:
        association_id = create_association(
            CreateAssociation(name=form["name"], actor=g.actor,
                              open_to_join=request.form.get("open_to_join") == "1"),
            uow=services.uow(), ids=services.ids(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _index(422, form)
    flash("自治会・町内会を登録しました。", "success")
    return redirect(url_for("staff.association", association_id=association_id))


def _page(association_id: str, status: int = 200, *,
          form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    services = container()
    page = association_page(association_id, actor=g.actor, uow=services.uow(),
                            telling=services.telling(), clock=services.clock(),
                            after=request.args.get("after") or None)
    return render_template("staff/associations/association.html", page=page,
                           form=form or {}, on_paper=ON_PAPER,
                           min_length=MIN_PASSWORD_LENGTH), status


@staff.get("/associations/<association_id>")
@requires_staff_permission(Permission.SEND_NOTICES)
def association(association_id: str):  # type: ignore[no-untyped-def]
    return _page(association_id)


@staff.post("/associations/<association_id>")
@requires_staff_permission(Permission.SEND_NOTICES)
def change_association_settings(association_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        change_association(ChangeAssociation(
            association_id=association_id, name=request.form.get("name", ""),
            open_to_join=request.form.get("open_to_join") == "1", actor=g.actor),
            uow=services.uow(), clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return _page(association_id, 422)
    flash("変更しました。", "success")
    return redirect(url_for("staff.association", association_id=association_id))


@staff.post("/associations/<association_id>/members")
@requires_staff_permission(Permission.SEND_NOTICES)
def import_association_members(association_id: str):  # type: ignore[no-untyped-def]
    services = container()
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    mode = request.form.get("mode", "all_or_nothing")
    if not data or mode not in _MODES:
        flash("CSVファイルを選んでください。" if not data else "取り込み方法を選んでください。",
              "error")
        return _page(association_id, 422)
    rows = read_rows(io.BytesIO(data), columns=MEMBER_COLUMNS, required=MEMBER_REQUIRED)
    try:
        report = import_members(ImportMembers(association_id=association_id, rows=rows,
                                              actor=g.actor, mode=mode),  # type: ignore[arg-type]
                                uow=services.uow(), ids=services.ids(), clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:  # the file as a whole (encoding, header)
        flash(error.message, "error")
        return _page(association_id, 422)
    _flash_report(report)
    return redirect(url_for("staff.association", association_id=association_id))


def _flash_report(report: MemberImportReport) -> None:
    """The report by row, shown once on the association's page (post/redirect/get); a long one
    is cut, with how many rows more (the session cookie stays small)."""
    lines = report.lines()
    shown = lines[:_REPORT_LINES]
    if len(lines) > len(shown):
        shown.append(f"ほか{len(lines) - len(shown)}件")
    category = "success" if report.written and not report.errors else "error"
    for line in shown:
        flash(line, category if line is shown[0] else "info")


@staff.post("/associations/<association_id>/members/<member_id>/remove")
@requires_staff_permission(Permission.SEND_NOTICES)
def remove_association_member(association_id: str, member_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        remove_member(RemoveMember(association_id=association_id, member_id=member_id,
                                   actor=g.actor), uow=services.uow(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.association", association_id=association_id))
    flash("会員から外しました。", "success")
    return redirect(url_for("staff.association", association_id=association_id))


@staff.post("/associations/<association_id>/leaders")
@requires_staff_permission(Permission.SEND_NOTICES)
def add_association_leader(association_id: str):  # type: ignore[no-untyped-def]
    services = container()
    form = {key: request.form.get(key, "") for key in ("login_id", "display_name")}
    try:
        create_leader(CreateLeader(association_id=association_id, login_id=form["login_id"],
                                   display_name=form["display_name"],
                                   password=request.form.get("password", ""), actor=g.actor),
                      uow=services.uow(), ids=services.ids(), hasher=services.password_hasher(),
                      clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return _page(association_id, 422, form=form)
    flash(f"自治会長のアカウント「{form['login_id'].strip().lower()}」を作成しました。",
          "success")
    return redirect(url_for("staff.association", association_id=association_id))
