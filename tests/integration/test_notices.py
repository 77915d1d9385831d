"""お知らせ配信 on a real database (SQLite and PostgreSQL), through the segment query: a notice
to LINE's friends reaches each of them once (a repeated run nobody twice, the database refuses a
second row), a scheduled one goes out when due, opens and taps are counted, and the results
query adds the recipients and their outbox rows up by channel."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, func, select

from adapters.persistence.orm.messaging import outbox
from adapters.persistence.orm.notices import notice_recipients
from adapters.persistence.repositories.notices import SqlNoticeRepository
from application.jobs.catalog import JobCatalog
from application.jobs.running import run_job
from application.messaging.telling import ContactPolicy
from application.notices.composing import ComposeNotice, compose_notice, schedule_notice
from application.notices.opening import notice_image, open_notice, tap_link
from application.notices.sending import SEND_NOTICE, _send_page, send_notice, start_notice
from application.notices.sending_due import start_due_notices
from application.ports.unit_of_work import DuplicateError
from domain.access import Role
from domain.errors import IllegalTransition
from domain.notices import NoticeRecipient, NoticeStatus
from tests import builders
from tests.integration.test_benefits import NOW, Town

pytestmark = pytest.mark.integration

STAFF = builders.actor(id="s1", role=Role.APPROVER)
PUBLIC = "https://town.example"


class _RunAtOnce:
    def __init__(self, town: Town) -> None:
        self.catalog = JobCatalog()
        self.catalog.register(SEND_NOTICE, lambda payload, progress: send_notice(
            payload["notice_id"], uow_factory=town.uow, ids=town.ids, clock=town.clock,
            policy=ContactPolicy(), public_url=PUBLIC, wake=lambda: None, progress=progress),
            label="お知らせ")
        self.town, self.ran = town, []

    def enqueue(self, job_id: str) -> None:
        self.ran.append(run_job(job_id, uow_factory=self.town.uow, catalog=self.catalog,
                                clock=self.town.clock))


def _compose(town: Town, condition: dict[str, object] | None = None) -> str:
    return compose_notice(ComposeNotice(
        title="断水のお知らせ", text="明日9時から断水します。",
        condition=condition or {"channel": "line"}, segment_name="LINEの友だち",
        buttons=({"label": "地図", "target": "https://map.example/x"},)),
        actor=STAFF, uow=town.uow(), ids=town.ids, clock=town.clock).id


def _count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_notice_reaches_each_friend_once_even_when_its_send_runs_again(engine: Engine) -> None:
    town = Town(engine)
    queue = _RunAtOnce(town)
    notice_id = _compose(town)

    start_notice(notice_id, actor=STAFF, uow=town.uow(), queue=queue, ids=town.ids,
                 clock=town.clock)
    again = send_notice(notice_id, uow_factory=town.uow, ids=town.ids, clock=town.clock,
                        policy=ContactPolicy(), public_url=PUBLIC, wake=lambda: None)

    assert _count(engine, outbox) == 4 and _count(engine, notice_recipients) == 4
    assert again["summary"].startswith("このお知らせは配信済み")
    with engine.connect() as connection:
        payloads = {json.dumps(row[0]["messages"], sort_keys=True)
                    for row in connection.execute(select(outbox.c.payload))}
    assert len(payloads) == 1  # one message for every LINE friend: one multicast
    with town.uow() as uow:
        uow.notices.add_recipient(NoticeRecipient(
            id="dup", notice_id=notice_id, member_key="r:r1", open_token="t-dup",
            recorded_at=NOW))
        with pytest.raises(DuplicateError):
            uow.commit()
    with town.uow() as uow:
        results = uow.queries.notices.results(notice_id)
        lines = uow.queries.notices.notices()
    assert results is not None and results.notice.status is NoticeStatus.SENT
    [line] = results.by_channel
    assert (line.channel, line.people, line.messages, line.waiting) == ("line", 4, 4, 4)
    assert (results.people, results.unreached, results.declined) == (4, 0, 0)
    assert [(n.notice.id, n.people) for n in lines] == [(notice_id, 4)]


def test_a_condition_that_matches_nobody_is_refused(engine: Engine) -> None:
    town = Town(engine)
    notice_id = _compose(town, {"channel": "sms"})
    with pytest.raises(IllegalTransition, match="条件に合う人がいません"):
        start_notice(notice_id, actor=STAFF, uow=town.uow(), queue=_RunAtOnce(town),
                     ids=town.ids, clock=town.clock)
    assert _count(engine, notice_recipients) == 0


def test_a_scheduled_notice_goes_out_once_when_due(engine: Engine) -> None:
    town = Town(engine)
    queue = _RunAtOnce(town)
    notice_id = _compose(town)
    schedule_notice(notice_id, NOW + dt.timedelta(hours=2), actor=STAFF, uow=town.uow(),
                    clock=town.clock)
    tick = lambda: start_due_notices(uow_factory=town.uow, queue=queue,  # noqa: E731
                                     ids=town.ids, clock=town.clock)

    assert tick() == [] and _count(engine, outbox) == 0
    town.clock.advance(hours=2)
    assert len(tick()) == 1
    assert tick() == []
    assert _count(engine, outbox) == 4
    with town.uow() as uow:
        assert uow.notices.get(notice_id).status is NoticeStatus.SENT  # type: ignore[union-attr]


def test_opens_and_taps_are_counted_on_the_database(engine: Engine) -> None:
    town = Town(engine)
    notice_id = _compose(town)
    start_notice(notice_id, actor=STAFF, uow=town.uow(), queue=_RunAtOnce(town), ids=town.ids,
                 clock=town.clock)
    with town.uow() as uow:
        notice = uow.notices.get(notice_id)
        recipient = uow.notices.recipient_of(notice_id, "r:r2")
    assert notice is not None and recipient is not None

    open_notice(recipient.open_token, uow=town.uow(), clock=town.clock)
    open_notice(notice.link_token, uow=town.uow(), clock=town.clock)
    open_notice(notice.link_token, uow=town.uow(), clock=town.clock)
    assert tap_link(notice.link_token, 0, uow=town.uow(),
                    clock=town.clock) == "https://map.example/x"

    with town.uow() as uow:
        results = uow.queries.notices.results(notice_id)
        stored = uow.notices.get(notice_id)
    assert results is not None and stored is not None
    assert results.by_channel[0].opened == 1
    assert (stored.shared_opens, stored.shared_taps) == (2, 1)


def test_a_page_raced_by_another_send_is_read_again_and_tells_nobody_twice(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    town = Town(engine)
    notice_id = _compose(town)
    start_notice(notice_id, actor=STAFF, uow=town.uow(), queue=_RunAtOnce(town), ids=town.ids,
                 clock=town.clock)
    with town.uow() as uow:  # as if the send had not finished: run its first page again
        notice = uow.notices.get(notice_id)
        assert notice is not None
        notice.status = NoticeStatus.SENDING
        uow.commit()
    real = SqlNoticeRepository.recorded_among
    missed: list[bool] = []

    def racing(self: SqlNoticeRepository, *args: object) -> set[str]:
        if not missed:  # the first read does not see the other send's rows yet
            missed.append(True)
            return set()
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SqlNoticeRepository, "recorded_among", racing)
    page, counts = _send_page(notice_id, None, uow_factory=town.uow, ids=town.ids,
                              clock=town.clock, policy=ContactPolicy(), public_url=PUBLIC)

    assert missed and len(page) == 4 and counts.skipped == 4 and counts.sent == 0
    assert _count(engine, outbox) == 4 and _count(engine, notice_recipients) == 4


def test_a_notices_image_is_kept_and_shown_by_its_link(engine: Engine) -> None:
    town = Town(engine)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    notice = compose_notice(ComposeNotice(title="花火大会", text="8月1日に花火大会をします。",
                                          condition={"channel": "line"}, image=png),
                            actor=STAFF, uow=town.uow(), ids=town.ids, clock=town.clock)
    start_notice(notice.id, actor=STAFF, uow=town.uow(), queue=_RunAtOnce(town), ids=town.ids,
                 clock=town.clock)
    with town.uow() as uow:
        lines = uow.queries.notices.notices()  # the list does not need the picture
        recipient = uow.notices.recipient_of(notice.id, "r:r1")
    assert lines[0].notice.image_type == "image/png" and recipient is not None

    assert notice_image(recipient.open_token, uow=town.uow()) == ("image/png", png)
    assert notice_image(notice.link_token, uow=town.uow()) == ("image/png", png)

