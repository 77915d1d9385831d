"""What the real gateways share: one HTTP call with a timeout, and a JSON answer or a
`PaymentError` that says whether trying again can help."""

from __future__ import annotations

import json
from typing import Any

import requests

from application.ports.payments import PaymentError

__all__ = ["call_json"]

TIMEOUT: tuple[float, float] = (5, 20)  # connect, read (seconds): the default


def call_json(session: requests.Session, method: str, url: str, *, headers: dict[str, str],
              body: str | None,
              timeout: float | tuple[float, float] = TIMEOUT) -> tuple[int, dict[str, Any]]:
    """The status and the decoded JSON object. Integers stay integers (a LINE Pay transaction
    id has 19 digits: never a float)."""
    try:
        response = session.request(method, url, headers=headers,
                                   data=body.encode() if body is not None else None,
                                   timeout=timeout)
    except requests.RequestException as error:
        raise PaymentError(f"決済事業者に接続できませんでした（{type(error).__name__}）。",
                           retryable=True, code="unreachable") from None
    if response.status_code >= 500:
        raise PaymentError(f"決済事業者が応答できませんでした（HTTP {response.status_code}）。",
                           retryable=True, code="provider_error")
    try:
        data = json.loads(response.text)
    except ValueError:
        raise PaymentError("決済事業者の応答を読み取れませんでした。",
                           code="malformed_response") from None
    if not isinstance(data, dict):
        raise PaymentError("決済事業者の応答の形が正しくありません。", code="malformed_response")
    return response.status_code, data
