"""The benefit account dialog (別の口座にする) as a resident goes through it: banks and branches
named exactly are taken without a list, ゆうちょ passbooks are entered as printed and shown in
both forms, account numbers and holder names are read as people type them."""

from __future__ import annotations

import pytest

from adapters.banks.zengin_master import ZenginBankMaster
from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.benefits.entering_account import _account
from application.conversations.engine import ConversationEngine, Turn
from application.conversations.inputs import Input
from application.ports.bank_master import Bank, Branch
from tests.fakes import FakeClock

pytestmark = pytest.mark.unit

MASTER = ZenginBankMaster.from_records(
    [Bank("0001", "みずほ", "ミズホ"), Bank("0005", "三菱ＵＦＪ", "ミツビシユ－エフジエイ"),
     Bank("0289", "みずほ信託", "ミズホシンタク"), Bank("9900", "ゆうちょ", "ユウチヨ")],
    [Branch("0001", "001", "東京営業部", "トウキヨウ"),
     Branch("0001", "004", "丸の内中央", "マルノウチチユウオウ"),
     Branch("0005", "001", "本店", "ホンテン"), Branch("9900", "018", "〇一八", "ゼロイチハチ")])


@pytest.fixture
def engine() -> ConversationEngine:
    return ConversationEngine({BENEFIT_ACCOUNT.id: BENEFIT_ACCOUNT}, FakeClock(), MASTER)


def talk(engine: ConversationEngine, *replies: str | Input) -> Turn:
    turn = engine.start("c1", "identity-1", BENEFIT_ACCOUNT.id)
    for reply in replies:
        turn = engine.handle(turn.conversation,
                             Input.typed(reply) if isinstance(reply, str) else reply)
    return turn


def text(turn: Turn) -> str:
    return "\n".join(message.text for message in turn.messages)


@pytest.mark.parametrize("bank", ["みずほ", "みずほ銀行", "0001", "ミズホ", "０００１"])
@pytest.mark.parametrize("branch", ["001", "東京営業部", "東京営業部支店"])
def test_a_bank_and_branch_named_exactly_are_taken_without_a_list(engine, bank, branch) -> None:
    turn = talk(engine, bank)
    assert "金融機関は「みずほ銀行」ですね。" in text(turn)
    assert turn.conversation.step_key == "branch"

    turn = talk(engine, bank, branch)

    assert turn.conversation.answers == {"bank": "0001", "branch": "001"}
    assert turn.conversation.step_key == "account_type"


def test_a_part_of_a_name_still_offers_candidates(engine) -> None:
    turn = talk(engine, "みず")
    assert [c.label for c in turn.messages[0].choices] == ["みずほ", "みずほ信託", "別の名前で探す"]
    assert turn.conversation.step_key == "bank"


def test_the_whole_dialog_takes_seven_turns_for_a_bank_named_exactly(engine) -> None:
    turn = talk(engine, "みずほ", "001", "普通", "123-4567", "やまだ　たろう",
                Input.photo("line:1"))
    assert "・口座番号: 1234567" in text(turn) and "・口座名義（カナ）: ヤマダ タロウ" in text(turn)
    assert "・金融機関: みずほ銀行（0001）" in text(turn)
    assert "・支店: 東京営業部（001）" in text(turn)

    done = engine.handle(turn.conversation, Input.typed("はい"))

    assert done.finished
    account = _account(done.answers)
    assert (account.bank_code, account.branch_code, account.number) == ("0001", "001", "1234567")


@pytest.mark.parametrize("typed", ["１２３４５６７", "やまぐち1ろう", "YAMADA"])
def test_a_holder_name_that_is_not_kana_is_refused_and_asked_again(engine, typed) -> None:
    turn = talk(engine, "みずほ", "001", "普通", "1234567", typed)

    assert "カナで入力してください" in text(turn)
    assert turn.conversation.step_key == "holder"


def test_a_yucho_passbook_is_entered_as_printed_and_shown_in_both_forms(engine) -> None:
    turn = talk(engine, "ゆうちょ")
    assert turn.conversation.step_key == "yucho_symbol" and "記号" in text(turn)

    turn = talk(engine, "ゆうちょ", "10180", "12345671", "ヤマダ タロウ", Input.photo("line:1"))

    summary = text(turn)
    assert "・記号: 10180" in summary
    assert ("・記号番号: 10180-12345671（振込用: 店番 018（〇一八） 普通 口座番号 1234567）"
            in summary)
    done = engine.handle(turn.conversation, Input.typed("はい"))
    account = _account(done.answers)
    assert (account.bank_code, account.branch_code, account.account_type.label,
            account.number) == ("9900", "018", "普通", "1234567")


@pytest.mark.parametrize(("symbol", "number", "says"), [
    ("20180", None, "0か1で始まります"),
    ("10180", "12345670", "最後が1"),
    ("00530", "12345678", "7桁まで"),
])
def test_an_impossible_yucho_passbook_is_refused_at_its_question(engine, symbol, number,
                                                                 says) -> None:
    replies = ["ゆうちょ", symbol] + ([number] if number else [])

    turn = talk(engine, *replies)

    assert says in text(turn)
    assert turn.conversation.step_key == ("yucho_number" if number else "yucho_symbol")
