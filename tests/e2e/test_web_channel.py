"""The web channel end to end, as a phone's browser without JavaScript uses it (Flask's test
client, forms read from the page): start fresh, a dialog with typed answers, 戻る and やめる, a
photo, and sign-in by a one-time code sent to the resident's phone."""

from __future__ import annotations

import re

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from application.conversations.state import ConversationStatus
from domain.channels import ChannelIdentity
from entrypoints.containers import Container
from tests import builders as b
from tests.fakes import FakeClock
from tests.support.resident_page import ResidentBrowser, forms_of

pytestmark = pytest.mark.e2e

JPEG = b"\xff\xd8\xff\xe0" + b"a street light" * 10
PHONE = "+819012345678"


def _identity(container: Container, channel: str = "web") -> ChannelIdentity:
    with container.uow() as uow:
        found = [i for i in uow.channel_identities.linked_to("r1") if i.channel == channel]
        return found[0]


def _web_conversation_status(container: Container) -> ConversationStatus | None:
    with container.uow() as uow:
        [identity] = [uow.channel_identities.get_by_address("web", address)
                      for address in _web_addresses(container)]
        latest = uow.conversations.latest_for(identity.id)
        return latest.status if latest else None


def _web_addresses(container: Container) -> list[str]:
    from sqlalchemy import text

    with container.engine().connect() as connection:
        return list(connection.execute(text(
            "SELECT address FROM channel_identities WHERE channel = 'web'")).scalars())


def test_a_resident_starts_fresh_and_completes_a_dialog_with_back_and_a_photo(
    client: FlaskClient, container: Container,
) -> None:
    web = ResidentBrowser(client)
    web.open()
    assert "はじめる" in web.buttons() and "ログイン" in web.html

    web.press("はじめる")
    assert "ご用件をお選びください" in web.messages()[-1]
    assert {"本人確認", "お問い合わせ", "証明書の請求"} <= set(web.buttons())

    web.press("お問い合わせ")
    assert "お名前" in web.last()
    web.answer("山田 花子")
    assert "どのようなご用件" in web.last()
    web.press("戻る")  # back to the name, earlier answers kept
    assert "お名前" in web.last()
    web.answer("山田 花子")
    web.press("道路・公園")
    web.answer("短い")  # too short: explained, asked again
    assert "5文字以上" in " ".join(web.messages()[-2:])
    web.answer("本町2丁目の街灯が消えています。")
    web.press("はい")  # a photo, please
    assert "写真を1枚" in web.last()
    web.send_photo(JPEG)
    assert "道路・公園" in " ".join(web.messages()[-3:])  # the summary before the question
    web.press("はい")

    assert "お問い合わせを受け付けました" in web.said()
    assert _web_conversation_status(container) is ConversationStatus.COMPLETED
    with container.uow() as uow:
        conversation = uow.conversations.latest_for(
            uow.channel_identities.get_by_address("web", _web_addresses(container)[0]).id)
        kept = uow.attachments.get_by_ref(conversation.answers["photo"])
        assert kept is not None and kept.content == JPEG and kept.ref.startswith("web:")


def test_cancelling_a_dialog_on_the_page_ends_it(client: FlaskClient,
                                                container: Container) -> None:
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("お問い合わせ")
    web.answer("山田 花子")

    web.press("やめる")

    assert "やめました" in " ".join(web.messages()[-2:])
    assert _web_conversation_status(container) is ConversationStatus.CANCELLED
    assert "回答を入力" not in web.html  # no answer form once nothing is asked


def test_the_page_reads_in_english_after_the_switch_and_the_dialog_stays_japanese(
    client: FlaskClient, container: Container,
) -> None:
    web = ResidentBrowser(client)
    web.open()
    web.switch_language("English")
    assert '<html lang="en">' in web.html and "Start" in web.buttons()
    assert "日本語" in web.html and "はじめる" not in web.html

    web.press("Start")
    assert "ご用件をお選びください" in web.messages()[-1]  # the dialog as the town wrote it
    assert {"Menu", "Sign out", "お問い合わせ"} <= set(web.buttons())
    web.press("お問い合わせ")
    assert "Your answer" in web.html and "Send" in web.buttons()
    refused = client.post("/r/tap", data={"data": "menu", "t": "forged"})
    assert "The page has expired" in refused.get_data(as_text=True)
    assert "Page not found" in client.get("/r/no-such-page").get_data(as_text=True)

    web.open()
    web.switch_language("日本語")
    assert '<html lang="ja">' in web.html and "回答を入力" in web.html
    assert {"メニュー", "ログアウト"} <= set(web.buttons()) and "English" in web.html


def test_the_switch_comes_back_only_to_a_resident_page(client: FlaskClient) -> None:
    for elsewhere in ("https://evil.example/", "//evil.example/r/", "/staff/", "/r/\\evil"):
        answer = client.get("/r/lang/en", query_string={"next": elsewhere})
        assert answer.status_code == 302 and answer.headers["Location"] == "/r/"
    assert client.get("/r/lang/fr").status_code == 404


def test_a_resubmitted_form_is_one_event(client: FlaskClient, container: Container) -> None:
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("お問い合わせ")
    form = {"t": re.search(r'name="t" value="([^"]+)"', web.html)[1],  # type: ignore[index]
            "n": "resubmitted-nonce", "text": "山田 花子"}

    first = client.post("/r/text", data=form)
    again = client.post("/r/text", data=form)  # the browser's "send again"

    assert first.status_code == again.status_code == 303
    assert web.messages().count("どのようなご用件ですか？") == 1


def test_a_form_without_its_token_changes_nothing(client: FlaskClient,
                                                 container: Container) -> None:
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    before = web.messages()

    refused = client.post("/r/tap", data={"data": "start:contact", "t": "forged"})

    assert refused.status_code == 400 and "正しくない送信" in refused.get_data(as_text=True)
    assert web.messages() == before


def test_a_photo_that_is_no_image_is_refused(client: FlaskClient, container: Container) -> None:
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("お問い合わせ")
    web.answer("山田 花子")
    web.press("その他")
    web.answer("ゴミの収集日を知りたいです。")
    web.press("はい")

    refused = web.send_photo(b"MZ not a photo", name="a.exe")

    assert refused.status_code == 400 and "JPEGかPNG" in refused.get_data(as_text=True)
    assert "写真を1枚" in web.last()  # still asked


def test_a_report_gives_its_place_in_a_plain_form_and_two_photos(
        client: FlaskClient, container: Container) -> None:
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("道路・公園などの通報")
    web.press("街灯の故障")
    assert web.last().startswith("場所を教えてください。")
    assert "位置情報を送る" not in web.buttons()  # LINE's picker: the page has its own form
    [form] = [form for form in forms_of(web.html) if "address" in form.inputs]
    assert {"address", "latitude", "longitude"} <= set(form.inputs)

    refused = web.send_place("本町", latitude="北緯35度")
    assert refused.status_code == 400 and "数字" in refused.get_data(as_text=True)
    web.open()
    web.send_place("パリ", latitude="48.8584", longitude="2.2945")
    assert "日本国内の場所" in " ".join(web.messages()[-2:])  # explained, asked again
    web.send_place("本町2丁目5番の前", latitude="３５.５", longitude="139.25")
    assert "写真" in web.last()
    web.send_photo(JPEG)
    assert "写真を1枚受け取りました" in web.last()
    web.send_photo(JPEG)
    web.press("次へ")
    web.press("スキップ")  # no detail
    summary = " ".join(web.messages()[-2:])
    assert "・場所: 本町2丁目5番の前" in summary and "・写真: 写真（2枚）" in summary
    web.press("はい")

    assert "通報を受け付けました" in web.said()
    with container.uow() as uow:
        identity = uow.channel_identities.get_by_address("web", _web_addresses(container)[0])
        answers = uow.conversations.latest_for(identity.id).answers_on_path()
    assert answers["what"] == "street_light"
    assert answers["place"] == {"latitude": 35.5, "longitude": 139.25,
                                "address": "本町2丁目5番の前"}
    assert len(answers["photos"]) == 2 and answers["detail"] is None


# -- sign-in by a one-time code ------------------------------------------------------------------

@pytest.fixture
def clock(container: Container) -> FakeClock:
    fake = FakeClock()
    container.clock.override(providers.Object(fake))
    return fake


def _resident_on_sms(container: Container, clock: FakeClock) -> None:
    """r1, verified, heads h1 and is reached by SMS at PHONE."""
    with container.uow() as uow:
        head = b.resident(id="r1")
        head.verification_state = head.verification_state.VERIFIED
        uow.residents.add(head)
        uow.households.add(b.household())
        uow.commit()
    with container.uow() as uow:
        phone = ChannelIdentity.first_seen(id="sms1", channel="sms", address=PHONE,
                                           at=clock.now())
        phone.link("r1")
        uow.channel_identities.add(phone)
        uow.commit()


def _code_sent(container: Container) -> str:
    with container.uow() as uow:
        row = uow.queries.messages.transcript("sms", PHONE)[-1]
        return re.search(r"\d{6}", row.payload["messages"][0]["text"])[0]  # type: ignore[index]


def _ask_for_a_code(client: FlaskClient, typed: str = "090-1234-5678") -> None:
    sent = client.post("/r/sign-in", data={"address": typed})
    assert sent.status_code == 303 and sent.location.endswith("/r/sign-in/code")


def test_a_resident_signs_in_with_the_code_sent_to_their_phone(
    client: FlaskClient, container: Container, clock: FakeClock,
) -> None:
    _resident_on_sms(container, clock)
    _ask_for_a_code(client)

    signed_in = client.post("/r/sign-in/code", data={"code": _code_sent(container)})

    assert signed_in.status_code == 303 and signed_in.location.endswith("/r/")
    web = _identity(container)  # made for r1, linked like the phone
    assert web.channel == "web" and web.resident_id == "r1"
    page = ResidentBrowser(client)
    page.open()
    assert "ログアウト" in page.buttons()
    assert PHONE not in page.html and "+81" not in client.get("/r/").headers.get("Set-Cookie", "")


def test_a_wrong_code_is_refused_and_five_use_the_code_up(
    client: FlaskClient, container: Container, clock: FakeClock,
) -> None:
    _resident_on_sms(container, clock)
    _ask_for_a_code(client)
    right = _code_sent(container)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    first = client.post("/r/sign-in/code", data={"code": wrong})
    assert first.status_code == 400 and "コードが違います" in first.get_data(as_text=True)
    for _ in range(4):
        client.post("/r/sign-in/code", data={"code": wrong})
    late = client.post("/r/sign-in/code", data={"code": right})

    assert late.status_code == 400 and "使えなくなりました" in late.get_data(as_text=True)
    with container.uow() as uow:
        assert [i for i in uow.channel_identities.linked_to("r1") if i.channel == "web"] == []


def test_an_expired_code_is_refused(client: FlaskClient, container: Container,
                                    clock: FakeClock) -> None:
    _resident_on_sms(container, clock)
    _ask_for_a_code(client)
    clock.advance(minutes=11)

    late = client.post("/r/sign-in/code", data={"code": _code_sent(container)})

    assert late.status_code == 400 and "有効期限" in late.get_data(as_text=True)


def test_an_unknown_number_gets_the_same_answer_and_no_code(
    client: FlaskClient, container: Container, clock: FakeClock,
) -> None:
    _resident_on_sms(container, clock)

    _ask_for_a_code(client, "080-9999-0000")  # nobody's: the page does not say so

    with container.uow() as uow:
        assert list(uow.queries.messages.transcript("sms", "+818099990000")) == []
        assert list(uow.queries.messages.transcript("sms", PHONE)) == []
    assert client.post("/r/sign-in/code", data={"code": "123456"}).status_code == 400


@pytest.mark.parametrize("typed", ["12345", "090-1234", "hanako@", "電話"])
def test_a_malformed_number_or_address_is_refused_at_entry(
    client: FlaskClient, container: Container, typed: str,
) -> None:
    refused = client.post("/r/sign-in", data={"address": typed})

    assert refused.status_code == 400
    assert "正しくありません" in refused.get_data(as_text=True)


def test_the_resident_cookie_is_http_only_lax_and_secure_in_production(
    client: FlaskClient, container: Container,
) -> None:
    started = client.post("/r/start")
    cookie = started.headers["Set-Cookie"]

    assert cookie.startswith("madoguchi_resident=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Secure" not in cookie  # the tests' plain http
    assert "session=" not in cookie  # the staff session is another cookie
    container.config.environment.from_value("production")
    assert "Secure" in client.post("/r/start").headers["Set-Cookie"]
