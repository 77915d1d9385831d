"""Issue 18's story end to end, on the real parts (the app served over HTTP, LINE through the
simulator and the SDK, SMS through Twilio's SDK to the SMS stand-in, e-mail to the mail catcher,
the outbox's dispatcher delivering, the scheduled work run as the scheduler would): staff build
「65歳以上で2丁目、または防災を登録」, see its count, schedule a notice (a time already past is
refused, nothing written), and when its time comes it goes out once per person on their first
rung — LINE, SMS, e-mail, or 届かない; opens are counted. A 自治会 leader sends a circular and
sees who read it (in the chat, or on the page an SMS's link opens); residents answer the
satisfaction question; the dashboard, the surveys page and the monthly PDF show the figures.

The town: A, C, D, E are over 65 in 本町2丁目 (A on LINE and with a mobile number, C by SMS
only, D by e-mail only, E reachable by nothing); Y is 30 in 本町2丁目 and O over 65 in 本町3丁目
(both reachable, neither matches). F and G are LINE friends the registry does not know: F
subscribes to 防災 in the chat (the OR branch reaches F), G does not (an unknown age or area
matches nothing)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask import Flask
from flask.testing import FlaskClient
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from adapters.line.simulator.mail_catcher import MailCatcher
from adapters.line.simulator.sms import SmsStandIn
from application.jobs.scheduled_work import run_scheduled_work
from application.residents.profiles import refresh_profiles
from domain.channels import ChannelIdentity
from domain.residents import Verification
from domain.staff import Role
from domain.values import JST
from entrypoints.containers import Container
from tests import builders as b
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import csrf_of, make_leader, make_staff, sign_in, token
from tests.e2e.test_benefit_story_every_channel import _link_in, _path, json_text
from tests.e2e.test_benefit_story_every_channel import town as town  # a fixture
from tests.e2e.test_surveys_story import _inquire
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

OLD, YOUNG = dt.date(1950, 4, 1), dt.date(1995, 4, 1)
PHONE_A, PHONE_C, PHONE_O = "+819011110001", "+819011110003", "+819011110006"
MAIL_D = "d@example.jp"
TITLE = "避難訓練のお知らせ"
TEXT = "本町の避難訓練を行います。" + "当日は避難所の開設と備蓄品の確認を行います。" * 20
LINK = re.compile(r"https?://\S+?(/n/[A-Za-z0-9_-]+(/go/0)?)")
MAP = "https://www.town.example.jp/hinanjo"


class ShiftedClock:
    """The container's clock: real time, moved forward when the story says so."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


@pytest.fixture
def clock(container: Container) -> Iterator[ShiftedClock]:
    shifted = ShiftedClock()
    container.clock.override(providers.Object(shifted))
    yield shifted
    container.clock.reset_override()


def test_notices_circulars_and_surveys_reach_people_and_show_in_the_figures(
        clock: ShiftedClock, town: tuple[Stack, SmsStandIn, MailCatcher],
        app: Flask) -> None:
    stack, sms, mail = town
    container = stack.container
    line = _town(stack, clock)
    staff = _signed_in(app, container, "koho", Role.APPROVER)
    assert staff.post("/staff/interests", data={"csrf_token": token(staff), "key": "bousai",
                                                 "label": "防災"}).status_code == 302

    # F subscribes to 防災 from the menu's 「お知らせの設定」; G looks and leaves it.
    for user in (line["F"], line["G"]):
        stack.sim.send_text(user, "メニュー")
        stack.tap(user, "お知らせの設定")
    stack.tap(line["F"], "防災を登録する")
    assert "「防災」のお知らせをお届けします。" in stack.texts(line["F"])[-1]

    # Staff build the segment, see its live count, save it and open the compose page from it.
    month = clock.now().astimezone(JST).strftime("%Y-%m")
    condition = {"any": [{"all": [{"age": {"month": month, "min": 65}},
                                  {"area": ["本町2丁目"]}]}, {"interest": "bousai"}]}
    counted = staff.post("/staff/segments/count", headers={"X-CSRF-Token": token(staff)},
                         json={"condition": condition}).get_json()
    assert counted["count"] == 5  # A, C, D, E and F
    saved = staff.post("/staff/segments/new", data={
        "csrf_token": token(staff), "name": "高齢者（2丁目）と防災",
        "condition": json_text(condition)})
    segment_id = saved.location.rstrip("/").rsplit("/", 1)[1]
    assert "今の対象: 5人" in staff.get(saved.location).get_data(as_text=True)
    compose = staff.get(f"/staff/notices/new?segment={segment_id}").get_data(as_text=True)
    form = {"csrf_token": csrf_of(compose), "title": TITLE, "text": TEXT,
            "segment_name": _field(compose, "segment_name"),
            "condition": _textarea(compose, "condition"),
            "button_label_0": "避難所の地図", "button_url_0": MAP}

    # A time already past is refused, nothing written and the form kept; then 10 minutes on.
    past = staff.post("/staff/notices/", data=form | {"action": "schedule",
                                                      "when": _local(clock, minutes=-60)},
                      follow_redirects=True).get_data(as_text=True)
    assert "配信日時が過ぎています" in past and f'value="{TITLE}"' in past
    assert TITLE not in staff.get("/staff/notices/").get_data(as_text=True)
    scheduled = staff.post("/staff/notices/", data=form | {
        "csrf_token": token(staff), "action": "schedule", "when": _local(clock, minutes=10)},
        follow_redirects=True)
    assert "お知らせの配信を予約しました。" in scheduled.get_data(as_text=True)
    notice = scheduled.request.path
    seen = {who: len(stack.messages(user)) for who, user in line.items()}
    _run_scheduled_work(container)
    assert all(len(stack.messages(user)) == seen[who] for who, user in line.items())
    assert sms.inbox(PHONE_C) == [] and mail.inbox(MAIL_D) == []  # not before its time

    clock.offset += dt.timedelta(minutes=11)
    _run_scheduled_work(container)
    got = {who: [m for m in stack.messages(user)[seen[who]:] if TITLE in json_text(m)]
           for who, user in line.items()}
    assert {who: len(messages) for who, messages in got.items()} == {
        "A": 1, "Y": 0, "F": 1, "G": 0}
    [sms_c] = [m.body for m in sms.inbox(PHONE_C) if TITLE in m.body]
    assert sms.inbox(PHONE_A) == [] and sms.inbox(PHONE_O) == []  # A: LINE is the first rung
    [mail_d] = [m for m in mail.inbox(MAIL_D) if TITLE in m.part("plain")]

    # C opens the SMS's link twice (one open); D taps the mail's 避難所の地図 (one tap).
    for link in (_notice_link(sms_c), _notice_link(sms_c)):
        opened = app.test_client().get(link)
        assert opened.status_code == 200 and "本町の避難訓練" in opened.get_data(as_text=True)
    tapped = app.test_client().get(_notice_link(mail_d.part("plain")))
    assert tapped.status_code in (302, 303) and tapped.location == MAP
    sms.pump_callbacks()
    results = staff.get(notice).get_data(as_text=True)
    assert _result(results, "status") == "配信済み" and _result(results, "unreached") == "1"
    assert _by_channel(results) == {  # (people, sent, delivered, opened, tapped)
        "line": ("2", "2", "2", "0", "0"), "sms": ("1", "1", "1", "1", "0"),
        "email": ("1", "1", "1", "1", "1")}  # D's tap is a read too

    # The 自治会: staff import its members (A, C, D); its leader sends a circular.
    association = _association(staff, ["000000001", "000000002", "000000003"])
    make_leader(container, "kaicho", association_id=association)
    leader = _signed_in(app, container, "kaicho")
    sent = leader.post("/staff/circulars", data={
        "csrf_token": token(leader), "title": "夏祭りの回覧", "body": "8月1日に公園で開きます。"})
    assert sent.status_code == 302
    circular = [t for t in stack.texts(line["A"]) if "夏祭りの回覧" in t]
    assert circular == ["【回覧板】本町二丁目自治会\n夏祭りの回覧\n\n8月1日に公園で開きます。",
                        "回覧板: 夏祭りの回覧"]  # the circular and its 「読みました」 card
    [circular_c] = [m.body for m in sms.inbox(PHONE_C) if "夏祭りの回覧" in m.body]
    assert len([m for m in mail.inbox(MAIL_D) if "夏祭りの回覧" in m.part("plain")]) == 1
    assert sms.inbox(PHONE_A) == []  # A's circular came on LINE, A's first rung
    stack.tap(line["A"], "読みました")  # A in the chat; C on the page the SMS's link opens
    assert "確認済みにしました" in stack.texts(line["A"])[-1]
    web = ResidentBrowser(app.test_client())
    assert web.open(_path(_link_in(circular_c))).status_code == 200
    web.press("読みました")
    assert "確認済みにしました" in web.last()
    page = leader.get(sent.location).get_data(as_text=True)
    assert "既読: 2 / 3" in page
    assert _readers(page) == {"町民 A": "読みました", "町民 C": "読みました", "町民 D": "まだ"}

    # F and G make an お問い合わせ and rate it (5 and 2): the satisfaction question, one tap.
    for user, label in ((line["F"], "5 とても満足"), (line["G"], "2 不満")):
        assert _inquire(stack, user)[-1] == "この手続きの使いやすさを教えてください（任意）"
        stack.tap(user, label)

    # The figures: the surveys page, the dashboard and the month's PDF.
    viewer = _signed_in(app, container, "miru", Role.VIEWER)
    surveys = viewer.get("/staff/surveys").get_data(as_text=True)
    assert re.search(r'data-procedure="contact"><td>[^<]*</td><td class="num">2</td>', surveys)
    assert "3.50" in surveys
    kpi = viewer.get("/staff/kpi").get_data(as_text=True)
    label = f"{int(month[2:4]):02d}/{int(month[5:])}"
    assert re.search(r'data-figure="satisfaction">.*?3\.50', kpi, re.S)
    assert f'<td>{label}</td><td class="num">4</td>' in kpi  # LINE friends: A, Y, F, G
    assert re.search(r"<tr><td>お問い合わせ</td>(<td[^>]*>\d+</td>)*<td class=\"num\">2</td>"
                     r"</tr>", kpi)
    pdf = viewer.get(f"/staff/kpi/report.pdf?month={month}")
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and f"Madoguchi KPI {month}".encode() in pdf.data
    for figure in ("3.50（2件）", "4人"):  # satisfaction (2 answers); LINE friends
        assert _in_pdf(figure) in pdf.data, figure


def _town(stack: Stack, clock: ShiftedClock) -> dict[str, str]:
    """The registry's residents (verified, profiled) and their channels; the LINE users by name."""
    container = stack.container
    people = {"A": (OLD, 2), "C": (OLD, 2), "D": (OLD, 2), "E": (OLD, 2), "Y": (YOUNG, 2),
              "O": (OLD, 3)}
    now = clock.now()
    with container.uow() as uow:
        for n, (who, (born, chome)) in enumerate(people.items(), start=1):
            resident = b.resident(id=f"r-{who}", resident_number=f"00000000{n}",
                                  household_number=f"H{n}", name=f"町民 {who}",
                                  address=f"本町{chome}丁目{n}番", born=born)
            resident.verify(resident.facts, Verification(subject=f"s{n}", provider="dev",
                                                         assurance="card", verified_at=now))
            uow.residents.add(resident)
        uow.commit()
    refresh_profiles(actor=b.actor(), uow_factory=container.uow, clock=container.clock())
    line = {who: stack.resident(f"町民 {who}") for who in "AYFG"}
    for user in line.values():
        stack.sim.follow(user)
    with container.uow() as uow:
        for who in "AY":
            identity = uow.channel_identities.get_by_address("line", line[who])
            assert identity is not None
            identity.resident_id = f"r-{who}"
        for who, channel, address in (("A", "sms", PHONE_A), ("C", "sms", PHONE_C),
                                      ("D", "email", MAIL_D), ("O", "sms", PHONE_O)):
            identity = ChannelIdentity.first_seen(id=f"id-{who}", channel=channel,
                                                  address=address, at=now)
            identity.resident_id = f"r-{who}"
            uow.channel_identities.add(identity)
        uow.commit()
    return line


def _signed_in(app: Flask, container: Container, login: str,
               role: Role | None = None) -> FlaskClient:
    if role is not None:
        make_staff(container, login, role)
    client = app.test_client()
    assert sign_in(client, login).status_code == 302
    return client


def _local(clock: ShiftedClock, *, minutes: int) -> str:
    """A datetime-local field's value (Japan time), `minutes` from the container's now."""
    return (clock.now() + dt.timedelta(minutes=minutes)).astimezone(JST).strftime(
        "%Y-%m-%dT%H:%M")


def _run_scheduled_work(container: Container) -> None:
    run_scheduled_work(uow_factory=container.uow, queue=container.job_queue(),
                       ids=container.ids(), clock=container.clock())
    container.outbox_notifier().wake()


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return _unescape(found.group(1))


def _textarea(html: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]* name="{name}"[^>]*>([^<]*)</textarea>', html)
    assert found, name
    return _unescape(found.group(1))


def _unescape(text: str) -> str:
    return html.unescape(text)


def _notice_link(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return urllib.parse.urlsplit(found.group(0)).path


def _result(html: str, name: str) -> str:
    found = re.search(rf'data-result="{name}">([^<]*)<', html)
    assert found, name
    return found.group(1).strip()


def _by_channel(html: str) -> dict[str, tuple[str, ...]]:
    """The results table: channel → (people, sent, delivered, opened, tapped)."""
    rows = re.findall(r'<tr data-channel="(\w+)"><td>[^<]*</td><td>(\d+)</td>(.*?)</tr>', html,
                      re.S)
    return {channel: (people, *(dict(re.findall(r'data-result="(\w+)">(\d+)<', cells))[name]
                                for name in ("sent", "delivered", "opened", "tapped")))
            for channel, people, cells in rows}


def _association(staff: FlaskClient, numbers: list[str]) -> str:
    made = staff.post("/staff/associations", data={"csrf_token": token(staff),
                                                   "name": "本町二丁目自治会"})
    assert made.status_code == 302, made.get_data(as_text=True)
    association = made.location.rstrip("/").rsplit("/", 1)[1]
    listing = ("住民番号\r\n" + "".join(f"{n}\r\n" for n in numbers)).encode("cp932")
    imported = staff.post(f"/staff/associations/{association}/members", data={
        "file": (io.BytesIO(listing), "名簿.csv"), "csrf_token": token(staff)},
        content_type="multipart/form-data")
    assert imported.status_code == 302
    return association


def _in_pdf(text: str) -> bytes:
    """`text` as the report writes it in its (uncompressed) page, in its Japanese font."""
    return UnicodeCIDFont("HeiseiKakuGo-W5").formatForPdf(text).encode("latin-1")


def _readers(html: str) -> dict[str, str]:
    table = html.split("data-readers", 1)[1]
    return dict(re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td>", table))
