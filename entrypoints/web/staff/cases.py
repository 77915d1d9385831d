"""Staff pages of the town's inbox (受付箱, ADR 0042): the cases of one's departments by status
with counts (administrators: every department's), the map of open cases with a place (ADR
0048), one case with its answers, place, photos, thread and the delivery of each reply, and the
forms to take, answer, note, pass on and close it. Every look and change is audited by its use
case; another department's case is refused."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from application.cases.case_place import place_of
from application.cases.handling_case import CaseAction, HandleCase, handle_case
from application.cases.mapping_cases import OPEN_STATUSES, ShowCaseMap, map_cases
from application.cases.refunding_case_fee import RefundCaseFee, fee_to_refund, refund_case_fee
from application.cases.replying_to_case import ReplyToCase, reply_to_case
from application.cases.viewing_cases import list_cases, view_case, view_case_photo
from application.ports.unit_of_work import ConcurrentUpdate
from domain.access import Permission
from domain.cases import CaseEntryKind, CaseStatus
from domain.errors import DomainError, InvalidValue, NotAllowed, NotFound
from domain.places import Place
from entrypoints.map_settings import GSI_PAGE, tile_origin
from entrypoints.web.security_headers import allow_images_from
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.case_operations import inbox_extras, reply_extras
from entrypoints.web.staff.forms import keep_form, kept_form
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["staff_cases"]

staff_cases = Blueprint("staff_cases", __name__, url_prefix="/staff/cases")
use_staff_error_pages(staff_cases)
register_nav(staff_cases, NavEntry("受付箱", "staff_cases.index", Permission.HANDLE_CASES,
                                   order=55))

_DONE = {CaseAction.ASSIGN_ME: "この案件の担当者になりました。",
         CaseAction.CLOSE: "案件を完了にしました。",
         CaseAction.REOPEN: "案件を対応中に戻しました。",
         CaseAction.NOTE: "内部メモを残しました（住民には送られません）。",
         CaseAction.TRANSFER: "案件をほかの課へ回しました。"}
_OVERLAP = "ほかの職員の操作と重なりました。内容を確かめて、もう一度お試しください。"


@staff_cases.get("/")
@requires_staff_permission(Permission.HANDLE_CASES)
def index():  # type: ignore[no-untyped-def]
    wanted = request.args.get("status", "")
    status = next((s for s in CaseStatus if s.value == wanted), None)
    services = container()
    found = list_cases(status=status, actor=g.actor, uow=services.uow(), clock=services.clock())
    return render_template("staff/cases/index.html", found=found, statuses=list(CaseStatus),
                           shown=status, **inbox_extras(found))


@staff_cases.get("/map")
@requires_staff_permission(Permission.HANDLE_CASES)
def map_page():  # type: ignore[no-untyped-def]
    """The open cases with a place, on a map and in a list under it (the list is the page
    without JavaScript or tiles); markers link to the cases. ?lat=&lon= centres it."""
    wanted = request.args.get("status", "")
    services = container()
    shown = map_cases(ShowCaseMap(actor=g.actor, department_id=request.args.get("department", ""),
                                  status=next((s for s in OPEN_STATUSES if s.value == wanted),
                                              None)),
                      uow=services.uow(), clock=services.clock())
    tiles = services.config.map_tiles()
    if tiles:
        allow_images_from(tile_origin(tiles))
    markers = [{"lat": c.latitude, "lon": c.longitude, "number": c.number, "title": c.title,
                "status": c.status.label, "url": url_for("staff_cases.detail", case_id=c.id)}
               for c in shown.cases]
    return render_template("staff/cases/map.html", found=shown, markers=markers,
                           statuses=OPEN_STATUSES, tiles=tiles, centre=_centre(),
                           attribution=services.config.map_attribution(),
                           attribution_url=GSI_PAGE if "gsi.go.jp" in tiles else "")


def _centre() -> list[float] | None:
    """?lat=&lon= (the case page's link): a point in Japan, else none (the map fits its
    markers)."""
    try:
        place = Place.of(latitude=float(request.args.get("lat", "")),
                         longitude=float(request.args.get("lon", "")))
    except (ValueError, InvalidValue):
        return None
    return [place.latitude, place.longitude] if place.has_point else None


@staff_cases.get("/<case_id>")
@requires_staff_permission(Permission.HANDLE_CASES)
def detail(case_id: str):  # type: ignore[no-untyped-def]
    services = container()
    file = view_case(case_id, actor=g.actor, uow=services.uow(), clock=services.clock())
    here = url_for("staff_cases.detail", case_id=case_id)
    return render_template("staff/cases/detail.html", file=file, c=file.case,
                           place=place_of(file.case, services.procedures()),
                           form=kept_form(here), reply_key=secrets.token_urlsafe(24),
                           Kind=CaseEntryKind, Status=CaseStatus, **reply_extras(file))


@staff_cases.get("/<case_id>/photo")
@requires_staff_permission(Permission.HANDLE_CASES)
def photo(case_id: str):  # type: ignore[no-untyped-def]
    """A photo of the case (kept encrypted; every look is recorded)."""
    services = container()
    kept = view_case_photo(case_id, request.args.get("ref", ""), actor=g.actor,
                           source=services.attachment_source(), uow_factory=services.uow,
                           ids=services.ids(), clock=services.clock())
    return Response(kept.content, mimetype=kept.content_type,
                    headers={"Cache-Control": "no-store"})


@staff_cases.post("/<case_id>/reply")
@requires_staff_permission(Permission.HANDLE_CASES)
def reply(case_id: str):  # type: ignore[no-untyped-def]
    services = container()
    here = url_for("staff_cases.detail", case_id=case_id)
    try:
        replied = reply_to_case(ReplyToCase(case_id=case_id, text=request.form.get("text", ""),
                                            request_key=request.form.get("reply_key", ""),
                                            actor=g.actor),
                                uow=services.uow(), ids=services.ids(),
                                clock=services.clock())
    except (NotFound, NotAllowed):
        raise
    except (DomainError, ConcurrentUpdate) as error:  # nothing was sent
        return _refused(here, error, "text")
    if replied.repeated:
        flash("この返信はすでに送っています（二重送信は1回だけ送ります）。", "success")
    elif replied.outbox_id is None:
        flash("返信を記録しましたが、住民に届く連絡先がありません（ブロックされています）。",
              "error")
    else:
        services.outbox_notifier().wake()
        flash("返信を送りました。案件は回答済みになりました。", "success")
    return redirect(here)


@staff_cases.get("/<case_id>/refund")
@requires_staff_permission(Permission.HANDLE_CASES)
def refund_page(case_id: str):  # type: ignore[no-untyped-def]
    """「返金する」: what is refunded, to confirm (ADR 0053)."""
    case, fee = fee_to_refund(case_id, actor=g.actor, uow=container().uow())
    return render_template("staff/cases/refund.html", c=case, fee=fee)


@staff_cases.post("/<case_id>/refund")
@requires_staff_permission(Permission.HANDLE_CASES)
def refund(case_id: str):  # type: ignore[no-untyped-def]
    services = container()
    here = url_for("staff_cases.detail", case_id=case_id)
    try:
        done = refund_case_fee(RefundCaseFee(case_id=case_id, actor=g.actor),
                               uow=services.uow(), clock=services.clock(),
                               gateway=services.payment_gateway())
    except (NotFound, NotAllowed):
        raise
    except (DomainError, ConcurrentUpdate) as error:  # the provider refused, or not paid
        return _refused(here, error)
    if done.already:
        flash("この手数料はすでに返金しています（もう一度返金はしません）。", "success")
    else:
        services.outbox_notifier().wake()
        flash("手数料を返金しました。住民にお知らせしました。", "success")
    return redirect(here)


@staff_cases.post("/<case_id>/<action>")
@requires_staff_permission(Permission.HANDLE_CASES)
def act(case_id: str, action: str):  # type: ignore[no-untyped-def]
    chosen = next((a for a in CaseAction if a.value == action), None)
    if chosen is None:
        raise NotFound("この操作はできません。")
    services = container()
    here = url_for("staff_cases.detail", case_id=case_id)
    try:
        handle_case(HandleCase(case_id=case_id, action=chosen, actor=g.actor,
                               note=request.form.get("note", ""),
                               department_id=request.form.get("department_id", "")),
                    uow=services.uow(), ids=services.ids(), clock=services.clock())
    except (NotFound, NotAllowed):
        raise
    except (DomainError, ConcurrentUpdate) as error:
        return _refused(here, error, "note")
    flash(_DONE[chosen], "success")
    if chosen is CaseAction.TRANSFER:  # the case is another department's now
        return redirect(url_for("staff_cases.index"))
    return redirect(here)


def _refused(here: str, error: DomainError | ConcurrentUpdate, *kept: str) -> Response:
    """Nothing changed: say why on the case page, with what was typed (`kept` fields)."""
    flash(error.message if isinstance(error, DomainError) else _OVERLAP, "error")
    if kept:
        keep_form(here, *kept)
    return redirect(here)
