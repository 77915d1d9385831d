"""CSRF protection for staff forms: one random token per browser session, required on every
state-changing request under /staff (a hidden `csrf_token` field, or the X-CSRF-Token header for
scripts). A request without the right token is refused before any view runs."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, render_template, request, session
from markupsafe import Markup, escape

__all__ = ["csrf_field", "csrf_token", "install_csrf"]

_KEY = "_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_SAFE = {"GET", "HEAD", "OPTIONS"}


def csrf_token() -> str:
    token = session.get(_KEY)
    if not token:
        token = session[_KEY] = secrets.token_urlsafe(32)
    return token


def renew_csrf_token() -> None:
    session[_KEY] = secrets.token_urlsafe(32)


def csrf_field() -> Markup:
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(csrf_token())}">')


def _is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


def install_csrf(app: Flask) -> None:
    app.add_template_global(csrf_token)
    app.add_template_global(csrf_field)

    @app.before_request
    def _check_csrf():  # type: ignore[no-untyped-def]
        if request.method in _SAFE or not _is_staff_path(request.path):
            return None
        expected = session.get(_KEY)
        sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
        if expected and sent and hmac.compare_digest(str(expected), str(sent)):
            return None
        return render_template(
            "staff/error.html", status=400, title="送信を受け付けられませんでした",
            message="フォームの有効期限が切れたか、正しくない送信です。画面を読み込み直して、"
                    "もう一度お試しください。"), 400
