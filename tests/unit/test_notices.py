"""お知らせ配信 (ADR 0058) in the domain and on fakes: what a notice may hold, its states, the
message on each channel, and the send's rules (the ladder, nobody twice, declined, 届かない,
nobody matched, a scheduled notice when due)."""

from __future__ import annotations

import datetime as dt

import pytest

from application.messaging.codec import messages_from_json
from application.messaging.telling import ContactPolicy
from application.notices import sending
from application.notices.composing import (
    ComposeNotice,
    cancel_notice,
    compose_notice,
    schedule_notice,
)
from application.notices.messages import is_long, message_for, tap_of
from application.notices.opening import open_notice, record_tap, tap_link
from application.notices.sending import plan_reach, send_notice, start_notice
from application.notices.sending_due import start_due_notices
from application.ports.messaging import MessageStyle
from domain.access import Role
from domain.channels import ChannelIdentity, IdentityStatus
from domain.errors import IllegalTransition, InvalidValue, NotAllowed, NotFound
from domain.notices import Notice, NoticeButton, NoticeStatus
from tests import builders
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds, fake_uow_factory

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.UTC)
EVERYONE_ON_A_CHANNEL = {"any": [{"channel": "line"}, {"channel": "sms"}, {"channel": "email"}]}
PUBLIC = "https://town.example"


def _notice(**changes: object) -> Notice:
    fields: dict[str, object] = dict(
        id="n1", title="防災訓練のお知らせ", text="9月1日に防災訓練をします。",
        condition={"channel": "line"}, segment_name="LINEの人", buttons=(), by="s1", at=NOW,
        link_token="shared-token")
    fields.update(changes)
    return Notice.compose(**fields)  # type: ignore[arg-type]


def _identity(id: str, channel: str, address: str, resident_id: str | None, *,
              declined: bool = False, status: IdentityStatus = IdentityStatus.FOLLOWING
              ) -> ChannelIdentity:
    return ChannelIdentity(id=id, channel=channel, address=address, status=status,
                           created_at=NOW, resident_id=resident_id, status_changed_at=NOW,
                           optional_declined_at=NOW if declined else None)


class _Queue:
    def __init__(self) -> None:
        self.enqueued: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.enqueued.append(job_id)


# -- the domain ---------------------------------------------------------------------------------


def test_a_notice_needs_a_title_and_text_and_at_most_three_buttons() -> None:
    with pytest.raises(InvalidValue, match="件名"):
        _notice(title=" ")
    with pytest.raises(InvalidValue, match="本文"):
        _notice(text="")
    with pytest.raises(InvalidValue, match="3つまで"):
        _notice(buttons=[{"label": f"b{i}", "target": "https://a.example"} for i in range(4)])
    with pytest.raises(InvalidValue, match="条件"):
        _notice(condition={"nonsense": 1})


def test_a_notice_may_carry_a_jpeg_or_png_of_at_most_1_mb() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    assert _notice(image=png).image_type == "image/png"
    assert _notice(image=b"\xff\xd8\xff\xe0" + b"\0" * 16).image_type == "image/jpeg"
    assert _notice().image_type == ""
    with pytest.raises(InvalidValue, match="JPEGかPNG"):
        _notice(image=b"GIF89a" + b"\0" * 16)
    with pytest.raises(InvalidValue, match="1MBまで"):
        _notice(image=png + b"\0" * (1024 * 1024))


def test_a_button_starts_a_procedure_or_opens_an_https_page() -> None:
    assert NoticeButton("申し込む", "start:bousai").procedure_id == "bousai"
    assert NoticeButton("詳しく", "https://town.example/a").url == "https://town.example/a"
    for target in ("http://town.example", "javascript:alert(1)", "start:", "https://a b"):
        with pytest.raises(InvalidValue):
            NoticeButton("押す", target)
    with pytest.raises(InvalidValue, match="20文字"):
        NoticeButton("あ" * 21, "https://town.example")


def test_a_notice_keeps_a_copy_of_its_condition_in_the_editors_form() -> None:
    notice = _notice(condition={"all": [{"channel": "line"}, {"verified": True}]})
    assert notice.condition == {"all": [{"channel": "line"}, {"verified": True}]}


def test_a_scheduled_time_in_the_past_is_refused_in_japanese() -> None:
    notice = _notice()
    with pytest.raises(InvalidValue, match="配信日時が過ぎています"):
        notice.schedule(NOW, now=NOW)
    notice.schedule(NOW + dt.timedelta(hours=1), now=NOW)
    assert notice.status is NoticeStatus.SCHEDULED
    assert not notice.is_due(NOW) and notice.is_due(NOW + dt.timedelta(hours=1))


def test_a_notice_goes_from_draft_to_sent_and_cannot_be_cancelled_once_sending() -> None:
    notice = _notice()
    notice.start("job1", by="s1", at=NOW)
    with pytest.raises(IllegalTransition):
        notice.cancel()
    with pytest.raises(IllegalTransition):
        notice.start("job2", by="s1", at=NOW)
    notice.finish(NOW)
    assert notice.status is NoticeStatus.SENT


# -- the messages -------------------------------------------------------------------------------


def test_a_short_notice_is_read_whole_and_its_buttons_count_taps() -> None:
    notice = _notice(buttons=[{"label": "申し込む", "target": "start:bousai"},
                              {"label": "地図", "target": "https://map.example/x"}])
    message = message_for(notice, "line", public_url=PUBLIC, token="tok")

    assert message.text == "【防災訓練のお知らせ】\n9月1日に防災訓練をします。"
    assert message.style is MessageStyle.BUTTONS and not message.essential
    assert [c.data for c in message.choices] == ["notice:n1:0", ""]
    assert message.choices[1].url == "https://town.example/n/tok/go/1"
    assert tap_of("notice:n1:0") == ("n1", 0) and tap_of("notice:n1:x") is None


def test_a_long_notice_carries_a_summary_and_a_link_to_its_page() -> None:
    long = _notice(text="あ" * 501)
    sms = _notice(text="い" * 130)  # 3 parts of UCS-2 with its title

    assert is_long(long, "line") and is_long(long, "email")
    assert is_long(sms, "sms") and not is_long(sms, "line")
    message = message_for(long, "email", public_url=PUBLIC, token="tok")
    assert len(message.text) < 100
    assert message.choices[0].label == "全文を読む"
    assert message.choices[0].url == "https://town.example/n/tok"


# -- the plan -----------------------------------------------------------------------------------


def test_the_plan_follows_the_ladder_and_passes_over_who_declined() -> None:
    policy = ContactPolicy(("line", "sms", "email"))
    line = _identity("i1", "line", "U1", "r1", declined=True)
    sms = _identity("i2", "sms", "+8190", "r1")

    assert plan_reach([line, sms], policy) == ([sms], False)
    assert plan_reach([line], policy) == ([], True)
    assert plan_reach([], policy) == ([], False)
    assert plan_reach([_identity("i3", "web", "w1", "r1")], policy) == ([], False)


# -- the send -----------------------------------------------------------------------------------


def _town(database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        for n in range(1, 6):
            uow.residents.add(builders.resident(id=f"r{n}", resident_number=f"00000000{n}"))
        uow.channel_identities.add(_identity("i1", "line", "U1", "r1"))
        uow.channel_identities.add(_identity("i2", "sms", "+81901", "r2"))
        uow.channel_identities.add(_identity("i3", "line", "U3", "r3", declined=True))
        uow.channel_identities.add(_identity("i4", "email", "r4@example.jp", "r4"))
        uow.channel_identities.add(_identity("i5", "line", "U5", None))  # not verified
        uow.commit()


def _send(database: FakeDatabase, clock: FakeClock, ids: SequentialIds,
          notice_id: str) -> dict[str, object]:
    return send_notice(notice_id, uow_factory=fake_uow_factory(database), ids=ids, clock=clock,
                       policy=ContactPolicy(("line", "sms", "email")), public_url=PUBLIC,
                       wake=lambda: None)


def _composed(database: FakeDatabase, clock: FakeClock, ids: SequentialIds,
              condition: dict[str, object] = EVERYONE_ON_A_CHANNEL, *,
              role: Role = Role.APPROVER) -> Notice:
    return compose_notice(ComposeNotice(title="断水のお知らせ", text="明日は断水します。",
                                        condition=condition),
                          actor=builders.actor(role=role), uow=FakeUnitOfWork(database),
                          ids=ids, clock=clock)


def test_a_notice_goes_to_each_person_once_on_their_ladder_and_is_audited() -> None:
    database, clock, ids, queue = FakeDatabase(), FakeClock(NOW), SequentialIds(), _Queue()
    _town(database)
    notice = _composed(database, clock, ids)
    start_notice(notice.id, actor=builders.actor(), uow=FakeUnitOfWork(database), queue=queue,
                 ids=ids, clock=clock)
    result = _send(database, clock, ids, notice.id)
    again = _send(database, clock, ids, notice.id)  # a repeated run: nobody twice

    outbox = sorted(database.tables["outbox"].values(), key=lambda m: m.recipient)
    assert [(m.channel, m.recipient) for m in outbox] == [
        ("sms", "+81901"), ("line", "U1"), ("line", "U5"), ("email", "r4@example.jp")]
    assert all(m.is_notice for m in outbox)
    assert result["sent"] == 4 and result["declined"] == 1 and result["unreached"] == 0
    assert again["sent"] == 0
    lines = [m for m in outbox if m.channel == "line"]
    assert lines[0].payload["messages"] == lines[1].payload["messages"]  # one multicast
    assert database.tables["notices"][notice.id].status is NoticeStatus.SENT
    assert len(queue.enqueued) == 1
    actions = [entry.action for entry in database.tables["audit"].values()]
    assert actions == ["notice.compose", "notice.send"]


def test_a_resumed_send_goes_on_after_the_last_person_recorded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    database, clock, ids = FakeDatabase(), FakeClock(NOW), SequentialIds()
    _town(database)
    notice = _composed(database, clock, ids)
    start_notice(notice.id, actor=builders.actor(), uow=FakeUnitOfWork(database),
                 queue=_Queue(), ids=ids, clock=clock)
    with FakeUnitOfWork(database) as uow:  # a first run stopped after the first page of 2
        first = uow.queries.segments.members(uow.notices.get(notice.id).segment, after=None,
                                             limit=2)
        assert [m.key for m in first] == ["i:i5", "r:r1"]
    monkeypatch.setattr(sending, "PAGE", 2)
    sending._send_page(notice.id, None, uow_factory=fake_uow_factory(database), ids=ids,
                       clock=clock, policy=ContactPolicy(("line", "sms", "email")),
                       public_url=PUBLIC)
    result = _send(database, clock, ids, notice.id)

    assert result["considered"] == 3  # r2, r3, r4 after r1: nobody considered twice
    assert result["skipped"] == 0
    assert len(database.tables["outbox"]) == 4
    assert len(database.tables["notice_recipients"]) == 5


def test_someone_who_verifies_while_a_notice_goes_out_is_told_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    database, clock, ids = FakeDatabase(), FakeClock(NOW), SequentialIds()
    _town(database)
    notice = _composed(database, clock, ids)
    start_notice(notice.id, actor=builders.actor(), uow=FakeUnitOfWork(database),
                 queue=_Queue(), ids=ids, clock=clock)
    monkeypatch.setattr(sending, "PAGE", 1)
    sending._send_page(notice.id, None, uow_factory=fake_uow_factory(database), ids=ids,
                       clock=clock, policy=ContactPolicy(("line", "sms", "email")),
                       public_url=PUBLIC)  # i:i5 told: the friend the registry does not know
    with FakeUnitOfWork(database) as uow:  # who then verifies: U5 is r5's
        uow.channel_identities.get("i5").link("r5")
        uow.commit()
    result = _send(database, clock, ids, notice.id)

    assert result["skipped"] == 1  # r5, told as i:i5 already
    assert [m.recipient for m in database.tables["outbox"].values()].count("U5") == 1


def test_a_condition_that_matches_nobody_is_refused_before_sending() -> None:
    database, clock, ids = FakeDatabase(), FakeClock(NOW), SequentialIds()
    _town(database)
    notice = _composed(database, clock, ids,
                       {"all": [{"channel": "line"}, {"not": {"channel": "line"}}]})
    with pytest.raises(IllegalTransition, match="条件に合う人がいません"):
        start_notice(notice.id, actor=builders.actor(), uow=FakeUnitOfWork(database),
                     queue=_Queue(), ids=ids, clock=clock)
    with pytest.raises(IllegalTransition, match="条件に合う人がいません"):
        schedule_notice(notice.id, NOW + dt.timedelta(hours=1), actor=builders.actor(),
                        uow=FakeUnitOfWork(database), clock=clock)
    assert database.tables["notices"][notice.id].status is NoticeStatus.DRAFT
    assert database.tables["jobs"] == {}


def test_only_staff_who_may_send_notices_compose_them() -> None:
    with pytest.raises(NotAllowed):
        _composed(FakeDatabase(), FakeClock(NOW), SequentialIds(), role=Role.VIEWER)


def test_a_scheduled_notice_starts_once_when_due_and_a_cancelled_one_never() -> None:
    database, clock, ids, queue = FakeDatabase(), FakeClock(NOW), SequentialIds(), _Queue()
    _town(database)
    due = _composed(database, clock, ids)
    cancelled = _composed(database, clock, ids)
    for notice in (due, cancelled):
        schedule_notice(notice.id, NOW + dt.timedelta(hours=1), actor=builders.actor(),
                        uow=FakeUnitOfWork(database), clock=clock)
    cancel_notice(cancelled.id, actor=builders.actor(), uow=FakeUnitOfWork(database),
                  clock=clock)
    tick = lambda: start_due_notices(uow_factory=fake_uow_factory(database),  # noqa: E731
                                     queue=queue, ids=ids, clock=clock)

    assert tick() == []
    clock.advance(hours=1)
    started = tick()
    assert len(started) == 1 and tick() == []
    assert database.tables["notices"][due.id].status is NoticeStatus.SENDING
    assert database.tables["notices"][cancelled.id].status is NoticeStatus.CANCELLED


def test_opens_and_taps_are_counted_once_per_recipient_and_per_notice_on_its_own_link() -> None:
    database, clock, ids = FakeDatabase(), FakeClock(NOW), SequentialIds()
    _town(database)
    notice = compose_notice(ComposeNotice(
        title="断水", text="明日は断水します。", condition=EVERYONE_ON_A_CHANNEL,
        buttons=({"label": "申し込む", "target": "start:water"},
                 {"label": "地図", "target": "https://map.example/x"})),
        actor=builders.actor(), uow=FakeUnitOfWork(database), ids=ids, clock=clock)
    start_notice(notice.id, actor=builders.actor(), uow=FakeUnitOfWork(database),
                 queue=_Queue(), ids=ids, clock=clock)
    _send(database, clock, ids, notice.id)
    sms = next(r for r in database.tables["notice_recipients"].values() if r.channel == "sms")
    sms_message = messages_from_json(next(
        m for m in database.tables["outbox"].values() if m.channel == "sms"
    ).payload["messages"])[0]
    assert sms.open_token in sms_message.choices[1].url

    opened = open_notice(sms.open_token, uow=FakeUnitOfWork(database), clock=clock)
    open_notice(sms.open_token, uow=FakeUnitOfWork(database), clock=clock)
    url = tap_link(notice.link_token, 1, uow=FakeUnitOfWork(database), clock=clock)
    with FakeUnitOfWork(database) as uow:
        record_tap(uow, notice.id, _identity("i1", "line", "U1", "r1"), NOW)
        uow.commit()

    assert opened.notice.id == notice.id and url == "https://map.example/x"
    results = FakeUnitOfWork(database).__enter__().queries.notices.results(notice.id)
    assert results is not None
    by = {f.channel: f for f in results.by_channel}
    assert by["sms"].opened == 1 and by["line"].tapped == 1 and by["line"].opened == 1
    assert database.tables["notices"][notice.id].shared_taps == 1
    with pytest.raises(NotFound):
        tap_link(notice.link_token, 0, uow=FakeUnitOfWork(database), clock=clock)
    with pytest.raises(NotFound):
        open_notice("made-up", uow=FakeUnitOfWork(database), clock=clock)
