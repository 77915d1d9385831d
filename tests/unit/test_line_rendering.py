"""Rendering-neutral messages become the JSON the LINE Messaging API expects, within its limits."""

from __future__ import annotations

import pytest
from linebot.v3.messaging import (
    FlexMessage,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    TemplateMessage,
    TextMessage,
)

from adapters.line.rendering import render, request_body
from adapters.line.simulator.validation import validate_messages
from application.ports.messaging import SEND_LOCATION, Choice, MessageStyle, OutgoingMessage

pytestmark = pytest.mark.unit

YES_NO = (Choice("はい", "dlg:3:$yes"), Choice("いいえ", "dlg:3:$no"))


def test_a_plain_message_is_a_text_message() -> None:
    [message] = render([OutgoingMessage("受け付けました。")])

    assert isinstance(message, TextMessage)
    assert message.to_dict() == {"type": "text", "text": "受け付けました。"}


def test_quick_replies_are_postback_buttons_under_the_text() -> None:
    [message] = render([OutgoingMessage(
        "どのようなご用件ですか？", style=MessageStyle.QUICK_REPLY,
        choices=(Choice("ごみ・環境", "dlg:2:waste"),
                 Choice("みずほ", "dlg:2:0001", display_text="みずほ（0001）")),
    )])

    body = message.to_dict()
    assert body["type"] == "text" and body["text"] == "どのようなご用件ですか？"
    assert body["quickReply"]["items"] == [
        {"type": "action", "action": {"type": "postback", "label": "ごみ・環境",
                                      "data": "dlg:2:waste", "displayText": "ごみ・環境"}},
        {"type": "action", "action": {"type": "postback", "label": "みずほ",
                                      "data": "dlg:2:0001", "displayText": "みずほ（0001）"}},
    ]


def test_asking_for_a_place_is_lines_location_picker_among_the_quick_replies() -> None:
    [message] = render([OutgoingMessage(
        "場所を教えてください。", style=MessageStyle.QUICK_REPLY,
        choices=(Choice("位置情報を送る", SEND_LOCATION), Choice("やめる", "dlg:4:$cancel")))])

    body = message.to_dict()
    assert body["quickReply"]["items"][0] == {
        "type": "action", "action": {"type": "location", "label": "位置情報を送る"}}
    assert validate_messages([body]) == []
    with pytest.raises(ValueError, match="quick reply only"):
        render([OutgoingMessage("q", style=MessageStyle.BUTTONS,
                                choices=(Choice("位置情報を送る", SEND_LOCATION),))])


def test_a_plain_message_with_choices_keeps_them_as_quick_replies() -> None:
    [message] = render([OutgoingMessage("はいかいいえで", choices=YES_NO)])

    assert len(message.to_dict()["quickReply"]["items"]) == 2


def test_a_confirm_message_is_a_confirm_template() -> None:
    [message] = render([OutgoingMessage("この内容で送りますか？", style=MessageStyle.CONFIRM,
                                        choices=YES_NO, alt_text="送りますか？（はい／いいえ）")])

    assert isinstance(message, TemplateMessage)
    body = message.to_dict()
    assert body["altText"] == "送りますか？（はい／いいえ）"
    assert body["template"]["type"] == "confirm"
    assert body["template"]["text"] == "この内容で送りますか？"
    assert [a["data"] for a in body["template"]["actions"]] == ["dlg:3:$yes", "dlg:3:$no"]


def test_a_buttons_message_is_a_flex_bubble() -> None:
    [message] = render([OutgoingMessage(
        "物価高騰対策給付金 70,000円のお知らせです。登録済みの口座に振り込みます。",
        style=MessageStyle.BUTTONS,
        choices=(Choice("はい", "benefit:app-1:yes"), Choice("いいえ", "benefit:app-1:no"),
                 Choice("別の口座にする", "benefit:app-1:account")),
    )])

    assert isinstance(message, FlexMessage)
    body = message.to_dict()
    assert body["altText"].startswith("物価高騰対策給付金 70,000円")
    bubble = body["contents"]
    assert bubble["type"] == "bubble"
    assert bubble["body"]["contents"][0] == {"type": "text", "wrap": True,
                                             "text": message.contents.body.contents[0].text}
    buttons = bubble["footer"]["contents"]
    assert [b["type"] for b in buttons] == ["button"] * 3
    assert [b["action"]["data"] for b in buttons] == ["benefit:app-1:yes", "benefit:app-1:no",
                                                      "benefit:app-1:account"]
    assert buttons[0]["style"] == "primary"


def test_a_long_label_is_shortened_and_the_full_text_is_what_the_resident_sends() -> None:
    label = "東京ファッションタウン出張所（253）"  # 19 characters: fits
    longer = "ナショナル・オーストラリア・バンク・リミテッド"

    [message] = render([OutgoingMessage("候補です。", style=MessageStyle.QUICK_REPLY,
                                        choices=(Choice(label, "dlg:1:253"),
                                                 Choice(longer, "dlg:1:0484")))])

    first, second = (i["action"] for i in message.to_dict()["quickReply"]["items"])
    assert first["label"] == label
    assert len(second["label"]) == 20 and second["label"].endswith("…")
    assert second["displayText"] == longer


def test_a_long_alt_text_is_shortened_to_400() -> None:
    [message] = render([OutgoingMessage("あ" * 1000, style=MessageStyle.BUTTONS,
                                        choices=(Choice("はい", "x"),))])

    alt = message.to_dict()["altText"]
    assert len(alt) == 400 and alt.endswith("…")


@pytest.mark.parametrize(("messages", "limit"), [
    ([OutgoingMessage("x")] * 6, "at most 5"),
    ([], "1 to 5"),
    ([OutgoingMessage("")], "cannot be empty"),
    ([OutgoingMessage("あ" * 5001)], "LINE allows 5000"),
    ([OutgoingMessage("😀" * 2501)], "5002 UTF-16 units"),
    ([OutgoingMessage("q", style=MessageStyle.QUICK_REPLY,
                      choices=[Choice(f"{n}", f"d{n}") for n in range(14)])], "at most 13"),
    ([OutgoingMessage("q", choices=(Choice("長い", "d" * 301),))], "LINE allows 300"),
    ([OutgoingMessage("q", style=MessageStyle.CONFIRM, choices=YES_NO[:1])], "exactly 2"),
    ([OutgoingMessage("あ" * 241, style=MessageStyle.CONFIRM, choices=YES_NO)], "allows 240"),
    ([OutgoingMessage("q", style=MessageStyle.BUTTONS, choices=YES_NO * 3)], "1 to 4"),
    ([OutgoingMessage("q", style=MessageStyle.BUTTONS)], "1 to 4"),
    ([OutgoingMessage("q", choices=(Choice(" ", "d"),))], "needs a label"),
])
def test_what_line_would_refuse_is_refused_here_with_the_limit(
        messages: list[OutgoingMessage], limit: str) -> None:
    with pytest.raises(ValueError, match=limit):
        render(messages)


def test_five_messages_go_in_one_request() -> None:
    assert len(render([OutgoingMessage(f"{n}") for n in range(5)])) == 5


def test_every_style_passes_the_simulators_reading_of_lines_validation() -> None:
    long_label = Choice("ナショナル・オーストラリア・バンク・リミテッド", "dlg:1:0484")
    rendered = render([
        OutgoingMessage("お知らせ"),
        OutgoingMessage("選んでください", style=MessageStyle.QUICK_REPLY,
                        choices=(*YES_NO, long_label)),
        OutgoingMessage("送りますか？", style=MessageStyle.CONFIRM, choices=YES_NO),
        OutgoingMessage("あ" * 1000, style=MessageStyle.BUTTONS, choices=(*YES_NO, long_label)),
    ])

    assert validate_messages([message.to_dict() for message in rendered]) == []


EVERY_STYLE = [
    OutgoingMessage("受け付けました。"),
    OutgoingMessage("どのようなご用件ですか？", style=MessageStyle.QUICK_REPLY,
                    choices=(Choice("ナショナル・オーストラリア・バンク・リミテッド", "dlg:1:0484"),
                             Choice("位置情報を送る", SEND_LOCATION),
                             Choice("ページ", "", url='https://example.jp/p?a=1&b="2"'))),
    OutgoingMessage("送りますか？", style=MessageStyle.CONFIRM, choices=YES_NO, alt_text="確認"),
    OutgoingMessage("あ" * 450, style=MessageStyle.BUTTONS,
                    choices=(Choice("はい", "bnf:A1:yes", display_text="はい（この口座で申請）"),
                             Choice("いいえ", "bnf:A1:no"),
                             Choice("別の口座にする", "bnf:A1:other"))),
]


@pytest.mark.parametrize("messages", [EVERY_STYLE[:1], EVERY_STYLE[1:], EVERY_STYLE])
def test_a_request_body_is_what_the_sdk_would_send_for_its_request(
        messages: list[OutgoingMessage]) -> None:
    models = render(messages)

    assert request_body("push", "U1", messages) == PushMessageRequest(
        to="U1", messages=models).to_dict()
    assert request_body("multicast", ["U1", "U2"], messages) == MulticastRequest(
        to=["U1", "U2"], messages=models).to_dict()
    assert request_body("reply", "token", messages) == ReplyMessageRequest(
        reply_token="token", messages=models).to_dict()


def test_notices_of_one_shape_differ_only_in_their_own_strings() -> None:
    """The body is built once per shape: a second notice gets its own application id, text
    and recipient, and nothing of the first."""
    def notice(application_id: str, text: str) -> list[OutgoingMessage]:
        return [OutgoingMessage(text, style=MessageStyle.BUTTONS, alt_text="給付金のお知らせ",
                                choices=(Choice("はい", f"bnf:{application_id}:yes"),
                                         Choice("いいえ", f"bnf:{application_id}:no")))]

    first = request_body("push", "U1", notice("A1", "支給額は70,000円です。"))
    second = request_body("push", "U2", notice("A2", "支給額は50,000円です。"))

    assert "A1" not in str(second) and "70,000" not in str(second)
    assert second == PushMessageRequest(
        to="U2", messages=render(notice("A2", "支給額は50,000円です。"))).to_dict()
    assert first["to"] == "U1" and "bnf:A1:yes" in str(first)


def test_a_request_body_refuses_what_render_refuses() -> None:
    with pytest.raises(ValueError, match="exactly 2"):
        request_body("push", "U1", [OutgoingMessage("q", style=MessageStyle.CONFIRM,
                                                    choices=YES_NO[:1])])
