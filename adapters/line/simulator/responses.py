"""An `Answer` (status, body, headers) as a Flask response."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from adapters.line.simulator.messaging import Answer

__all__ = ["json_response", "respond"]


def respond(answer: Answer) -> Response:
    if isinstance(answer.body, bytes):
        response = Response(answer.body, status=answer.status, content_type=answer.content_type)
    else:
        response = current_app.json.response(answer.body)
        response.status_code = answer.status
    response.headers.update(answer.headers)
    return response


def json_response(status: int, body: Any) -> Response:
    return respond(Answer(status, body))
