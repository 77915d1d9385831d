"""Segments on the database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): each
condition, AND / OR / NOT with SQL's unknown, paging by key, the areas, and the profiles the
registry import and the rebuild write (ADR 0056). The in-memory fake answers the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from adapters.persistence.orm.community import (
    association_members,
    associations,
    interest_subscriptions,
    interests,
)
from adapters.persistence.orm.segments import resident_profiles
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.residents.importing_registry import ImportRegistry, import_registry
from application.residents.match_keys import HmacMatchKeyer
from application.residents.profiles import refresh_profiles
from domain.channels import ChannelIdentity
from domain.eligibility import EligibleHousehold
from domain.residents import RegistryStatus, Verification
from domain.segments import (
    Age,
    All,
    AnyOf,
    AppliedTo,
    Area,
    Condition,
    EligibleFor,
    HasChannel,
    HouseholdMember,
    HouseholdSize,
    Interest,
    MemberOf,
    Not,
    SexIs,
    Verified,
    month_index,
)
from domain.values import Sex
from entrypoints.containers import Container
from tests import builders
from tests.fakes import FakeClock, SequentialIds, message_bus_on

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
DEC = month_index(2026, 12)
HOMMACHI_2 = Area(("本町2丁目",))
HOMMACHI_3 = Area(("本町3丁目",))


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), message_bus_on())


def _town(engine: Engine) -> None:
    """r1 (男, 1950年3月生, verified, LINE, 防災) and his granddaughter r2 (女, 2022年5月生)
    in h1 at 本町２丁目, on p1's list; r3 (女, 1980年, alone in h2 at 本町三丁目, an SMS
    number that blocked, applied to p1, 自治会 a1 by the list); r4 moved out of 本町3丁目;
    i5 (a LINE friend the registry does not know: 防災, 自治会 a1 in the chat) and i6 (an
    e-mail address the registry does not know); i7 (a friend the registry does not know who
    blocked the town, 防災) and i8 (a visit of the web page) are nobody a notice reaches."""
    people = [("r1", "本町２丁目３番４号", dt.date(1950, 3, 10), Sex.MALE, "H1"),
              ("r2", "本町二丁目3-4", dt.date(2022, 5, 31), Sex.FEMALE, "H1"),
              ("r3", "本町三丁目1番地", dt.date(1980, 1, 1), Sex.FEMALE, "H2"),
              ("r4", "本町3丁目9番9号", dt.date(1960, 1, 1), Sex.MALE, "H4")]
    with _uow(engine) as uow:
        uow.programs.add(builders.program())
        for n, (rid, address, born, sex, household) in enumerate(people, 1):
            resident = builders.resident(id=rid, resident_number=f"00000000{n}",
                                         household_number=household, address=address,
                                         born=born, sex=sex)
            if rid == "r1":
                resident.verify(resident.facts, Verification(
                    subject="s1", provider="dev", assurance="card", verified_at=NOW))
            if rid == "r4":
                resident.leave_registry()
            uow.residents.add(resident)
        h1 = builders.household(id="h1", household_number="H1", head_resident_id="r1")
        h1.add_member("r2", "孫")
        uow.households.add(h1)
        uow.households.add(builders.household(id="h2", household_number="H2",
                                              head_resident_id="r3"))
        uow.commit()
    with _uow(engine) as uow:
        for iid, channel, resident_id in (("i1", "line", "r1"), ("i3", "sms", "r3"),
                                          ("i5", "line", None), ("i6", "email", None),
                                          ("i7", "line", None), ("i8", "web", None)):
            identity = ChannelIdentity.first_seen(id=iid, channel=channel,
                                                  address=f"addr-{iid}", at=NOW)
            if resident_id:
                identity.link(resident_id)
            if iid in ("i3", "i7"):
                identity.block(NOW)
            uow.channel_identities.add(identity)
        uow.eligibility.add(EligibleHousehold(id="e1", program_id="p1", household_id="h1",
                                              added_at=NOW))
        uow.applications.add(builders.application(id="a1", household_id="h2"))
        uow.commit()
    with engine.begin() as connection:
        connection.execute(insert(interests), [
            {"key": "bousai", "label": "防災", "description": "", "position": 1,
             "active": True, "created_at": NOW}])
        connection.execute(insert(interest_subscriptions), [
            {"identity_id": "i1", "interest_key": "bousai", "subscribed_at": NOW},
            {"identity_id": "i5", "interest_key": "bousai", "subscribed_at": NOW},
            {"identity_id": "i7", "interest_key": "bousai", "subscribed_at": NOW}])
        connection.execute(insert(associations), [
            {"id": "a1", "name": "本町自治会", "open_to_join": True, "created_at": NOW}])
        connection.execute(insert(association_members), [
            {"id": "m1", "association_id": "a1", "resident_id": "r3", "identity_id": None,
             "name": "会員",
             "source": "list", "joined_at": NOW},
            {"id": "m5", "association_id": "a1", "resident_id": None, "identity_id": "i5",
             "name": "会員",
             "source": "chat", "joined_at": NOW}])
    assert refresh_profiles(actor=builders.actor(), uow_factory=lambda: _uow(engine),
                            clock=FakeClock(NOW), batch_size=3) == 4


@pytest.fixture
def town(engine: Engine) -> Engine:
    _town(engine)
    return engine


CASES: list[tuple[str, Condition, set[str]]] = [
    ("area", HOMMACHI_2, {"r:r1", "r:r2"}),
    ("area, any of two", Area(("本町2丁目", "本町3丁目")), {"r:r1", "r:r2", "r:r3"}),
    ("not an area: the unknown stay out", Not(HOMMACHI_2), {"r:r3"}),
    ("not not", Not(Not(HOMMACHI_2)), {"r:r1", "r:r2"}),
    ("65 or older at the end of December", Age(DEC, 65, None), {"r:r1"}),
    ("under 6", Age(DEC, None, 5), {"r:r2"}),
    ("46 exactly (born January 1980)", Age(DEC, 46, 46), {"r:r3"}),
    ("sex", SexIs("2"), {"r:r2", "r:r3"}),
    ("household of two or more", HouseholdSize(2, None), {"r:r1", "r:r2"}),
    ("alone", HouseholdSize(None, 1), {"r:r3"}),
    ("a child under 6 at home", HouseholdMember(DEC, None, 5), {"r:r1", "r:r2"}),
    ("verified", Verified(True), {"r:r1"}),
    ("not verified: the unknown too", Verified(False), {"r:r2", "r:r3", "i:i5", "i:i6"}),
    ("LINE", HasChannel("line"), {"r:r1", "i:i5"}),
    ("a blocked number is no channel", HasChannel("sms"), set()),
    ("eligible", EligibleFor("p1"), {"r:r1", "r:r2"}),
    ("applied", AppliedTo("p1"), {"r:r3"}),
    ("interest", Interest("bousai"), {"r:r1", "i:i5"}),
    ("association", MemberOf("a1"), {"r:r3", "i:i5"}),
    ("or", AnyOf((HOMMACHI_2, Interest("bousai"))), {"r:r1", "r:r2", "i:i5"}),
    ("and with an unknown under not", All((HasChannel("line"), Not(HOMMACHI_3))), {"r:r1"}),
    ("unknown or true is true", AnyOf((Not(HOMMACHI_2), Verified(False))),
     {"r:r2", "r:r3", "i:i5", "i:i6"}),
    ("not (unknown and false) is true", Not(All((HOMMACHI_2, Verified(True)))),
     {"r:r2", "r:r3", "i:i5", "i:i6"}),
    ("not (unknown or false)", Not(AnyOf((HOMMACHI_2, HasChannel("email")))),
     {"r:r3"}),
]


@pytest.mark.parametrize(("case", "condition", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_condition_selects_whom_it_says(town: Engine, case: str, condition: Condition,
                                               expected: set[str]) -> None:
    with _uow(town) as uow:
        members = uow.queries.segments.members(condition, after=None, limit=100)
        assert {member.key for member in members} == expected
        assert uow.queries.segments.count(condition) == len(expected)
    for member in members:
        side, _, id_ = member.key.partition(":")
        assert (member.resident_id, member.identity_id) == (
            (id_, None) if side == "r" else (None, id_))


def test_members_come_a_page_at_a_time_in_key_order(town: Engine) -> None:
    everyone = Verified(False)
    seen: list[str] = []
    after = None
    with _uow(town) as uow:
        while page := uow.queries.segments.members(everyone, after=after, limit=1):
            seen.extend(member.key for member in page)
            after = page[-1].key
    assert seen == ["i:i5", "i:i6", "r:r2", "r:r3"]


def test_areas_are_the_registrys_with_their_residents(town: Engine) -> None:
    with _uow(town) as uow:
        assert list(uow.queries.segments.areas()) == [("本町2丁目", 2), ("本町3丁目", 1)]


def test_the_fake_answers_as_the_database(town: Engine) -> None:
    """Unit tests trust the fake: it must agree with SQL on every case."""
    from tests.fake_segments import FakeSegmentQueries

    with _uow(town) as uow:
        tables: dict[str, dict[str, Any]] = {
            "residents": {r.id: r for r in uow.residents.by_ids(["r1", "r2", "r3", "r4"]).values()},
            "households": {h.id: h for h in uow.households.by_ids(["h1", "h2"]).values()},
            "channel_identities": {i: uow.channel_identities.get(i)
                                   for i in ("i1", "i3", "i5", "i6")},
            "eligibility": {"e1": EligibleHousehold(id="e1", program_id="p1",
                                                    household_id="h1", added_at=NOW)},
            "applications": {"a1": uow.applications.get("a1")},
            "interest_subscriptions": dict(enumerate(uow.session.execute(
                select(interest_subscriptions)).all())),
            "association_members": dict(enumerate(uow.session.execute(
                select(association_members)).all())),
        }
        fake = FakeSegmentQueries(tables)
        for case, condition, expected in CASES:
            assert {m.key for m in fake.members(condition, after=None, limit=100)} == expected, case
        assert fake.areas() == list(uow.queries.segments.areas())


# -- the profiles the registry import writes -------------------------------------------------------

def _rows(people: list[tuple[str, str, str, str, str, str]]
          ) -> Iterator[tuple[int, dict[str, Any]]]:
    for row, (number, household, relationship, born, sex, address) in enumerate(people, 1):
        yield row, {"resident_number": number, "household_number": household,
                    "relationship": relationship, "name": f"見本 {number}", "kana": "ミホン",
                    "date_of_birth": born, "sex": sex, "address": address, "postal_code": "",
                    "status": ""}


def _profiles(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(select(resident_profiles)).all()
    with _uow(engine) as uow:
        numbers = {r.id: r.resident_number for r in uow.residents.by_ids(
            [row.resident_id for row in rows]).values()}
    return {numbers[row.resident_id]: (row.area, row.birth_month, row.sex, row.household_size)
            for row in rows}


def _import(engine: Engine, people: list[tuple[str, str, str, str, str, str]]) -> None:
    report = import_registry(ImportRegistry(), rows=lambda: _rows(people),
                             uow_factory=lambda: _uow(engine), ids=SequentialIds("x"),
                             clock=FakeClock(NOW), keyer=HmacMatchKeyer(b"k" * 32),
                             batch_size=2)
    assert report.written, report.summary()


def test_the_registry_import_writes_the_profiles_in_its_transaction(engine: Engine) -> None:
    _import(engine, [("001", "H1", "世帯主", "1950-03-10", "1", "本町２丁目３番４号"),
                     ("002", "H1", "妻", "1952-07-01", "2", "本町２丁目３番４号"),
                     ("003", "H2", "世帯主", "1990-01-15", "2", "大字上野字中原12番地")])
    assert _profiles(engine) == {
        "001": ("本町2丁目", month_index(1950, 3), "1", 2),
        "002": ("本町2丁目", month_index(1952, 7), "2", 2),
        "003": ("大字上野", month_index(1990, 1), "2", 1)}
    # 002 moves to H2 at 大字上野: both households' sizes follow
    _import(engine, [("001", "H1", "世帯主", "1950-03-10", "1", "本町２丁目３番４号"),
                     ("002", "H2", "妻", "1952-07-01", "2", "大字上野字中原12番地"),
                     ("003", "H2", "世帯主", "1990-01-15", "2", "大字上野字中原12番地")])
    assert _profiles(engine) == {
        "001": ("本町2丁目", month_index(1950, 3), "1", 1),
        "002": ("大字上野", month_index(1952, 7), "2", 2),
        "003": ("大字上野", month_index(1990, 1), "2", 2)}
    with _uow(engine) as uow:
        assert list(uow.queries.segments.areas()) == [("大字上野", 2), ("本町2丁目", 1)]
        moved = uow.residents.get_by_resident_number("001")
        assert moved is not None and moved.registry_status is RegistryStatus.RESIDENT


def test_a_child_who_left_the_registry_no_longer_counts_in_the_household(engine: Engine) -> None:
    """A full extract without the child, whose household is not rebuilt (a row of it has an
    error and is skipped): the child leaves the registry and stops counting for the parent."""
    from tests.fake_segments import FakeSegmentQueries

    _import(engine, [("001", "H1", "世帯主", "1990-01-15", "2", "本町２丁目３番４号"),
                     ("002", "H1", "子", "2022-05-31", "1", "本町２丁目３番４号")])
    report = import_registry(
        ImportRegistry(mode="valid_rows"), rows=lambda: _rows(
            [("001", "H1", "世帯主", "1990-01-15", "2", "本町２丁目３番４号"),
             ("003", "H1", "子", "not a date", "1", "本町２丁目３番４号")]),
        uow_factory=lambda: _uow(engine), ids=SequentialIds("y"), clock=FakeClock(NOW),
        keyer=HmacMatchKeyer(b"k" * 32), batch_size=2)

    assert report.written and report.removed == 1
    assert _profiles(engine)["001"][3] == 1
    with _uow(engine) as uow:
        segments = uow.queries.segments
        assert segments.count(HouseholdMember(DEC, None, 5)) == 0
        assert segments.count(HouseholdSize(2, None)) == 0
        assert segments.count(HouseholdSize(1, 1)) == 1
        people = uow.residents.by_numbers(["001", "002"])
        household = uow.households.by_numbers(["H1"])["H1"]
        fake = FakeSegmentQueries({"residents": {r.id: r for r in people.values()},
                                   "households": {household.id: household}})
        assert len(household.member_ids) == 2  # not rebuilt: the child is still listed
        for condition in (HouseholdMember(DEC, None, 5), HouseholdSize(2, None),
                          HouseholdSize(1, 1)):
            assert fake.count(condition) == segments.count(condition), condition


def test_the_operator_rebuilds_the_profiles_of_a_database_imported_before(
        container: Container) -> None:
    from click.testing import CliRunner

    from application.ports.audit import AuditQuery
    from entrypoints.cli import main
    from entrypoints.cli.context import CliContext

    engine = container.engine()
    _import(engine, [("001", "H1", "世帯主", "1950-03-10", "1", "本町２丁目３番４号"),
                     ("002", "H1", "妻", "1952-07-01", "2", "本町２丁目３番４号")])
    with engine.begin() as connection:  # as a database upgraded from before segments
        connection.execute(resident_profiles.delete())
    obj = CliContext()
    obj._container = container
    result = CliRunner().invoke(main, ["segments", "refresh-profiles", "--batch-size", "1"],
                                obj=obj)
    assert result.exit_code == 0, result.output
    assert "2人" in result.output
    assert _profiles(engine) == {"001": ("本町2丁目", month_index(1950, 3), "1", 2),
                                 "002": ("本町2丁目", month_index(1952, 7), "2", 2)}
    with container.uow() as uow:
        [entry] = uow.audit.search(AuditQuery(action="registry.profiles_refresh"))
        assert entry.detail == {"count": 2}


# -- saved segments and interests, stored ------------------------------------------------------

def test_saved_segments_are_stored_named_once_and_changed_by_one_editor_at_a_time(
        town: Engine) -> None:
    from application.segments.managing_segments import (
        DeleteSegment,
        SaveSegment,
        delete_segment,
        save_segment,
        segment_list,
        shown_segment,
    )
    from domain.errors import InvalidValue

    staff, uow = builders.actor(), lambda: _uow(town)
    condition = {"any": [{"all": [{"age": {"min": 65, "month": "2026-12"}},
                                  {"area": ["本町2丁目"]}]}, {"interest": "bousai"}]}
    saved = save_segment(SaveSegment(staff, "防災・高齢者", condition), uow=uow(),
                         ids=SequentialIds("s"), clock=FakeClock(NOW))
    segment, counted = shown_segment(saved.id, actor=staff, uow=uow())
    assert segment.condition_json == condition and counted.count == 2  # r1, i5
    assert counted.words == ("（（2026年12月末時点で65歳以上 かつ 住所が本町2丁目） または "
                             "「防災」のお知らせを希望）")
    with pytest.raises(InvalidValue, match="同じ名前"):
        save_segment(SaveSegment(staff, "防災・高齢者", {"verified": True}), uow=uow(),
                     ids=SequentialIds("t"), clock=FakeClock(NOW))
    save_segment(SaveSegment(staff, "防災", {"interest": "bousai"}, segment_id=saved.id,
                             version=1), uow=uow(), ids=SequentialIds("u"), clock=FakeClock(NOW))
    with pytest.raises(InvalidValue, match="先に変更"):  # a second editor's stale form
        save_segment(SaveSegment(staff, "高齢者", {"verified": True}, segment_id=saved.id,
                                 version=1), uow=uow(), ids=SequentialIds("v"),
                     clock=FakeClock(NOW))
    with pytest.raises(InvalidValue, match="先に変更"):
        delete_segment(DeleteSegment(staff, saved.id, 1), uow=uow(), clock=FakeClock(NOW))
    assert [(s.name, words) for s, words in segment_list(actor=staff, uow=uow())] == [
        ("防災", "「防災」のお知らせを希望")]
    delete_segment(DeleteSegment(staff, saved.id, 2), uow=uow(), clock=FakeClock(NOW))
    assert segment_list(actor=staff, uow=uow()) == []


def test_a_persons_subscription_is_kept_and_removed_on_every_identity(town: Engine) -> None:
    with _uow(town) as uow:
        identity = ChannelIdentity.first_seen(id="i9", channel="email", address="r1@example.jp",
                                              at=NOW)
        identity.link("r1")
        uow.channel_identities.add(identity)
        assert uow.interests.subscribe("i9", "bousai", at=NOW)  # r1 has it on i1 (LINE) too
        assert not uow.interests.subscribe("i9", "bousai", at=NOW)
        uow.commit()
    with _uow(town) as uow:
        assert uow.queries.segments.count(Interest("bousai")) == 2  # r1 once, and i5
        assert uow.interests.subscribed(["i1", "i9"]) == {"bousai"}
        assert uow.interests.unsubscribe(["i1", "i9"], "bousai") == 2
        uow.commit()
    with _uow(town) as uow:
        assert {m.key for m in uow.queries.segments.members(
            Interest("bousai"), after=None, limit=10)} == {"i:i5"}
