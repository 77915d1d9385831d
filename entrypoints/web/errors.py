"""Errors as JSON with one stable shape: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.errors import DomainError, IllegalTransition, NotAllowed, NotFound

__all__ = ["ApiError", "register_error_handlers"]

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: "リクエストの形式が正しくありません。",
    401: "認証が必要です。",
    403: "この操作の権限がありません。",
    404: "見つかりません。",
    405: "このメソッドは使えません。",
    409: "現在の状態では実行できません。",
    413: "リクエストが大きすぎます。",
    415: "Content-Type は application/json にしてください。",
}


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
        if not request.path.startswith("/api/"):
            return error
        return _body(status, error.name.lower().replace(" ", "_"),
                     _HTTP_MESSAGES.get(status, error.description or ""))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _body(500, "internal_error", "サーバーでエラーが発生しました。時間をおいて再度お試し"
                                            "ください。")
