"""Staff pages of consultations (相談, ADR 0046): the queue of waiting residents per department
(oldest first, how long each has waited) and the consultations in progress; 対応する takes one
(the case page is then the live exchange), 相談を終える ends it (the bot is back for the
resident). Administrators set each department's hours and the names residents read for staff.
Every look and change is audited by its use case; another department's is refused."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from application.cases.consultation_hours import SetHours, department_hours, set_hours
from application.cases.ending_consultation import EndConsultation, end_consultation
from application.cases.taking_consultation import TakeConsultation, take_consultation
from application.cases.viewing_consultations import view_consultations, waited_text
from application.ports.unit_of_work import ConcurrentUpdate
from application.staff import views as staff_views
from application.staff.naming_for_residents import NameForResidents, name_for_residents
from domain.access import Permission
from domain.errors import DomainError, NotAllowed, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["staff_consultations"]

staff_consultations = Blueprint("staff_consultations", __name__,
                                url_prefix="/staff/consultations")
use_staff_error_pages(staff_consultations)
register_nav(staff_consultations, NavEntry("相談", "staff_consultations.index",
                                           Permission.HANDLE_CASES, order=56))

REFRESH_SECONDS = 15  # the queue page reloads itself (a button reloads it at once)
_OVERLAP = "ほかの職員の操作と重なりました。内容を確かめて、もう一度お試しください。"


@staff_consultations.get("/")
@requires_staff_permission(Permission.HANDLE_CASES)
def index():  # type: ignore[no-untyped-def]
    services = container()
    found = view_consultations(actor=g.actor, uow=services.uow(), clock=services.clock())
    return render_template("staff/consultations/index.html", found=found,
                           waited=waited_text, refresh=REFRESH_SECONDS)


@staff_consultations.get("/settings")
@requires_staff_permission(Permission.ADMINISTER)
def settings():  # type: ignore[no-untyped-def]
    """Each department's hours and each staff member's name for residents (a page of its own:
    the queue's page reloads itself)."""
    services = container()
    members = staff_views.members(uow=services.uow())
    return render_template("staff/consultations/settings.html",
                           hours=department_hours(uow=services.uow()),
                           members=[line.member for line in members])


def _changed(doing, done: str, back: str):  # type: ignore[no-untyped-def]
    """Run a change; flash what happened (a refusal changes nothing) and go back."""
    try:
        doing()
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    except ConcurrentUpdate:
        flash(_OVERLAP, "error")
        return redirect(back)
    flash(done, "success")
    return redirect(back)


@staff_consultations.post("/<case_id>/take")
@requires_staff_permission(Permission.HANDLE_CASES)
def take(case_id: str):  # type: ignore[no-untyped-def]
    services = container()

    def doing() -> None:
        take_consultation(TakeConsultation(case_id=case_id, actor=g.actor),
                          uow=services.uow(), clock=services.clock())
        services.outbox_notifier().wake()
    return _changed(doing, "相談の対応を始めました。住民に担当者の名前を伝えました。",
                    url_for("staff_cases.detail", case_id=case_id))


@staff_consultations.post("/<case_id>/end")
@requires_staff_permission(Permission.HANDLE_CASES)
def end(case_id: str):  # type: ignore[no-untyped-def]
    services = container()

    def doing() -> None:
        end_consultation(EndConsultation(case_id=case_id, actor=g.actor),
                         uow=services.uow(), clock=services.clock())
        services.outbox_notifier().wake()
    return _changed(doing, "相談を終了しました。住民にはメニューが表示されます。",
                    url_for("staff_cases.detail", case_id=case_id))


@staff_consultations.post("/hours/<department_id>")
@requires_staff_permission(Permission.ADMINISTER)
def hours(department_id: str):  # type: ignore[no-untyped-def]
    services = container()
    form = request.form
    return _changed(lambda: set_hours(
        SetHours(department_id=department_id, weekdays="".join(form.getlist("weekday")),
                 opens=form.get("opens", ""), closes=form.get("closes", ""), actor=g.actor),
        uow=services.uow(), clock=services.clock()),
        "相談の受付時間を変更しました。", url_for("staff_consultations.settings"))


@staff_consultations.post("/names/<staff_id>")
@requires_staff_permission(Permission.ADMINISTER)
def name(staff_id: str):  # type: ignore[no-untyped-def]
    services = container()
    return _changed(lambda: name_for_residents(
        NameForResidents(staff_id=staff_id, name=request.form.get("chat_name", ""),
                         actor=g.actor),
        uow=services.uow(), clock=services.clock()),
        "住民に表示する名前を変更しました。", url_for("staff_consultations.settings"))
