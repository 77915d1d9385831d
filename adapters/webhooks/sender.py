"""POST one signed webhook delivery to a town's system, with `requests`: a short timeout, no
redirects followed (a redirect is the receiver's misconfiguration: refused, not chased), and
the receiver's answer reduced to its status (its body is never read into the log)."""

from __future__ import annotations

import time
from collections.abc import Mapping

import requests

from application.ports.webhooks import WebhookAnswer

__all__ = ["RequestsWebhookSender"]

TIMEOUT = (5, 10)  # connect, read (seconds)


class RequestsWebhookSender:
    def __init__(self, *, timeout: tuple[float, float] = TIMEOUT) -> None:
        self._timeout = timeout
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy or ~/.netrc of the host for a town's URL

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookAnswer:
        started = time.monotonic()
        try:
            with self._session.post(url, data=body, headers=dict(headers),
                                    timeout=self._timeout, allow_redirects=False,
                                    stream=True) as response:
                status = response.status_code
        except requests.RequestException as error:
            return WebhookAnswer(status=None, duration_ms=_since(started),
                                 error=type(error).__name__)
        return WebhookAnswer(status=status, duration_ms=_since(started))

    def close(self) -> None:
        self._session.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
