"""The unsubscribe link of optional e-mail (RFC 2369 / RFC 8058): GET shows a confirmation
page, POST (the page's button, or the mail provider's one-click request with
`List-Unsubscribe=One-Click`) declines optional messages on that address at once. The token in
the URL is the address encrypted (adapters/email/unsubscribe.py): no address in the URL, and a
made-up token changes nothing."""

from __future__ import annotations

from flask import Blueprint, render_template

from adapters.email.unsubscribe import PATH
from application.channels.declining_optional import DeclineOptional, decline_optional
from entrypoints.web.access import public
from entrypoints.web.services import container

__all__ = ["mail_unsubscribe"]

mail_unsubscribe = Blueprint("mail_unsubscribe", __name__, url_prefix=PATH.rstrip("/"))

def _page(state: str, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("mail_unsubscribe.html", state=state,
                           town=container().config.town_name()), status


@mail_unsubscribe.get("/<token>")
@public  # the token is the address encrypted: only its mail's recipient has it
def confirm(token: str):  # type: ignore[no-untyped-def]
    if container().unsubscribe_links().address_of(token) is None:
        return _page("bad", 404)
    return _page("confirm")


@mail_unsubscribe.post("/<token>")
@public  # as above; RFC 8058 one-click comes from the mail provider, without a session
def unsubscribe(token: str):  # type: ignore[no-untyped-def]
    services = container()
    address = services.unsubscribe_links().address_of(token)
    if address is None:
        return _page("bad", 404)
    decline_optional(DeclineOptional("email", address), uow=services.uow(),
                     clock=services.clock())
    return _page("done")  # the same answer for an address we do not know: nothing to reveal
