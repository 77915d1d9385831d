"""The demo town's year, planned before anything is written: who follows the town's account in
which month (a growth curve, from a few residents to a few hundred), who verifies with the card
(about six in ten, days or weeks later), who blocks the account, which procedures residents run
and how far, when staff answer and close the cases they open, and the satisfaction scores given.
Pure and deterministic: the same seed and the same day give the same plan."""

from __future__ import annotations

import datetime as dt
import random

from attrs import frozen

from application.dates import JST

__all__ = ["MONTHS", "Step", "months_of", "plan_year"]

MONTHS = 12
_CURVE = 1.8  # friends by a time t of the year grow as t ** _CURVE
_CHANNELS = (("line", 0.88), ("sms", 0.07), ("web", 0.05))
_VERIFYING = 0.62
_MAILING = 0.12  # of the verified: add an e-mail address under 連絡先 (an e-mail identity)
_BLOCKING = 0.05
_CHATTING = 0.22  # a month's chance that a friend runs a procedure
_CERTIFICATE_AGE = dt.timedelta(days=150)
_SCORES = ((1, 0.03), (2, 0.05), (3, 0.12), (4, 0.35), (5, 0.45))


@frozen
class Step:
    """One thing that happened, at `at` (Japan time). `kind`: follow, verify, email (an
    address added under 連絡先), block, chat, reply or close; `person`: the resident's place
    in the history's people; for a chat,
    `procedure`, `answers` (-1: all, and sent) and `choice` (which options it took), with
    `score` the satisfaction it was given (None: not asked or not answered); reply and close
    name the chat whose case they handle (the same person's chat at `chat_at`)."""

    at: dt.datetime
    kind: str
    person: int
    channel: str = "line"
    procedure: str = ""
    answers: int = -1
    choice: int = 0
    score: int | None = None
    chat_at: dt.datetime | None = None


def months_of(now: dt.datetime) -> list[dt.datetime]:
    """The first moments (Japan time) of the year's months, the current one last."""
    today = now.astimezone(JST)
    year, month = today.year, today.month
    firsts = []
    for _ in range(MONTHS):
        firsts.append(dt.datetime(year, month, 1, tzinfo=JST))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _cumulative(friends: int, firsts: list[dt.datetime], latest: dt.datetime) -> list[int]:
    """Friends by the end of each month: growing faster as the year goes on (word of mouth,
    the benefits the town announces), `friends` by `latest`."""
    year = (latest - firsts[0]).total_seconds()
    ends = [*firsts[1:], latest]
    return [round(friends * (max((min(end, latest) - firsts[0]).total_seconds(), 0) / year)
                  ** _CURVE) for end in ends]


def _weighted(rng: random.Random, table: tuple[tuple[object, float], ...]) -> object:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def plan_year(now: dt.datetime, *, people: int, seed: int, friends: int) -> list[Step]:
    """The year ending at `now`, in the order it happened. `people`: how many residents the
    history may draw on (the first friend is person 0, then in a drawn order)."""
    rng = random.Random(seed)
    firsts = months_of(now)
    latest = now - dt.timedelta(hours=2)

    def moment(month: int, after: dt.datetime | None = None) -> dt.datetime | None:
        start = firsts[month]
        end = min(firsts[month + 1] if month + 1 < MONTHS else latest, latest)
        if after is not None:
            start = max(start, after)
        if start >= end:
            return None
        at = start + dt.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))
        at = at.replace(hour=min(max(at.hour, 8), 21))  # residents write in the day
        return at if at < end and (after is None or at > after) else None

    order = [0, *rng.sample(range(1, people), min(friends, people) - 1)]
    steps: list[Step] = []
    followed: list[tuple[int, str, dt.datetime]] = []
    blocked: dict[int, dt.datetime] = {}
    verified: dict[int, dt.datetime] = {}
    done = 0
    for month, total in enumerate(_cumulative(min(friends, people), firsts, latest)):
        for person in order[done:total]:
            at = moment(month)
            if at is None:
                continue
            channel = str(_weighted(rng, _CHANNELS)) if person else "line"
            steps.append(Step(at, "follow", person, channel))
            followed.append((person, channel, at))
            if rng.random() < _VERIFYING:
                later = at + dt.timedelta(days=rng.choice((0, 0, 1, 3, 10, 25)), minutes=5)
                if later < latest:
                    steps.append(Step(later, "verify", person, channel))
                    verified[person] = later
                    mail = later + dt.timedelta(days=rng.randint(1, 20))
                    if channel != "sms" and rng.random() < _MAILING and mail < latest:
                        steps.append(Step(mail, "email", person, channel))
            if channel == "line" and person and rng.random() < _BLOCKING:
                gone = at + dt.timedelta(days=rng.randint(20, 150))
                if gone < latest:
                    steps.append(Step(gone, "block", person, channel))
                    blocked[person] = gone
        done = total
        for person, channel, since in followed:
            if rng.random() >= _CHATTING:
                continue
            at = moment(month, after=since + dt.timedelta(hours=1))
            if at is None or at >= blocked.get(person, latest):
                continue
            steps.append(_chat(rng, at, person, channel, verified.get(person)))
    steps.sort(key=lambda step: step.at)
    return _with_staff(rng, steps, latest)


def _chat(rng: random.Random, at: dt.datetime, person: int, channel: str,
          verified: dt.datetime | None) -> Step:
    """Verified recently (a certificate needs a card verification of the last half year):
    a certificate now and then; 粗大ごみ, a report (with LINE's 📍) or an お問い合わせ."""
    draw = rng.random()
    recently = verified is not None and dt.timedelta(0) < at - verified < _CERTIFICATE_AGE
    if recently and channel != "sms" and draw < 0.3:
        procedure = "certificate"
    elif channel != "sms" and draw < 0.45:
        procedure = "bulky_waste"
    elif channel == "line" and draw < 0.7:
        procedure = "report"
    else:
        procedure = "contact"
    outcome = rng.random()
    choice = rng.randrange(60)
    if outcome < 0.78:  # sent
        score = int(str(_weighted(rng, _SCORES))) if rng.random() < 0.5 else None
        return Step(at, "chat", person, channel, procedure, -1, choice, score)
    if outcome < 0.88:  # answered a question or two, then やめる
        return Step(at, "chat", person, channel, procedure, rng.randint(1, 2), choice | 1)
    return Step(at, "chat", person, channel, procedure, rng.randint(0, 1), choice & ~1)


def _with_staff(rng: random.Random, steps: list[Step], latest: dt.datetime) -> list[Step]:
    """Staff answer most cases a few working hours or days later, and close most answered."""
    work: list[Step] = []
    for step in steps:
        if step.kind != "chat" or step.answers >= 0 or rng.random() >= 0.8:
            continue
        replied = step.at + dt.timedelta(hours=rng.choice((3, 20, 26, 50, 74)))
        if replied >= latest:
            continue
        work.append(Step(replied, "reply", step.person, step.channel, chat_at=step.at))
        closed = replied + dt.timedelta(hours=rng.choice((1, 5, 24, 48)))
        if closed < latest and rng.random() < 0.75:
            work.append(Step(closed, "close", step.person, step.channel, chat_at=step.at))
    return sorted([*steps, *work], key=lambda step: step.at)
