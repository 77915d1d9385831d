"""The frame every staff page (職員画面, under /staff) sits in: the `staff` blueprint of the
core pages, error pages for any staff blueprint, and `install_frame(app)` for what all staff
pages share (CSRF, filters, navigation; the language of every page is
entrypoints/web/languages.py's, its security headers entrypoints/web/security_headers.py's).
Page authors: see docs/staff-ui.md."""

from __future__ import annotations

from flask import Blueprint, Flask, g, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import NotFound as PageNotFound

from domain.errors import DomainError, NotAllowed, NotFound
from entrypoints.web.errors import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_TITLE,
    log_unavailable,
    unavailable,
)
from entrypoints.web.languages import LANGUAGES, current_language
from entrypoints.web.staff.access import staff_may, wants_json
from entrypoints.web.staff.csrf import install_csrf
from entrypoints.web.staff.formatting import register_filters
from entrypoints.web.staff.nav import nav_entries

__all__ = ["install_frame", "staff", "use_staff_error_pages"]

staff = Blueprint("staff", __name__, url_prefix="/staff")


def use_staff_error_pages(blueprint: Blueprint) -> None:
    """Domain errors raised in this blueprint's views show the staff error page (its Japanese
    message), not the API's JSON; so does the database out of reach (503, Retry-After)."""

    @blueprint.errorhandler(DomainError)
    def _domain_error(error: DomainError):  # type: ignore[no-untyped-def]
        status = 404 if isinstance(error, NotFound) else 403 if isinstance(
            error, NotAllowed) else 409
        if wants_json():
            return jsonify({"error": {"code": error.code, "message": error.message}}), status
        return render_template("staff/error.html", status=status, title="実行できませんでした",
                               message=error.message), status

    @blueprint.errorhandler(OperationalError)
    @blueprint.errorhandler(InterfaceError)
    def _database_unavailable(error: DBAPIError):  # type: ignore[no-untyped-def]
        if wants_json():
            return unavailable(error)
        log_unavailable(error)
        page = render_template("staff/error.html", status=503, title=UNAVAILABLE_TITLE,
                               message=UNAVAILABLE_MESSAGE)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @blueprint.errorhandler(PageNotFound)
    @blueprint.errorhandler(Forbidden)
    def _http_error(error):  # type: ignore[no-untyped-def]
        status = error.code
        title, message = _HTTP_PAGES[status]
        if wants_json():
            return jsonify({"error": {"code": "forbidden" if status == 403 else "not_found",
                                      "message": message}}), status
        return render_template("staff/error.html", status=status, title=title,
                               message=message), status


_HTTP_PAGES = {
    403: ("権限がありません",
          "この画面を使う権限がありません。必要な場合は管理者に依頼してください。"),
    404: ("見つかりません", "お探しのページや記録は見つかりませんでした。"),
}


use_staff_error_pages(staff)


def install_frame(app: Flask) -> None:
    app.config.setdefault("STAFF_IDLE_MINUTES", 30)
    app.config.setdefault("STAFF_SESSION_HOURS", 12)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 12 * 3600)
    install_csrf(app)
    register_filters(app)
    app.add_template_global(staff_may)

    @app.context_processor
    def _frame():  # type: ignore[no-untyped-def]
        if not request.path.startswith("/staff"):
            return {}
        member = g.get("staff")
        entries = [e for e in nav_entries(app) if member is not None and staff_may(e.permission)]
        return {"staff_nav": entries, "staff_member": member, "languages": LANGUAGES,
                "current_language": current_language(),
                "town_name": app.extensions["madoguchi"].config.town_full_name()}
