"""What residents read about a benefit: the notice and its buttons, the decision notice, the
status line, and which postbacks are notice taps."""

from __future__ import annotations

import pytest

from adapters.banks.zengin_master import ZenginBankMaster
from adapters.line.rendering import render
from application.benefits.notices import (
    NoticeTap,
    decision_notice,
    notice,
    parse_notice_tap,
    status_line,
)
from application.ports.bank_master import Bank, Branch
from domain.benefits import ApplicationStatus, PayoutMethod
from domain.values import BankAccount
from tests import builders

pytestmark = pytest.mark.unit


def test_a_notice_with_an_account_on_file_shows_it_masked_with_three_buttons() -> None:
    program = builders.program()
    application = builders.application(of_program=program)
    application.offered_account = builders.account(number="7654123")

    message = notice(program, application, banks=None)

    assert "70,000円" in message.text and "＊＊＊＊123" in message.text
    assert "7654123" not in message.text
    assert [c.label for c in message.choices] == ["はい", "いいえ", "別の口座にする"]
    assert [c.data for c in message.choices] == ["bnf:a1:yes", "bnf:a1:no", "bnf:a1:other"]
    render([message])  # within LINE's limits


def test_a_notice_without_an_account_asks_whether_to_apply() -> None:
    program = builders.program()
    message = notice(program, builders.application(of_program=program), banks=None)
    assert [c.label for c in message.choices] == ["申請する", "申請しない"]


def test_staff_placeholders_are_filled_and_nothing_else() -> None:
    program = builders.program()
    program.notice_text = "{program}として{amount}を支給します。{other}"
    message = notice(program, builders.application(of_program=program), banks=None)
    assert "物価高騰対策給付金として70,000円を支給します。{other}" in message.text


def test_the_decision_notice_says_how_it_is_paid_or_why_not() -> None:
    program = builders.program()
    approved = builders.application(of_program=program)
    approved.status, approved.payout_method = ApplicationStatus.APPROVED, PayoutMethod.ATM_CASH
    assert "受取方法: ATM現金受取" in decision_notice(program, approved, banks=None).text
    rejected = builders.application(of_program=program)
    rejected.status, rejected.decision_reason = ApplicationStatus.REJECTED, "転出のため"
    text = decision_notice(program, rejected, banks=None).text
    assert "理由: 転出のため" in text and "決定通知" in text


def test_the_status_line_says_when_the_account_is_being_checked() -> None:
    program = builders.program()
    application = builders.application(of_program=program)
    application.confirm(program=program, at=builders.OPENS,
                        payout_method=PayoutMethod.BANK_TRANSFER,
                        payee_account=builders.account(), passbook_photo="line:1")
    assert status_line(program, application).endswith("申請受付済み（口座を確認中）")


@pytest.mark.parametrize(("data", "expected"), [
    ("bnf:a1:yes", NoticeTap("a1", "yes")),
    ("bnf:a1:other", NoticeTap("a1", "other")),
    ("bnf:a1:maybe", None),
    ("bnf::yes", None),
    ("bnf:" + "x" * 40 + ":yes", None),
    ("dlg:3:yes", None),
    ("menu", None),
])
def test_only_well_formed_notice_taps_are_read(data: str, expected: NoticeTap | None) -> None:
    assert parse_notice_tap(data) == expected


def test_the_deadline_is_shown_in_japan_time() -> None:
    program = builders.program()  # closes 2026-08-01 00:00 UTC
    message = notice(program, builders.application(of_program=program), banks=None)
    assert "申請期限: 2026年8月1日 9:00まで" in message.text


BANKS = ZenginBankMaster.from_records(
    [Bank("0001", "みずほ", "ミズホ"), Bank("0005", "三菱ＵＦＪ", "ミツビシユ－エフジエイ"),
     Bank("1001", "北海道信金", "ホツカイドウシンキン"), Bank("9900", "ゆうちょ", "ユウチヨ")],
    [Branch("0001", "001", "東京営業部", "トウキヨウ"), Branch("0005", "001", "本店", "ホンテン"),
     Branch("0005", "004", "丸の内", "マルノウチ"),
     Branch("9900", "018", "〇一八", "ゼロイチハチ")])


@pytest.mark.parametrize(("bank", "branch", "shown"), [
    ("0005", "001", "振込先: 三菱ＵＦＪ銀行 本店 普通 ＊＊＊＊567"),
    ("0001", "001", "振込先: みずほ銀行 東京営業部 普通 ＊＊＊＊567"),
    ("0005", "004", "振込先: 三菱ＵＦＪ銀行 丸の内支店 普通 ＊＊＊＊567"),
    ("1001", "001", "振込先: 北海道信用金庫 支店コード001 普通 ＊＊＊＊567"),
    ("9900", "018", "振込先: ゆうちょ銀行 〇一八店 普通 ＊＊＊＊567"),
])
def test_the_decision_notice_names_the_bank_and_branch_in_full(bank, branch, shown) -> None:
    program = builders.program()
    approved = builders.application(of_program=program)
    approved.status, approved.payout_method = ApplicationStatus.APPROVED, \
        PayoutMethod.BANK_TRANSFER
    approved.payee_account = BankAccount.of(bank_code=bank, branch_code=branch,
                                            account_type="1", number="1234567",
                                            holder="ヤマダ タロウ")

    text = decision_notice(program, approved, banks=BANKS).text

    assert shown in text
    assert "支店支店" not in text and "本店支店" not in text


def test_the_notice_names_the_account_on_file_in_full() -> None:
    program = builders.program()
    application = builders.application(of_program=program)
    application.offered_account = builders.account(number="7654123")

    text = notice(program, application, banks=BANKS).text

    assert "振込先（前回の口座）: みずほ銀行 東京営業部 普通 ＊＊＊＊123" in text
