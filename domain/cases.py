"""The town's inbox: departments (課) and the cases (案件) residents open by finishing a
procedure that is not a benefit or a certificate (お問い合わせ, 通報). A case has a number the
resident can quote (受付番号 2026-000123), a status that moves by named transitions only, an
assignee, and its thread: the resident's messages, staff replies and internal notes.

While a case `holds_the_chat`, the resident's free text goes to it instead of to the bot;
「メニュー」 lets go of the chat (the bot is back), a staff reply takes it again.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

from attrs import define, field

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue
from domain.events import CaseAnswered, CaseOpened
from domain.places import Place

__all__ = [
    "ERASED_TEXT",
    "MAX_NOTE",
    "TRANSITIONS",
    "CaseEntry",
    "CaseEntryKind",
    "CaseStatus",
    "CaseTransition",
    "Department",
    "DepartmentMembership",
    "InboxCase",
    "case_number",
    "sequence_of",
]

MAX_NOTE = 2000
ERASED_TEXT = "（保存期間を過ぎたため消去しました）"  # what an erased entry shows (ADR 0047)
MAX_DEPARTMENT_NAME = 50
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NUMBER = re.compile(r"(\d{4})-(\d{6})")


class CaseStatus(enum.Enum):
    NEW = "new"  # 新規: nobody has taken it yet
    IN_PROGRESS = "in_progress"  # 対応中
    ANSWERED = "answered"  # 回答済み: the resident was answered, their turn
    CLOSED = "closed"  # 完了

    @property
    def label(self) -> str:
        return {"new": "新規", "in_progress": "対応中", "answered": "回答済み",
                "closed": "完了"}[self.value]

    @property
    def is_open(self) -> bool:
        return self is not CaseStatus.CLOSED


class CaseTransition(enum.Enum):
    """What staff (or the resident, by writing) do to a case, by name."""

    START = "start"  # 対応を始める
    ANSWER = "answer"  # a staff reply went out
    RESIDENT_WROTE = "resident_wrote"  # the resident wrote back into the case
    CLOSE = "close"  # 完了にする
    REOPEN = "reopen"  # 対応中に戻す
    TRANSFER = "transfer"  # ほかの課へ回す: new for the department that receives it


_S, _T = CaseStatus, CaseTransition
TRANSITIONS: dict[tuple[CaseStatus, CaseTransition], CaseStatus] = {
    (_S.NEW, _T.START): _S.IN_PROGRESS,
    (_S.NEW, _T.ANSWER): _S.ANSWERED,
    (_S.NEW, _T.RESIDENT_WROTE): _S.NEW,
    (_S.NEW, _T.CLOSE): _S.CLOSED,
    (_S.IN_PROGRESS, _T.ANSWER): _S.ANSWERED,
    (_S.IN_PROGRESS, _T.RESIDENT_WROTE): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, _T.CLOSE): _S.CLOSED,
    (_S.ANSWERED, _T.ANSWER): _S.ANSWERED,
    (_S.ANSWERED, _T.RESIDENT_WROTE): _S.IN_PROGRESS,
    (_S.ANSWERED, _T.CLOSE): _S.CLOSED,
    (_S.CLOSED, _T.REOPEN): _S.IN_PROGRESS,
    (_S.NEW, _T.TRANSFER): _S.NEW,
    (_S.IN_PROGRESS, _T.TRANSFER): _S.NEW,
    (_S.ANSWERED, _T.TRANSFER): _S.NEW,
}
_REFUSED = {
    _T.START: "この案件は新規ではないため、対応を始められません。",
    _T.ANSWER: "完了した案件には返信できません。対応中に戻してから返信してください。",
    _T.RESIDENT_WROTE: "完了した案件にはメッセージを追加できません。",
    _T.CLOSE: "この案件はすでに完了しています。",
    _T.REOPEN: "完了していない案件は戻せません。",
    _T.TRANSFER: "完了した案件はほかの課へ回せません。対応中に戻してから回してください。",
}


def case_number(year: int, sequence: int) -> str:
    """受付番号: the year and a six-digit sequence within it (2026-000123)."""
    return f"{year:04d}-{sequence:06d}"


def sequence_of(number: str) -> int:
    found = _NUMBER.fullmatch(number)
    if found is None:
        raise InvalidValue("受付番号は「2026-000123」の形で入力してください。")
    return int(found.group(2))


def _department_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_DEPARTMENT_NAME:
        raise InvalidValue(f"課の名前を{MAX_DEPARTMENT_NAME}文字以内で入力してください。")
    return name


def _alert_email(address: str | None) -> str | None:
    address = (address or "").strip()
    if not address:
        return None
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise InvalidValue("通知先のメールアドレスの形が正しくありません。")
    return address


@define(slots=False, eq=False)
class Department:
    """課: owns cases; its members see its inbox."""

    id: str
    name: str = field(converter=_department_name)
    alert_email: str | None = field(default=None, converter=_alert_email)
    created_at: dt.datetime | None = None

    def rename(self, name: str, alert_email: str | None) -> None:
        self.name = _department_name(name)
        self.alert_email = _alert_email(alert_email)


@define(slots=False, eq=False)
class DepartmentMembership:
    """A staff member belongs to a department (one row per pair)."""

    department_id: str
    staff_id: str


class CaseEntryKind(enum.Enum):
    RESIDENT = "resident"  # the resident wrote (or sent a photo) into the case
    REPLY = "reply"  # a staff member answered the resident (through the outbox)
    NOTE = "note"  # an internal note, never sent

    @property
    def label(self) -> str:
        return {"resident": "住民", "reply": "職員の返信", "note": "内部メモ"}[self.value]


@define(slots=False, eq=False)
class CaseEntry:
    """One line of a case's thread."""

    id: str
    case_id: str
    kind: CaseEntryKind
    text: str
    at: dt.datetime
    photo_ref: str | None = None
    staff_id: str | None = None  # who wrote a reply or note (an actor id)
    outbox_id: str | None = None  # a reply: the outbox row that carries it
    request_key: str | None = None  # a staff form's idempotency key: a double submit is one

    def __attrs_post_init__(self) -> None:
        if self.kind is not CaseEntryKind.RESIDENT:
            text = (self.text or "").strip()
            if not text:
                raise InvalidValue("内容を入力してください。")
            if len(text) > MAX_NOTE:
                raise InvalidValue(f"内容は{MAX_NOTE}文字以内で入力してください。")
            self.text = text

    def erase(self) -> list[str]:
        """The case's retention period passed: what was written goes (the kind and time stay).
        Returns the photo ref to delete, if any."""
        photos = [self.photo_ref] if self.photo_ref else []
        self.text, self.photo_ref = ERASED_TEXT, None
        return photos


@define(slots=False, eq=False)
class InboxCase(Aggregate):
    """案件. `answers`: the procedure's answers as staff read them, (label, text) pairs in the
    order asked; `photos`: the attachment refs the resident sent with them; `latitude` /
    `longitude`: the point of the first place answered (None: no place, or an address only),
    for the map of open cases (the place's text stays among the answers)."""

    id: str
    number: str
    department_id: str | None  # None: no department exists yet (administrators route it)
    procedure_id: str
    title: str
    identity_id: str  # the channel identity the resident wrote from: replies go there
    created_at: dt.datetime
    answers: list[Any] = field(factory=list)
    photos: list[str] = field(factory=list)
    resident_id: str | None = None
    conversation_id: str | None = None
    status: CaseStatus = CaseStatus.NEW
    assignee_id: str | None = None
    updated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    holds_the_chat: bool = True
    resident_waiting: bool = False  # the resident wrote last (unanswered)
    acknowledged: bool = False  # told their message was added (since opened or answered)
    erased_at: dt.datetime | None = None  # personal data erased after retention (ADR 0047)
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def opened(cls, *, id: str, number: str, department_id: str | None, procedure_id: str,
               title: str, identity_id: str, answers: list[tuple[str, str]],
               photos: list[str], at: dt.datetime, resident_id: str | None = None,
               conversation_id: str | None = None, place: Place | None = None) -> InboxCase:
        sequence_of(number)
        point = place if place is not None and place.has_point else None
        case = cls(id=id, number=number, department_id=department_id,
                   procedure_id=procedure_id, title=title, identity_id=identity_id,
                   created_at=at, updated_at=at, answers=[list(pair) for pair in answers],
                   photos=list(photos), resident_id=resident_id,
                   conversation_id=conversation_id, resident_waiting=True,
                   latitude=point.latitude if point else None,
                   longitude=point.longitude if point else None)
        case.record(CaseOpened(case_id=id))  # its department is alerted
        return case

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def _move(self, transition: CaseTransition, at: dt.datetime) -> None:
        after = TRANSITIONS.get((self.status, transition))
        if after is None:
            raise IllegalTransition(_REFUSED[transition], code="case_transition")
        self.status, self.updated_at = after, at
        self.closed_at = at if after is CaseStatus.CLOSED else None

    # -- staff -------------------------------------------------------------------------------

    def assign(self, staff_id: str, at: dt.datetime) -> None:
        """担当者にする (assign to me): a new case is then in progress."""
        if not self.status.is_open:
            raise IllegalTransition("完了した案件の担当者は変えられません。", code="case_closed")
        self.assignee_id, self.updated_at = staff_id, at
        if self.status is CaseStatus.NEW:
            self._move(CaseTransition.START, at)

    def start(self, at: dt.datetime) -> None:
        self._move(CaseTransition.START, at)

    def answered(self, at: dt.datetime, *, entry_id: str) -> None:
        """A staff reply (the entry `entry_id`) goes out: the resident's turn, and their next
        message comes here."""
        self._move(CaseTransition.ANSWER, at)
        self.holds_the_chat, self.resident_waiting, self.acknowledged = True, False, False
        self.record(CaseAnswered(case_id=self.id, entry_id=entry_id))

    def close(self, at: dt.datetime) -> None:
        self._move(CaseTransition.CLOSE, at)

    def passed_to(self, department_id: str, at: dt.datetime) -> None:
        """ほかの課へ回す: new for the department that receives it, nobody's yet, and that
        department is alerted as for a new case."""
        self._move(CaseTransition.TRANSFER, at)
        self.department_id, self.assignee_id = department_id, None
        self.record(CaseOpened(case_id=self.id, transferred=True))

    def noted(self, at: dt.datetime) -> None:
        """An internal note: staff touched the case (it is not 「滞留」)."""
        self.updated_at = at

    def reopen(self, at: dt.datetime) -> None:
        if self.erased_at is not None:
            raise IllegalTransition("保存期間を過ぎて内容を消去した案件は戻せません。",
                                    code="case_erased")
        self._move(CaseTransition.REOPEN, at)

    def erase_personal_data(self, at: dt.datetime) -> list[str]:
        """The retention period passed (ADR 0047): the answers, photos, the place's point and
        the link to the resident go; the number, department, procedure, dates and status stay
        for the figures.
        Returns the photo refs to delete. Only a closed case, once."""
        if self.status is not CaseStatus.CLOSED or self.erased_at is not None:
            raise IllegalTransition("完了した案件だけを、一度だけ消去できます。",
                                    code="case_not_erasable")
        photos = list(self.photos)
        self.answers, self.photos = [], []
        self.latitude = self.longitude = None
        self.resident_id = self.conversation_id = None
        self.holds_the_chat = self.resident_waiting = False
        self.erased_at = at
        return photos

    # -- the resident ------------------------------------------------------------------------

    def resident_wrote(self, at: dt.datetime) -> bool:
        """The resident wrote into the case. Returns whether to tell them it was added (the
        first message since the case was opened or last answered)."""
        self._move(CaseTransition.RESIDENT_WROTE, at)
        first = not self.acknowledged
        self.resident_waiting = self.acknowledged = True
        return first

    def let_go_of_chat(self) -> None:
        """「メニュー」: the bot answers the resident's messages again."""
        self.holds_the_chat = False
