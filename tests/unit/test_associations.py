"""自治会・町内会 and 回覧板 (ADR 0057): the domain's rules, the staff's use cases (create, import
the list, remove, a leader's account), the leader's circular and its read receipts, and joining
and leaving in the chat."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from application.access.actor import Actor
from application.associations.changing_association import ChangeAssociation, change_association
from application.associations.creating_association import CreateAssociation, create_association
from application.associations.creating_leader import CreateLeader, create_leader
from application.associations.desk import (
    ALREADY_READ,
    ASSOCIATION_JOIN,
    AssociationDesk,
    CircularDesk,
)
from application.associations.importing_members import ImportMembers, import_members
from application.associations.removing_member import RemoveMember, remove_member
from application.associations.sending_circular import SendCircular, send_circular
from application.associations.views import (
    MEMBER_PAGE,
    association_page,
    leader_circular,
    leader_page,
)
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import Menu, MenuEntry
from application.channels.routing import InboundRouter
from application.conversations.engine import ConversationEngine
from application.conversations.library import CONTACT
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from application.messaging.telling import ContactPolicy, Telling
from domain.access import Permission, allows
from domain.associations import Association, AssociationMember, Circular
from domain.channels import ChannelIdentity
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.residents import Verification
from domain.staff import Role, StaffMember
from tests import builders as b
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, PlainHasher, SequentialIds
from tests.unit.test_conversations import FakeBankMaster

pytestmark = pytest.mark.unit

CLOCK = FakeClock()
STAFF = b.actor(role=Role.APPROVER)
_IMPORTS = itertools.count(1)
TELLING = Telling(ContactPolicy(("line", "sms", "email")), SequentialIds("t"), CLOCK)


@pytest.fixture
def database() -> FakeDatabase:
    return FakeDatabase(MessageBus({}))


def _uow(database: FakeDatabase) -> FakeUnitOfWork:
    return FakeUnitOfWork(database)


def _town(database: FakeDatabase) -> str:
    """Three registry residents (r1 on LINE, r2 with nothing, r3 on LINE) and one association."""
    with _uow(database) as uow:
        for n, name in ((1, "山田 太郎"), (2, "佐藤 花子"), (3, "鈴木 一郎")):
            uow.residents.add(b.resident(id=f"r{n}", resident_number=f"00000000{n}",
                                         name=name))
        for n in (1, 3):
            identity = ChannelIdentity.first_seen(id=f"i{n}", channel="line", address=f"U{n}",
                                                  at=CLOCK.now())
            identity.link(f"r{n}")
            uow.channel_identities.add(identity)
        uow.commit()
    return create_association(CreateAssociation(name="本町二丁目自治会", actor=STAFF,
                                                open_to_join=True),
                              uow=_uow(database), ids=SequentialIds("a"), clock=CLOCK)


def _rows(*cells: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    return [(n, row) for n, row in enumerate(cells, start=2)]


def _import(database: FakeDatabase, association_id: str, *cells: dict[str, str],
            mode: Any = "all_or_nothing") -> Any:
    return import_members(ImportMembers(association_id=association_id, rows=_rows(*cells),
                                        actor=STAFF, mode=mode),
                          uow=_uow(database), ids=SequentialIds(f"m{next(_IMPORTS)}-"), clock=CLOCK)


def _leader(database: FakeDatabase, association_id: str, login: str = "leader.honcho") -> Actor:
    staff_id = create_leader(CreateLeader(association_id=association_id, login_id=login,
                                          display_name="本町 会長", password="x" * 12,
                                          actor=STAFF),
                             uow=_uow(database), ids=SequentialIds(f"s{login[-1]}"),
                             hasher=PlainHasher(), clock=CLOCK)
    with _uow(database) as uow:
        return Actor.staff(uow.staff.get(staff_id))


# -- the domain ----------------------------------------------------------------------------------


def test_a_member_is_a_resident_or_an_identity_never_both_nor_neither() -> None:
    with pytest.raises(InvalidValue):
        AssociationMember(id="m", association_id="a", resident_id="r", identity_id="i",
                          name="山田", source="list", joined_at=CLOCK.now())
    with pytest.raises(InvalidValue):
        AssociationMember(id="m", association_id="a", resident_id=None, identity_id=None,
                          name="山田", source="chat", joined_at=CLOCK.now())


def test_names_and_circulars_are_checked_in_japanese() -> None:
    with pytest.raises(InvalidValue, match="名前を入力"):
        Association.create(id="a", name="  ", at=CLOCK.now())
    with pytest.raises(InvalidValue, match="件名"):
        Circular(id="c", association_id="a", title="", body="本文", sent_by="s",
                 sent_at=CLOCK.now())
    with pytest.raises(InvalidValue, match="1000文字"):
        Circular(id="c", association_id="a", title="件名", body="あ" * 1001, sent_by="s",
                 sent_at=CLOCK.now())


def test_a_leader_holds_only_the_permission_to_send_circulars_and_needs_an_association() -> None:
    assert [p for p in Permission if allows(Role.ASSOCIATION_LEADER, p)] == [
        Permission.SEND_CIRCULARS]
    with pytest.raises(InvalidValue, match="自治会"):
        StaffMember(id="s", login_id="leader", display_name="会長",
                    role=Role.ASSOCIATION_LEADER, password_hash="h")
    with pytest.raises(InvalidValue):
        StaffMember(id="s", login_id="clerk", display_name="職員", role=Role.CASE_WORKER,
                    password_hash="h", association_id="a1")


# -- staff: associations and their lists ---------------------------------------------------------


def test_a_name_is_unique_and_renaming_to_anothers_name_is_refused(database: FakeDatabase) -> None:
    first = _town(database)
    other = create_association(CreateAssociation(name="本町三丁目町内会", actor=STAFF),
                               uow=_uow(database), ids=SequentialIds("b"), clock=CLOCK)
    with pytest.raises(InvalidValue, match="すでに登録"):
        create_association(CreateAssociation(name="本町二丁目自治会", actor=STAFF),
                           uow=_uow(database), ids=SequentialIds("c"), clock=CLOCK)
    with pytest.raises(InvalidValue, match="すでに登録"):
        change_association(ChangeAssociation(association_id=other, name="本町二丁目自治会",
                                             open_to_join=False, actor=STAFF),
                           uow=_uow(database), clock=CLOCK)
    change_association(ChangeAssociation(association_id=first, name="本町二丁目 自治会",
                                         open_to_join=False, actor=STAFF),
                       uow=_uow(database), clock=CLOCK)
    with _uow(database) as uow:
        renamed = uow.associations.get(first)
        assert (renamed.name, renamed.open_to_join) == ("本町二丁目 自治会", False)
        assert [r.action for r in uow.audit.values()][-1] == "association.change"


def test_a_case_worker_may_not_manage_associations(database: FakeDatabase) -> None:
    with pytest.raises(NotAllowed):
        create_association(CreateAssociation(name="本町", actor=b.actor(role=Role.CASE_WORKER)),
                           uow=_uow(database), ids=SequentialIds("a"), clock=CLOCK)


def test_the_list_imports_registry_names_and_keeps_those_already_members(
        database: FakeDatabase) -> None:
    association = _town(database)
    first = _import(database, association, {"resident_number": "000000001", "name": "山田太郎"})
    second = _import(database, association, {"resident_number": "000000001"},
                     {"resident_number": "０００００００02", "name": "佐藤 はなこ"})

    assert (first.added, first.kept, first.written) == (1, 0, True)
    assert (second.added, second.kept) == (1, 1)
    assert second.lines()[0] == "1人を追加し、1人はすでに会員のため、そのままにしました。"
    assert "3行目: 氏名が住民記録と異なります" in second.lines()[1]
    with _uow(database) as uow:
        members = uow.associations.members(association)
        assert [(m.name, m.source) for m in members] == [("山田 太郎", "list"),
                                                         ("佐藤 花子", "list")]
        assert [r.action for r in uow.audit.values()][-1] == "association.import_members"


def test_an_unknown_resident_number_refuses_the_whole_list_with_its_row(
        database: FakeDatabase) -> None:
    association = _town(database)
    report = _import(database, association, {"resident_number": "000000001"},
                     {"resident_number": "999999999"}, {"resident_number": ""})

    assert not report.written
    assert report.lines() == ["取り込みませんでした（何も変更していません）。",
                              "3行目: 住民番号が住民記録にありません。",
                              "4行目: 住民番号が空です。"]
    with _uow(database) as uow:
        assert uow.associations.members(association) == []

    partly = _import(database, association, {"resident_number": "000000001"},
                     {"resident_number": "999999999"}, mode="valid_rows")
    assert (partly.added, partly.written) == (1, True)


def test_removing_a_member_takes_their_reads_with_them(database: FakeDatabase) -> None:
    association = _town(database)
    _import(database, association, {"resident_number": "000000001"})
    leader = _leader(database, association)
    sent = send_circular(SendCircular(title="清掃", body="日曜に清掃します。", actor=leader),
                         uow=_uow(database), ids=SequentialIds("c"), clock=CLOCK, telling=TELLING)
    router = _router()
    _say(database, router, "U1", f"circular:read:{sent.circular_id}")
    with _uow(database) as uow:
        member = uow.associations.members(association)[0]

    remove_member(RemoveMember(association_id=association, member_id=member.id, actor=STAFF),
                  uow=_uow(database), clock=CLOCK)

    with _uow(database) as uow:
        assert uow.associations.members(association) == []
        assert uow.circulars.reads([sent.circular_id]) == []
    with pytest.raises(NotFound):
        remove_member(RemoveMember(association_id=association, member_id=member.id,
                                   actor=STAFF), uow=_uow(database), clock=CLOCK)


# -- the leader and the circular -----------------------------------------------------------------


def test_a_circular_reaches_members_on_their_ladder_and_lists_the_others_for_paper(
        database: FakeDatabase) -> None:
    association = _town(database)
    _import(database, association, *({"resident_number": f"00000000{n}"} for n in (1, 2, 3)))
    leader = _leader(database, association)

    sent = send_circular(SendCircular(title="夏祭り", body="8月1日に夏祭りを開きます。",
                                      actor=leader),
                         uow=_uow(database), ids=SequentialIds("c"), clock=CLOCK, telling=TELLING)

    assert (sent.told, sent.on_paper) == (2, ("佐藤 花子",))
    with _uow(database) as uow:
        outbox = sorted(uow.outbox._store.values(), key=lambda m: m.recipient)
        assert [m.recipient for m in outbox] == ["U1", "U3"]
        messages = messages_from_json(outbox[0].payload["messages"])
        assert "夏祭り" in messages[0].text
        assert [(c.label, c.data) for c in messages[1].choices] == [
            ("読みました", f"circular:read:{sent.circular_id}")]
        assert [r.action for r in uow.audit.values()][-1] == "circular.send"


def test_one_tap_records_the_read_and_a_second_changes_nothing(database: FakeDatabase) -> None:
    association = _town(database)
    _import(database, association, *({"resident_number": f"00000000{n}"} for n in (1, 2, 3)))
    leader = _leader(database, association)
    sent = send_circular(SendCircular(title="夏祭り", body="本文", actor=leader),
                         uow=_uow(database), ids=SequentialIds("c"), clock=CLOCK, telling=TELLING)
    router = _router()

    first = _say(database, router, "U1", f"circular:read:{sent.circular_id}")
    again = _say(database, router, "U1", f"circular:read:{sent.circular_id}")

    assert "確認済みにしました" in first[0] and again == [ALREADY_READ]
    page = leader_page(actor=leader, uow=_uow(database), telling=TELLING, clock=CLOCK)
    line = leader_circular(sent.circular_id, page)
    assert (line.read, line.members) == (1, 3)
    assert line.unread == ("佐藤 花子", "鈴木 一郎")
    assert [(m.name, m.reachable) for m in page.members] == [
        ("山田 太郎", True), ("佐藤 花子", False), ("鈴木 一郎", True)]


def test_a_leader_reaches_nothing_of_another_association(database: FakeDatabase) -> None:
    mine = _town(database)
    theirs = create_association(CreateAssociation(name="本町三丁目町内会", actor=STAFF),
                                uow=_uow(database), ids=SequentialIds("b"), clock=CLOCK)
    _import(database, mine, {"resident_number": "000000001"})
    _import(database, theirs, {"resident_number": "000000002"})
    leader = _leader(database, mine, "leader.a")
    other = _leader(database, theirs, "leader.b")
    their_circular = send_circular(SendCircular(title="回覧", body="本文", actor=other),
                                   uow=_uow(database), ids=SequentialIds("c"), clock=CLOCK,
                                   telling=TELLING)

    page = leader_page(actor=leader, uow=_uow(database), telling=TELLING, clock=CLOCK)

    assert [m.name for m in page.members] == ["山田 太郎"] and page.circulars == ()
    with pytest.raises(NotFound):
        leader_circular(their_circular.circular_id, page)
    with pytest.raises(NotAllowed):  # a leader is not staff: no association's staff page
        association_page(mine, actor=leader, uow=_uow(database), telling=TELLING, clock=CLOCK)
    with pytest.raises(NotAllowed):  # staff without a leader's account send no circulars
        send_circular(SendCircular(title="回覧", body="本文", actor=STAFF), uow=_uow(database),
                      ids=SequentialIds("d"), clock=CLOCK, telling=TELLING)


def test_a_leaders_account_is_created_for_one_association(database: FakeDatabase) -> None:
    association = _town(database)
    _leader(database, association)
    with pytest.raises(InvalidValue, match="すでに使われています"):
        _leader(database, association)
    with pytest.raises(NotFound):
        create_leader(CreateLeader(association_id="nowhere", login_id="leader.x",
                                   display_name="会長", password="x" * 12, actor=STAFF),
                      uow=_uow(database), ids=SequentialIds("z"), hasher=PlainHasher(),
                      clock=CLOCK)
    page = association_page(association, actor=STAFF, uow=_uow(database), telling=TELLING,
                            clock=CLOCK)
    assert page.leaders == ("leader.honcho",)


def test_staffs_association_page_shows_a_hundred_members_at_a_time_with_the_count_of_all(
        database: FakeDatabase) -> None:
    association = _town(database)
    with _uow(database) as uow:
        for n in range(MEMBER_PAGE + 5):
            uow.associations.add_member(AssociationMember.from_list(
                id=f"m{n:03d}", association_id=association, resident_id=f"x{n}",
                name=f"会員 {n}", at=CLOCK.now()))
        uow.commit()
    first = association_page(association, actor=STAFF, uow=_uow(database), telling=TELLING,
                             clock=CLOCK)
    assert (len(first.members), first.total) == (MEMBER_PAGE, MEMBER_PAGE + 5)
    assert first.next_after == first.members[-1].id == f"m{MEMBER_PAGE - 1:03d}"
    rest = association_page(association, actor=STAFF, uow=_uow(database), telling=TELLING,
                            clock=CLOCK, after=first.next_after)
    assert [m.id for m in rest.members] == [f"m{n:03d}" for n in range(MEMBER_PAGE,
                                                                        MEMBER_PAGE + 5)]
    assert rest.next_after is None


# -- the chat ------------------------------------------------------------------------------------


def _router() -> InboundRouter:
    procedures = {p.id: p for p in (CONTACT, ASSOCIATION_JOIN)}
    return InboundRouter(
        engine=ConversationEngine(procedures, CLOCK, FakeBankMaster()),
        menu=Menu("試験町", [MenuEntry("contact", "お問い合わせ")], associations=True),
        handlers=[AssociationDesk(), CircularDesk()], identity_provider=None,  # type: ignore[arg-type]
        status=lambda identity, *, uow: [], ids=SequentialIds("x"), clock=CLOCK)


def _say(database: FakeDatabase, router: InboundRouter, address: str, data: str = "",
         text: str = "") -> list[str]:
    kind = InboundKind.POSTBACK if data else InboundKind.TEXT
    event = InboundEvent(channel="line", external_id=f"e{len(database.tables['inbox'])}",
                         address=address, kind=kind, occurred_at=CLOCK.now(), data=data,
                         text=text)
    assert router.handle(event, uow=FakeUnitOfWork(database))
    newest = max((m for m in database.tables["outbox"].values() if m.recipient == address),
                 key=lambda m: m.id)
    return [m.text for m in messages_from_json(newest.payload["messages"])]


def test_the_router_takes_the_associations_and_the_circulars_prefixes() -> None:
    assert [prefix for prefix, _ in _router().by_prefix][-2:] == ["association:", "circular:"]


def test_a_verified_resident_joins_as_themselves_and_leaves_with_one_tap(
        database: FakeDatabase) -> None:
    association = _town(database)
    with _uow(database) as uow:
        uow.residents.get("r1").verify(b.facts(), Verification(
            subject="s", provider="dev_card", assurance="development", verified_at=CLOCK.now()))
        uow.commit()
    router = _router()

    listing = _say(database, router, "U1", text="自治会")
    joined = _say(database, router, "U1", f"association:join:{association}")
    twice = _say(database, router, "U1", f"association:join:{association}")

    assert "本町二丁目自治会" in listing[0]
    assert "参加しました" in joined[0] and "すでに" in twice[0]
    with _uow(database) as uow:
        [member] = uow.associations.members(association)
        assert (member.resident_id, member.identity_id, member.name, member.source) == (
            "r1", None, "山田 太郎", "chat")

    left = _say(database, router, "U1", f"association:leave:{association}")
    assert "退会しました" in left[0]
    with _uow(database) as uow:
        assert uow.associations.members(association) == []


def test_someone_not_verified_gives_a_name_and_joins_with_their_chat_account(
        database: FakeDatabase) -> None:
    association = _town(database)
    router = _router()

    asked = _say(database, router, "U9", f"association:join:{association}")
    done = _say(database, router, "U9", text="田中 みどり")

    assert any("お名前" in text for text in asked)
    assert "参加しました" in done[-1]
    with _uow(database) as uow:
        [member] = uow.associations.members(association)
        identity = uow.channel_identities.get_by_address("line", "U9")
        assert (member.identity_id, member.resident_id, member.name) == (
            identity.id, None, "田中 みどり")


def test_an_association_closed_to_joining_is_neither_listed_nor_joined(
        database: FakeDatabase) -> None:
    association = _town(database)
    change_association(ChangeAssociation(association_id=association, name="本町二丁目自治会",
                                         open_to_join=False, actor=STAFF),
                       uow=_uow(database), clock=CLOCK)
    router = _router()

    assert "ありません" in _say(database, router, "U9", "association:list")[0]
    assert "受け付けていません" in _say(database, router, "U9",
                                        f"association:join:{association}")[0]
    with _uow(database) as uow:
        assert uow.associations.members(association) == []


def test_someone_not_a_member_cannot_mark_a_circular_read(database: FakeDatabase) -> None:
    association = _town(database)
    leader = _leader(database, association)
    sent = send_circular(SendCircular(title="回覧", body="本文", actor=leader),
                         uow=_uow(database), ids=SequentialIds("c"), clock=CLOCK, telling=TELLING)

    answer = _say(database, _router(), "U3", f"circular:read:{sent.circular_id}")

    assert "会員の方だけ" in answer[0]
    with _uow(database) as uow:
        assert uow.circulars.reads([sent.circular_id]) == []


def test_a_leaders_role_is_not_offered_for_town_staff_accounts() -> None:
    assert Role.ASSOCIATION_LEADER not in Role.of_town_staff()
    assert set(Role.of_town_staff()) == set(Role) - {Role.ASSOCIATION_LEADER}


def test_staff_may_put_a_jichikai_tile_on_the_rich_menu_that_lists_the_associations() -> None:
    from application.channels.rich_menu_layout import LayoutTile, MenuLayout, TileKind

    layout = MenuLayout.of("verified", 1, [LayoutTile(TileKind.ASSOCIATIONS, "自治会", "home"),
                                           LayoutTile(TileKind.EMPTY), LayoutTile(TileKind.EMPTY)],
                           procedures={})

    assert [tile.data for tile in layout.plan(web_url="http://town/r").tiles] == [
        "association:list"]


def _joined_in_chat_then_verified(database: FakeDatabase, association: str) -> InboundRouter:
    """U9 joins in the chat before being verified, then their account is linked to r2."""
    router = _router()
    _say(database, router, "U9", f"association:join:{association}")
    _say(database, router, "U9", text="佐藤 花子")
    with _uow(database) as uow:
        uow.residents.get("r2").verify(b.facts(), Verification(
            subject="s2", provider="dev_card", assurance="development", verified_at=CLOCK.now()))
        uow.channel_identities.get_by_address("line", "U9").link("r2")
        uow.commit()
    return router


def test_a_resident_who_joined_in_the_chat_before_verifying_is_one_member(
        database: FakeDatabase) -> None:
    association = _town(database)
    router = _joined_in_chat_then_verified(database, association)

    report = _import(database, association, {"resident_number": "000000002"})
    again = _say(database, router, "U9", f"association:join:{association}")

    assert (report.added, report.kept) == (0, 1)
    assert "すでに" in again[0]
    with _uow(database) as uow:
        [member] = uow.associations.members(association)
        assert member.identity_id is not None


def test_a_person_with_two_rows_is_told_once_reads_once_and_leaves_entirely(
        database: FakeDatabase) -> None:
    association = _town(database)
    router = _joined_in_chat_then_verified(database, association)
    with _uow(database) as uow:  # a second row, as an import before the fix left it
        uow.associations.add_member(AssociationMember.from_list(
            id="dup", association_id=association, resident_id="r2", name="佐藤 花子",
            at=CLOCK.now()))
        uow.commit()
    leader = _leader(database, association)

    sent = send_circular(SendCircular(title="回覧", body="本文", actor=leader),
                         uow=_uow(database), ids=SequentialIds("c"), clock=CLOCK, telling=TELLING)
    with _uow(database) as uow:
        told = [m.recipient for m in uow.outbox._store.values()
                if "【回覧板】" in messages_from_json(m.payload["messages"])[0].text]
    read = _say(database, router, "U9", f"circular:read:{sent.circular_id}")

    assert sent.told == 1 and told == ["U9"]
    assert "確認済みにしました" in read[0]
    page = leader_page(actor=leader, uow=_uow(database), telling=TELLING, clock=CLOCK)
    assert leader_circular(sent.circular_id, page).unread == ()

    left = _say(database, router, "U9", f"association:leave:{association}")
    assert "退会しました" in left[0]
    with _uow(database) as uow:
        assert uow.associations.members(association) == []
        assert uow.circulars.reads([sent.circular_id]) == []
