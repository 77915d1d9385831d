"""Staff pages for payment batches (支払): the list, a batch with its audit trail, making,
approving (a second person), cancelling, the Zengin transfer file, results and cash codes.
Each change and its audit record commit together (through the use cases)."""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for

from application.benefits import views as benefit_views
from application.disbursements import views as payment_views
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.cancelling_batch import CancelBatch, cancel_batch
from application.disbursements.cash_codes import IssueCashCodes, issue_cash_codes
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.exporting_batch import ExportBatch, export_batch
from application.disbursements.importing_results import ImportResults, import_results
from application.disbursements.repaying_application import RepayApplication, repay_application
from application.disbursements.viewing_batch import view_batch
from domain.access import Permission
from domain.batches import BatchState
from domain.benefits import PayoutMethod, ProgramStatus
from domain.errors import DomainError, InvalidValue, NotFound
from domain.yucho import account_from_form
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.audit_actions import PAYMENT_STEPS
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["staff_batches"]

staff_batches = Blueprint("staff_batches", __name__, url_prefix="/staff/batches")
use_staff_error_pages(staff_batches)
register_nav(staff_batches, NavEntry("支払", "staff_batches.index", Permission.VIEW_PROGRAMS,
                                     order=50))

_KINDS = {"returned": "振込不能・組戻しの一覧（CSV: 顧客コード2, 理由）",
          "csv": "振込結果のCSV（顧客コード2, 結果, 理由）",
          "zengin": "銀行の振込結果データ（全銀形式）"}
_ACCOUNT_FIELDS = ("bank_code", "branch_code", "account_type", "number", "holder", "yucho_symbol",
                   "yucho_number")


def _page() -> int:
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), 10**7)) if raw.isdecimal() else 1


@staff_batches.get("/")
@requires_staff_permission(Permission.VIEW_PROGRAMS)
def index():  # type: ignore[no-untyped-def]
    return _index()


def _index(*, typed: dict[str, str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    services = container()
    batches, names = payment_views.batches(uow=services.uow())
    programs = benefit_views.programs(uow=services.uow())
    typed = typed or {}
    if not typed.get("program_id"):  # the program taking applications, not a closed one
        typed["program_id"] = next((p.id for p in programs if p.status is ProgramStatus.OPEN),
                                   "")
    return render_template("staff/batches/index.html", batches=batches, programs=programs,
                           names=names, methods=[PayoutMethod.BANK_TRANSFER,
                                                 PayoutMethod.ATM_CASH],
                           typed=typed, Permission=Permission), status


@staff_batches.post("/")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def create():  # type: ignore[no-untyped-def]
    services = container()
    typed = {name: request.form.get(name, "").strip()
             for name in ("program_id", "method", "transfer_date")}
    try:
        day = None
        if typed["transfer_date"]:
            try:
                day = dt.date.fromisoformat(typed["transfer_date"])
            except ValueError:
                raise InvalidValue("振込指定日を YYYY-MM-DD で入力してください。") from None
        batch = create_batch(CreateBatch(program_id=typed["program_id"],
                                         method=typed["method"] or "bank_transfer",
                                         actor=g.actor, transfer_date=day),
                             uow=services.uow(), ids=services.ids(), clock=services.clock(),
                             calendar=services.bank_calendar())
    except DomainError as error:  # the form stays as chosen
        flash(error.message, "error")
        return _index(typed=typed, status=422)
    flash(f"支払バッチ（{batch.count}件）を作成しました。別の職員の承認を受けてください。",
          "success")
    return redirect(url_for("staff_batches.show", batch_id=batch.id))


@staff_batches.get("/<batch_id>")
@requires_staff_permission(Permission.VIEW_PROGRAMS)
def show(batch_id: str):  # type: ignore[no-untyped-def]
    return _show(batch_id)


def _show(batch_id: str, *, typed: dict[str, dict[str, str]] | None = None,
          status: int = 200):  # type: ignore[no-untyped-def]
    """The batch with a page of its payees; `typed`: a refused account form, kept as typed."""
    services = container()
    shown = view_batch(batch_id, page=_page(), actor=g.actor, uow=services.uow(),
                       banks=services.bank_master(), clock=services.clock(),
                       with_ledger=request.args.get("ledger") == "1")
    page = shown.page
    return render_template("staff/batches/show.html", batch=page.batch, program=page.program,
                           shown=shown, trail=page.trail,
                           staff_names=page.staff_names, ledger=page.ledger, kinds=_KINDS,
                           states=BatchState, typed=typed or {},
                           bank=PayoutMethod.BANK_TRANSFER, Permission=Permission,
                           actions=PAYMENT_STEPS), status


@staff_batches.post("/<batch_id>/approval")
@requires_staff_permission(Permission.APPROVE_BATCHES)
def approve(batch_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        approve_batch(ApproveBatch(batch_id=batch_id, actor=g.actor,
                                   shown_count=_number(request.form.get("shown_count")),
                                   shown_total_yen=_number(request.form.get("shown_total"))),
                      uow=services.uow(), ids=services.ids(), clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_batches.show", batch_id=batch_id))
    flash("承認しました。振込データを作成できます。", "success")
    return redirect(url_for("staff_batches.show", batch_id=batch_id))


@staff_batches.post("/<batch_id>/cancellation")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def cancel(batch_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        cancel_batch(CancelBatch(batch_id=batch_id, actor=g.actor,
                                 reason=request.form.get("reason", "")),
                     uow=services.uow(), ids=services.ids(), clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_batches.show", batch_id=batch_id))
    flash("取り消しました。支払は次のバッチに入れられます。", "success")
    return redirect(url_for("staff_batches.show", batch_id=batch_id))


@staff_batches.post("/<batch_id>/transfer-file")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def transfer_file(batch_id: str):  # type: ignore[no-untyped-def]
    services = container()
    out = io.BytesIO()
    try:
        result = export_batch(ExportBatch(batch_id=batch_id, actor=g.actor,
                                          line_ending=request.form.get("line_endings", "crlf")),
                              uow=services.uow(), ids=services.ids(), clock=services.clock(),
                              writer=services.transfer_writer(),
                              originator=services.originator(), out=out)
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_batches.show", batch_id=batch_id))
    out.seek(0)
    return send_file(out, mimetype="application/octet-stream", as_attachment=True,
                     download_name=f"sogofurikomi-{result.batch.number:06d}.txt")


@staff_batches.post("/<batch_id>/results")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def results(batch_id: str):  # type: ignore[no-untyped-def]
    services = container()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("結果ファイルを選んでください。", "error")
        return redirect(url_for("staff_batches.show", batch_id=batch_id))
    kind = request.form.get("kind", "returned")
    try:
        read = list(services.transfer_results().read(io.BytesIO(upload.read()), kind=kind))
        report = import_results(ImportResults(batch_id=batch_id, actor=g.actor,
                                              settle_unlisted=request.form.get("settle_rest")
                                              == "1"),
                                read, uow=services.uow(), ids=services.ids(),
                                clock=services.clock(), telling=services.telling())
    except NotFound:
        raise
    except DomainError as error:  # nothing was recorded: the file is refused as a whole
        flash(error.message, "error")
        return redirect(url_for("staff_batches.show", batch_id=batch_id))
    services.outbox_notifier().wake()
    flash(f"完了 {report.settled}件、不能 {report.failed}件を記録しました"
          f"（住民へのお知らせ {report.notified}件）。", "success")
    return redirect(url_for("staff_batches.show", batch_id=batch_id))


@staff_batches.post("/<batch_id>/repayments/<application_id>")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def repay(batch_id: str, application_id: str):  # type: ignore[no-untyped-def]
    """この口座で再振込 (no account fields: the checked account on the application), or a typed
    account, kept for another staff member to check before it is paid."""
    services = container()
    typed = {name: request.form.get(name, "").strip() for name in _ACCOUNT_FIELDS}
    entering = request.form.get("use") == "typed"
    try:
        account = (account_from_form(bank_code=typed["bank_code"],
                                     branch_code=typed["branch_code"],
                                     account_type=typed["account_type"] or "1",
                                     number=typed["number"], holder=typed["holder"],
                                     yucho_symbol=typed["yucho_symbol"],
                                     yucho_number=typed["yucho_number"])
                   if entering else None)
        repayment = repay_application(RepayApplication(application_id=application_id,
                                                       actor=g.actor, account=account),
                                      uow=services.uow(), ids=services.ids(),
                                      clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        if entering:  # the form stays as typed
            return _show(batch_id, typed={application_id: typed}, status=422)
        return redirect(url_for("staff_batches.show", batch_id=batch_id))
    if repayment is None:
        flash("入力した口座を保存しました。入力した職員とは別の職員が確認すると、"
              "この口座で再振込できます。", "info")
    else:
        flash("確認済みの口座で再振込を登録しました。次の支払バッチに入ります。", "success")
    return redirect(url_for("staff_batches.show", batch_id=batch_id))


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdecimal() and len(text) < 16 else None


@staff_batches.post("/<batch_id>/codes")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def codes(batch_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        batch = issue_cash_codes(IssueCashCodes(batch_id=batch_id, actor=g.actor),
                                 uow=services.uow(), ids=services.ids(), clock=services.clock(),
                                 provider=services.cash_provider())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_batches.show", batch_id=batch_id))
    services.outbox_notifier().wake()
    flash(f"受取番号を{batch.count}件発行し、住民に送りました。", "success")
    return redirect(url_for("staff_batches.show", batch_id=batch_id))
