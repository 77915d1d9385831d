"""What the resident is told about their request (text only; `handlers.RequesterNotices` sends
it with the change)."""

from __future__ import annotations

from application.payments.buttons import pay_button
from application.ports.messaging import OutgoingMessage
from domain.certificates import CertificateRequest

__all__ = [
    "issued",
    "lapsed",
    "mailed",
    "paid",
    "receipt_number",
    "rejected",
    "what",
]


def receipt_number(request: CertificateRequest) -> str:
    """The number the resident quotes when they call (受付番号)."""
    return request.id[-8:].upper()


def what(request: CertificateRequest) -> str:
    return f"{request.kind.label}（{request.copies}通）"


def paid(request: CertificateRequest) -> list[OutgoingMessage]:
    return [OutgoingMessage(text=(
        f"{what(request)}の手数料 {request.total.format()} のお支払いを確認しました。"
        f"\n受付番号: {receipt_number(request)}\n"
        "職員が内容を確認し、住民登録の住所へ郵送します。発送したらお知らせします。"))]


def lapsed(request: CertificateRequest, pay_url: str, *, cancelled: bool) -> list[OutgoingMessage]:
    why = "お支払いが取り消されました" if cancelled else "お支払いの期限が切れました"
    return [pay_button(pay_url, (
        f"{what(request)}の手数料について、{why}。請求はまだ受け付けていません。\n"
        "お支払いになる場合は、下のボタンからもう一度お進みください。"),
        request.total.format())]


def issued(request: CertificateRequest) -> list[OutgoingMessage]:
    return [OutgoingMessage(text=(
        f"ご請求の{what(request)}を交付しました（受付番号: {receipt_number(request)}）。"
        "準備ができしだい、住民登録の住所へ郵送します。"))]


def mailed(request: CertificateRequest) -> list[OutgoingMessage]:
    text = (f"ご請求の{what(request)}を郵送しました（受付番号: {receipt_number(request)}）。"
            "数日でお手元に届きます。")
    if request.tracking_number:
        text += f"\n追跡番号: {request.tracking_number}"
    return [OutgoingMessage(text=text)]


def rejected(request: CertificateRequest, *, refunded: bool) -> list[OutgoingMessage]:
    text = (f"申し訳ありません。ご請求の{what(request)}は交付できませんでした"
            f"（受付番号: {receipt_number(request)}）。\n理由: {request.rejection_reason}")
    if refunded:
        text += (f"\nお支払いいただいた手数料 {request.total.format()} は、"
                 "お支払いに使われた方法へ全額返金しました。")
    return [OutgoingMessage(text=text)]
