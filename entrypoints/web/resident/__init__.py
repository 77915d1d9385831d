"""The resident's web page: the same procedures as on LINE, one question at a time, on a phone,
without JavaScript (ADR 0038). Its views are registered on import."""

from entrypoints.web.resident import (  # noqa: F401 (they register views)
    language,
    links,
    pages,
    sign_in,
)
from entrypoints.web.resident.blueprint import resident

__all__ = ["resident"]
