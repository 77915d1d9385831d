"""A notice's web page (ADR 0058): `/n/<token>` shows the full notice and counts its first open
(the recipient's token) or one more open on the notice (its own token, LINE's shared message);
`/n/<token>/go/<i>` counts a tap and opens the button's page. No sign-in: the page shows the
notice and nothing about who it was for, and the token names no one."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template

from application.notices.opening import notice_image, open_notice, tap_link
from domain.errors import NotFound
from entrypoints.web.access import public
from entrypoints.web.services import container

__all__ = ["notice_page"]

notice_page = Blueprint("notice_page", __name__, url_prefix="/n")


def _gone():  # type: ignore[no-untyped-def]
    return render_template("notice_page.html", notice=None,
                           town=container().config.town_name()), 404


@notice_page.get("/<token>")
@public  # a random token from the notice's own message
def show(token: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        opened = open_notice(token, uow=services.uow(), clock=services.clock())
    except NotFound:
        return _gone()
    return render_template("notice_page.html", notice=opened.notice, token=opened.token,
                           town=services.config.town_name(),
                           resident_page=f"{services.config.public_url()}/r/")


@notice_page.get("/<token>/image")
@public  # as above; the page's own image, counted as nothing
def image(token: str):  # type: ignore[no-untyped-def]
    try:
        kind, data = notice_image(token, uow=container().uow())
    except NotFound:
        return _gone()
    return Response(data, mimetype=kind, headers={"Cache-Control": "private, max-age=3600"})


@notice_page.get("/<token>/go/<int:index>")
@public  # as above
def go(token: str, index: int):  # type: ignore[no-untyped-def]
    services = container()
    try:
        url = tap_link(token, index, uow=services.uow(), clock=services.clock())
    except NotFound:
        return _gone()
    return redirect(url, 303)
