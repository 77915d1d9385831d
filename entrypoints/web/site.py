"""The public pages: the front page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from entrypoints.web.access import public
from entrypoints.web.services import container

__all__ = ["site"]

site = Blueprint("site", __name__)


@site.get("/")
@public
def index():  # type: ignore[no-untyped-def]
    return render_template("index.html", town_name=container().config.town_full_name())


@site.get("/healthz")
@public
def healthz():  # type: ignore[no-untyped-def]
    """200 when the database answers; 503 otherwise (for load balancers and monitors)."""
    try:
        with container().engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
