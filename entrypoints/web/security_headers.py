"""The security headers of every response, in one place: only our own scripts (an inline script
needs the page's nonce, `csp_nonce()` in a template), never framed, never sniffed, no referrer
to other sites, and nothing cached of the pages that show personal data or take payments
(staff pages, identity verification, payments, the REST API). A page that shows outside
images (the staff map's tiles) names their origin with `allow_images_from`, for that response
only."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

__all__ = ["allow_images_from", "data_headers", "install_security_headers"]

NOT_STORED = ("/staff", "/identity", "/payments", "/api/")

_PAGE_CSP = ("default-src 'self'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; "
             "img-src 'self' data:{images}; connect-src 'self'; object-src 'none'; "
             "frame-ancestors 'none'; base-uri 'none'{form}")
# A payment page's form answers with a redirect to the town's return address, which may be
# another origin (a browser applies form-action to that redirect): only pages under /payments
# leave form targets open.
_FORM_SELF = "; form-action 'self'"
_DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def csp_nonce() -> str:
    """This response's script nonce (made on first use; the policy then allows it)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def allow_images_from(origin: str) -> None:
    """This response may show images from `origin` (`https://tiles.example.jp`)."""
    g.csp_image_origins = (*g.get("csp_image_origins", ()), origin)


def _not_stored(path: str) -> bool:
    return any(path == prefix.rstrip("/") or path.startswith(prefix.rstrip("/") + "/")
               for prefix in NOT_STORED)


def _policy(response: Response) -> str:
    if response.mimetype != "text/html":
        return _DATA_CSP
    nonce = f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else ""
    form = "" if request.path.startswith("/payments/") else _FORM_SELF
    images = "".join(f" {origin}" for origin in g.get("csp_image_origins", ()))
    return _PAGE_CSP.format(nonce=nonce, form=form, images=images)


def data_headers(path: str) -> list[tuple[str, str]]:
    """The headers of a response that is not a page (JSON, a file) at `path`: what
    `install_security_headers` sets on one, for an answer made without Flask (ADR 0079)."""
    return [("Content-Security-Policy", _DATA_CSP), *_FIXED,
            *([("Cache-Control", "no-store")] if _not_stored(path) else [])]


_FIXED = (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
          ("Referrer-Policy", "same-origin"))


def install_security_headers(app: Flask) -> None:
    app.add_template_global(csp_nonce)

    @app.after_request
    def _secure(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = _policy(response)
        for name, value in _FIXED:
            response.headers[name] = value
        if _not_stored(request.path):
            response.headers["Cache-Control"] = "no-store"
        return response
