"""The verification review queue (本人確認の確認待ち): a card's facts beside the registry people
it might be; staff link it to one of them or decline to link it. Viewing is audited; the
decision and its audit record commit together."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from adapters.documents.labels import LABELS
from application.residents.deciding_verification import DecideVerification, decide_verification
from application.residents.reviewing_verifications import view_verification
from application.residents.views import verification_queue
from domain.access import Permission
from domain.errors import DomainError, NotFound
from domain.verifications import VerificationStatus
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.forms import keep_form, kept_form
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("本人確認の確認", "staff.verifications",
                             Permission.REVIEW_VERIFICATIONS, 30))

_OUTCOMES = LABELS["match_outcome"]
_SHOWN = (VerificationStatus.REVIEW, VerificationStatus.UNMATCHED)


@staff.get("/verifications")
@requires_staff_permission(Permission.REVIEW_VERIFICATIONS)
def verifications():  # type: ignore[no-untyped-def]
    try:
        status = VerificationStatus(request.args.get("status", "review"))
    except ValueError:
        status = VerificationStatus.REVIEW
    queue = verification_queue(status, uow=container().uow())
    return render_template("staff/verifications/queue.html", records=queue.verifications,
                           status=status, counts=queue.counts, shown=_SHOWN, outcomes=_OUTCOMES)


@staff.get("/verifications/<verification_id>")
@requires_staff_permission(Permission.REVIEW_VERIFICATIONS)
def verification(verification_id: str):  # type: ignore[no-untyped-def]
    services = container()
    file = view_verification(verification_id, actor=g.actor, uow=services.uow(),
                             clock=services.clock(), keyer=services.match_keyer())
    record = file.verification
    here = url_for("staff.verification", verification_id=verification_id)
    return render_template("staff/verifications/review.html", record=record,
                           candidates=list(zip(file.candidates, file.comparisons, strict=True)),
                           outcomes=_OUTCOMES, undecided=record.status in _SHOWN,
                           form=kept_form(here))


@staff.post("/verifications/<verification_id>/decision")
@requires_staff_permission(Permission.REVIEW_VERIFICATIONS)
def decide_verification_page(verification_id: str):  # type: ignore[no-untyped-def]
    services = container()
    link_to = request.form.get("link_to") or None
    reason = request.form.get("reason", "").strip()
    here = url_for("staff.verification", verification_id=verification_id)
    if request.form.get("decision") == "reject":
        link_to = None
        if not reason:
            flash("照合しない理由を入力してください。", "error")
            return redirect(here)
    elif link_to is None:
        flash("照合する住民を選んでください。", "error")
        return redirect(here)
    elif request.form.get("confirmed") != "yes":
        flash("カードと住民記録を見比べ、同じ人であることを確認したうえで、確認の欄に"
              "チェックを入れてください。", "error")
        return redirect(here)
    try:
        decided = decide_verification(
            DecideVerification(verification_id=verification_id, actor=g.actor, link_to=link_to,
                               reason=reason),
            uow=services.uow(), clock=services.clock())
    except NotFound:
        raise
    except DomainError as refused:  # nothing changed (or decided already): say why, reason kept
        flash(refused.message, "error")
        keep_form(here, "reason")
        return redirect(here)
    services.outbox_notifier().wake()
    flash("照合しました。住民にお知らせを送ります。" if decided.resident_id else
          "照合しないことにしました。住民にお知らせを送ります。", "success")
    return redirect(url_for("staff.verifications"))
