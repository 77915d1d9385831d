"""The simulator's Flask app: the Messaging API under `/v2/bot/...` (bearer token required), the
admin endpoints under `/_sim/...` and the phone page at `/`."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request

from adapters.line.simulator.admin import admin_blueprint
from adapters.line.simulator.controls import SimulatorControls
from adapters.line.simulator.ids import request_id
from adapters.line.simulator.messaging import NOT_FOUND, Answer
from adapters.line.simulator.responses import respond

__all__ = ["create_app"]

MAX_UPLOAD = 20 * 1024 * 1024


def create_app(simulator: SimulatorControls) -> Flask:
    app = Flask(__name__, static_url_path="/_sim/static")
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD, JSON_AS_ASCII=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    _messaging_routes(app, simulator)
    app.register_blueprint(admin_blueprint(simulator))

    @app.errorhandler(404)
    def not_found(error: Exception) -> Response:
        return respond(Answer(404, NOT_FOUND if request.path.startswith("/v2/")
                              else {"message": "見つかりません"}))

    @app.errorhandler(405)
    def not_allowed(error: Exception) -> Response:
        return respond(Answer(405, {"message": "Method not allowed"}))

    return app


def _messaging_routes(app: Flask, simulator: SimulatorControls) -> None:
    api = simulator.api

    def guarded(handler: Callable[[], Answer]) -> Callable[[], Response]:
        def view() -> Response:
            refusal = api.check_token(request.headers.get("Authorization"))
            return respond(refusal or handler())
        return view

    def body() -> object:
        return request.get_json(force=True, silent=True)

    routes: list[tuple[str, str, str, Callable[[], Answer]]] = [
        ("POST", "/v2/bot/message/push", "push",
         lambda: api.push(body(), request.headers)),
        ("POST", "/v2/bot/message/multicast", "multicast",
         lambda: api.multicast(body(), request.headers)),
        ("POST", "/v2/bot/message/reply", "reply",
         lambda: api.reply(body(), request.headers)),
        ("GET", "/v2/bot/profile/<user_id>", "profile",
         lambda: api.profile(request.view_args["user_id"])),  # type: ignore[index]
        ("GET", "/v2/bot/message/<message_id>/content", "content",
         lambda: api.content(request.view_args["message_id"])),  # type: ignore[index]
        ("GET", "/v2/bot/info", "bot_info", api.bot_info),
        ("POST", "/v2/bot/chat/loading/start", "loading",
         lambda: _marked(simulator.chat_marks.start_loading(
             body(), lambda user_id: simulator.users.get(user_id) is not None), 202)),
        ("POST", "/v2/bot/chat/markAsRead", "mark_as_read",
         lambda: _marked(simulator.chat_marks.mark_read(body()), 200)),
    ]
    for method, rule, name, handler in routes:
        app.add_url_rule(rule, endpoint=name, view_func=_ignore_args(guarded(handler)),
                         methods=[method])


def _marked(refusal: str | None, accepted: int) -> Answer:
    """LINE answers a loading start with 202, a mark-as-read with 200 (an empty object)."""
    if refusal:
        return Answer(400, {"message": refusal}, {"x-line-request-id": request_id()})
    return Answer(accepted, {}, {"x-line-request-id": request_id()})


def _ignore_args(view: Callable[[], Response]) -> Callable[..., Response]:
    def wrapped(**_: str) -> Response:
        return view()
    return wrapped
