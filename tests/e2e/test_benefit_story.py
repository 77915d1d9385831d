"""The benefit story end to end, through the LINE simulator and the real SDK: the registry and
the eligibility list are imported, residents verify, staff preview and send the campaign, some
tap はい (one twice), one chooses another account from the bank master and sends a passbook
photo, one declines, staff check the photo and approve, decision notices arrive; the household
that is not on LINE gets the postal path and a paper form, once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import urllib.request
from typing import Any

import pytest
import requests

from application.access.actor import Actor
from application.access.creating_api_key import CreateApiKey, create_api_key
from application.benefits.notices import NOTICE_PREFIX
from domain.benefits import (
    Application,
    ApplicationStatus,
    ApplicationWindow,
    BenefitProgram,
    PayoutMethod,
)
from domain.values import JST, AccountType, BankAccount, Money, ZenginKana
from entrypoints.containers import Container
from tests.e2e.conftest import Stack
from tests.e2e.test_registration import _card_form, _post, _seed, _verify_url

pytestmark = pytest.mark.e2e

ON_FILE = BankAccount(bank_code="0001", branch_code="001", account_type=AccountType.ORDINARY,
                      number="7654123", holder=ZenginKana.from_text("ヤマダ タロウ"))


class Staff:
    def __init__(self, stack: Stack, role: str = "approver") -> None:
        created = create_api_key(CreateApiKey(name=f"story-{role}", role=role,
                                              actor=Actor.operator("test"),
                                              organisation=f"story-{role}"),
                                 uow=stack.container.uow(), ids=stack.container.ids(),
                                 clock=stack.container.clock())
        self.base = f"{stack.app_url}/api/v1"
        self.headers = {"Authorization": f"Bearer {created.secret}"}

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.base + path, headers=self.headers, params=params, timeout=30)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return requests.post(self.base + path, headers=self.headers, json=body, timeout=30,
                             **kwargs)


def _heads(container: Container) -> list[tuple[str, Any]]:
    """(household number, head resident) of the seeded households, in number order."""
    with container.uow() as uow:
        rows = []
        for resident in uow.queries.residents.first_residents(200):
            household = uow.households.get_by_number(resident.household_number or "")
            if household is not None and household.head_resident_id == resident.id:
                rows.append((household.household_number, resident))
    return sorted(rows, key=lambda row: row[0])


def _verify(stack: Stack, user: str, person: Any) -> None:
    url = _verify_url(stack, user)
    status, body = _post(url.split("?")[0], _card_form(url, person.facts))
    assert status == 200 and "本人確認が完了しました" in body, body


def _paid_before(container: Container, household_number: str) -> None:
    """An earlier program paid this household by transfer: that account is on file."""
    now = container.clock().now()
    with container.uow() as uow:
        household = uow.households.get_by_number(household_number)
        program = BenefitProgram(
            id="earlier", name="前回の給付金", amount_per_household=Money(30000),
            eligibility_source="前回", payout_methods={"bank_transfer"},
            window=ApplicationWindow(opens_at=now - dt.timedelta(days=400),
                                     closes_at=now - dt.timedelta(days=300)))
        uow.programs.add(program)
        application = Application(
            id="earlier-app", program_id="earlier", household_id=household.id,
            status=ApplicationStatus.PAID, payout_method=PayoutMethod.BANK_TRANSFER,
            payee_account=ON_FILE, confirmed_at=now - dt.timedelta(days=350))
        uow.applications.add(application)
        uow.commit()


def photo_ref(container: Container, application_id: str) -> str:
    with container.uow() as uow:
        return str(uow.applications.get(application_id).passbook_photo)


def _notice_data(stack: Stack, user: str) -> str:
    for message in reversed(stack.messages(user)):
        for button in message.get("contents", {}).get("footer", {}).get("contents", []):
            data = button["action"].get("data", "")
            if data.startswith(NOTICE_PREFIX):
                return data.rsplit(":", 1)[0]
    raise AssertionError("no notice received")


def test_the_whole_benefit_story(stack: Stack) -> None:
    container = stack.container
    _seed(container)
    heads = _heads(container)
    (number_a, head_a), (number_b, head_b), (number_c, head_c), (number_d, _head_d) = heads[:4]
    _paid_before(container, number_a)
    staff = Staff(stack, "administrator")

    # Three household heads verify on LINE; the fourth household is not on LINE.
    users = {}
    for name, person in (("a", head_a), ("b", head_b), ("c", head_c)):
        users[name] = stack.resident(person.facts.name.name)
        _verify(stack, users[name], person)

    # Staff create and open the program, and import the eligibility list.
    now = dt.datetime.now(JST)
    created = staff.post("/programs", {
        "name": "子育て世帯臨時給付金", "amount_per_household": 70000,
        "eligibility_source": "住民税非課税世帯",
        "opens_at": (now - dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat(),
        "payout_methods": ["bank_transfer"],
        "notice_text": "{program}として{amount}を支給します。",
    })
    assert created.status_code == 201, created.text
    program_id = created.json()["id"]
    assert staff.post(f"/programs/{program_id}/status", {"status": "open"}).status_code == 200
    listing = "世帯番号\r\n" + "\r\n".join([number_a, number_b, number_c, number_d, "99999999",
                                          number_a]) + "\r\n"
    imported = staff.post(f"/programs/{program_id}/eligibility", data=None,
                          files={"file": ("list.csv", listing.encode("cp932"), "text/csv")})
    assert imported.status_code == 202, imported.text
    report = staff.get(f"/jobs/{imported.json()['id']}").json()["result"]
    assert (report["added"], report["already"], report["unknown_count"]) == (4, 1, 1)
    assert report["reach"] == {"eligible": 4, "notified": 0, "applied": 0, "to_notify": 3,
                               "postal": 1, "reachable": 3}
    again = staff.post(f"/programs/{program_id}/eligibility",
                       files={"file": ("list.csv", listing.encode("cp932"), "text/csv")})
    assert staff.get(f"/jobs/{again.json()['id']}").json()["result"]["added"] == 0

    # Preview: the exact message, and the count; then send.
    preview = staff.get(f"/programs/{program_id}/campaigns/preview").json()
    assert preview["recipients"] == 3 and preview["postal"] == 1
    assert preview["by_channel"] == {"line": 3, "sms": 0, "email": 0}  # the town's ladder
    assert "70,000円" in preview["example"]["text"]
    sent = staff.post(f"/programs/{program_id}/campaigns")
    assert sent.status_code == 202, sent.text
    assert staff.post(f"/programs/{program_id}/campaigns").status_code == 409  # nobody left
    campaigns = staff.get(f"/programs/{program_id}/campaigns").json()
    assert campaigns["campaigns"][0]["job"]["result"]["sent"] == 3
    assert campaigns["notice_outcomes"] == {"sent": 3}

    # A: the account on file, はい (a redelivered tap is answered 200, handled once), again.
    notice_a = stack.last(users["a"])
    assert "＊＊＊＊123" in notice_a["contents"]["body"]["contents"][0]["text"]
    tapped = stack.sim.postback(users["a"], _notice_data(stack, users["a"]) + ":yes", "はい")
    assert "申請を受け付けました" in stack.said(users["a"])
    replies = len(stack.texts(users["a"]))
    assert stack.sim.redeliver(tapped.webhook_event_id).status == 200
    assert len(stack.texts(users["a"])) == replies
    stack.sim.postback(users["a"], _notice_data(stack, users["a"]) + ":yes", "はい")
    assert "すでに受け付けています" in stack.texts(users["a"])[-1]

    # B: no account on file, so 申請する opens the account dialog: the bank master, a photo.
    stack.tap(users["b"], "申請する")
    stack.sim.send_text(users["b"], "みず")  # part of a name: candidates to tap
    stack.tap(users["b"], "みずほ")
    stack.sim.send_text(users["b"], "001")  # a branch code: taken at once
    stack.tap(users["b"], "普通")
    stack.sim.send_text(users["b"], "1234567")
    stack.sim.send_text(users["b"], "ヤマダ ハナコ")
    stack.sim.send_image(users["b"], b"\xff\xd8\xff passbook", "image/jpeg")
    stack.tap(users["b"], "はい")
    assert "申請を受け付けました（振込先: ＊＊＊＊567）" in stack.said(users["b"])

    # C declines; a stranger tapping A's notice changes nothing.
    stack.tap(users["c"], "申請しない")
    assert "申請しないことを受け付けました" in stack.texts(users["c"])[-1]
    stranger = stack.resident("通りすがり")
    stack.sim.follow(stranger)
    stack.sim.postback(stranger, _notice_data(stack, users["a"]) + ":no", "いいえ")
    assert "あなたが世帯主として本人確認した世帯あてではない" in stack.texts(stranger)[-1]

    # The postal path: D is on the mail-merge list (CP932), then its paper form is entered once.
    postal = staff.get(f"/programs/{program_id}/postal.csv")
    rows = list(csv.reader(io.StringIO(postal.content.decode("cp932"))))
    assert rows[0][0] == "世帯番号" and [r[0] for r in rows[1:]] == [number_d]
    paper = {"household_number": number_d, "payout_method": "bank_transfer",
             "account": {"bank_code": "0001", "branch_code": "001", "account_type": "1",
                         "number": "1111111", "holder_kana": "スズキ イチロウ"}}
    assert staff.post(f"/programs/{program_id}/paper-applications", paper).status_code == 201
    twice = staff.post(f"/programs/{program_id}/paper-applications", paper)
    assert twice.status_code == 409 and "申請済み" in twice.json()["error"]["message"]

    # Staff decide: B waits for the photo check, then everyone received is approved.
    confirmed = staff.get(f"/programs/{program_id}/applications", status="confirmed").json()
    ids = {a["id"]: a for a in confirmed["applications"]}
    assert len(ids) == 3
    decided = staff.post(f"/programs/{program_id}/decisions",
                         {"decision": "approve", "application_ids": list(ids)}).json()
    assert decided["decided"] == 2 and len(decided["refused"]) == 1
    [waiting] = [a for a in ids.values() if a["awaits_account_check"]]
    with container.uow() as uow:  # kept (encrypted) when it arrived, before anyone looks
        assert uow.attachments.get_by_ref(photo_ref(container, waiting["id"])) is not None
    photo = staff.get(f"/applications/{waiting['id']}/passbook")
    assert photo.status_code == 200 and photo.content == b"\xff\xd8\xff passbook"
    assert staff.post(f"/applications/{waiting['id']}/account-check").status_code == 200
    decided = staff.post(f"/programs/{program_id}/decisions",
                         {"decision": "approve", "application_ids": [waiting["id"]]}).json()
    assert {k: decided[k] for k in ("decided", "notified", "refused", "all_decided")} == {
        "decided": 1, "notified": 1, "refused": [], "all_decided": True}
    assert [o["outcome"] for o in decided["outcomes"]] == ["approved"]

    for user in (users["a"], users["b"]):
        assert any("決定通知" in text for text in stack.texts(user))
    stack.sim.send_text(users["a"], "状況確認")
    assert "子育て世帯臨時給付金（70,000円）: 支給決定" in stack.texts(users["a"])[-1]
    counts = staff.get(f"/programs/{program_id}/applications").json()["counts"]
    assert counts == {"approved": 3, "declined": 1}
    with urllib.request.urlopen(f"{stack.app_url}/healthz", timeout=10) as health:
        assert health.status == 200
