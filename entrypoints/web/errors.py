"""Errors as JSON with one stable shape: {"error": {"code": ..., "message": ...}}.

The database out of reach (a server restart, a network cut, SQLite's lock held past the busy
timeout) is not a bug but a moment: staff get a 503 page in their language, the API a 503 with
code `unavailable`, both with Retry-After; LINE's webhook a 500, so that LINE redelivers the
events (nothing of them was written: each unit of work rolled back). The engine's pool checks
a connection before use, so the app resumes by itself once the database is back (ADR 0037).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.errors import DomainError, IllegalTransition, NotAllowed, NotFound
from entrypoints.web.refusal import refused_for_status

__all__ = [
    "RETRY_AFTER_SECONDS", "UNAVAILABLE_MESSAGE", "UNAVAILABLE_TITLE", "ApiError",
    "database_unavailable", "log_unavailable", "register_error_handlers", "unavailable",
]

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: "リクエストの形式が正しくありません。",
    401: "認証が必要です。",
    403: "この操作の権限がありません。",
    404: "見つかりません。",
    405: "このメソッドは使えません。",
    409: "現在の状態では実行できません。",
    413: "リクエストが大きすぎます（16MBまで）。",
    429: "リクエストが多すぎます。しばらくしてから、もう一度お試しください。",
    415: "Content-Type は application/json にしてください。",
}


RETRY_AFTER_SECONDS = 30
UNAVAILABLE_TITLE = "ただいま利用できません"
UNAVAILABLE_MESSAGE = ("データベースに接続できません。入力した内容は保存されていません。"
                       "しばらくしてから、もう一度お試しください。")


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (not a bad query)."""
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _body(status: int, code: str, message: str):  # type: ignore[no-untyped-def]
    return jsonify({"error": {"code": code, "message": message}}), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):  # type: ignore[no-untyped-def]
        return _body(error.status, error.code, error.message)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):  # type: ignore[no-untyped-def]
        status = (404 if isinstance(error, NotFound) else 403 if isinstance(error, NotAllowed)
                  else 409 if isinstance(error, IllegalTransition) else 422)
        return _body(status, error.code, error.message)

    @app.errorhandler(ConcurrentUpdate)
    def _concurrent(error: ConcurrentUpdate):  # type: ignore[no-untyped-def]
        return _body(409, "conflict", "ほかの操作と重なりました。画面を読み込み直して、"
                                      "もう一度お試しください。")

    @app.errorhandler(DuplicateError)
    def _duplicate(error: DuplicateError):  # type: ignore[no-untyped-def]
        return _body(409, "duplicate", "同じものがすでに登録されています。")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        if request.path.startswith("/r/") and status in {404, 405, 413}:
            return refused_for_status(status)  # a resident's page, in their language
        if not request.path.startswith("/api/"):
            return error
        response, status = _body(status, error.name.lower().replace(" ", "_"),
                                 _HTTP_MESSAGES.get(status, "リクエストを処理できません。"))
        allowed = getattr(error, "valid_methods", None)
        if status == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
        if database_unavailable(error):
            return _unavailable(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _body(500, "internal_error", "サーバーでエラーが発生しました。時間をおいて再度お試し"
                                            "ください。")


def _unavailable(error: BaseException):  # type: ignore[no-untyped-def]
    if request.path.startswith("/line/"):  # LINE redelivers what was not answered 2xx
        log_unavailable(error)
        return _body(500, "unavailable", UNAVAILABLE_MESSAGE)
    return unavailable(error)


def log_unavailable(error: BaseException) -> None:
    # the driver's error type only: its message may quote a statement's parameters
    cause = type(getattr(error, "orig", None) or error).__name__
    log.error("the database is unavailable (%s) on %s %s", cause, request.method, request.path)


def unavailable(error: BaseException):  # type: ignore[no-untyped-def]
    """The API's answer (and a staff page's, asked for JSON): 503, code `unavailable`."""
    log_unavailable(error)
    response, status = _body(503, "unavailable", UNAVAILABLE_MESSAGE)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, status
