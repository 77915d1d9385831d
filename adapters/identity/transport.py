"""HTTP to the provider: JSON in, JSON out, and every network failure or server error turned
into `VerificationUnavailable`. Nothing here logs a body, a token or a query string."""

from __future__ import annotations

import logging
from typing import Any

import requests

from adapters.identity.errors import VerificationUnavailable

__all__ = ["Timeout", "request_json"]

Timeout = float | tuple[float, float]
log = logging.getLogger(__name__)


def request_json(
    http: requests.Session, method: str, url: str, *, timeout: Timeout, **options: Any,
) -> tuple[int, dict[str, Any]]:
    """The status and the JSON object of the answer (an empty dict for a 4xx answer that is not
    a JSON object). Raises `VerificationUnavailable` for anything a retry later might fix."""
    try:
        response = http.request(method, url, timeout=timeout, allow_redirects=False, **options)
    except requests.RequestException as error:
        log.warning("identity provider unreachable: %s %s (%s)", method, _path(url),
                    type(error).__name__)
        raise VerificationUnavailable() from None
    if response.status_code >= 500 or response.status_code in (408, 429):
        log.warning("identity provider answered %s: %s %s", response.status_code, method,
                    _path(url))
        raise VerificationUnavailable()
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if response.ok:
            log.warning("identity provider answered without a JSON object: %s %s", method,
                        _path(url))
            raise VerificationUnavailable()
        body = {}
    return response.status_code, body


def _path(url: str) -> str:
    return url.split("?", 1)[0]
