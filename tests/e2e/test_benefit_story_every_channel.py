"""The benefit story on every channel, on the real parts: LINE through the LINE simulator and
the SDK, SMS through Twilio's SDK (TwilioSms) to the SMS stand-in (its replies and status
callbacks posted, signed, over HTTP to the app), e-mail through SmtpMailer to the mail catcher
(aiosmtpd), personal links made by the real PersonalLinks, the app served over HTTP. Residents'
browsers are Flask test clients of the same app and container (a link's path and query are
opened as sent).

Five households of the seeded town: A's head is on LINE; B's head has only a mobile number;
C's head has only an e-mail address; D's head has nothing (郵送); E's head is on LINE and has
also added a mobile number. No contact is seeded behind the app's back: B and C verify with the
card on the web page (`/r/`, where a resident without LINE starts) and add their contact in the
連絡先 dialog there (the code arrives by SMS / e-mail and is typed back on the page); the web
identity that leaves behind is not a rung of the ladder, so it changes no notice's channel. E
adds the number in the 連絡先 dialog in the LINE chat.

The first program (cash at the ATM, so one tap applies) goes to A-D: the preview splits them
LINE 1 / SMS 1 / メール 1 / 郵送 1; each is notified once on their rung and applies once (申請する
on LINE, the personal link from the SMS, the link from the mail, the paper form); a second tap
(or the used link) changes nothing and says why; each decision arrives once on its channel.
The second program goes to B and E: B replies 「はい」 by SMS, twice; E blocks the town's LINE
account (the simulator's unfollow event) while the notice waits in the outbox, so the notice
fails for good on LINE and moves to SMS once (`fallback_of`), and E applies from its link."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from dependency_injector import providers
from flask import Flask
from sqlalchemy import select

from adapters.line.simulator.mail_catcher import MailCatcher
from adapters.line.simulator.sms import SmsStandIn, running_sms_standin
from adapters.persistence.orm.messaging import outbox
from application.surveys.satisfaction import QUESTION as SATISFACTION_QUESTION
from domain.values import JST
from entrypoints.containers import Container
from entrypoints.sms_settings import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from tests.e2e.conftest import Stack
from tests.e2e.test_benefit_story import Staff, _heads, _notice_data, _verify
from tests.e2e.test_registration import _card_form, _seed
from tests.e2e.test_staff_benefits import NotDelivered
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

PHONE_B, PHONE_E = "+819011112222", "+819033334444"
MAIL_C = "hanako@example.jp"
LINK = re.compile(r"https?://\S+/r/l\?t=[A-Za-z0-9_-]+")


@pytest.fixture
def town(stack: Stack) -> Iterator[tuple[Stack, SmsStandIn, MailCatcher]]:
    """The stack with the SMS stand-in and the mail catcher as the town's providers."""
    container = stack.container
    with running_sms_standin(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, container.config.sms_from(),
                             inbound_url=f"{stack.app_url}/sms/inbound") as sms, \
            MailCatcher() as mail:
        container.config.sms_provider.from_value("twilio")
        container.config.twilio_api_base_url.from_value(sms.base_url)
        container.config.smtp_host.from_value(mail.host)
        container.config.smtp_port.from_value(mail.port)
        container.config.smtp_starttls.from_value(False)
        container.config.mail_from.from_value("noreply@town.example.jp")
        yield stack, sms, mail
        container.email_messenger.shutdown()


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _code(text: str) -> str:
    found = re.search(r"確認コード: (\d{6})", text)
    assert found is not None, text
    return found.group(1)


def _on_the_web(app: Flask, head: Any, contact: str, read_code: Any) -> ResidentBrowser:
    """A head without LINE, in their own browser: verifies with the card on the page, then adds
    a contact in 連絡先 (the code read from where it was sent, typed back on the page)."""
    client = app.test_client()
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("本人確認")
    card_url = web.link("本人確認をはじめる")
    assert client.post("/identity/dev-card",
                       data=_card_form(card_url, head.facts)).status_code == 200
    web.open()
    web.press("連絡先")
    web.press("電話番号・メールを追加")
    web.answer(contact)
    web.answer(read_code())
    assert "を登録しました" in web.last(), web.messages()[-3:]
    return web


def _sms_bodies(sms: SmsStandIn, number: str) -> list[str]:
    return [m.body for m in sms.inbox(number)]


def test_the_benefit_story_on_every_channel(town: tuple[Stack, SmsStandIn, MailCatcher],
                                            app: Flask) -> None:
    stack, sms, mail = town
    container = stack.container
    _seed(container)
    (num_a, head_a), (num_b, head_b), (num_c, head_c), (num_d, _), (num_e, head_e) = \
        _heads(container)
    staff = Staff(stack, "administrator")

    user_a = stack.resident(head_a.facts.name.name)
    _verify(stack, user_a, head_a)
    _on_the_web(app, head_b, "090-1111-2222",
                lambda: _code(_sms_bodies(sms, PHONE_B)[-1]))
    _on_the_web(app, head_c, MAIL_C, lambda: _code(mail.inbox(MAIL_C)[-1].part("plain")))

    # E is on LINE and adds a mobile number in the chat's 連絡先 (the code comes by SMS).
    user_e = stack.resident(head_e.facts.name.name)
    _verify(stack, user_e, head_e)
    stack.sim.send_text(user_e, "連絡先")
    stack.tap(user_e, "電話番号・メールを追加")
    stack.sim.send_text(user_e, "090-3333-4444")
    stack.sim.send_text(user_e, _code(_sms_bodies(sms, PHONE_E)[-1]))
    assert "090-3333-4444を登録しました" in stack.texts(user_e)[-1]
    codes_sent = {PHONE_B: 1, PHONE_E: 1, MAIL_C: 1}
    assert {n: len(sms.inbox(n)) for n in (PHONE_B, PHONE_E)} | {MAIL_C: len(
        mail.inbox(MAIL_C))} == codes_sent

    # The first program: A-D eligible; the preview splits them by channel; the campaign goes.
    first = _open_program(staff, "子育て世帯臨時給付金", [num_a, num_b, num_c, num_d])
    preview = staff.get(f"/programs/{first}/campaigns/preview").json()
    assert preview["by_channel"] == {"line": 1, "sms": 1, "email": 1}
    assert (preview["recipients"], preview["postal"]) == (3, 1)
    assert sum(preview["by_channel"].values()) + preview["postal"] == 4
    assert staff.post(f"/programs/{first}/campaigns").status_code == 202
    assert staff.post(f"/programs/{first}/campaigns").status_code == 409  # nobody left
    container.outbox_notifier().wake()

    # Each notified once, on their rung.
    line_notices = [m for m in stack.messages(user_a) if "70,000円" in json_text(m)]
    assert len(line_notices) == 1
    [sms_notice] = [b for b in _sms_bodies(sms, PHONE_B) if "70,000円" in b]
    [mail_notice] = [m for m in mail.inbox(MAIL_C) if "70,000円" in m.part("plain")]
    assert "子育て世帯臨時給付金" in sms_notice
    assert "子育て世帯臨時給付金" in mail_notice.part("html")
    assert not any("70,000円" in json_text(m) for m in stack.messages(user_e))
    assert [b for b in _sms_bodies(sms, PHONE_E) if "70,000円" in b] == []
    notices = _notice_rows(container, "70,000円を支給します")  # one row each; none for D
    assert sorted((r["channel"], r["fallback_of"]) for r in notices) == [
        ("email", None), ("line", None), ("sms", None)]

    # A taps 申請する on LINE; a second tap says it is done already.
    stack.sim.postback(user_a, _notice_data(stack, user_a) + ":yes", "申請する")
    assert "申請を受け付けました" in stack.said(user_a)
    stack.sim.postback(user_a, _notice_data(stack, user_a) + ":yes", "申請する")
    assert "すでに受け付けています" in stack.texts(user_a)[-1]

    # B opens the link from the SMS on their phone's browser and taps; the link is used up.
    _apply_by_link(app, _link_in(sms_notice))
    # C the same from the mail.
    _apply_by_link(app, _link_in(mail_notice.part("plain")))

    # D is on the postal list and nowhere else, and its paper form is entered once.
    postal = staff.get(f"/programs/{first}/postal.csv")
    rows = list(csv.reader(io.StringIO(postal.content.decode("cp932"))))
    assert [r[0] for r in rows[1:]] == [num_d]
    paper = {"household_number": num_d, "payout_method": "atm_cash"}
    assert staff.post(f"/programs/{first}/paper-applications", paper).status_code == 201
    assert staff.post(f"/programs/{first}/paper-applications", paper).status_code == 409

    # Staff approve the four; each decision arrives once, on its channel.
    confirmed = staff.get(f"/programs/{first}/applications", status="confirmed").json()
    assert len(confirmed["applications"]) == 4
    decided = staff.post(f"/programs/{first}/decisions", {
        "decision": "approve",
        "application_ids": [a["id"] for a in confirmed["applications"]]}).json()
    assert decided["decided"] == 4 and decided["refused"] == []
    container.outbox_notifier().wake()
    assert len([t for t in stack.texts(user_a) if "決定通知】" in t]) == 1
    assert len([b for b in _sms_bodies(sms, PHONE_B) if "決定通知】" in b]) == 1
    assert len([m for m in mail.inbox(MAIL_C) if "決定通知】" in m.part("plain")]) == 1
    assert not any("決定通知】" in t for t in stack.texts(user_e))
    assert not any("決定通知】" in b for b in _sms_bodies(sms, PHONE_E))
    assert staff.get(f"/programs/{first}/applications").json()["counts"] == {"approved": 4}

    # The second program goes to B and E, E's notice queued for LINE (its first rung).
    second = _open_program(staff, "物価高騰対策給付金", [num_b, num_e], amount=30000)
    preview = staff.get(f"/programs/{second}/campaigns/preview").json()
    assert preview["by_channel"] == {"line": 1, "sms": 1, "email": 0}
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    try:
        assert staff.post(f"/programs/{second}/campaigns").status_code == 202
        stack.sim.unfollow(user_e)  # E blocks the town's account before the notice goes
    finally:
        container.outbox_notifier.reset_override()
    container.outbox_notifier().wake()
    rows = _notice_rows(container, "30,000円")
    on_line = [r for r in rows if r["channel"] == "line"]
    on_sms_e = [r for r in rows if r["recipient"] == PHONE_E]
    assert len(on_line) == 1 and on_line[0]["fallback_of"] is None
    assert len(on_sms_e) == 1 and on_sms_e[0]["fallback_of"] == on_line[0]["id"]
    reached_e = [delivery["message"] for delivery in stack.sim.received(user_e)]
    assert not any("30,000円" in json_text(m) for m in reached_e)  # blocked: nothing pushed
    [moved] = [b for b in _sms_bodies(sms, PHONE_E) if "30,000円" in b]
    container.outbox_notifier().wake()  # again: nothing moves twice
    assert len([b for b in _sms_bodies(sms, PHONE_E) if "30,000円" in b]) == 1
    assert len(_notice_rows(container, "30,000円")) == 3  # E on LINE, E on SMS, B on SMS

    # B replies 「はい」 by SMS (the stand-in posts it, signed, to the inbound webhook); twice.
    assert sms.reply(PHONE_B, "はい")[1] == 200
    applied = _sms_bodies(sms, PHONE_B)[-1]  # with the satisfaction question after it
    assert applied.index("申請を受け付けました") < applied.index(SATISFACTION_QUESTION)
    assert sms.reply(PHONE_B, "はい")[1] == 200
    assert "すでに受け付けています" in _sms_bodies(sms, PHONE_B)[-1]
    # E, now on SMS, applies with the link of the notice that moved.
    _apply_by_link(app, _link_in(moved))
    confirmed = staff.get(f"/programs/{second}/applications", status="confirmed").json()
    assert len(confirmed["applications"]) == 2
    decided = staff.post(f"/programs/{second}/decisions", {
        "decision": "approve",
        "application_ids": [a["id"] for a in confirmed["applications"]]}).json()
    assert decided["decided"] == 2
    container.outbox_notifier().wake()
    assert len([b for b in _sms_bodies(sms, PHONE_E) if "決定通知】" in b]) == 1
    assert len([b for b in _sms_bodies(sms, PHONE_B) if "決定通知】" in b]) == 2  # one a program
    # the code, the notice, the satisfaction question after applying (ADR 0059), the decision
    assert len(mail.inbox(MAIL_C)) == 4

    # Who received what, on which channel, over the whole story (notices, decisions, all).
    sms.pump_callbacks()  # the stand-in's status callbacks, signed, to the app
    moved_rows = [r for r in _notice_rows(container, "30,000円を支給します")
                  if r["channel"] != "web"]  # the copy a used link puts on the resident's page
    assert sorted((r["channel"], r["recipient"], r["delivery_status"].value)
                  for r in moved_rows) == [
        ("line", user_e, "permanent-failure"), ("sms", PHONE_B, "delivered"),
        ("sms", PHONE_E, "delivered")]
    assert _tally(stack, sms, mail, line={"A": user_a, "E": user_e},
                  phones={"B": PHONE_B, "E": PHONE_E}, mails={"C": MAIL_C}) == TALLY


NOTICE, DECISION = "円を支給します", "決定通知】"
# (notices, decisions, all messages): A's chat also holds the verification and the two answers,
# E's the 連絡先 dialog (each list with its 「ページで開く」 card); B's SMS: a code, two
# notices, 受付, すでに受付, two decisions; C's and
# E's: a code, a notice, a decision. D: nothing electronic (the postal list).
# Each application is followed by the satisfaction question (ADR 0059): in the same SMS as the
# answer to a reply by SMS, on its own after one made on the web page (B, who applied twice and
# never answered it, is asked twice).
TALLY = {("A", "line"): (1, 1, 9), ("B", "sms"): (2, 2, 8), ("C", "email"): (1, 1, 4),
         ("E", "line"): (0, 0, 13), ("E", "sms"): (1, 1, 4)}


def _tally(stack: Stack, sms: SmsStandIn, mail: MailCatcher, *, line: dict[str, str],
           phones: dict[str, str], mails: dict[str, str]) -> dict[tuple[str, str],
                                                                  tuple[int, int, int]]:
    """(household, channel) → (notices, decisions, messages in all) received."""
    boxes = {(who, "line"): [json_text(d["message"]) for d in stack.sim.received(user)]
             for who, user in line.items()}
    boxes |= {(who, "sms"): _sms_bodies(sms, number) for who, number in phones.items()}
    boxes |= {(who, "email"): [m.part("plain") for m in mail.inbox(address)]
              for who, address in mails.items()}
    return {key: (sum(NOTICE in t for t in texts), sum(DECISION in t for t in texts),
                  len(texts)) for key, texts in boxes.items()}


def json_text(message: Any) -> str:
    return json.dumps(message, ensure_ascii=False)


def _open_program(staff: Staff, name: str, numbers: list[str], amount: int = 70000) -> str:
    now = dt.datetime.now(JST)
    created = staff.post("/programs", {
        "name": name, "amount_per_household": amount, "eligibility_source": "住民税非課税世帯",
        "opens_at": (now - dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat(),
        "payout_methods": ["atm_cash"], "notice_text": "{program}として{amount}を支給します。"})
    assert created.status_code == 201, created.text
    program = created.json()["id"]
    assert staff.post(f"/programs/{program}/status", {"status": "open"}).status_code == 200
    listing = ("世帯番号\r\n" + "\r\n".join(numbers) + "\r\n").encode("cp932")
    imported = staff.post(f"/programs/{program}/eligibility",
                          files={"file": ("list.csv", listing, "text/csv")})
    assert imported.status_code == 202, imported.text
    assert staff.get(f"/jobs/{imported.json()['id']}").json()["result"]["added"] == len(numbers)
    return program


def _link_in(text: str) -> str:
    found = LINK.findall(text)
    assert len(found) == 1, text
    return found[0]


def _apply_by_link(app: Flask, url: str) -> None:
    """The resident's phone browser (not signed in) opens the link and taps 申請する; the same
    link again is refused as used and changes nothing."""
    web = ResidentBrowser(app.test_client())
    opened = web.open(_path(url))
    assert opened.status_code == 200 and "申請する" in web.buttons()
    web.press("申請する")
    assert any("申請を受け付けました" in m for m in web.messages())
    web.press("申請する")  # the notice's button, still on the page: pressed again
    assert "すでに受け付けています" in web.last()
    again = ResidentBrowser(app.test_client())
    assert again.open(_path(url)).status_code == 410 and "すでに使われています" in again.html


def _notice_rows(container: Container, amount: str) -> list[dict[str, Any]]:
    with container.engine().connect() as connection:
        rows = connection.execute(select(outbox.c.id, outbox.c.channel, outbox.c.recipient,
                                         outbox.c.fallback_of, outbox.c.delivery_status,
                                         outbox.c.payload)).mappings()
        return [dict(r) for r in rows if amount in json_text(r["payload"])]
