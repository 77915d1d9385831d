"""Route-level access rules: every view says it is public or which permission it needs.

Deny by default: `create_app` refuses to start when a route has no rule (and a test checks it).
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, abort, g, request

from application.access.actor import Actor
from application.access.authenticating_api_key import authenticate_api_key
from domain.access import Permission, allows
from entrypoints.web.client import client_address
from entrypoints.web.errors import ApiError
from entrypoints.web.rate_limits import (
    count_failed_api_key,
    refuse_after_failed_api_keys,
    refuse_over_key_limit,
)
from entrypoints.web.services import container

__all__ = ["metrics_token", "public", "requires_api_permission", "rule_of", "signed"]

View = TypeVar("View", bound=Callable[..., Any])
_READING = frozenset({"GET", "HEAD", "OPTIONS"})


def public(view: View) -> View:
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def signed(view: View) -> View:
    """Authenticated by the caller's signature over the body (LINE's webhook), not a session."""
    view.access_rule = "signature"  # type: ignore[attr-defined]
    return view


def metrics_token(view: View) -> View:
    """Only for the monitoring system holding MADOGUCHI_METRICS_TOKEN as its bearer token; 404
    when no token is set (the default), 401 without the right one."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        expected = container().config.metrics_token()
        if not expected:
            abort(404)
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                secret.strip().encode(), expected.encode()):
            return Response("unauthorized\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
                            mimetype="text/plain")
        return view(*args, **kwargs)

    guarded.access_rule = "metrics-token"  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


def rule_of(view: Callable[..., Any]) -> str | Permission | None:
    return getattr(view, "access_rule", None)


def requires_api_permission(permission: Permission) -> Callable[[View], View]:
    """Bearer API key with a role that holds `permission`; 401 without a valid key, 403 without
    the permission or without the scope (the permission, or `write` for a read-only key on any
    method but GET: missing_scope), 429 from an address that gave too many wrong keys lately
    and past the key's own limit a minute (rate_limits.py).
    The view finds who acts in `g.actor`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise ApiError(401, "unauthenticated", "APIキーを Authorization: Bearer で"
                                                        "指定してください。")
            refuse_after_failed_api_keys()
            key = authenticate_api_key(secret.strip(), uow=container().uow())
            if key is None:
                count_failed_api_key()
                raise ApiError(401, "unauthenticated", "APIキーが無効です。")
            refuse_over_key_limit(key.id, key.rate_limit_per_minute)
            if not allows(key.role, permission):
                raise ApiError(403, "forbidden", "このAPIキーの役割では実行できません。")
            missing = key.missing_scope(permission, writing=request.method not in _READING)
            if missing is not None:
                raise ApiError(403, "missing_scope", f"このAPIキーにはスコープ「{missing}」が"
                                                     "ないため実行できません。")
            g.actor = Actor.api_key(key, ip=client_address())
            return view(*args, **kwargs)

        guarded.access_rule = permission  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate
