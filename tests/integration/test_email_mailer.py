"""The e-mail adapter through smtplib against a real SMTP server (aiosmtpd) on a local port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adapters.email.mailer import SmtpMailer
from adapters.line.simulator.mail_catcher import MailCatcher, free_port
from application.ports.messaging import (
    Choice,
    DeliveryOutcome,
    MessageStyle,
    OutgoingMessage,
)
from tests.fakes import FakeLinkMaker
from tests.support.mail import mailer_for as pointed_at
from tests.support.mail import self_signed

pytestmark = pytest.mark.integration

NOTICE = OutgoingMessage(
    text="特別給付金（10万円）のお知らせです。\n申請しますか？ <b>太字</b> & 記号",
    choices=(Choice("はい", "apply:yes"), Choice("いいえ", "apply:no")),
    style=MessageStyle.BUTTONS, alt_text="特別給付金のお知らせ")
NEWS = OutgoingMessage(text="総社市のイベント情報です。", essential=False)


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    with MailCatcher() as server:
        yield server


@pytest.fixture
def mailer_for() -> Iterator[Callable[..., SmtpMailer]]:
    """The adapter pointed at a catcher; its kept connections are closed at teardown."""
    made: list[SmtpMailer] = []

    def make(catcher: MailCatcher, **options: object) -> SmtpMailer:
        made.append(pointed_at(catcher, **options))  # type: ignore[arg-type]
        return made[-1]
    yield make
    for mailer in made:
        mailer.close()


def test_a_notice_arrives_as_text_and_html_from_the_town_with_a_personal_link(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    links = FakeLinkMaker()

    result = mailer_for(catcher, links=links).send("taro@example.jp", [NOTICE],
                                                   idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    [mail] = catcher.inbox("taro@example.jp")
    message = mail.message
    assert message["From"].addresses[0].display_name == "総社市"
    assert message["From"].addresses[0].addr_spec == "noreply@city.soja.example.jp"
    assert message["Subject"] == "【総社市】特別給付金のお知らせ"
    assert message["Message-ID"].startswith("<outbox-1.")
    assert message["Date"].endswith("+0900")  # Japan time
    assert message["List-Unsubscribe"] is None  # a notice about her own benefit: essential
    assert links.made == [("email", "taro@example.jp", "outbox-1")]
    text, page = mail.part("plain"), mail.part("html")
    assert "https://madoguchi.test/r/1?m=outbox-1" in text
    assert 'href="https://madoguchi.test/r/1?m=outbox-1"' in page
    assert "&lt;b&gt;太字&lt;/b&gt; &amp; 記号" in page and "<b>太字" not in page
    assert "総社市" in text.split("-- ")[1] and "総社市" in page.split("<hr>")[1]


def test_the_japanese_subject_and_sender_are_encoded_as_utf8_words_on_the_wire(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    mailer_for(catcher).send("taro@example.jp", [NOTICE], idempotency_key="outbox-1")

    raw = catcher.mails[0].message.as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    assert head.isascii()
    assert b"Subject: =?utf-8?" in head and b"From: =?utf-8?" in head


def test_non_essential_mail_has_a_one_click_unsubscribe_and_no_personal_link(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    links = FakeLinkMaker()

    mailer_for(catcher, links=links).send("taro@example.jp", [NEWS], idempotency_key="n-1")

    [mail] = catcher.mails
    assert mail.message["List-Unsubscribe"] == "<https://madoguchi.test/mail/unsubscribe/TOKEN>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "配信停止" in mail.part("plain") and links.made == []


def test_a_group_goes_over_one_connection_one_mail_per_recipient(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    recipients = [f"r{i}@example.jp" for i in range(5)]

    groups = mailer_for(catcher).send_many(recipients, [NOTICE], idempotency_key="group:abc")

    assert [g for g, _ in groups] == [[r] for r in recipients]
    assert all(r.outcome is DeliveryOutcome.DELIVERED for _, r in groups)
    assert sorted(m.recipients[0] for m in catcher.mails) == recipients
    assert len({m.message["Message-ID"] for m in catcher.mails}) == 5
    assert not any(m.recipients[0] in m.message["Message-ID"] for m in catcher.mails)


def test_a_repeat_of_an_accepted_message_is_not_sent_again(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    mailer = mailer_for(catcher)

    first = mailer.send("taro@example.jp", [NOTICE], idempotency_key="outbox-1")
    again = mailer.send("taro@example.jp", [NOTICE], idempotency_key="outbox-1")

    assert (first.outcome, again.outcome) == (DeliveryOutcome.DELIVERED,) * 2
    assert again.detail == "already accepted" and len(catcher.mails) == 1


def test_an_unknown_mailbox_is_a_hard_bounce_and_the_rest_of_the_group_goes(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    catcher.unknown.add("gone@example.jp")

    groups = dict((g[0], r) for g, r in mailer_for(catcher).send_many(
        ["a@example.jp", "gone@example.jp", "b@example.jp"], [NOTICE], idempotency_key="g"))

    assert groups["gone@example.jp"].outcome is DeliveryOutcome.BLOCKED
    assert groups["gone@example.jp"].detail == "rcpt 550 (hard bounce)"
    assert groups["a@example.jp"].outcome is groups["b@example.jp"].outcome \
        is DeliveryOutcome.DELIVERED


def test_a_451_is_retried_later_and_the_retry_arrives_once(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    catcher.defer_every = 1
    mailer = mailer_for(catcher)

    first = mailer.send("taro@example.jp", [NOTICE], idempotency_key="outbox-1")
    catcher.defer_every = 0
    second = mailer.send("taro@example.jp", [NOTICE], idempotency_key="outbox-1")

    assert (first.outcome, first.detail) == (DeliveryOutcome.RETRY_LATER, "data 451")
    assert second.outcome is DeliveryOutcome.DELIVERED and len(catcher.mails) == 1


def test_a_server_that_is_down_means_try_again_later(mailer_for: Callable[..., SmtpMailer]) -> None:
    down = MailCatcher(port=free_port())  # never started
    groups = mailer_for(down).send_many(["a@example.jp", "b@example.jp"], [NOTICE],
                                        idempotency_key="g")

    assert [r.outcome for _, r in groups] == [DeliveryOutcome.RETRY_LATER] * 2
    assert groups[0][1].detail == "connect: ConnectionRefusedError"


def test_starttls_with_the_server_certificate_and_a_login(
        tmp_path: Path, mailer_for: Callable[..., SmtpMailer]) -> None:
    server_tls, client_tls = self_signed(tmp_path)
    with MailCatcher(tls_context=server_tls, login=("madoguchi", "s3cret")) as catcher:
        mailer = mailer_for(catcher, starttls=True, ssl_context=client_tls,
                            username="madoguchi", password="s3cret")
        result = mailer.send("taro@example.jp", [NOTICE], idempotency_key="outbox-1")
        wrong = mailer_for(catcher, starttls=True, ssl_context=client_tls,
                           username="madoguchi", password="wrong").send(
            "taro@example.jp", [NOTICE], idempotency_key="outbox-2")

        assert result.outcome is DeliveryOutcome.DELIVERED and len(catcher.mails) == 1
        assert (wrong.outcome, wrong.detail) == (DeliveryOutcome.RETRY_LATER, "auth 535")


def test_a_server_requiring_starttls_refuses_plain_mail_which_waits_for_the_settings(
        tmp_path: Path, mailer_for: Callable[..., SmtpMailer]) -> None:
    server_tls, _ = self_signed(tmp_path)
    with MailCatcher(tls_context=server_tls) as catcher:
        result = mailer_for(catcher, starttls=False).send("taro@example.jp", [NOTICE],
                                                          idempotency_key="outbox-1")

        assert (result.outcome, result.detail) == (DeliveryOutcome.RETRY_LATER, "mail 530")
        assert catcher.mails == []


def test_connections_are_kept_open_between_sends(catcher: MailCatcher,
                                                 mailer_for: Callable[..., SmtpMailer]) -> None:
    mailer = mailer_for(catcher)

    for number in range(5):
        mailer.send(f"r{number}@example.jp", [NOTICE], idempotency_key=f"outbox-{number}")
    mailer.send_many(["a@example.jp", "b@example.jp"], [NOTICE], idempotency_key="g")

    assert len(catcher.mails) == 7 and len(catcher.peers) == 1


def test_a_kept_connection_the_server_closed_is_replaced(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer],
        monkeypatch: pytest.MonkeyPatch) -> None:
    mailer = mailer_for(catcher)
    mailer.send("a@example.jp", [NOTICE], idempotency_key="outbox-1")
    [(kept, _)] = list(mailer._idle.queue)
    kept.sock.close()  # as a server's idle timeout would
    monkeypatch.setattr("adapters.email.mailer.IDLE_CHECK", 0.0)

    result = mailer.send("b@example.jp", [NOTICE], idempotency_key="outbox-2")

    assert result.outcome is DeliveryOutcome.DELIVERED and len(catcher.mails) == 2


def test_a_malformed_recipient_never_reaches_the_envelope_or_a_header(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer]) -> None:
    result = mailer_for(catcher).send("taro@example.jp\r\nBcc: all@example.jp", [NOTICE],
                                      idempotency_key="outbox-1")

    assert (result.outcome, result.detail) == (DeliveryOutcome.REJECTED, "malformed address")
    assert catcher.mails == []


def test_a_mail_the_server_refuses_at_data_is_rejected_and_the_address_kept(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catcher, "accept", lambda envelope: "554 5.7.1 Message refused")

    result = mailer_for(catcher).send("taro@example.jp", [NOTICE], idempotency_key="outbox-1")

    assert (result.outcome, result.detail) == (DeliveryOutcome.REJECTED, "data 554")


@pytest.mark.parametrize(("first_line", "subject"), [
    ("【特別給付金 決定通知】", "【総社市】特別給付金 決定通知"),  # its own heading: one pair
    ("総社市の確認コード: 123456", "【総社市】確認コード: 123456"),  # the town named once
    ("総社市", "【総社市】総社市"),
])
def test_the_subject_names_the_town_once_in_one_pair_of_brackets(
        catcher: MailCatcher, mailer_for: Callable[..., SmtpMailer], first_line: str,
        subject: str) -> None:
    message = OutgoingMessage(text=f"{first_line}\n本文です。")

    mailer_for(catcher).send("taro@example.jp", [message], idempotency_key="outbox-2")

    [mail] = catcher.inbox("taro@example.jp")
    assert mail.message["Subject"] == subject
