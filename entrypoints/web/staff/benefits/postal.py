"""The postal path (郵送): the list for the mail merge (CP932, as the API writes it) and the
paper application form staff enter (1世帯1回, whichever way the household applied)."""

from __future__ import annotations

import datetime as dt

from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from application.benefits.entering_paper_application import (
    EnterPaperApplication,
    enter_paper_application,
)
from domain.access import Permission
from domain.errors import DomainError, InvalidValue
from domain.values import AccountType
from entrypoints.web.downloads import postal_csv_response
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.benefits.blueprint import program_or_404, staff_benefits
from entrypoints.web.staff.formatting import JST


def _page(program_id: str, form: dict[str, str], status: int = 200):  # type: ignore[no-untyped-def]
    program = program_or_404(program_id)
    return render_template("staff/benefits/postal.html", program=program,
                           methods=sorted(program.payout_methods, key=lambda m: m.value),
                           account_types=list(AccountType), form=form,
                           today=container().clock().now().astimezone(JST).date()), status


@staff_benefits.get("/programs/<program_id>/postal")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def postal(program_id: str):  # type: ignore[no-untyped-def]
    return _page(program_id, {})


@staff_benefits.get("/programs/<program_id>/postal.csv")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def postal_csv(program_id: str):  # type: ignore[no-untyped-def]
    """CP932 and CRLF, the same file as the API's: what Excel and town printers read."""
    program_or_404(program_id)
    return postal_csv_response(program_id)


def _received(raw: str) -> dt.datetime | None:
    """The day the form arrived, at 9:00 Japan time (now, for a form that arrived today before
    then); a day in the future is left for the use case to refuse."""
    if not raw.strip():
        return None
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidValue("受付日を日付で入力してください。") from None
    now = container().clock().now().astimezone(JST)
    opening = dt.datetime.combine(day, dt.time(9), tzinfo=JST)
    return min(opening, now) if day <= now.date() else opening


@staff_benefits.post("/programs/<program_id>/paper-applications")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def enter_paper(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    form = request.form
    services = container()
    try:
        entered = enter_paper_application(
            EnterPaperApplication(
                program_id=program_id, household_number=form.get("household_number", ""),
                payout_method=form.get("payout_method", ""), actor=g.actor,
                received_at=_received(form.get("received_on", "")),
                bank_code=form.get("bank_code", "").strip(),
                branch_code=form.get("branch_code", "").strip(),
                account_type=form.get("account_type", "1"),
                account_number=form.get("account_number", "").strip(),
                holder_kana=form.get("holder_kana", "").strip(),
                yucho_symbol=form.get("yucho_symbol", "").strip(),
                yucho_number=form.get("yucho_number", "").strip()),
            uow=services.uow(), ids=services.ids(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _page(program_id, form.to_dict(), 422)
    flash("紙の申請を受け付けました。", "success")
    return redirect(url_for("staff_benefits.application", application_id=entered.id))
