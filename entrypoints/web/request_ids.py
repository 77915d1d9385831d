"""Every request runs under a request id (application/correlation.py): the `X-Request-Id` the
town's reverse proxy or load balancer set, when well formed (letters, digits and `-_.:=`, 8 to
64 of them), else a new one. The response carries it back in `X-Request-Id`; the log lines of
the request (the access log's too), the jobs it starts and the messages it writes carry it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from werkzeug.wsgi import ClosingIterator

from application.correlation import bind, unbind

__all__ = ["HEADER", "RequestIds"]

HEADER = "X-Request-Id"


class RequestIds:
    """WSGI middleware: the id is bound until the server closes the response, after its access
    log line (gunicorn and werkzeug both log before closing)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        request_id, token = bind(environ.get("HTTP_X_REQUEST_ID"))

        def starting(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            kept = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            return start_response(status, [*kept, (HEADER, request_id)], *exc_info)

        def unbound() -> None:
            # closed in another context than it was opened (ValueError): nothing to undo there
            with suppress(ValueError):
                unbind(token)

        try:
            response = self._app(environ, starting)
        except BaseException:
            unbound()
            raise
        return ClosingIterator(response, unbound)
