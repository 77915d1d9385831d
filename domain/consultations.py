"""相談 (consultation): a case of the town's inbox that holds the resident's chat live with a
department. The resident waits in the department's queue (oldest first); a staff member takes
it (対応する) and the resident is told the department and the staff member's name for residents;
they write to each other in the case's thread; staff end it (相談を終える) and the bot is back.

A department answers consultations in its opening hours (`OpeningHours`: weekdays and a time
of day in Japan time, never on a day the town hall is closed: national holidays, 年末年始).
Outside them a request still waits in the queue, and the resident is told when staff answer.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Sequence

from attrs import define, field, frozen

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue
from domain.events import ConsultationEnded, ConsultationTaken
from domain.values import JST

__all__ = [
    "DEFAULT_HOURS",
    "Consultation",
    "ConsultationStatus",
    "DepartmentHours",
    "OpeningHours",
    "place_in_queue",
]

ClosedDay = Callable[[dt.date], bool]  # the town hall is closed that day (a holiday, 年末年始)

_WEEKDAYS = "月火水木金土日"
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_LOOK_AHEAD = 60  # days: a department open at all opens within them


def _time(text: str) -> dt.time:
    found = _TIME.fullmatch((text or "").strip())
    if found is None:
        raise InvalidValue("時刻は「8:30」の形で入力してください。")
    return dt.time(int(found.group(1)), int(found.group(2)))


def _hm(time: dt.time) -> str:
    return f"{time.hour}:{time.minute:02d}"


@frozen
class OpeningHours:
    """受付時間: the weekdays (0 = Monday) and the time of day a department answers, in Japan
    time; never on a day the town hall is closed."""

    weekdays: frozenset[int] = field(converter=frozenset)
    opens: dt.time
    closes: dt.time

    def __attrs_post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise InvalidValue("受付する曜日を1つ以上選んでください。")
        if self.opens >= self.closes:
            raise InvalidValue("受付の終了時刻は開始時刻より後にしてください。")

    @classmethod
    def of(cls, weekdays: str, opens: str, closes: str) -> OpeningHours:
        """From what a form holds: the weekdays as 月火水木金, the times as 8:30 and 17:15."""
        days = {_WEEKDAYS.index(c) for c in (weekdays or "") if c in _WEEKDAYS}
        return cls(frozenset(days), _time(opens), _time(closes))

    @property
    def weekday_text(self) -> str:
        return "".join(_WEEKDAYS[d] for d in sorted(self.weekdays))

    @property
    def opens_text(self) -> str:
        return _hm(self.opens)

    @property
    def closes_text(self) -> str:
        return _hm(self.closes)

    @property
    def label(self) -> str:
        """月火水木金 8:30〜17:15（祝日・年末年始を除く）"""
        return (f"{self.weekday_text} {_hm(self.opens)}〜{_hm(self.closes)}"
                "（祝日・年末年始を除く）")

    def _open_on(self, day: dt.date, closed_day: ClosedDay) -> bool:
        return day.weekday() in self.weekdays and not closed_day(day)

    def is_open(self, at: dt.datetime, closed_day: ClosedDay) -> bool:
        local = at.astimezone(JST)
        return (self._open_on(local.date(), closed_day)
                and self.opens <= local.time().replace(tzinfo=None) < self.closes)

    def next_opening(self, at: dt.datetime, closed_day: ClosedDay) -> dt.datetime | None:
        """When staff answer next (Japan time): `at` itself when open now; None when no day
        in the next two months is open."""
        if self.is_open(at, closed_day):
            return at.astimezone(JST)
        local = at.astimezone(JST)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.opens:
            day += dt.timedelta(days=1)
        for _ in range(_LOOK_AHEAD):
            if self._open_on(day, closed_day):
                return dt.datetime.combine(day, self.opens, tzinfo=JST)
            day += dt.timedelta(days=1)
        return None


# Most town halls: weekdays 8:30–17:15.
DEFAULT_HOURS = OpeningHours(frozenset(range(5)), dt.time(8, 30), dt.time(17, 15))


@define(slots=False, eq=False)
class DepartmentHours:
    """A department's 受付時間 for consultations (a department without a row keeps
    `DEFAULT_HOURS`). `id` is the department's id."""

    id: str
    weekdays: str  # 月火水木金
    opens: str  # 8:30
    closes: str  # 17:15

    @classmethod
    def of(cls, department_id: str, hours: OpeningHours) -> DepartmentHours:
        return cls(id=department_id, weekdays=hours.weekday_text, opens=_hm(hours.opens),
                   closes=_hm(hours.closes))

    @property
    def hours(self) -> OpeningHours:
        return OpeningHours.of(self.weekdays, self.opens, self.closes)

    def change(self, hours: OpeningHours) -> None:
        self.weekdays, self.opens, self.closes = (hours.weekday_text, _hm(hours.opens),
                                                  _hm(hours.closes))


class ConsultationStatus(enum.Enum):
    WAITING = "waiting"  # 待機中: in the department's queue
    TALKING = "talking"  # 相談中: a staff member took it
    ENDED = "ended"  # 終了

    @property
    def label(self) -> str:
        return {"waiting": "待機中", "talking": "相談中", "ended": "終了"}[self.value]


@define(slots=False, eq=False)
class Consultation(Aggregate):
    """The live side of a consultation case. `id` is the case's id (one to one)."""

    id: str
    department_id: str | None
    requested_at: dt.datetime
    in_hours: bool  # asked within the department's hours (else told when staff answer)
    status: ConsultationStatus = ConsultationStatus.WAITING
    staff_id: str | None = None  # who took it: an actor id
    taken_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None

    @property
    def waiting(self) -> bool:
        return self.status is ConsultationStatus.WAITING

    def take(self, staff_id: str, at: dt.datetime) -> None:
        """対応する: the resident is told who answers (`ConsultationTaken`)."""
        if self.status is not ConsultationStatus.WAITING:
            raise IllegalTransition("この相談はすでにほかの職員が対応しているか、終了しています。",
                                    code="consultation_not_waiting")
        self.status, self.staff_id, self.taken_at = ConsultationStatus.TALKING, staff_id, at
        self.record(ConsultationTaken(case_id=self.id, staff_id=staff_id))

    def passed_to(self, department_id: str) -> None:
        """Its case went to another department: it waits in that department's queue (one
        taken already goes back to waiting, for someone of the new department to take)."""
        self.department_id = department_id
        if self.status is ConsultationStatus.TALKING:
            self.status, self.staff_id, self.taken_at = ConsultationStatus.WAITING, None, None

    def end(self, at: dt.datetime) -> None:
        """相談を終える: the resident is told, and the menu comes back (`ConsultationEnded`)."""
        if self.status is ConsultationStatus.ENDED:
            raise IllegalTransition("この相談はすでに終了しています。", code="consultation_ended")
        self.status, self.ended_at = ConsultationStatus.ENDED, at
        self.record(ConsultationEnded(case_id=self.id))


def place_in_queue(consultation: Consultation, waiting: Sequence[Consultation]) -> int:
    """The resident's place in their department's queue (1: next), oldest first."""
    ahead = [c for c in waiting if c.department_id == consultation.department_id
             and c.waiting and c.id != consultation.id
             and (c.requested_at, c.id) < (consultation.requested_at, consultation.id)]
    return len(ahead) + 1
