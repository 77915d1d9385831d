"""Residents (住民): search and the resident page. Every search and every page view is in the
audit log (the search records how many were shown, never what was typed)."""

from __future__ import annotations

from flask import g, render_template, request

from adapters.documents.labels import LABELS
from application.messaging.outbox import OutboxStatus
from application.residents.searching_residents import SearchResidents, search_residents
from application.residents.viewing_residents import view_resident
from domain.access import Permission
from domain.benefits import ApplicationStatus
from domain.errors import InvalidValue
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("住民検索", "staff.residents", Permission.VIEW_RESIDENTS, 20))

_VERIFICATION_STATES = LABELS["verification_state"]


def _label(enum_class, value: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return enum_class(value).label
    except ValueError:
        return value


@staff.get("/residents")
@requires_staff_permission(Permission.VIEW_RESIDENTS)
def residents():  # type: ignore[no-untyped-def]
    """The empty search form. A query string is ignored: what a staff member searches for is
    posted, never put in an address (addresses end up in access logs and browser history)."""
    return render_template("staff/residents/search.html", query=SearchResidents(),
                           searched=False, results=[], error=None, states=_VERIFICATION_STATES)


@staff.post("/residents")
@requires_staff_permission(Permission.VIEW_RESIDENTS)
def residents_search():  # type: ignore[no-untyped-def]
    """The search (POST, with the CSRF token): the results below the form, still filled in."""
    query = SearchResidents(name=request.form.get("name", ""),
                            date_of_birth=request.form.get("date_of_birth", ""),
                            resident_number=request.form.get("resident_number", ""))
    searched = any((query.name, query.date_of_birth, query.resident_number))
    results, error = [], None
    if searched:
        services = container()
        try:
            results = list(search_residents(query, actor=g.actor, uow=services.uow(),
                                            keyer=services.match_keyer(),
                                            clock=services.clock()))
        except InvalidValue as refused:
            error = refused.message
    return render_template("staff/residents/search.html", query=query, searched=searched,
                           results=results, error=error,
                           states=_VERIFICATION_STATES), 422 if error else 200


@staff.get("/residents/<resident_id>")
@requires_staff_permission(Permission.VIEW_RESIDENTS)
def resident(resident_id: str):  # type: ignore[no-untyped-def]
    services = container()
    file = view_resident(resident_id, actor=g.actor, uow=services.uow(), clock=services.clock())
    person, channels = file.person, file.channels
    return render_template(
        "staff/residents/resident.html", person=person, channels=channels,
        members=file.members, household=file.household, applications=file.applications,
        messages=file.messages, states=_VERIFICATION_STATES,
        application_label=lambda v: _label(ApplicationStatus, v),
        message_label=lambda v: _label(OutboxStatus, v))
