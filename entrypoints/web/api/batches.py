"""REST API v1: payment batches, the Zengin transfer file, results and the ledger."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from typing import Any

from flask import Blueprint, g, jsonify, request, send_file, url_for

from application.disbursements import views as payment_views
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.cancelling_batch import CancelBatch, cancel_batch
from application.disbursements.checking_ledger import check_ledger
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.exporting_batch import ExportBatch, export_batch
from application.disbursements.importing_results import ImportResults, import_results
from application.disbursements.repaying_application import RepayApplication, repay_application
from domain.access import Permission
from domain.batches import PaymentBatch
from domain.values import BankAccount
from entrypoints.web.access import requires_api_permission
from entrypoints.web.api.paging import fetched, page_args
from entrypoints.web.api.reading import json_body
from entrypoints.web.errors import ApiError
from entrypoints.web.services import container

__all__ = ["api_batches"]

api_batches = Blueprint("api_batches", __name__, url_prefix="/api/v1")


def _batch_json(batch: PaymentBatch) -> dict[str, Any]:
    return {
        "id": batch.id, "number": batch.number, "program_id": batch.program_id,
        "method": batch.method.value, "transfer_date": batch.transfer_date.isoformat(),
        "count": batch.count, "total": batch.total.yen, "state": batch.state.value,
        "created_by": batch.created_by, "created_at": batch.created_at.isoformat(),
        "approved_by": batch.approved_by,
        "approved_at": batch.approved_at.isoformat() if batch.approved_at else None,
        "exported_by": batch.exported_by,
        "exported_at": batch.exported_at.isoformat() if batch.exported_at else None,
        "export_sha256": batch.export_digest or None,
    }


@api_batches.get("/batches")
@requires_api_permission(Permission.VIEW_PROGRAMS)
def list_batches():  # type: ignore[no-untyped-def]
    page = page_args("batches", int)
    program_id = request.args.get("program_id")
    shown, cursor = fetched(  # the newest first
        "batches", page,
        lambda limit, before: payment_views.batches(uow=container().uow(), program_id=program_id,
                                                    limit=limit, before_number=before)[0],
        _batch_key, lambda key: -key[0])
    return jsonify({"batches": [_batch_json(b) for b in shown], "next_cursor": cursor})


def _batch_key(batch: PaymentBatch) -> tuple[int]:
    return (-batch.number,)


@api_batches.post("/batches")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def create_batch_view():  # type: ignore[no-untyped-def]
    body = json_body()
    program_id, method = body.get("program_id"), body.get("method", "bank_transfer")
    if not isinstance(program_id, str) or not isinstance(method, str):
        raise ApiError(422, "invalid_field", "program_id と method を文字列で指定してください。")
    day = None
    if body.get("transfer_date") is not None:
        try:
            day = dt.date.fromisoformat(str(body["transfer_date"]))
        except ValueError:
            raise ApiError(422, "invalid_field", "transfer_date は YYYY-MM-DD で指定して"
                                                 "ください。") from None
    services = container()
    batch = create_batch(CreateBatch(program_id=program_id, method=method, actor=g.actor,
                                     transfer_date=day),
                         uow=services.uow(), ids=services.ids(), clock=services.clock(),
                         calendar=services.bank_calendar())
    response = jsonify(_batch_json(batch))
    response.status_code = 201
    response.headers["Location"] = url_for("api_batches.get_batch", batch_id=batch.id)
    return response


@api_batches.get("/batches/<batch_id>")
@requires_api_permission(Permission.VIEW_PROGRAMS)
def get_batch(batch_id: str):  # type: ignore[no-untyped-def]
    page = payment_views.batch_page(batch_id, uow=container().uow(), with_ledger=False)
    audit = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
              "disbursement_id": e.disbursement_id, "detail": e.detail} for e in page.trail]
    return jsonify({**_batch_json(page.batch), "audit": audit})


@api_batches.post("/batches/<batch_id>/approval")
@requires_api_permission(Permission.APPROVE_BATCHES)
def approve_batch_view(batch_id: str):  # type: ignore[no-untyped-def]
    services = container()
    batch = approve_batch(ApproveBatch(batch_id=batch_id, actor=g.actor), uow=services.uow(),
                          ids=services.ids(), clock=services.clock())
    return jsonify(_batch_json(batch))


@api_batches.post("/batches/<batch_id>/cancellation")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def cancel_batch_view(batch_id: str):  # type: ignore[no-untyped-def]
    reason = json_body().get("reason")
    if not isinstance(reason, str):
        raise ApiError(422, "missing_field", "取消の理由（reason）を指定してください。")
    services = container()
    batch = cancel_batch(CancelBatch(batch_id=batch_id, actor=g.actor, reason=reason),
                         uow=services.uow(), ids=services.ids(), clock=services.clock())
    return jsonify(_batch_json(batch))


@api_batches.post("/batches/<batch_id>/transfer-file")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def transfer_file(batch_id: str):  # type: ignore[no-untyped-def]
    """The Zengin file (POST: the first one makes the batch 振込データ作成済み; later ones
    return the same bytes)."""
    ending = request.args.get("line_endings", "crlf")
    services = container()
    spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 (sent, then closed)
    result = export_batch(ExportBatch(batch_id=batch_id, actor=g.actor, line_ending=ending),
                          uow=services.uow(), ids=services.ids(), clock=services.clock(),
                          writer=services.transfer_writer(),
                          originator=services.originator(), out=spool)
    spool.seek(0)
    response = send_file(spool, mimetype="application/octet-stream", as_attachment=True,
                         download_name=f"sogofurikomi-{result.batch.number:06d}.txt")
    response.headers["X-Content-SHA256-Records"] = result.digest
    return response


@api_batches.post("/batches/<batch_id>/results")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def import_results_view(batch_id: str):  # type: ignore[no-untyped-def]
    kind = request.args.get("kind", "csv")
    settle_rest = request.args.get("settle_rest", "false").lower() in {"1", "true", "yes"}
    services = container()
    results = list(services.transfer_results().read(io.BytesIO(request.get_data()), kind=kind))
    report = import_results(ImportResults(batch_id=batch_id, actor=g.actor,
                                          settle_unlisted=settle_rest),
                            results, uow=services.uow(), ids=services.ids(),
                            clock=services.clock(), telling=services.telling())
    services.outbox_notifier().wake()
    return jsonify({"batch": _batch_json(report.batch), "settled": report.settled,
                    "failed": report.failed, "unchanged": report.unchanged,
                    "notified": report.notified,
                    "failures": [{"disbursement_id": d, "reason": r}
                                 for d, r in report.failures]})


@api_batches.post("/applications/<application_id>/repayment")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def repay_view(application_id: str):  # type: ignore[no-untyped-def]
    """A failed payment paid again (in the next batch), to the corrected account if given."""
    body = json_body()
    account = None
    if body.get("account") is not None:
        given = body["account"]
        if not isinstance(given, dict):
            raise ApiError(422, "invalid_field", "account はオブジェクトで指定してください。")
        account = BankAccount.of(bank_code=str(given.get("bank_code", "")),
                                 branch_code=str(given.get("branch_code", "")),
                                 account_type=str(given.get("account_type", "1")),
                                 number=str(given.get("number", "")),
                                 holder=str(given.get("holder", "")))
    services = container()
    repayment = repay_application(RepayApplication(application_id=application_id,
                                                   actor=g.actor, account=account),
                                  uow=services.uow(), ids=services.ids(),
                                  clock=services.clock())
    if repayment is None:  # a typed account waits for another staff member's check
        response = jsonify({"disbursement_id": None, "status": "account_awaiting_check"})
        response.status_code = 202
        return response
    response = jsonify({"disbursement_id": repayment.id, "status": repayment.status.value,
                        "amount": repayment.amount.yen})
    response.status_code = 201
    return response


@api_batches.get("/programs/<program_id>/ledger")
@requires_api_permission(Permission.VIEW_PROGRAMS)
def program_ledger(program_id: str):  # type: ignore[no-untyped-def]
    ledger = check_ledger(program_id, uow=container().uow())
    return jsonify({"program_id": program_id, "approved": ledger.approved.yen,
                    "paid": ledger.paid.yen, "failed": ledger.failed.yen,
                    "pending": ledger.pending.yen, "balanced": ledger.balanced,
                    "discrepancies": list(ledger.discrepancies)})
