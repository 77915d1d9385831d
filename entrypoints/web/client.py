"""Where a request came from: the one address the audit log, the API key's actor and the rate
limits all use.

It is the connecting peer (`request.remote_addr`). Behind a reverse proxy that is the proxy,
unless MADOGUCHI_TRUSTED_PROXIES says how many proxies stand in front of the app: then
`create_app` wraps the app in Werkzeug's ProxyFix, which takes the address that many hops back
in X-Forwarded-For. A client's own X-Forwarded-For is never believed beyond that."""

from __future__ import annotations

from flask import request

__all__ = ["client_address"]


def client_address() -> str:
    return (request.remote_addr or "")[:64]
