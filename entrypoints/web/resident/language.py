"""The resident pages' language switch: 「English」 or 「日本語」 in the page bar, a plain link (no
JavaScript) to `/r/lang/<code>?next=<this page>`. It keeps the choice as the staff pages do
(entrypoints/web/languages.py: the session's language, nothing personal) and comes back to the
same page: a personal link's page comes back with its token (a GET, which never uses a link
up). Only the page's own text changes language: the dialog's messages stay as the town wrote
them, in Japanese (docs/staff-ui.md)."""

from __future__ import annotations

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException

from entrypoints.web.access import public
from entrypoints.web.languages import choose_language
from entrypoints.web.resident.blueprint import resident

__all__ = ["page_address"]


def _back(target: str | None) -> str:
    if target and target.startswith("/r/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return url_for("resident.page")


@resident.get("/lang/<code>")
@public
def language(code: str):  # type: ignore[no-untyped-def]
    return choose_language(code, _back(request.args.get("next")))


@resident.app_template_global()
def page_address() -> str:
    """Where the switch comes back to: the address a GET asked for; after a POST, the page at
    the same address when there is one (a refused link, the sign-in forms), else the page."""
    if request.method != "GET":
        try:
            current_app.create_url_adapter(request).match(request.path, method="GET")  # type: ignore[union-attr]
        except HTTPException:
            return url_for("resident.page")
    return request.full_path.rstrip("?")
