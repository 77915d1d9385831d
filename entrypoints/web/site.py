"""The public pages: the front page, the health check (`/healthz`: the process and its database
answer, for a load balancer) and the readiness check (`/readyz`: the database and the job queue,
for an orchestrator deciding whether to send traffic)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from entrypoints.readiness import readiness
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


@site.get("/readyz")
@public
def readyz():  # type: ignore[no-untyped-def]
    """200 {"database": "ok", "queue": "ok"}; 503 naming what is unreachable (no addresses)."""
    checks = readiness(container())
    ready = all(state == "ok" for state in checks.values())
    return jsonify({"status": "ok" if ready else "unavailable", **checks}), 200 if ready else 503
