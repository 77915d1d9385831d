"""The README's benefit walk on the seeded demo town: the development card page offers heads of
households the demo program has not notified yet, some with an account on file from an earlier
paid benefit (labelled), some without; after one verifies, the campaign preview counts them and
their notice offers the account on file (＊＊＊＊123). The town is set (岡山県総社市): the
registry extract writes addresses relative to it, the card in full. The demo also has heads on
SMS only and on e-mail only (`demo/seeding_contacts.py`): the preview splits the notices by
channel, the split adds up, and the campaign puts them in the SMS and mail inboxes."""

from __future__ import annotations

import html
import json
import re
import urllib.request

import pytest

from demo.seeding_contacts import DEMO_BY_SMS, demo_contact
from demo.seeding_history import EARLIER_PROGRAM_NAME
from demo.seeding_payments import DEMO_ON_FILE, DEMO_ON_LADDER, DEMO_PAYEES, ladder_households
from demo.seeding_town import DEMO_PROGRAM_NAME
from demo.synthetic_town import generate_households
from domain.benefits import ApplicationStatus, ProgramStatus
from entrypoints.containers import Container
from tests.e2e.conftest import Stack
from tests.e2e.test_benefit_story import Staff
from tests.e2e.test_registration import _post, _verify_url
from tests.support.demo_town import DemoChannels, demo_channels, seed_demo

pytestmark = pytest.mark.e2e

HOUSEHOLDS = 20


@pytest.fixture
def container(container: Container) -> Container:
    container.config.town_prefecture.from_value("岡山県")
    container.config.town_city.from_value("総社市")
    container.config.town_full_name.from_value("岡山県総社市")
    return container


def _offered(page: str) -> list[tuple[dict[str, str], str]]:
    """(the card's facts, the label) of each person the card page offers."""
    found = re.findall(r"data-person='([^']*)'>(.*?)</button>", page, flags=re.S)
    return [(json.loads(html.unescape(data)), html.unescape(label)) for data, label in found]


def test_the_card_page_offers_unnotified_heads_and_the_campaign_then_counts_them(
        stack: Stack) -> None:
    container = stack.container
    with demo_channels(container) as inboxes:
        _card_page_and_campaign(stack, inboxes)


def _card_page_and_campaign(stack: Stack, inboxes: DemoChannels) -> None:
    container = stack.container
    seeded = seed_demo(container, HOUSEHOLDS, activity=True)  # as `make demo`: with its year
    assert (seeded["by_sms"], seeded["by_email"]) == (DEMO_BY_SMS, DEMO_ON_LADDER - DEMO_BY_SMS)
    town = list(generate_households(HOUSEHOLDS))
    payees = {h.members[0].facts.name.name for h in town[:DEMO_PAYEES]}
    on_file = {h.members[0].facts.name.name for h in town[DEMO_PAYEES:DEMO_PAYEES + DEMO_ON_FILE]}
    with container.uow() as uow:
        earlier = uow.programs.get_by_name(EARLIER_PROGRAM_NAME)
        assert earlier is not None and earlier.status is ProgramStatus.CLOSED
        assert {a.status for a in uow.applications.list_for_program(earlier.id)} == {
            ApplicationStatus.PAID}
        program_id = uow.programs.get_by_name(DEMO_PROGRAM_NAME).id

    user = stack.resident()
    url = _verify_url(stack, user)
    with urllib.request.urlopen(url, timeout=30) as response:
        page = response.read().decode()
    offered = _offered(page)

    assert "岡山県総社市" in page
    names = [card["name"] for card, _label in offered]
    assert names and not payees & set(names)  # nobody already applied is offered
    labelled = [card["name"] for card, label in offered if "口座登録あり（＊＊＊＊123）" in label]
    assert labelled and set(labelled) <= on_file
    assert names[:len(labelled)] == labelled  # those with an account on file come first
    assert any("口座登録なし" in label for _card, label in offered)
    assert all(card["address"].startswith("岡山県総社市") for card, _label in offered)

    staff = Staff(stack, "administrator")
    before = staff.get(f"/programs/{program_id}/campaigns/preview").json()["recipients"]
    card, _label = offered[0]
    status, body = _post(url.split("?")[0], {"state": url.split("state=")[1], **card})
    assert status == 200 and "本人確認が完了しました" in body, body
    told = stack.last(user)  # the result comes with the menu, as buttons
    assert "本人確認が完了しました" in told["text"]
    assert {"証明書の請求", "状況確認", "お問い合わせ"} <= {
        item["action"]["label"] for item in told["quickReply"]["items"]}

    stack.sim.unfollow(user)  # blocked and followed again: welcomed back, not asked again
    stack.sim.follow(user)
    assert "本人確認は済んでいます" in stack.texts(user)[-2]
    assert "本人確認" not in {item["action"]["label"]
                              for item in stack.last(user)["quickReply"]["items"]}

    preview = staff.get(f"/programs/{program_id}/campaigns/preview").json()
    assert preview["recipients"] == before + 1 == 1 + DEMO_ON_LADDER
    assert preview["by_channel"] == {"line": 1, "sms": DEMO_BY_SMS,
                                     "email": DEMO_ON_LADDER - DEMO_BY_SMS}
    assert (preview["recipients"] + preview["applied"] + preview["postal"]
            + preview["already_notified"]) == HOUSEHOLDS
    assert staff.post(f"/programs/{program_id}/campaigns").status_code == 202
    notice = stack.last(user)
    assert "＊＊＊＊123" in json.dumps(notice, ensure_ascii=False)
    for n, household in enumerate(ladder_households()):  # their notice is in their inbox
        channel, _typed, address = demo_contact(n, household)
        if channel == "sms":
            texts = [m.body for m in inboxes.sms.inbox(address)]
        else:
            texts = [m.part("plain") for m in inboxes.mail.inbox(address)]
        assert any("確認コード" in t for t in texts), texts  # the code 連絡先 sent
        assert any("支給額は70,000円" in t and "＊＊＊＊123" in t and "/r/l?t=" in t
                   for t in texts), texts
