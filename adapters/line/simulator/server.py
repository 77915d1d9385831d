"""The simulator's Flask app: the Messaging API under `/v2/bot/...` (bearer token required), the
admin endpoints under `/_sim/...` and the phone page at `/`."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request

from adapters.line.simulator.admin import admin_blueprint
from adapters.line.simulator.controls import SimulatorControls
from adapters.line.simulator.ids import request_id
from adapters.line.simulator.messaging import NOT_FOUND, Answer
from adapters.line.simulator.responses import json_response, respond

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

    @app.get("/_sim/richmenu/<user_id>")
    def shown_rich_menu(user_id: str) -> Response:
        """The rich menu the phone page shows this user (null: none), image at `imageUrl`."""
        menu = simulator.rich_menus.shown_to(user_id)
        if menu is not None:
            menu["imageUrl"] = f"/_sim/richmenu-image/{menu['richMenuId']}"
        return json_response(200, menu)

    @app.get("/_sim/richmenu-image/<menu_id>")
    def rich_menu_image(menu_id: str) -> Response:
        return respond(simulator.rich_menus.image(menu_id))

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
    menus = simulator.rich_menus
    view_args = lambda: request.view_args or {}  # noqa: E731
    routes += [
        ("POST", "/v2/bot/richmenu", "richmenu_create", lambda: menus.create(body())),
        ("GET", "/v2/bot/richmenu/list", "richmenu_list", menus.list),
        ("POST", "/v2/bot/richmenu/alias", "richmenu_alias_create",
         lambda: menus.create_alias(body())),
        ("GET", "/v2/bot/richmenu/alias/list", "richmenu_alias_list", menus.aliases),
        ("GET", "/v2/bot/richmenu/alias/<alias_id>", "richmenu_alias",
         lambda: menus.alias(view_args()["alias_id"])),
        ("POST", "/v2/bot/richmenu/alias/<alias_id>", "richmenu_alias_update",
         lambda: menus.update_alias(view_args()["alias_id"], body())),
        ("GET", "/v2/bot/richmenu/<menu_id>", "richmenu_get",
         lambda: menus.get(view_args()["menu_id"])),
        ("DELETE", "/v2/bot/richmenu/<menu_id>", "richmenu_delete",
         lambda: menus.delete(view_args()["menu_id"])),
        # the api-data host's paths (the simulator serves both hosts)
        ("POST", "/v2/bot/richmenu/<menu_id>/content", "richmenu_set_image",
         lambda: menus.set_image(view_args()["menu_id"], request.get_data(),
                                 request.content_type)),
        ("GET", "/v2/bot/richmenu/<menu_id>/content", "richmenu_image",
         lambda: menus.image(view_args()["menu_id"])),
        ("POST", "/v2/bot/user/all/richmenu/<menu_id>", "richmenu_default",
         lambda: menus.set_default(view_args()["menu_id"])),
        ("POST", "/v2/bot/user/<user_id>/richmenu/<menu_id>", "richmenu_link",
         lambda: menus.link(view_args()["user_id"], view_args()["menu_id"])),
        ("GET", "/v2/bot/user/<user_id>/richmenu", "richmenu_linked",
         lambda: menus.linked(view_args()["user_id"])),
        ("POST", "/v2/bot/richmenu/bulk/link", "richmenu_bulk_link",
         lambda: menus.link_many(body())),
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
