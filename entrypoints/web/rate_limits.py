"""Rate limits on the pages an attacker would hammer (ADR 0032), not app-wide: staff sign-in
and its code step (per client address and per account), the resident's identity pages (per
address), and failed API keys (per address). A view declares its limits, as it declares who
may use it:

    @staff.route("/login", methods=["GET", "POST"])
    @public
    @rate_limited(SIGN_IN_ADDRESS, Limit("sign_in_account", "rate_limit_sign_in_account",
                                         submitted_login_id, ("POST",)))
    def login(): ...

`install_rate_limits(app, container)` builds the app's one Flask-Limiter from the container's
configuration (MADOGUCHI_RATE_LIMIT_STORAGE: memory:// on the embedded default, Redis when the
processes must count together) and applies every declared limit. A request over a limit is
answered 429 with Retry-After, in the reader's language: the staff frame's page under /staff,
JSON (in Japanese) under /api/, the resident's refusal page under /r/, the identity pages' result
page elsewhere. The first refusal of a window is logged with the limit's name and the address
only. An unreachable storage never refuses anyone and never answers 500:
the limiter counts in memory until it is back."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from attrs import frozen
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond, parse_many
from werkzeug.exceptions import TooManyRequests

from entrypoints.containers import Container
from entrypoints.web.client import client_address
from entrypoints.web.refusal import refused

__all__ = ["SIGN_IN_ADDRESS", "VERIFICATION_ADDRESS", "Limit", "count_failed_api_key",
           "install_rate_limits", "rate_limited", "refuse_after_failed_api_keys",
           "refuse_over_key_limit"]

log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Any])

TITLE = "しばらくお待ちください"
MESSAGE = "短い時間に操作が続いたため、受け付けを一時的に止めています。しばらく待ってから、" \
          "もう一度お試しください。"
_EXTENSION = "madoguchi_rate_limits"
_PREFIX = "madoguchi"


@frozen
class Limit:
    """One limit a view declares: its name (in logs), the setting that holds its numbers
    ("5/minute;20/hour"), whose requests count together (the key: an address, an account; kept
    only as a digest) and the methods counted (none given: every method)."""

    name: str
    setting: str
    key: Callable[[], str]
    methods: tuple[str, ...] = ()


SIGN_IN_ADDRESS = Limit("sign_in_address", "rate_limit_sign_in_address", client_address,
                        ("POST",))
VERIFICATION_ADDRESS = Limit("verification_address", "rate_limit_verification_address",
                             client_address)


def rate_limited(*limits: Limit) -> Callable[[View], View]:
    def mark(view: View) -> View:
        view.rate_limits = limits  # type: ignore[attr-defined]
        return view

    return mark


@frozen
class _Installed:
    limiter: Limiter
    api_key_failures: tuple[RateLimitItem, ...]


def install_rate_limits(app: Flask, container: Container) -> Limiter:
    """The app's limiter, with every limit its views declare (call once every view is
    registered). Nothing is connected here: Redis is reached at the first counted request."""
    config = container.config
    limiter = Limiter(client_address, app=app, storage_uri=config.rate_limit_storage(),
                      key_prefix=_PREFIX, strategy="fixed-window", headers_enabled=False,
                      swallow_errors=True, in_memory_fallback_enabled=True)
    # Flask-Limiter logs every refused request with its key; ours logs once per window.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    for endpoint, view in list(app.view_functions.items()):
        limited = view
        for limit in getattr(view, "rate_limits", ()):
            limited = limiter.shared_limit(  # one count per limit name, across its views
                getattr(config, limit.setting)(), limit.name, key_func=_digest_of(limit),
                methods=list(limit.methods) or None,
                on_breach=functools.partial(_breached, limit.name))(limited)
        app.view_functions[endpoint] = limited
    _no_check_before_every_request(app, limiter)
    app.extensions[_EXTENSION] = _Installed(
        limiter, tuple(parse_many(config.rate_limit_api_key_failures())))
    app.register_error_handler(TooManyRequests, _too_many_requests)
    return limiter


def _no_check_before_every_request(app: Flask, limiter: Limiter) -> None:
    """Every limit here is a view's own, which Flask-Limiter checks when that view is called.
    Its check before every request, for app-wide, default and blueprint limits (we declare
    none), found nothing to count and cost 0.15 ms of each request's CPU, a tenth of the LINE
    webhook's (issue 19; the webhook is now answered before Flask, ADR 0079). It now runs
    only while the limits' storage is down: that is where Flask-Limiter tries the storage
    again, on any request, so the API keys' counts (which use the storage directly) come back
    to it as soon as before. A Flask-Limiter whose private names changed fails here, at start-up."""
    limits = limiter.limit_manager
    if limits.application_limits or limits.default_limits or limits._blueprint_limits:
        raise RuntimeError("app-wide and blueprint rate limits are checked before every "
                           "request: keep the limiter's hook (ADR 0032)")
    check = limiter._check_request_limit
    hooks = app.before_request_funcs.get(None, [])
    if check not in hooks or not isinstance(limiter._storage_dead, bool):
        raise RuntimeError("Flask-Limiter no longer checks before every request as ADR 0032 "
                           "says: look at _no_check_before_every_request again")

    def check_while_the_storage_is_down() -> None:
        if limiter._storage_dead:
            limiter._check_request_limit()

    hooks[:] = [check_while_the_storage_is_down if hook == check else hook for hook in hooks]


def _digest_of(limit: Limit) -> Callable[[], str]:
    """The limit's key as the storage keeps it: a digest, so Redis holds no login id."""

    def key() -> str:
        return _digest(limit.name, limit.key())

    return key


def _digest(name: str, value: str) -> str:
    return hashlib.sha256(f"{name}:{value}".encode()).hexdigest()[:32]


def _breached(name: str, limit: RequestLimit) -> None:
    _log_once(name, limit.limiter, limit.limit, limit.key)


def _log_once(name: str, counter: Any, item: RateLimitItem, key: str) -> None:
    """Log the first refusal of a key's window (the address, never the account)."""
    window = RateLimitItemPerSecond(1, max(1, item.get_expiry()))
    if counter.hit(window, _PREFIX, "logged", key):
        log.warning("rate limit %s reached from %s", name, client_address())


def _refuse(name: str, counter: Any, item: RateLimitItem, key: str) -> NoReturn:
    """429, with Retry-After the seconds until the key's window resets."""
    reset = counter.get_window_stats(item, _PREFIX, key).reset_time
    _log_once(name, counter, item, key)
    raise TooManyRequests(retry_after=max(1, math.ceil(reset - time.time())))


def refuse_after_failed_api_keys() -> None:
    """429 when this address gave too many wrong API keys lately (counted by
    `count_failed_api_key`); a storage that cannot answer refuses nobody."""
    installed: _Installed = current_app.extensions[_EXTENSION]
    key = _digest("api_key_failures", client_address())
    try:
        counter = installed.limiter.limiter
        for item in installed.api_key_failures:
            if not counter.test(item, _PREFIX, key):
                _refuse("api_key_failures", counter, item, key)
    except TooManyRequests:
        raise
    except Exception:  # the limits' storage is down: nobody is refused for it
        log.warning("rate limit storage unavailable: API key failures not checked")


def refuse_over_key_limit(key_id: str, per_minute: int) -> None:
    """Count one request of an API key; 429 with Retry-After past its limit a minute (ADR
    0072). A storage that cannot answer refuses nobody."""
    installed: _Installed = current_app.extensions[_EXTENSION]
    item = RateLimitItemPerMinute(per_minute)
    key = _digest("api_key", key_id)
    try:
        counter = installed.limiter.limiter
        if not counter.hit(item, _PREFIX, key):
            _refuse("api_key", counter, item, key)
    except TooManyRequests:
        raise
    except Exception:  # the limits' storage is down: nobody is refused for it
        log.warning("rate limit storage unavailable: an API key's requests not counted")


def count_failed_api_key() -> None:
    installed: _Installed = current_app.extensions[_EXTENSION]
    key = _digest("api_key_failures", client_address())
    try:
        for item in installed.api_key_failures:
            installed.limiter.limiter.hit(item, _PREFIX, key)
    except Exception:  # the storage is down
        log.warning("rate limit storage unavailable: an API key failure not counted")


def _too_many_requests(error: TooManyRequests) -> Response:
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        response = jsonify({"error": {"code": "too_many_requests", "message": MESSAGE}})
    elif request.path.startswith("/staff"):
        response = Response(render_template("staff/error.html", status=429, title=TITLE,
                                            message=MESSAGE))
    elif request.path.startswith("/r/"):
        response = Response(refused(_(TITLE), _(MESSAGE), 429)[0])
    else:
        response = Response(render_template("identity_result.html", ok=False,
                                            title=_(TITLE), message=_(MESSAGE)))
    response.status_code = 429
    response.headers["Retry-After"] = str(_retry_after(error))
    return response


def _retry_after(error: TooManyRequests) -> int:
    """Seconds until the refused window ends (the window's length when the storage is down)."""
    if not isinstance(error, RateLimitExceeded):
        return error.retry_after if isinstance(error.retry_after, int) else 60
    try:
        current = current_app.extensions[_EXTENSION].limiter.current_limit
        if current is not None:
            return max(1, math.ceil(current.reset_at - time.time()))
    except Exception:  # the storage is down
        log.warning("rate limit storage unavailable: Retry-After is the window's length")
    return max(1, error.limit.limit.get_expiry())
