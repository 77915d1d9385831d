"""Associations, their members, circulars and read receipts on a real database (SQLite, and
PostgreSQL when TEST_DATABASE_URL is set): names encrypted at rest, the unique pairs held by the
database, a leader's account linked to its association (ADR 0057)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.access.actor import Actor
from application.associations.importing_members import ImportMembers, import_members
from application.ports.unit_of_work import DuplicateError
from domain.associations import Association, AssociationMember, Circular, CircularRead
from domain.errors import InvalidValue
from domain.staff import Role, StaffMember
from tests import builders as b
from tests.fakes import FakeClock, SequentialIds, message_bus_on

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), message_bus_on())


def _seed(engine: Engine) -> None:
    with _uow(engine) as uow:
        uow.residents.add(b.resident(id="r1", resident_number="000000001"))
        uow.associations.add(Association.create(id="a1", name="本町二丁目自治会", at=NOW,
                                                open_to_join=True))
        uow.associations.add(Association.create(id="a2", name="本町三丁目町内会", at=NOW))
        uow.commit()
    with _uow(engine) as uow:
        uow.associations.add_member(AssociationMember.from_list(
            id="m1", association_id="a1", resident_id="r1", name="山田 太郎", at=NOW))
        uow.staff.add(StaffMember(id="s1", login_id="leader.honcho", display_name="会長",
                                  role=Role.ASSOCIATION_LEADER, password_hash="h",
                                  association_id="a1"))
        uow.commit()


def test_members_round_trip_with_their_names_encrypted_at_rest(engine: Engine) -> None:
    _seed(engine)
    with _uow(engine) as uow:
        [member] = uow.associations.members("a1")
        assert (member.name, member.resident_id, member.source) == ("山田 太郎", "r1", "list")
        assert uow.associations.members("a2") == []
        assert [m.id for m in uow.associations.memberships(resident_id="r1")] == ["m1"]
        assert [a.name for a in uow.associations.every()] == ["本町三丁目町内会",
                                                              "本町二丁目自治会"]
        assert [s.login_id for s in uow.staff.leaders_of("a1")] == ["leader.honcho"]
        stored = uow.session.execute(text("SELECT name FROM association_members")).scalar()
        assert "山田" not in str(stored)


def test_a_resident_is_a_member_of_an_association_once(engine: Engine) -> None:
    _seed(engine)
    with pytest.raises(DuplicateError), _uow(engine) as uow:
        uow.associations.add_member(AssociationMember.from_list(
            id="m2", association_id="a1", resident_id="r1", name="山田 太郎", at=NOW))
        uow.commit()


def test_a_circular_is_read_once_per_member_and_leaving_forgets_the_reads(
        engine: Engine) -> None:
    _seed(engine)
    with _uow(engine) as uow:
        uow.circulars.add(Circular(id="c1", association_id="a1", title="清掃",
                                   body="日曜に清掃します。", sent_by="s1", sent_at=NOW))
        uow.circulars.add_read(CircularRead(circular_id="c1", member_id="m1", read_at=NOW))
        uow.commit()
    with pytest.raises(DuplicateError), _uow(engine) as uow:
        uow.circulars.add_read(CircularRead(circular_id="c1", member_id="m1", read_at=NOW))
        uow.commit()
    with _uow(engine) as uow:
        assert uow.circulars.read("c1", "m1") is not None
        assert [c.id for c in uow.circulars.of_association("a1")] == ["c1"]
        uow.circulars.forget_member("m1")
        uow.associations.remove_member(uow.associations.member("m1"))
        uow.commit()
    with _uow(engine) as uow:
        assert uow.circulars.reads(["c1"]) == [] and uow.associations.members("a1") == []


def test_a_chat_member_since_verified_is_kept_by_the_list_import(engine: Engine) -> None:
    from domain.channels import ChannelIdentity

    _seed(engine)
    with _uow(engine) as uow:
        uow.residents.add(b.resident(id="r2", resident_number="000000002",
                                     household_number="H0002"))
        identity = ChannelIdentity.first_seen(id="i2", channel="line", address="U2", at=NOW)
        uow.channel_identities.add(identity)
        uow.commit()
    with _uow(engine) as uow:  # joined in the chat before verifying, then linked to r2
        uow.associations.add_member(AssociationMember.identity_joined(
            id="m-chat", association_id="a1", identity_id="i2", name="佐藤", at=NOW))
        uow.channel_identities.get("i2").link("r2")
        uow.commit()

    report = import_members(ImportMembers(association_id="a1", rows=[
        (2, {"resident_number": "000000002"}), (3, {"resident_number": "000000001"})],
        actor=Actor.operator("test")), uow=_uow(engine), ids=SequentialIds("imp"),
        clock=FakeClock())

    assert (report.added, report.kept) == (0, 2)
    with _uow(engine) as uow:
        assert sorted(m.id for m in uow.associations.members("a1")) == ["m-chat", "m1"]


def test_a_list_imported_while_a_listed_resident_joins_in_the_chat_is_refused_whole(
        engine: Engine) -> None:
    _seed(engine)
    with _uow(engine) as uow:
        uow.residents.add(b.resident(id="r2", resident_number="000000002",
                                     household_number="H0002"))
        uow.commit()

    def rows():  # the file is read while r2 joins in the chat
        yield 2, {"resident_number": "000000002"}
        with _uow(engine) as other:
            other.associations.add_member(AssociationMember.resident_joined(
                id="m-chat", association_id="a1", resident_id="r2", name="山田 太郎", at=NOW))
            other.commit()

    with pytest.raises(InvalidValue, match="もう一度"):
        import_members(ImportMembers(association_id="a1", rows=rows(),
                                     actor=Actor.operator("test")),
                       uow=_uow(engine), ids=SequentialIds("imp"), clock=FakeClock())
    with _uow(engine) as uow:
        assert sorted(m.id for m in uow.associations.members("a1")) == ["m-chat", "m1"]


def test_members_come_a_page_at_a_time_in_the_order_they_joined_and_are_counted(
        engine: Engine) -> None:
    _seed(engine)
    with _uow(engine) as uow:
        for n in range(2, 8):  # m2 and m3 joined at the same moment: the id breaks the tie
            uow.residents.add(b.resident(id=f"r{n}", resident_number=f"00000000{n}"))
        uow.commit()
    with _uow(engine) as uow:
        for n in range(2, 8):
            uow.associations.add_member(AssociationMember.from_list(
                id=f"m{n}", association_id="a1", resident_id=f"r{n}", name=f"会員 {n}",
                at=NOW + dt.timedelta(minutes=max(n, 3))))
        uow.commit()
    with _uow(engine) as uow:
        pages, after = [], None
        while page := uow.associations.members_page("a1", after=after, limit=3):
            pages.append([m.id for m in page])
            after = page[-1].id
        assert pages == [["m1", "m2", "m3"], ["m4", "m5", "m6"], ["m7"]]
        assert uow.associations.members_page("a2", after="m1", limit=3) == []
        assert uow.associations.member_counts() == {"a1": 7}
