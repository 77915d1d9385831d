"""Post/redirect/get that keeps what was typed: a staff form that is refused redirects back to
its page (so reloading never posts again) and the page shows the form filled in as it was sent.

The values ride in the signed session for one request only, for the page named by `where`
(never a password or a file; a refused password form is shown empty on purpose)."""

from __future__ import annotations

from flask import request, session

__all__ = ["keep_form", "kept_form"]

_KEY = "staff_kept_form"


def keep_form(where: str, *fields: str) -> None:
    """Keep these fields of the posted form for the next view of `where`."""
    session[_KEY] = {"where": where,
                     "values": {name: request.form.get(name, "") for name in fields}}


def kept_form(where: str) -> dict[str, str]:
    """What `keep_form` kept for `where` (once), or nothing."""
    kept = session.pop(_KEY, None)
    if not kept or kept.get("where") != where:
        return {}
    return dict(kept.get("values") or {})
