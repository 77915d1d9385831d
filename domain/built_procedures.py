"""Procedures staff build (手続きの作成): a draft they edit, and the versions they publish.

A published version never changes: a resident who started on version 1 finishes on version 1
after version 2 is published (their conversation names its version). The draft is what staff
edit; publishing copies it into the next version. A procedure is held as its template (the
JSON form of `application/conversations/procedure_templates.py`), so what is stored, exported
and shared with other towns is one document.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from attrs import define, field, frozen

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue

__all__ = [
    "MAX_MENU_LABEL",
    "MENU_CHANNELS",
    "TRIAL_TTL",
    "BuiltProcedure",
    "ProcedureVersion",
    "channel_label",
    "valid_procedure_id",
]

# The channels a procedure can be offered on: the chat on LINE, the web page (also where the
# links in SMS and e-mail lead), and the SMS / e-mail dialogs themselves.
MENU_CHANNELS = ("line", "web", "sms", "email")
_CHANNEL_LABELS = {"line": "LINE", "web": "ウェブ", "sms": "SMS", "email": "メール"}
MAX_MENU_LABEL = 20  # a LINE quick reply's label
TRIAL_TTL = dt.timedelta(minutes=30)  # a trial code of a draft (staff try it in the chat)
_ID = re.compile(r"[a-z][a-z0-9_]{1,39}")


def channel_label(channel: str) -> str:
    return _CHANNEL_LABELS.get(channel, channel)


def valid_procedure_id(value: str) -> str:
    if not _ID.fullmatch(value or ""):
        raise InvalidValue("手続きのIDは、半角の英小文字で始まる英小文字・数字・「_」の2〜40文字で"
                           "入力してください（例: bulky_waste）。", code="bad_procedure_id")
    return value


def _channels(value: Any) -> list[str]:
    chosen = [channel for channel in MENU_CHANNELS if channel in set(value or ())]
    unknown = set(value or ()) - set(MENU_CHANNELS)
    if unknown:
        raise InvalidValue(f"知らない窓口です: {', '.join(sorted(unknown))}")
    return chosen


def _menu_label(value: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > MAX_MENU_LABEL:
        raise InvalidValue(f"メニューに出す名前は{MAX_MENU_LABEL}文字以内にしてください"
                           f"（いま{len(value)}文字）。", code="menu_label_too_long")
    return value


@frozen
class ProcedureVersion:
    """One published version (版): its template as published, never changed afterwards."""

    procedure_id: str
    number: int
    template: dict[str, Any]
    published_at: dt.datetime
    published_by: str  # an actor id


@define(slots=False, eq=False)
class BuiltProcedure(Aggregate):
    """A procedure staff build. `id` is what residents' buttons carry (start:<id>)."""

    id: str = field(converter=valid_procedure_id)
    title: str
    draft: dict[str, Any]  # the template being edited (format, version, procedure, routing)
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    channels: list[str] = field(factory=lambda: ["line", "web"], converter=_channels)
    menu_label: str = field(default="", converter=_menu_label)  # "" = the title
    menu_order: int | None = None  # its place in the menu; None: not in the menu
    published_version: int | None = None  # the newest published version's number
    published_at: dt.datetime | None = None
    draft_changed: bool = True  # the draft differs from the newest version
    withdrawn: bool = False  # published, but no longer started (受付終了)
    trial_code: str | None = None  # staff type 「試す <code>」 in a chat to try the draft
    trial_expires_at: dt.datetime | None = None
    version: int = 1  # optimistic lock: two staff saving one draft

    @classmethod
    def drafted(cls, *, id: str, template: dict[str, Any], title: str, by: str,
                at: dt.datetime) -> BuiltProcedure:
        return cls(id=id, title=title, draft=template, created_at=at, created_by=by,
                   updated_at=at, updated_by=by)

    @property
    def label(self) -> str:
        return self.menu_label or self.title[:MAX_MENU_LABEL]

    @property
    def is_published(self) -> bool:
        return self.published_version is not None

    @property
    def accepting(self) -> bool:
        """Residents can start it: published and not withdrawn."""
        return self.is_published and not self.withdrawn

    def edit(self, template: dict[str, Any], *, title: str, by: str, at: dt.datetime) -> None:
        """The draft (already checked by the caller) replaces the one before."""
        if template == self.draft and title == self.title:
            return
        self.draft, self.title = template, title
        self.draft_changed, self.updated_at, self.updated_by = True, at, by

    def place(self, *, channels: Any, menu_label: str, menu_order: int | None, by: str,
              at: dt.datetime) -> None:
        """Where residents find it: the channels and its place in the menu."""
        self.channels = _channels(channels)
        self.menu_label = _menu_label(menu_label)
        if menu_order is not None and not 1 <= menu_order <= 99:
            raise InvalidValue("メニューの順番は1〜99で入力してください。", code="bad_menu_order")
        self.menu_order = menu_order
        self.updated_at, self.updated_by = at, by

    def publish(self, *, by: str, at: dt.datetime) -> ProcedureVersion:
        """The draft becomes the next version; residents who start from now get it."""
        if self.is_published and not self.draft_changed and not self.withdrawn:
            raise IllegalTransition("下書きは公開中の版と同じです。変更してから公開してください。",
                                    code="nothing_to_publish")
        number = (self.published_version or 0) + 1
        self.published_version, self.published_at = number, at
        self.draft_changed, self.withdrawn = False, False
        self.updated_at, self.updated_by = at, by
        return ProcedureVersion(procedure_id=self.id, number=number, template=self.draft,
                                published_at=at, published_by=by)

    def withdraw(self, *, by: str, at: dt.datetime) -> None:
        """受付終了: no one starts it any more (those in the middle finish)."""
        if not self.accepting:
            raise IllegalTransition("この手続きは受付中ではありません。", code="not_accepting")
        self.withdrawn, self.updated_at, self.updated_by = True, at, by

    def trial_open(self, code: str, now: dt.datetime) -> bool:
        return (self.trial_code is not None and self.trial_code == code
                and self.trial_expires_at is not None and now < self.trial_expires_at)
