"""The resident's web page (the web channel, ADR 0038): `/r/`."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["resident"]

resident = Blueprint("resident", __name__, url_prefix="/r")
