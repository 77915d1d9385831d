"""Staff write a notice (a draft), schedule it, or cancel it before it starts sending (ADR
0058). Each is audited in its own transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import IllegalTransition, NotFound
from domain.notices import Notice

__all__ = [
    "NO_ONE",
    "ComposeNotice",
    "cancel_notice",
    "compose_notice",
    "new_token",
    "notice_in",
    "schedule_notice",
]

NO_ONE = "条件に合う人がいません。配信対象の条件を見直してください。"


def new_token() -> str:
    """A random token for a link (22 characters, about 128 bits): it names no one."""
    return secrets.token_urlsafe(16)


@frozen
class ComposeNotice:
    title: str
    text: str
    condition: dict[str, Any]
    segment_name: str = ""
    buttons: tuple[dict[str, str], ...] = ()
    image: bytes | None = None  # JPEG or PNG (checked), shown on the notice's page


def notice_in(uow: UnitOfWork, notice_id: str) -> Notice:
    notice = uow.notices.get(notice_id)
    if notice is None:
        raise NotFound("お知らせが見つかりません。")
    return notice


def ensure_someone(uow: UnitOfWork, notice: Notice) -> int:
    """How many people the notice's condition matches now; refused when nobody."""
    count = uow.queries.segments.count(notice.segment)
    if count == 0:
        raise IllegalTransition(NO_ONE, code="no_recipients")
    return count


def compose_notice(command: ComposeNotice, *, actor: Actor, uow: UnitOfWork, ids: IdGenerator,
                   clock: Clock) -> Notice:
    actor.ensure(Permission.SEND_NOTICES, "お知らせを作成")
    now = clock.now()
    notice = Notice.compose(id=ids.new_id(), title=command.title, text=command.text,
                            condition=command.condition, segment_name=command.segment_name,
                            buttons=command.buttons, by=actor.id, at=now,
                            link_token=new_token(), image=command.image)
    with uow:
        uow.notices.add(notice)
        record(uow, actor, "notice.compose", "notice", notice.id, at=now,
               buttons=len(notice.buttons), image=bool(notice.image_type))
        uow.commit()
    return notice


def schedule_notice(notice_id: str, when: dt.datetime, *, actor: Actor, uow: UnitOfWork,
                    clock: Clock) -> Notice:
    """Send it when `when` comes (refused in the past, or when its condition matches nobody)."""
    actor.ensure(Permission.SEND_NOTICES, "お知らせを予約")
    now = clock.now()
    with uow:
        notice = notice_in(uow, notice_id)
        notice.schedule(when, now=now)
        count = ensure_someone(uow, notice)
        record(uow, actor, "notice.schedule", "notice", notice.id, at=now, people=count,
               scheduled_at=when.isoformat())
        uow.commit()
    return notice


def cancel_notice(notice_id: str, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> Notice:
    actor.ensure(Permission.SEND_NOTICES, "お知らせを取り消し")
    now = clock.now()
    with uow:
        notice = notice_in(uow, notice_id)
        notice.cancel()
        record(uow, actor, "notice.cancel", "notice", notice.id, at=now)
        uow.commit()
    return notice
