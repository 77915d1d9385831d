"""LINE's chat signs through the SDK (ADR 0051): `show_loading_animation`
(`POST /v2/bot/chat/loading/start`) and `mark_messages_as_read_by_token`
(`POST /v2/bot/chat/markAsRead`).

Each call goes to a small thread pool and the caller returns at once: the webhook that accepted
the event answers LINE without waiting for either. One try, a short timeout, no retry: dots that
come late or a 「既読」 that never comes are not worth a second request; a failure is logged.

A body is posted as a prepared dict through the SDK's `ApiClient.call_api`, as the messenger
posts its messages (ADR 0065): the typed `MessagingApi` methods validate their arguments and
serialise the request model again on every call, which cost more than the HTTP exchange for
these two-field bodies (ADR 0077). The SDK still does the transport, the `Authorization` header,
the timeouts and the exceptions by status."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

__all__ = ["LineChatSignals"]

log = logging.getLogger(__name__)

_LOADING = "/v2/bot/chat/loading/start"
_MARK_READ = "/v2/bot/chat/markAsRead"
_JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


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
        self._soon("loading animation", lambda: self._post(_LOADING, body))

    def mark_read(self, read_token: str) -> None:
        body = {"markAsReadToken": read_token}
        self._soon("mark as read", lambda: self._post(_MARK_READ, body))

    def _post(self, path: str, body: dict[str, Any]) -> None:
        self._client.call_api(path, "POST", header_params=dict(_JSON_HEADERS), body=body,
                              auth_settings=["Bearer"], response_types_map={},
                              _return_http_data_only=True, _request_timeout=self._timeout,
                              _host=self._host)

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
