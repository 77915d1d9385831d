"""回覧板 end to end (ADR 0057): residents join a 自治会 in the LINE simulator (a verified resident
as themselves, someone not verified with the name they give), the leader signs in, sends a
circular from the staff pages, each member taps 「読みました」 once (a second tap changes
nothing), and the leader sees who read it; a member on SMS opens the personal link and taps
it on the web page. The leader's view is confined to their association: no other staff page,
no other association's circular, no address or birth date."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.access.actor import Actor
from application.associations.creating_association import CreateAssociation, create_association
from application.associations.importing_members import ImportMembers, import_members
from application.associations.sending_circular import SendCircular, send_circular
from entrypoints.containers import Container
from entrypoints.web import create_app
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import make_leader, sign_in, token
from tests.e2e.test_certificates import _verified_resident
from tests.e2e.test_web_links import Phone, _household_on_sms
from tests.e2e.test_web_links import clock as clock  # a fixture: the SMS link's clock
from tests.e2e.test_web_links import phone as phone  # a fixture: the SMS stand-in
from tests.fakes import FakeClock
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

STAFF = Actor.operator("test")
NAME = "本町一丁目自治会"  # the demo town seeds 本町二丁目自治会 (its first residents in it)


def _association(container: Container, name: str = NAME) -> str:
    return create_association(CreateAssociation(name=name, actor=STAFF, open_to_join=True),
                              uow=container.uow(), ids=container.ids(), clock=container.clock())


def _read_data(stack: Stack, user: str) -> str:
    for message in reversed(stack.messages(user)):
        for action in message.get("template", {}).get("actions", []) + [
                b["action"] for b in message.get("contents", {}).get("footer", {})
                .get("contents", [])]:
            if action.get("label") == "読みました":
                return str(action["data"])
    raise AssertionError("no 「読みました」 button")


def test_residents_join_in_the_chat_read_a_circular_once_and_the_leader_sees_who(
        stack: Stack) -> None:
    container = stack.container
    verified, person = _verified_resident(stack)
    association = _association(container)
    stack.sim.send_text(verified, "自治会")
    assert NAME in stack.texts(verified)[-1]
    stack.tap(verified, f"{NAME}に参加")
    assert "参加しました" in stack.texts(verified)[-1]

    newcomer = stack.resident("田中 みどり")
    stack.sim.follow(newcomer)
    stack.sim.send_text(newcomer, "自治会")
    stack.tap(newcomer, f"{NAME}に参加")
    assert any("お名前" in text for text in stack.texts(newcomer)[-2:])
    stack.sim.send_text(newcomer, "田中 みどり")
    assert "参加しました" in stack.texts(newcomer)[-1]

    make_leader(container, "leader.honcho", association_id=association)
    client = create_app(container).test_client()
    landing = sign_in(client, "leader.honcho")
    assert landing.location.endswith("/staff/circulars")
    sent = client.post("/staff/circulars", data={
        "title": "夏祭りのお知らせ", "body": "8月1日に公園で夏祭りを開きます。",
        "csrf_token": token(client)})
    assert sent.status_code == 302

    assert any("夏祭りのお知らせ" in text for text in stack.texts(verified))
    data = _read_data(stack, verified)
    assert data.startswith("circular:read:")
    assert stack.sim.postback(verified, data, "読みました").status == 200
    assert "確認済みにしました" in stack.texts(verified)[-1]
    assert stack.sim.postback(verified, data, "読みました").status == 200
    assert stack.texts(verified)[-1] == "既に確認済みです。"
    assert stack.count("circular_reads") == 1

    page = client.get(sent.location).get_data(as_text=True)
    assert "1 / 2" in page and "田中 みどり" in page and person.facts.name.name in page
    listing = client.get("/staff/circulars").get_data(as_text=True)
    assert "1 / 2" in listing
    for personal in (person.facts.address.text, person.facts.date_of_birth.value.isoformat()):
        assert personal not in page and personal not in listing


def test_a_leader_reaches_only_their_own_association(app: Flask, container: Container) -> None:
    mine, theirs = _association(container), _association(container, "本町三丁目町内会")
    with container.uow() as uow:
        uow.residents.add(_resident("r-1", "000000101", "山田 太郎"))
        uow.residents.add(_resident("r-2", "000000102", "佐藤 花子"))
        uow.commit()
    for association, number in ((mine, "000000101"), (theirs, "000000102")):
        import_members(ImportMembers(association_id=association,
                                     rows=[(2, {"resident_number": number})], actor=STAFF),
                       uow=container.uow(), ids=container.ids(), clock=container.clock())
    make_leader(container, "leader.mine", association_id=mine)
    other_id = make_leader(container, "leader.theirs", association_id=theirs)
    with container.uow() as uow:
        other = Actor.staff(uow.staff.get(other_id))
    their_circular = send_circular(SendCircular(title="町内会費", body="集金します。",
                                                actor=other),
                                   uow=container.uow(), ids=container.ids(),
                                   clock=container.clock(), telling=container.telling())
    client = app.test_client()
    sign_in(client, "leader.mine")

    own = client.get("/staff/circulars").get_data(as_text=True)
    assert "山田 太郎" in own and "佐藤 花子" not in own and "町内会費" not in own
    nav = own.split("global-nav", 1)[-1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)"', nav) == ["/staff/circulars"]  # the only entry
    for elsewhere in ("/staff/", "/staff/residents", "/staff/associations",
                      f"/staff/associations/{theirs}", "/staff/audit", "/staff/cases/"):
        assert client.get(elsewhere).status_code == 403, elsewhere
    changed_id = client.get(f"/staff/circulars/{their_circular.circular_id}")
    assert changed_id.status_code == 404 and "佐藤 花子" not in changed_id.get_data(as_text=True)


def _resident(id: str, number: str, name: str):  # type: ignore[no-untyped-def]
    from tests import builders as b

    return b.resident(id=id, resident_number=number, household_number=f"H{number}", name=name)


def test_staff_import_an_associations_list_and_read_its_report_by_row(
        app: Flask, container: Container) -> None:
    from tests.e2e.staff_support import make_staff

    association = _association(container)
    with container.uow() as uow:
        uow.residents.add(_resident("r-1", "000000101", "山田 太郎"))
        uow.commit()
    make_staff(container, "approver", "approver")
    client = app.test_client()
    sign_in(client, "approver")
    listing = "住民番号,氏名\r\n000000101,山田 太郎\r\n999999999,誰か\r\n".encode("cp932")

    refused = client.post(f"/staff/associations/{association}/members", data={
        "file": (io.BytesIO(listing), "名簿.csv"), "csrf_token": token(client)},
        content_type="multipart/form-data", follow_redirects=True)

    page = refused.get_data(as_text=True)
    assert "取り込みませんでした" in page and "3行目: 住民番号が住民記録にありません。" in page
    assert "誰か" not in page  # the report names rows, never a cell
    with container.uow() as uow:
        assert uow.associations.members(association) == []

    client.post(f"/staff/associations/{association}/members", data={
        "file": (io.BytesIO(listing), "名簿.csv"), "mode": "valid_rows",
        "csrf_token": token(client)}, content_type="multipart/form-data")
    page = client.get("/staff/associations").get_data(as_text=True)
    assert re.search(r"data-member-count>1<", page)
    assert "山田 太郎" in client.get(f"/staff/associations/{association}").get_data(as_text=True)


def test_a_member_on_sms_opens_the_link_and_marks_the_circular_read_on_the_page(
        client: FlaskClient, container: Container, phone: Phone,
        clock: FakeClock) -> None:
    _household_on_sms(container, clock)  # r1, verified, reached by SMS only
    association = _association(container)
    with container.uow() as uow:
        number = uow.residents.get("r1").resident_number
    import_members(ImportMembers(association_id=association,
                                 rows=[(2, {"resident_number": number})], actor=STAFF),
                   uow=container.uow(), ids=container.ids(), clock=container.clock())
    leader_id = make_leader(container, "leader.sms", association_id=association)
    with container.uow() as uow:
        leader = Actor.staff(uow.staff.get(leader_id))
    sent = send_circular(SendCircular(title="防災訓練", body="9月1日に防災訓練を行います。",
                                      actor=leader),
                         uow=container.uow(), ids=container.ids(), clock=container.clock(),
                         telling=container.telling())
    container.outbox_notifier().wake()
    assert sent.told == 1 and "防災訓練" in phone.received[-1][1]

    web = ResidentBrowser(client)
    web.open(phone.link())
    web.press("読みました")

    with container.uow() as uow:
        [member] = uow.associations.members(association)
        assert uow.circulars.read(sent.circular_id, member.id) is not None
