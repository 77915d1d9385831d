"""お知らせ配信 (notices to a segment, ADR 0058): staff write a notice (a title, its text, up to
three buttons), choose who it goes to (a segment's condition, copied onto the notice so that
what was sent to whom stays true if the saved segment changes later), and send it now or at a
time they set.

A notice goes draft → scheduled → sending → sent, or is cancelled before it starts sending.
Each person the condition matched is recorded once (`NoticeRecipient`, unique per notice and
person's key): a send that is resumed or run twice tells nobody twice. A recipient's open token
is random (it names no one) and opens the full notice on the web (`/n/<token>`), which counts
the first open; its buttons count the first tap.

Notices are optional messages (town news): a resident who declined them is not sent one.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from attrs import define, field, frozen

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue
from domain.segments import segment_from_json, segment_to_json

__all__ = [
    "MAX_BUTTONS",
    "MAX_TEXT",
    "MAX_TITLE",
    "Notice",
    "NoticeButton",
    "NoticeRecipient",
    "NoticeStatus",
    "ensure_ahead",
    "image_type_of",
    "member_key_of",
]

MAX_TITLE = 60
MAX_TEXT = 4000  # LINE shows at most 5000 in a bubble; a long text is read on its web page
MAX_BUTTONS = 3
MAX_LABEL = 20
MAX_URL = 1000
START = "start:"
MAX_IMAGE = 1024 * 1024  # bytes: a photo or a flyer, shown on the notice's page
_IMAGE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


class NoticeStatus(enum.Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"draft": "下書き", "scheduled": "配信予約", "sending": "配信中", "sent": "配信済み",
                "cancelled": "取り消し"}[self.value]


@frozen
class NoticeButton:
    """A button under the notice: start a published procedure (`start:<procedure id>`) or open
    an https page."""

    label: str = field(converter=lambda text: str(text or "").strip())
    target: str = field(converter=lambda text: str(text or "").strip())

    def __attrs_post_init__(self) -> None:
        if not self.label or len(self.label) > MAX_LABEL:
            raise InvalidValue(f"ボタンの文言を{MAX_LABEL}文字以内で入力してください。")
        if self.target.startswith(START):
            if not self.target.removeprefix(START).strip():
                raise InvalidValue(f"ボタン「{self.label}」の手続きを選んでください。")
        elif not self.target.startswith("https://") or len(self.target) > MAX_URL \
                or any(c.isspace() for c in self.target):
            raise InvalidValue(f"ボタン「{self.label}」のリンク先は https:// で始まるURL"
                               f"（{MAX_URL}文字以内）か、手続きを指定してください。")

    @property
    def procedure_id(self) -> str | None:
        return self.target.removeprefix(START) if self.target.startswith(START) else None

    @property
    def url(self) -> str | None:
        return None if self.target.startswith(START) else self.target

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "target": self.target}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoticeButton:
        return cls(label=data.get("label", ""), target=data.get("target", ""))


def _buttons(values: Any) -> tuple[NoticeButton, ...]:
    buttons = tuple(b if isinstance(b, NoticeButton) else NoticeButton.from_json(b)
                    for b in values or ())
    if len(buttons) > MAX_BUTTONS:
        raise InvalidValue(f"ボタンは{MAX_BUTTONS}つまでです。")
    return buttons


def image_type_of(data: bytes) -> str:
    """The image's type, read from its first bytes (JPEG or PNG), within MAX_IMAGE."""
    if len(data) > MAX_IMAGE:
        raise InvalidValue(f"画像は{MAX_IMAGE // 1024 // 1024}MBまでにしてください"
                           f"（いま{len(data) / 1024 / 1024:.1f}MB）。")
    found = next((kind for magic, kind in _IMAGE_TYPES if data.startswith(magic)), None)
    if found is None:
        raise InvalidValue("画像はJPEGかPNGのファイルを選んでください。")
    return found


def member_key_of(resident_id: str | None, identity_id: str) -> str:
    """The key a segment gives a person (`SegmentMember.key`): the resident's, or for someone
    the registry does not know, the identity's."""
    return f"r:{resident_id}" if resident_id else f"i:{identity_id}"



def ensure_ahead(when: dt.datetime, *, now: dt.datetime) -> None:
    """A notice is scheduled for later, never for a moment already past."""
    if when <= now:
        raise InvalidValue("配信日時が過ぎています。これから先の日時を指定してください。",
                           code="notice_in_the_past")

@define(slots=False, eq=False)
class Notice(Aggregate):
    id: str
    title: str
    text: str
    condition: dict[str, Any]  # the segment's condition as JSON, copied when composed
    segment_name: str  # the saved segment's name then ("" for a condition written here)
    buttons: tuple[NoticeButton, ...] = field(converter=_buttons)
    created_by: str
    created_at: dt.datetime
    link_token: str  # the notice's own link (LINE: the same message for everyone)
    status: NoticeStatus = NoticeStatus.DRAFT
    scheduled_at: dt.datetime | None = None
    job_id: str | None = None
    sent_by: str | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    # opens and taps through the notice's own link (LINE's recipients share one message)
    shared_opens: int = 0
    shared_taps: int = 0
    image: bytes | None = None  # JPEG or PNG, shown on the notice's page
    image_type: str = ""

    @classmethod
    def compose(cls, *, id: str, title: str, text: str, condition: dict[str, Any],
                segment_name: str, buttons: Any, by: str, at: dt.datetime,
                link_token: str, image: bytes | None = None) -> Notice:
        title, text = str(title or "").strip(), str(text or "").strip()
        if not title or len(title) > MAX_TITLE:
            raise InvalidValue(f"件名を{MAX_TITLE}文字以内で入力してください。")
        if not text:
            raise InvalidValue("本文を入力してください。")
        if len(text) > MAX_TEXT:
            raise InvalidValue(f"本文は{MAX_TEXT}文字以内にしてください（いま{len(text)}文字）。")
        # the condition is checked as the segment editor checks it, and kept in its own form
        kept = segment_to_json(segment_from_json(condition))
        image_type = image_type_of(image) if image else ""
        return cls(id=id, title=title, text=text, condition=kept,
                   segment_name=str(segment_name or "")[:100], buttons=buttons, created_by=by,
                   created_at=at, link_token=link_token, image=image or None,
                   image_type=image_type)

    @property
    def segment(self) -> Any:
        return segment_from_json(self.condition)

    def schedule(self, when: dt.datetime, *, now: dt.datetime) -> None:
        if self.status not in (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED):
            raise IllegalTransition(f"このお知らせは{self.status.label}のため、予約できません。",
                                    code="notice_not_draft")
        ensure_ahead(when, now=now)
        self.status, self.scheduled_at = NoticeStatus.SCHEDULED, when

    def is_due(self, now: dt.datetime) -> bool:
        return (self.status is NoticeStatus.SCHEDULED and self.scheduled_at is not None
                and self.scheduled_at <= now)

    def start(self, job_id: str, *, by: str, at: dt.datetime) -> None:
        """Sending begins (now, or because its time came: `by` is then who scheduled it)."""
        if self.status not in (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED):
            raise IllegalTransition(f"このお知らせは{self.status.label}のため、送信できません。",
                                    code="notice_not_draft")
        self.status, self.job_id, self.sent_by, self.started_at = (
            NoticeStatus.SENDING, job_id, by, at)

    def finish(self, at: dt.datetime) -> None:
        if self.status is NoticeStatus.SENDING:
            self.status, self.finished_at = NoticeStatus.SENT, at

    def cancel(self) -> None:
        if self.status not in (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED):
            raise IllegalTransition(f"このお知らせは{self.status.label}のため、取り消せません。",
                                    code="notice_not_cancellable")
        self.status = NoticeStatus.CANCELLED

    def button(self, index: int) -> NoticeButton | None:
        return self.buttons[index] if 0 <= index < len(self.buttons) else None


@define(slots=False, eq=False)
class NoticeRecipient:
    """One person a notice went to, recorded with their messages (unique per notice and key).
    `channel` is the rung chosen ("" when no rung reaches them: 届かない, the postal path);
    `declined`: they declined optional messages, so nothing was sent."""

    id: str
    notice_id: str
    member_key: str
    open_token: str
    recorded_at: dt.datetime
    channel: str = ""
    outbox_id: str | None = None
    declined: bool = False
    opened_at: dt.datetime | None = None
    tapped_at: dt.datetime | None = None

    def opened(self, at: dt.datetime) -> bool:
        """The first open counts; returns whether this one was it."""
        if self.opened_at is not None:
            return False
        self.opened_at = at
        return True

    def tapped(self, at: dt.datetime) -> bool:
        if self.tapped_at is not None:
            return False
        self.tapped_at = at
        self.opened(at)  # a tap on the message's own button is a read too
        return True
