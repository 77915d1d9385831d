"""The payer's browser: the signed pay link from the chat, the page the provider sends the
payer back to (the outcome is read from the provider, never from the query string), and the
fake provider's pay page for development."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from adapters.payments.fake import FakePaymentGateway
from application.payments.paying import Payables, SettleOutcome, settle_payment, start_payment
from application.ports.payments import PaymentError, PaymentStatus
from application.ports.unit_of_work import ConcurrentUpdate
from domain.errors import DomainError, NotFound
from entrypoints.web.access import public
from entrypoints.web.resident import session as resident_session
from entrypoints.web.services import container

__all__ = ["payments"]

log = logging.getLogger(__name__)

payments = Blueprint("payments", __name__, url_prefix="/payments")

# Said the same whichever channel the payer came from (LINE, SMS, e-mail, the web page).
_TRY_LATER = lazy_gettext("決済サービスに接続できませんでした。お手数ですが、しばらくしてから"
                          "LINEのトークや窓口のページのボタンでもう一度お試しください。")
_MESSAGES = {  # in the reader's language when the page shows them
    SettleOutcome.PAID: lazy_gettext("お支払いを確認しました。手続きをしたLINEのトークや窓口の"
                                     "ページに戻ってください。"),
    SettleOutcome.ALREADY_PAID: lazy_gettext("このお支払いの手続きはすでに済んでいます。LINEの"
                                             "トークや窓口のページをご確認ください。"),
    SettleOutcome.WAITING: lazy_gettext("お支払いの完了をまだ確認できません。お支払いが済んで"
                                        "いれば、まもなくLINEのトークや窓口のページで"
                                        "お知らせします。"),
    SettleOutcome.LAPSED: lazy_gettext("お支払いは完了しませんでした。お申し込みはまだ受け付けて"
                                       "いません。LINEのトークや窓口のページのボタンから、もう一度"
                                       "お進みいただけます。"),
}


_ON_THE_PAGE = {SettleOutcome.PAID: "paid", SettleOutcome.ALREADY_PAID: "paid",
                SettleOutcome.WAITING: "waiting", SettleOutcome.LAPSED: "lapsed"}


def _page(ok: bool, message: object, status: int = 200):  # type: ignore[no-untyped-def]
    """The result page; a message from the use cases is shown in the reader's language."""
    return render_template("payment_result.html", ok=ok, message=_(str(message))), status


@payments.get("/certificates/<request_id>/pay")
@public  # the link carries an HMAC of the request id (it is sent to the resident's chat)
def pay(request_id: str):  # type: ignore[no-untyped-def]
    return _pay(Payables.CERTIFICATES, request_id)


@payments.get("/fees/<fee_id>/pay")
@public  # the link carries an HMAC of the fee's id (it is sent to the resident's chat)
def pay_fee(fee_id: str):  # type: ignore[no-untyped-def]
    """A procedure's fee (ADR 0053): its case is opened once it is paid."""
    return _pay(Payables.FEES, fee_id)


def _pay(kind: Payables, payable_id: str):  # type: ignore[no-untyped-def]
    services = container()
    if not services.pay_links().verify(payable_id, request.args.get("t", "")):
        return _page(False, _("このリンクは正しくありません。LINEのトークや窓口のページの"
                              "ボタンからお進みください。"), 404)
    try:
        url = start_payment(kind, payable_id, uow=services.uow(),
                            gateway=services.payment_gateway(), clock=services.clock(),
                            links=services.pay_links().links())
    except NotFound as error:
        return _page(False, error.message, 404)
    except DomainError as error:
        return _page(False, error.message, 409)
    except ConcurrentUpdate:
        return _page(False, _("ほかの操作と重なりました。もう一度お試しください。"), 409)
    except PaymentError as error:
        log.warning("payment could not be started: %s", error.code or "unknown")
        return _page(False, _TRY_LATER, 502)
    return redirect(url, 303)


@payments.get("/return/<reference>")
@public  # only says which payment to look at; the outcome is read from the provider
def payment_return(reference: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        settled = settle_payment(
            reference, cancelled=request.args.get("cancelled") == "1", uow=services.uow(),
            gateway=services.payment_gateway(), clock=services.clock())
    except NotFound as error:
        return _page(False, error.message, 404)
    except DomainError as error:
        return _page(False, error.message, 409)
    except ConcurrentUpdate:  # a second return at the same moment: the first one records it
        return _page(True, _MESSAGES[SettleOutcome.WAITING])
    except PaymentError as error:
        log.warning("payment could not be read: %s", error.code or "unknown")
        return _page(False, _TRY_LATER, 502)
    services.outbox_notifier().wake()
    if resident_session.signed_in_address() is not None:  # paid from the web channel's page
        return redirect(url_for("resident.page", payment=_ON_THE_PAGE[settled.outcome]), 303)
    ok = settled.outcome in {SettleOutcome.PAID, SettleOutcome.ALREADY_PAID,
                             SettleOutcome.WAITING}
    return _page(ok, _MESSAGES[settled.outcome])


# -- the fake provider's pay page (development and demonstrations) -------------------------------

def _fake() -> FakePaymentGateway:
    services = container()
    gateway = services.payment_gateway()
    if services.config.environment() == "production" or \
            not isinstance(gateway, FakePaymentGateway):
        abort(404)
    return gateway


@payments.get("/fake/<provider_id>")
@public
def fake_page(provider_id: str):  # type: ignore[no-untyped-def]
    payment = _fake().find(provider_id)
    if payment is None:
        abort(404)
    return render_template("payment_fake.html", payment=payment,
                           open=payment.status is PaymentStatus.CREATED)


@payments.post("/fake/<provider_id>")
@public
def fake_pay(provider_id: str):  # type: ignore[no-untyped-def]
    gateway = _fake()
    if gateway.find(provider_id) is None:
        abort(404)
    if request.form.get("action") == "pay":
        payment = gateway.pay(provider_id)
        return redirect(payment.return_url, 303)
    payment = gateway.decline(provider_id)
    return redirect(payment.cancel_url, 303)
