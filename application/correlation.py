"""The request id: which web request (or command, or scheduled run) caused what follows.

A web request takes its id from a trusted `X-Request-Id` header or makes one; the job queue
carries it to the job, the outbox row keeps it (`OutboxMessage.of`), and the dispatcher logs each
delivery under it. So one id finds, in the logs, the webhook that a resident's reply answered
and the delivery of that reply. It lives in a context variable: each thread and each request has
its own, and a value bound for a block is unbound after it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

__all__ = ["bind", "current_request_id", "new_request_id", "request_id_bound", "unbind",
           "well_formed"]

_current: ContextVar[str | None] = ContextVar("madoguchi_request_id", default=None)
# Letters, digits and `-_.:=` only, 8 to 64 of them: a UUID, a load balancer's trace id. Anything
# else (a line break for a forged log line, a name) is not taken.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:=-]{8,64}")


def well_formed(value: str | None) -> bool:
    return value is not None and _WELL_FORMED.fullmatch(value) is not None


def new_request_id() -> str:
    """32 random hex digits (as a uuid4's hex, without building the UUID)."""
    return secrets.token_hex(16)


def current_request_id() -> str | None:
    """The id bound in this context, or None (a thread that nothing bound)."""
    return _current.get()


def bind(request_id: str | None) -> tuple[str, Token[str | None]]:
    """Bind `request_id` (a new one when None or not well formed); `unbind(token)` undoes it
    in the same context (a WSGI response's close)."""
    bound = request_id if request_id is not None and well_formed(request_id) else new_request_id()
    return bound, _current.set(bound)


def unbind(token: Token[str | None]) -> None:
    _current.reset(token)


@contextmanager
def request_id_bound(request_id: str | None) -> Iterator[str]:
    """Bind `request_id` (a new one when None or not well formed) until the block ends."""
    bound, token = bind(request_id)
    try:
        yield bound
    finally:
        unbind(token)
