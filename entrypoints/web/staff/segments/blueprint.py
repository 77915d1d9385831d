"""The segments' blueprint (/staff/segments, /staff/interests)."""

from __future__ import annotations

from flask import Blueprint

from domain.access import Permission
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["staff_segments"]

staff_segments = Blueprint("staff_segments", __name__, url_prefix="/staff")
use_staff_error_pages(staff_segments)
register_nav(staff_segments,
             NavEntry("配信対象", "staff_segments.index", Permission.SEND_NOTICES, order=62),
             NavEntry("お知らせの分野", "staff_segments.interests", Permission.SEND_NOTICES,
                      order=935))
