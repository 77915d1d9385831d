"""A personal link from an SMS or an e-mail: `/r/l?t=<token>` (in the query string, which the
access logs leave out: the token is a credential until it is used).

Opening it (GET) shows the message it was sent with and its buttons, and changes nothing (a
mail scanner or a link preview fetching it must not use it up). A tap (POST) uses the link up,
signs the browser in as the web identity of the resident the message was for (made when they
have none), puts the message on their page, and answers it with the tapped button's data through
the same router as LINE's はい. A link used, expired or never made is refused with the reason."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from application.channels.inbound import InboundKind
from application.channels.links import LinkCheck, LinkRefusal
from application.channels.web_sign_in import someone_else
from application.channels.web_visits import linked_messages, open_on_message
from application.ports.messaging import OutgoingMessage
from entrypoints.web.access import public
from entrypoints.web.rate_limits import VERIFICATION_ADDRESS, rate_limited
from entrypoints.web.refusal import refused
from entrypoints.web.resident import session
from entrypoints.web.resident.blueprint import resident
from entrypoints.web.resident.pages import handle
from entrypoints.web.services import container

__all__: list[str] = []

_STATUS = {LinkRefusal.UNKNOWN: 404, LinkRefusal.USED: 410, LinkRefusal.EXPIRED: 410}


def _refusal(checked: LinkCheck):  # type: ignore[no-untyped-def]
    refusal = checked.refusal or LinkRefusal.UNKNOWN
    return refused(_("このリンクは使えません"), _(refusal.message), _STATUS[refusal])


def _messages(checked: LinkCheck) -> list[OutgoingMessage]:
    """The message the link was sent with (none for a sign-in link)."""
    return linked_messages(checked.link.message_id if checked.link else None,
                           uow=container().uow())


@resident.get("/l")
@public  # the token is the credential: signed, single-use, expiring, kept server-side
@rate_limited(VERIFICATION_ADDRESS)
def open_link():  # type: ignore[no-untyped-def]
    token = request.args.get("t", "")
    checked = container().personal_links().check(token)
    if not checked.ok:
        return _refusal(checked)
    return render_template("resident/link.html", town=container().config.town_full_name(),
                           messages=_messages(checked), token=token)


@resident.post("/l")
@public
@rate_limited(VERIFICATION_ADDRESS)
def use_link():  # type: ignore[no-untyped-def]
    token = request.args.get("t", "")
    services = container()
    checked = services.personal_links().check(token)
    if not checked.ok or checked.link is None:
        return _refusal(checked)
    messages = _messages(checked)
    data = request.form.get("data", "")
    offered = {choice.data for message in messages for choice in message.choices
               if choice.data and not choice.url}
    if data and data not in offered:  # only the message's own buttons
        return refused(_("送信を受け付けられませんでした"),
                       _("このリンクのボタンではありません。届いたリンクを開き直してください。"),
                       400)
    if someone_else(session.signed_in_address(), checked.link.identity_id, uow=services.uow()):
        return refused(_("このリンクは使えません"),
                       _("このリンクは、このブラウザでログインしている方とは別の方あての"
                         "お知らせです。ご本人のスマートフォンで開くか、ログアウトしてから"
                         "開いてください。"), 403)
    checked = services.personal_links().use(token)  # one of two taps at once wins
    if not checked.ok or checked.link is None:
        return _refusal(checked)
    link = checked.link
    address = open_on_message(link.identity_id, messages, uow=services.uow(),
                              ids=services.ids(), clock=services.clock())
    if data:
        handle(address, InboundKind.POSTBACK, data=data, external_id=f"link:{link.id}")
    else:
        services.outbox_notifier().wake()
    return session.save_address(redirect(url_for("resident.page") + "#latest", 303), address)
