"""The page and what the resident does on it. Every action is a plain form POST answered with a
redirect back to the page (POST/redirect/GET): the action goes through the same InboundRouter as
a LINE event (channel `web`), and the page then shows what the engine replied, read from the
outbox rows of the web identity (committed with the turn, so always there at once)."""

from __future__ import annotations

import math
import unicodedata

from flask import Response, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from application.attachments import MAX_ATTACHMENT_BYTES
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import MENU_DATA
from application.channels.web_page import web_page
from application.channels.web_sign_in import WEB, start_fresh
from application.channels.web_visits import keep_photo
from entrypoints.web.access import public
from entrypoints.web.rate_limits import VERIFICATION_ADDRESS, rate_limited
from entrypoints.web.refusal import refused
from entrypoints.web.resident import session
from entrypoints.web.resident.blueprint import resident
from entrypoints.web.services import container

__all__ = ["PAYMENT_NOTES", "handle"]

MAX_TEXT = 1000
_IMAGE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}
PAYMENT_NOTES = {  # in the reader's language when the page shows them
    "paid": lazy_gettext("お支払いを確認しました。"),
    "waiting": lazy_gettext("お支払いの完了をまだ確認できません。済んでいれば、まもなくここで"
                            "お知らせします。"),
    "lapsed": lazy_gettext("お支払いは完了しませんでした。下のメッセージのボタンから、もう一度"
                           "お進みいただけます。"),
}


def handle(address: str, kind: InboundKind, *, external_id: str, data: str = "",
           text: str = "", image_ref: str = "", latitude: float | None = None,
           longitude: float | None = None) -> None:
    """One event from the page, through the same router as LINE's."""
    services = container()
    event = InboundEvent(channel=WEB, external_id=external_id, address=address, kind=kind,
                         occurred_at=services.clock().now(), text=text, data=data,
                         image_ref=image_ref, latitude=latitude, longitude=longitude)
    services.inbound_router().handle(event, uow=services.uow())
    services.outbox_notifier().wake()


def _back() -> Response:
    return redirect(url_for("resident.page") + "#latest", 303)


def _signed_in_post() -> str:
    """The address of a signed-in form's sender; 400 for a form without its token."""
    address = session.signed_in_address()
    if address is None:
        abort(redirect(url_for("resident.page"), 303))
    if not session.csrf_ok(address):
        abort(make_response(refused(_("送信を受け付けられませんでした"),
                                    _("ページの有効期限が切れたか、正しくない送信です。ページを"
                                      "開き直して、もう一度お試しください。"), 400)))
    return address


@resident.get("/")
@public
def page():  # type: ignore[no-untyped-def]
    services = container()
    address = session.signed_in_address()
    town = services.config.town_full_name()
    if address is None:
        return render_template("resident/start.html", town=town,
                               liff_id=services.config.liff_id())
    shown = web_page(address, uow=services.uow(), procedures=services.procedures(),
                     now=services.clock().now())
    return render_template("resident/page.html", town=town, page=shown,
                           token=session.csrf_token(address), nonce=session.new_nonce(),
                           note=PAYMENT_NOTES.get(request.args.get("payment", "")),
                           max_text=MAX_TEXT)


@resident.post("/start")
@public
@rate_limited(VERIFICATION_ADDRESS)  # each start makes an identity: not from a script at will
def start():  # type: ignore[no-untyped-def]
    """Start fresh: a new web identity, greeted with the menu (本人確認 first)."""
    services = container()
    address = start_fresh(uow=services.uow(), ids=services.ids(), clock=services.clock())
    handle(address, InboundKind.POSTBACK, data=MENU_DATA, external_id=f"web:start:{address}")
    return session.save_address(_back(), address)


@resident.post("/tap")
@public
def tap():  # type: ignore[no-untyped-def]
    address = _signed_in_post()
    data = request.form.get("data", "")
    if not data or len(data) > 300:
        return _back()
    handle(address, InboundKind.POSTBACK, data=data, external_id=f"web:{session.nonce()}")
    return _back()


@resident.post("/text")
@public
def text():  # type: ignore[no-untyped-def]
    address = _signed_in_post()
    typed = request.form.get("text", "").strip()[:MAX_TEXT]
    if typed:
        handle(address, InboundKind.TEXT, text=typed, external_id=f"web:{session.nonce()}")
    return _back()


@resident.post("/photo")
@public
def photo():  # type: ignore[no-untyped-def]
    """A photo from the phone's camera or album (JPEG or PNG, at most 10 MB), kept encrypted
    like a LINE image, then given to the dialog as an IMAGE event."""
    address = _signed_in_post()
    upload = request.files.get("photo")
    content = upload.read(MAX_ATTACHMENT_BYTES + 1) if upload else b""
    content_type = next((kind for magic, kind in _IMAGE_TYPES.items()
                         if content.startswith(magic)), None)
    if not content or content_type is None or len(content) > MAX_ATTACHMENT_BYTES:
        return refused(_("写真を受け付けられませんでした"),
                       _("JPEGかPNGの写真（10MBまで）を選んでください。"), 400)
    services = container()
    ref = keep_photo(content, content_type, uow=services.uow(), ids=services.ids(),
                     clock=services.clock())
    handle(address, InboundKind.IMAGE, image_ref=ref, external_id=f"web:{session.nonce()}")
    return _back()


@resident.post("/location")
@public
def location():  # type: ignore[no-untyped-def]
    """A place: the address typed, and a point if the resident has one (typed, or filled by the
    browser's location when they allow it). The dialog checks it (a point in Japan) and says
    what is wrong in the chat, as it does on LINE."""
    address = _signed_in_post()
    try:
        latitude, longitude = (_coordinate(request.form.get(name, ""))
                               for name in ("latitude", "longitude"))
    except ValueError:
        return refused(_("場所を受け付けられませんでした"),
                       _("緯度と経度は数字で入力してください（例: 35.6812）。わからなければ空欄の"
                         "まま、住所だけを送ってください。"), 400)
    typed = request.form.get("address", "").strip()[:MAX_TEXT]
    handle(address, InboundKind.LOCATION, text=typed, latitude=latitude, longitude=longitude,
           external_id=f"web:{session.nonce()}")
    return _back()


def _coordinate(text: str) -> float | None:
    """A latitude or longitude as typed (full-width digits too); None when left empty."""
    typed = unicodedata.normalize("NFKC", text).strip()
    if not typed:
        return None
    value = float(typed)  # ValueError for anything that is not a number
    if not math.isfinite(value):
        raise ValueError(typed)
    return value


@resident.post("/sign-out")
@public
def sign_out():  # type: ignore[no-untyped-def]
    _signed_in_post()
    return session.clear(redirect(url_for("resident.page"), 303))
