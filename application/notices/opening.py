"""What a resident does with a notice (ADR 0058): opens its web page (`/n/<token>`), follows
one of its link buttons (`/n/<token>/go/<i>`), or taps one that starts a procedure (its postback
comes back through the inbound router). The first open and the first tap of each recipient are
recorded; the notice's own token (LINE's shared message) counts every open and tap on the
notice. Nothing read here is personal: the page shows the notice, never who it was for."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity
from domain.errors import NotFound
from domain.notices import Notice, NoticeStatus, member_key_of

__all__ = ["OpenedNotice", "notice_image", "open_notice", "record_tap", "tap_link"]

GONE = "このお知らせは見つかりません。リンクをそのまま開いてください。"


@frozen
class OpenedNotice:
    notice: Notice
    token: str


def _find(uow: UnitOfWork, token: str, now: dt.datetime, what: str) -> Notice:
    recipient = uow.notices.recipient_by_token(token) if token else None
    if recipient is not None:
        notice = uow.notices.get(recipient.notice_id)
        if notice is None:
            raise NotFound(GONE)
        if what == "opens":
            recipient.opened(now)
        else:
            recipient.tapped(now)
        return notice
    notice = uow.notices.get_by_link_token(token) if token else None
    if notice is None or notice.status not in (NoticeStatus.SENDING, NoticeStatus.SENT):
        raise NotFound(GONE)
    uow.notices.count_shared(notice.id, what)
    return notice


def open_notice(token: str, *, uow: UnitOfWork, clock: Clock) -> OpenedNotice:
    """The notice a link opens; counts the open."""
    with uow:
        notice = _find(uow, token, clock.now(), "opens")
        uow.commit()
    return OpenedNotice(notice, token)


def notice_image(token: str, *, uow: UnitOfWork) -> tuple[str, bytes]:
    """The image of the notice a link opens (its type and bytes); counts nothing."""
    with uow:
        recipient = uow.notices.recipient_by_token(token) if token else None
        notice = (uow.notices.get(recipient.notice_id) if recipient is not None
                  else uow.notices.get_by_link_token(token) if token else None)
        if notice is None or not notice.image_type or not notice.image:
            raise NotFound(GONE)
        return notice.image_type, bytes(notice.image)


def tap_link(token: str, index: int, *, uow: UnitOfWork, clock: Clock) -> str:
    """The page a link button opens; counts the tap."""
    with uow:
        notice = _find(uow, token, clock.now(), "taps")
        button = notice.button(index)
        if button is None or button.url is None:
            raise NotFound(GONE)
        uow.commit()
    return button.url


def record_tap(uow: UnitOfWork, notice_id: str, identity: ChannelIdentity,
               now: dt.datetime) -> Notice | None:
    """A procedure button's postback arrived (in the router's unit of work): the tap of the
    person it came from, once. Returns the notice (None: it does not exist)."""
    notice = uow.notices.get(notice_id)
    if notice is None:
        return None
    recipient = uow.notices.recipient_of(notice_id, member_key_of(identity.resident_id,
                                                                  identity.id))
    if recipient is not None:
        recipient.tapped(now)
    return notice
