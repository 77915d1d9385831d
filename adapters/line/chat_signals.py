"""LINE's chat signs through the SDK (ADR 0051): `show_loading_animation`
(`POST /v2/bot/chat/loading/start`) and `mark_messages_as_read_by_token`
(`POST /v2/bot/chat/markAsRead`).

Each call goes to a small thread pool and the caller returns at once: the webhook that accepted
the event answers LINE without waiting for either. One try, a short timeout, no retry: dots that
come late or a 「既読」 that never comes are not worth a second request; a failure is logged.

A body is posted as a prepared dict (`prepared.post_prepared`), as the messenger posts its
messages: the typed `MessagingApi` methods validate their arguments and serialise the request
model again on every call: 14–44 % of a dots request's CPU in two measurements, for these
two-field bodies (ADR 0077)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

from adapters.line.prepared import post_prepared

__all__ = ["LineChatSignals"]

log = logging.getLogger(__name__)

_LOADING = "/v2/bot/chat/loading/start"
_MARK_READ = "/v2/bot/chat/markAsRead"


class LineChatSignals:
    def __init__(self, *, access_token: str, base_url: str, loading_seconds: int = 20,
                 timeout: tuple[float, float] = (2.0, 5.0),
                 executor: Executor | None = None) -> None:
        """`loading_seconds`: how long the dots show at most (5 to 60, in steps of 5); the
        town's reply ends them sooner."""
        if not 5 <= loading_seconds <= 60 or loading_seconds % 5:
            raise ValueError("loading_seconds is a multiple of 5 from 5 to 60")
        configuration = Configuration(access_token=access_token, host=base_url)
        configuration.retries = False
        self._client = ApiClient(configuration)
        self._host = MessagingApi(self._client).line_base_path
        self._seconds, self._timeout = loading_seconds, timeout
        self._executor = executor or ThreadPoolExecutor(max_workers=2,
                                                        thread_name_prefix="line-signals")

    def show_working(self, address: str) -> None:
        body = {"chatId": address, "loadingSeconds": self._seconds}
        self._soon("loading animation", lambda: post_prepared(
            self._client, _LOADING, body, host=self._host, timeout=self._timeout))

    def mark_read(self, read_token: str) -> None:
        body = {"markAsReadToken": read_token}
        self._soon("mark as read", lambda: post_prepared(
            self._client, _MARK_READ, body, host=self._host, timeout=self._timeout))

    def _soon(self, what: str, call: Callable[[], object]) -> None:
        def run() -> None:
            try:
                call()
            except Exception as error:  # logged without the user id or the token
                log.info("LINE %s not accepted (%s)", what,
                         getattr(error, "status", None) or type(error).__name__)

        self._executor.submit(run)

    def stop(self) -> None:
        """Wait for what was asked, then end the threads (at the container's shutdown)."""
        self._executor.shutdown(wait=True)
