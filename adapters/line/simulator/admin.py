"""Admin endpoints (`/_sim/...`, for tests, benchmarks and the phone page) and the phone page.

Errors a person can cause on the phone page answer in Japanese and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, render_template, request

from adapters.line.simulator.controls import SimulatorControls
from adapters.line.simulator.limits import Faults
from adapters.line.simulator.residents import UnknownEvent, WebhookOutcome
from adapters.line.simulator.responses import json_response, respond
from adapters.line.simulator.state import AlreadyFollowing, NotFollowing, UnknownUser

__all__ = ["admin_blueprint"]

_ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (UnknownUser, 404, "そのユーザーはシミュレーターにいません。"),
    (UnknownEvent, 404, "その webhookEventId のイベントは送っていません。"),
    (NotFollowing, 409, "このユーザーは友だち追加していません(またはブロック中です)。"),
    (AlreadyFollowing, 409, "このユーザーはすでに友だちです。"),
)
_KNOWN = tuple(kind for kind, _, _ in _ERRORS)


def _handled(view: Callable[..., Any]) -> Callable[..., Response]:
    @wraps(view)
    def wrapped(**kwargs: str) -> Response:
        try:
            result = view(**kwargs)
        except _KNOWN as error:
            status, message = next((status, message) for kind, status, message in _ERRORS
                                   if isinstance(error, kind))
            return json_response(status, {"message": message})
        except ValueError as error:
            return json_response(400, {"message": f"入力が正しくありません: {error}"})
        if isinstance(result, WebhookOutcome):
            return json_response(200, result.to_json())
        return result if isinstance(result, Response) else json_response(200, result)
    return wrapped


def _field(name: str, *, required: bool = True) -> Any:
    body = request.get_json(force=True, silent=True)
    value = body.get(name) if isinstance(body, dict) else None
    if required and (not isinstance(value, str) or not value):
        raise ValueError(f"'{name}' (文字列) が必要です")
    return value


def admin_blueprint(sim: SimulatorControls) -> Blueprint:
    admin = Blueprint("sim", __name__)

    @admin.get("/")
    @admin.get("/phone/<user_id>")
    def phone(user_id: str | None = None) -> str:
        return render_template("phone.html", bot_name=sim.bot_name, selected=user_id or "")

    @admin.get("/_sim/users")
    @_handled
    def users() -> Any:
        return {"users": [user.to_json() for user in sim.users.all()]}

    @admin.post("/_sim/users")
    @_handled
    def add_user() -> Any:
        following = (request.get_json(force=True, silent=True) or {}).get("following", False)
        name = _field("displayName").strip()
        if not 1 <= len(name) <= 20:
            raise ValueError("表示名は1〜20文字にしてください")
        user = sim.add_user(name, following=following is True)
        return json_response(201, user.to_json())

    @admin.post("/_sim/users/<user_id>/follow")
    @_handled
    def follow(user_id: str) -> Any:
        return sim.follow(user_id)

    @admin.post("/_sim/users/<user_id>/unfollow")
    @_handled
    def unfollow(user_id: str) -> Any:
        return sim.unfollow(user_id)

    @admin.post("/_sim/users/<user_id>/text")
    @_handled
    def text(user_id: str) -> Any:
        return sim.send_text(user_id, _field("text"))

    @admin.post("/_sim/users/<user_id>/postback")
    @_handled
    def postback(user_id: str) -> Any:
        data = _field("data", required=False)
        if not isinstance(data, str):
            raise ValueError("'data' (文字列) が必要です")
        return sim.postback(user_id, data, _field("displayText", required=False))

    @admin.post("/_sim/users/<user_id>/richmenuswitch")
    @_handled
    def rich_menu_switch(user_id: str) -> Any:
        """A richmenuswitch tile: {"richMenuAliasId", "data"}, as the rich menu's action has."""
        return sim.switch_rich_menu(user_id, _field("richMenuAliasId"), _field("data"))

    @admin.post("/_sim/users/<user_id>/image")
    @_handled
    def image(user_id: str) -> Any:
        upload = request.files.get("image")
        if upload is not None:
            return sim.send_image(user_id, upload.read(), upload.mimetype or None)
        return sim.send_image(user_id, request.get_data(), _image_type(request.content_type))

    @admin.post("/_sim/users/<user_id>/location")
    @_handled
    def location(user_id: str) -> Any:
        """JSON {"latitude", "longitude", "address"?, "title"?}: LINE's location message."""
        body = request.get_json(force=True, silent=True)
        body = body if isinstance(body, dict) else {}
        try:
            latitude, longitude = float(body["latitude"]), float(body["longitude"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("'latitude' と 'longitude' (数値) が必要です") from None
        address, title = body.get("address") or "", body.get("title") or "位置情報"
        if not isinstance(address, str) or not isinstance(title, str) or len(address) > 300:
            raise ValueError("'address' と 'title' は300文字以内の文字列にしてください")
        return sim.send_location(user_id, latitude=latitude, longitude=longitude,
                                 address=address, title=title)

    @admin.post("/_sim/redeliver")
    @_handled
    def redeliver() -> Any:
        return sim.redeliver(_field("webhookEventId"))

    @admin.get("/_sim/messages")
    @_handled
    def messages() -> Any:
        user_id = request.args.get("user", "")
        if not user_id:
            raise ValueError("?user=<userId> が必要です")
        return sim.conversation(user_id, after=request.args.get("after", 0, type=int))

    @admin.get("/_sim/content/<message_id>")
    def content(message_id: str) -> Response:
        return respond(sim.api.content(message_id))

    @admin.get("/_sim/stats")
    @_handled
    def stats() -> Any:
        return sim.stats()

    @admin.post("/_sim/reset")
    @_handled
    def reset() -> Any:
        sim.reset()
        return {"reset": True}

    @admin.get("/_sim/faults")
    @_handled
    def faults() -> Any:
        return sim.faults.faults.to_json()

    @admin.post("/_sim/faults")
    @_handled
    def set_faults() -> Any:
        body = request.get_json(force=True, silent=True)
        if not isinstance(body, dict):
            raise ValueError("JSON のオブジェクトが必要です")
        current = sim.faults.faults
        try:
            faults = Faults(
                error_rate=float(body.get("error_rate", current.error_rate)),
                lost_response_rate=float(body.get("lost_response_rate",
                                                  current.lost_response_rate)),
                status=int(body.get("status", current.status)),
                seed=body.get("seed", current.seed))
        except TypeError as error:
            raise ValueError(str(error)) from None
        sim.set_faults(faults)
        return faults.to_json()

    @admin.get("/_sim/webhook")
    @_handled
    def webhook() -> Any:
        return {"url": sim.webhook_url, "destination": sim.bot_user_id}

    @admin.post("/_sim/webhook")
    @_handled
    def set_webhook() -> Any:
        sim.set_webhook_url(_field("url", required=False) or None)
        return {"url": sim.webhook_url, "destination": sim.bot_user_id}

    return admin


def _image_type(content_type: str | None) -> str | None:
    if content_type and content_type.startswith("image/"):
        return content_type.split(";")[0]
    return None
