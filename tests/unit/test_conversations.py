"""The conversation engine, driven the way a resident drives it: typing and tapping."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from application.conversations.engine import ConversationEngine, Turn
from application.conversations.inputs import Input
from application.conversations.library import CONTACT
from application.conversations.procedures import (
    CONFIRM,
    AnswerType,
    Branch,
    Option,
    Procedure,
    Step,
)
from application.conversations.state import Conversation, ConversationStatus
from application.ports.bank_master import Bank
from application.ports.bank_master import Branch as BankBranch
from application.ports.messaging import Choice, MessageStyle
from domain.errors import NotFound
from tests.fakes import FakeClock

pytestmark = pytest.mark.unit

STALE = "その質問はすでに終わっています。"
EXPIRED = "前回の手続きは時間切れになりました。もう一度はじめからお願いします。"

BANKS = [
    Bank("0001", "みずほ", "ミズホ"),
    Bank("0005", "三菱ＵＦＪ", "ミツビシユ－エフジエイ"),
    Bank("0289", "みずほ信託", "ミズホシンタク"),
    Bank("9900", "ゆうちょ", "ユウチヨ"),
]
BRANCHES = [
    BankBranch("0001", "001", "東京営業部", "トウキヨウ"),
    BankBranch("0001", "004", "丸の内中央", "マルノウチチユウオウ"),
    BankBranch("0005", "001", "本店", "ホンテン"),
    BankBranch("9900", "019", "〇一九", "ゼロイチキユウ"),
]


class FakeBankMaster:
    """Substring search over a handful of banks: enough to drive the engine."""

    def __init__(self, banks: list[Bank] | None = None) -> None:
        self.banks = BANKS if banks is None else banks

    def search_banks(self, query: str, limit: int = 12) -> list[Bank]:
        return [b for b in self.banks
                if query == b.code or query in b.name or query in b.kana][:limit]

    def bank(self, code: str) -> Bank | None:
        return next((b for b in self.banks if b.code == code), None)

    def search_branches(self, bank_code: str, query: str, limit: int = 12) -> list[BankBranch]:
        return [b for b in BRANCHES if b.bank_code == bank_code
                and (query == b.code or query in b.name or query in b.kana)][:limit]

    def branch(self, bank_code: str, code: str) -> BankBranch | None:
        return next((b for b in BRANCHES if (b.bank_code, b.code) == (bank_code, code)), None)

    def exact_bank(self, query: str) -> Bank | None:
        named = [b for b in self.banks if query in {b.code, b.name, b.full_name, b.kana}]
        return named[0] if len(named) == 1 else None

    def exact_branch(self, bank_code: str, query: str) -> BankBranch | None:
        named = [b for b in BRANCHES if b.bank_code == bank_code
                 and query in {b.code, b.name, b.full_name, b.kana}]
        return named[0] if len(named) == 1 else None


ACCOUNT = Procedure(
    id="account", title="振込口座の登録",
    steps=(
        Step(key="bank", label="金融機関", answer=AnswerType.BANK,
             question="振込先の金融機関はどちらですか？"),
        Step(key="branch", label="支店", answer=AnswerType.BRANCH, bank_step="bank",
             question="{answers.bank}の支店を教えてください。"),
        Step(key="number", label="口座番号", answer=AnswerType.TEXT, pattern=r"[0-9]{7}",
             pattern_message="口座番号は7桁の数字で入力してください。",
             question="口座番号を教えてください。"),
    ),
)

HOUSEHOLD = Procedure(
    id="household", title="世帯の確認", confirm=False, ttl_minutes=10,
    completion_message="{answers.members}人世帯で受け付けました。",
    steps=(
        Step(key="born", label="生年月日", answer=AnswerType.DATE, not_future=True,
             question="世帯主の生年月日を教えてください。"),
        Step(key="members", label="人数", answer=AnswerType.NUMBER, min_value=1, max_value=20,
             question="世帯の人数は何人ですか？"),
        Step(key="note", label="備考", answer=AnswerType.TEXT, required=False,
             question="ほかに伝えたいことがあれば書いてください。"),
    ),
)

PREFECTURES = Procedure(
    id="prefecture", title="転入元",
    steps=(
        Step(key="from", label="転入元", answer=AnswerType.CHOICE, question="どこから来ましたか？",
             choices=tuple(Option(f"p{n:02d}", f"県{n:02d}") for n in range(1, 31))),
    ),
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(clock: FakeClock) -> ConversationEngine:
    return ConversationEngine(
        {p.id: p for p in (CONTACT, ACCOUNT, HOUSEHOLD, PREFECTURES)}, clock, FakeBankMaster())


def choices(turn: Turn) -> list[Choice]:
    return [choice for message in turn.messages for choice in message.choices]


def labels(turn: Turn) -> list[str]:
    return [choice.label for choice in choices(turn)]


def texts(turn: Turn) -> list[str]:
    return [message.text for message in turn.messages]


def tap(turn: Turn, label: str) -> Input:
    """Tapping the button called `label` among the replies of `turn`."""
    for choice in choices(turn):
        if choice.label == label:
            return Input.tapped(choice.data)
    raise AssertionError(f"no button {label!r} among {labels(turn)}")


def talk(engine: ConversationEngine, turn: Turn, *replies: str | Input) -> Turn:
    """Each reply in order (a str is typed); the last turn."""
    for reply in replies:
        received = Input.typed(reply) if isinstance(reply, str) else reply
        turn = engine.handle(turn.conversation, received)
    return turn


def state(conversation: Conversation) -> dict[str, Any]:
    """Every persisted field, through JSON: what the database would hold."""
    return json.loads(json.dumps(conversation.to_dict()))


def contact_until_photo_question(engine: ConversationEngine) -> Turn:
    turn = engine.start("c1", "identity-1", "contact")
    turn = talk(engine, turn, "山田 太郎")
    turn = talk(engine, turn, tap(turn, "ごみ・環境"), "集積所のネットが破れています。")
    assert texts(turn)[-1] == "写真を添えますか？"
    return turn


# -- the whole way through ---------------------------------------------------------------------

def test_a_resident_sends_a_contact_with_a_photo(engine: ConversationEngine) -> None:
    turn = contact_until_photo_question(engine)
    turn = talk(engine, turn, tap(turn, "はい"), Input.photo("photo-123"))

    summary = texts(turn)[0]
    assert "・お名前: 山田 太郎" in summary and "・ご用件: ごみ・環境" in summary
    assert "・写真: 写真（1枚）" in summary
    assert turn.messages[-1].style is MessageStyle.CONFIRM
    assert turn.conversation.status is ConversationStatus.CONFIRMING

    done = talk(engine, turn, tap(turn, "はい"))

    assert done.finished and not done.cancelled
    assert done.answers == {"name": "山田 太郎", "topic": "waste",
                            "detail": "集積所のネットが破れています。", "wants_photo": True,
                            "photo": "photo-123"}
    assert texts(done) == [CONTACT.completion_message]
    assert done.conversation.status is ConversationStatus.COMPLETED


def test_an_earlier_answer_fills_a_later_question(engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), "山田")
    turn = talk(engine, turn, tap(turn, "その他"))

    assert texts(turn)[-1].startswith("山田さん、お問い合わせの内容を詳しく教えてください。")


def test_no_photo_branches_straight_to_the_confirmation(engine: ConversationEngine) -> None:
    turn = contact_until_photo_question(engine)
    turn = talk(engine, turn, tap(turn, "いいえ"))

    assert turn.conversation.status is ConversationStatus.CONFIRMING
    assert "写真" not in texts(turn)[0].split("写真を添える")[1]
    done = talk(engine, turn, "はい")
    assert done.answers["wants_photo"] is False and "photo" not in done.answers


def test_answers_left_behind_on_another_branch_are_not_submitted(
        engine: ConversationEngine) -> None:
    turn = contact_until_photo_question(engine)
    turn = talk(engine, turn, tap(turn, "はい"), Input.photo("photo-1"), "戻る", "戻る")
    assert texts(turn)[-1].startswith("写真を添えますか？")

    turn = talk(engine, turn, tap(turn, "いいえ"), "はい")

    assert turn.finished and "photo" not in turn.answers


# -- mistakes change nothing -------------------------------------------------------------------

@pytest.mark.parametrize(("replies", "mistake", "explanation"), [
    ((), "", "文字を入力してください。"),
    ((), Input.photo("p"), "ここでは写真ではなく、文字かボタンで答えてください。"),
    (("山田",), "天気", "下のボタンから選んでください。"),
    (("山田", "ごみ"), "短い", "5文字以上で入力してください。"),
    (("山田", "ごみ", "ネットが破れています"), "たぶん", "「はい」か「いいえ」で答えてください。"),
    (("山田", "ごみ", "ネットが破れています", "はい"), "写真です", "写真を送ってください。"),
])
def test_an_invalid_answer_is_explained_and_the_same_question_asked_again(
        engine: ConversationEngine, replies: tuple[str, ...], mistake: str | Input,
        explanation: str) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), *replies)
    before = state(turn.conversation)

    again = talk(engine, turn, mistake)

    assert texts(again)[0] == explanation
    assert again.messages[1:] == turn.messages[-1:]
    assert state(again.conversation) == before


def test_a_date_and_a_number_are_checked(engine: ConversationEngine, clock: FakeClock) -> None:
    turn = engine.start("c1", "identity-1", "household")

    assert texts(talk(engine, turn, "4月1日"))[0].startswith("日付は 2026-04-01 のように")
    assert texts(talk(engine, turn, "2026-06-02"))[0] == "未来の日付は入力できません。"
    turn = talk(engine, turn, "昭和60年4月1日")
    assert texts(talk(engine, turn, "３．５"))[0] == "数字は整数で入力してください。"
    assert texts(talk(engine, turn, "21"))[0] == "1から20までの数字で入力してください。"

    done = talk(engine, turn, "４", "スキップ")

    assert done.answers == {"born": "1985-04-01", "members": 4, "note": None}
    assert texts(done) == ["4人世帯で受け付けました。"]


# -- moving around -----------------------------------------------------------------------------

def test_back_returns_to_the_previous_question_keeping_the_answer(
        engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), "山田 太郎")
    turn = talk(engine, turn, tap(turn, "戻る"))

    assert texts(turn) == ["お名前を教えてください。\n（前回の回答: 山田 太郎）"]
    assert turn.conversation.answers == {"name": "山田 太郎"}
    assert turn.conversation.history == []
    assert turn.conversation.turn == 3


def test_back_at_the_first_question_changes_nothing(engine: ConversationEngine) -> None:
    turn = engine.start("c1", "identity-1", "contact")
    before = state(turn.conversation)

    again = talk(engine, turn, "戻る")

    assert texts(again)[0] == "これより前の質問はありません。"
    assert state(again.conversation) == before


def test_start_over_clears_the_answers(engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), "山田 太郎")
    turn = talk(engine, turn, tap(turn, "道路・公園"), "最初から")

    assert texts(turn) == ["最初からやり直します。", "お名前を教えてください。"]
    assert turn.conversation.answers == {} and turn.conversation.history == []
    assert turn.conversation.step_key == "name"


@pytest.mark.parametrize("how", ["typed", "tapped"])
def test_cancel_ends_the_conversation(engine: ConversationEngine, how: str) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), "山田 太郎")

    done = talk(engine, turn, "やめる" if how == "typed" else tap(turn, "やめる"))

    assert done.cancelled and not done.finished
    assert done.conversation.status is ConversationStatus.CANCELLED
    assert texts(done) == ["手続きをやめました。また必要なときに始めてください。"]


def test_a_finished_conversation_says_so_and_changes_nothing(engine: ConversationEngine) -> None:
    done = talk(engine, engine.start("c1", "identity-1", "contact"), "やめる")
    before = state(done.conversation)

    again = talk(engine, done, "山田")

    assert texts(again) == ["この手続きはすでに終わっています。"]
    assert state(again.conversation) == before


def test_a_long_list_of_options_is_shown_a_page_at_a_time(engine: ConversationEngine) -> None:
    turn = engine.start("c1", "identity-1", "prefecture")
    assert labels(turn) == [*(f"県{n:02d}" for n in range(1, 12)), "次へ", "やめる"]

    page_two = talk(engine, turn, tap(turn, "次へ"))
    assert labels(page_two)[:2] == ["県12", "県13"]
    assert "選択肢 12〜22（全30件）" in texts(page_two)[0]
    last = talk(engine, page_two, tap(page_two, "次へ"))
    assert labels(last) == [*(f"県{n:02d}" for n in range(23, 31)), "最初の候補へ", "やめる"]
    assert page_two.conversation.turn == turn.conversation.turn

    done = talk(engine, last, tap(last, "県25"), "はい")
    assert done.answers == {"from": "p25"}


def test_a_label_can_be_typed_instead_of_tapped(engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "prefecture"), "県29", "はい")

    assert turn.answers == {"from": "p29"}


# -- confirmation --------------------------------------------------------------------------------

def test_no_at_the_confirmation_offers_to_go_back_start_over_or_stop(
        engine: ConversationEngine) -> None:
    turn = contact_until_photo_question(engine)
    confirming = talk(engine, turn, tap(turn, "いいえ"))
    before = state(confirming.conversation)

    declined = talk(engine, confirming, tap(confirming, "いいえ"))

    assert labels(declined) == ["戻る", "最初から", "やめる"]
    assert state(declined.conversation) == before
    restarted = talk(engine, declined, tap(declined, "最初から"))
    assert restarted.conversation.step_key == "name" and restarted.conversation.answers == {}


def test_back_from_the_confirmation_returns_to_the_last_question(
        engine: ConversationEngine) -> None:
    turn = contact_until_photo_question(engine)
    confirming = talk(engine, turn, tap(turn, "いいえ"))

    back = talk(engine, confirming, "戻る")

    assert back.conversation.status is ConversationStatus.ACTIVE
    assert back.conversation.step_key == "wants_photo"


# -- stale taps, other postbacks ---------------------------------------------------------------

def test_a_tap_on_an_earlier_question_is_refused_politely(engine: ConversationEngine) -> None:
    first = talk(engine, engine.start("c1", "identity-1", "contact"), "山田 太郎")
    turn = talk(engine, first, tap(first, "ごみ・環境"))
    before = state(turn.conversation)

    again = talk(engine, turn, tap(first, "道路・公園"))

    assert texts(again) == [STALE, *texts(turn)]
    assert state(again.conversation) == before


@pytest.mark.parametrize("data", ["dlg:", "dlg:x:waste", "dlg:2", "dlg:2:no-such-option"])
def test_a_malformed_or_unoffered_tap_changes_nothing(engine: ConversationEngine,
                                                      data: str) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), "山田 太郎")
    before = state(turn.conversation)

    again = talk(engine, turn, Input.tapped(data))

    assert texts(again)[0] == STALE
    assert state(again.conversation) == before


def test_postbacks_of_other_features_are_not_the_engines_business(
        engine: ConversationEngine) -> None:
    turn = engine.start("c1", "identity-1", "contact")

    with pytest.raises(ValueError, match="route it elsewhere"):
        engine.handle(turn.conversation, Input.tapped("benefit:confirm:app-1"))


def test_an_unknown_procedure_cannot_start(engine: ConversationEngine) -> None:
    with pytest.raises(NotFound):
        engine.start("c1", "identity-1", "no-such-procedure")


# -- time ----------------------------------------------------------------------------------------

def test_an_idle_conversation_expires_and_starts_again(engine: ConversationEngine,
                                                       clock: FakeClock) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), "山田 太郎")
    clock.advance(minutes=30)

    again = talk(engine, turn, tap(turn, "ごみ・環境"))

    assert texts(again)[0] == EXPIRED
    assert texts(again)[-1] == "お名前を教えてください。"
    conversation = again.conversation
    assert conversation.status is ConversationStatus.ACTIVE and conversation.answers == {}
    assert conversation.started_at == clock.now()
    assert conversation.expires_at == clock.now() + dt.timedelta(minutes=30)


def test_each_answer_gives_the_resident_more_time(engine: ConversationEngine,
                                                  clock: FakeClock) -> None:
    turn = engine.start("c1", "identity-1", "contact")
    clock.advance(minutes=20)
    turn = talk(engine, turn, "山田 太郎")
    clock.advance(minutes=20)

    turn = talk(engine, turn, tap(turn, "その他"))

    assert turn.conversation.step_key == "detail"


def test_a_cleanup_job_marks_idle_conversations_expired(engine: ConversationEngine,
                                                        clock: FakeClock) -> None:
    turn = engine.start("c1", "identity-1", "household")
    assert not engine.expire_if_idle(turn.conversation)
    clock.advance(minutes=10)

    assert engine.expire_if_idle(turn.conversation)
    assert turn.conversation.status is ConversationStatus.EXPIRED
    assert texts(talk(engine, turn, "hello"))[0] == EXPIRED


def test_a_conversation_resumes_from_its_stored_fields(engine: ConversationEngine,
                                                       clock: FakeClock) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "contact"), "山田 太郎")
    stored = json.dumps(turn.conversation.to_dict())
    clock.advance(minutes=25)

    resumed = Conversation.from_dict(json.loads(stored))
    turn = engine.handle(resumed, tap(turn, "子育て・教育"))
    turn = talk(engine, turn, "保育園の空きを知りたいです。", "いいえ", "はい")

    assert turn.finished and turn.answers["topic"] == "childcare"
    assert Conversation.from_dict(turn.conversation.to_dict()).to_dict() == \
        turn.conversation.to_dict()


# -- banks -----------------------------------------------------------------------------------------

def test_a_bank_and_branch_are_picked_from_matches(engine: ConversationEngine) -> None:
    turn = engine.start("c1", "identity-1", "account")

    found = talk(engine, turn, "みず")
    assert labels(found) == ["みずほ", "みずほ信託", "別の名前で探す"]
    assert choices(found)[0].display_text == "みずほ銀行（0001）"
    assert found.conversation.turn == turn.conversation.turn  # still the same question

    turn = talk(engine, found, tap(found, "みずほ"))
    assert texts(turn)[0].startswith("みずほ銀行（0001）の支店を教えてください。")
    branches = talk(engine, turn, "東京")
    turn = talk(engine, branches, tap(branches, "東京営業部"), "123456")
    assert texts(turn)[0] == "口座番号は7桁の数字で入力してください。"
    turn = talk(engine, turn, "１２３４５６７")
    assert "・支店: 東京営業部（001）" in texts(turn)[0]

    done = talk(engine, turn, "はい")
    assert done.answers == {"bank": "0001", "branch": "001", "number": "1234567"}


def test_a_bank_name_that_matches_nothing_is_explained(engine: ConversationEngine) -> None:
    turn = engine.start("c1", "identity-1", "account")
    before = state(turn.conversation)

    again = talk(engine, turn, "存在しない銀行")

    assert texts(again)[0] == ("「存在しない銀行」に当てはまる金融機関が見つかりませんでした。"
                               "別の書き方か、コードで送ってください。")
    assert state(again.conversation) == before


def test_at_most_twelve_banks_are_offered(clock: FakeClock) -> None:
    many = [Bank(f"{n:04d}", f"テスト{n}", "テスト") for n in range(1, 21)]
    engine = ConversationEngine({"account": ACCOUNT}, clock, FakeBankMaster(many))

    found = talk(engine, engine.start("c1", "identity-1", "account"), "テスト")

    assert len(labels(found)) == 13 and labels(found)[-1] == "別の名前で探す"
    assert "12件まで表示しています" in texts(found)[0]


def test_another_name_asks_for_the_bank_again(engine: ConversationEngine) -> None:
    found = talk(engine, engine.start("c1", "identity-1", "account"), "みず")

    again = talk(engine, found, tap(found, "別の名前で探す"))

    assert texts(again)[0].startswith("振込先の金融機関はどちらですか？")
    assert again.conversation.step_key == "bank"


def test_choosing_another_bank_forgets_the_branch(engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c1", "identity-1", "account"), "みず")
    turn = talk(engine, turn, tap(turn, "みずほ"), "東京")
    turn = talk(engine, turn, tap(turn, "東京営業部"), "戻る", "戻る", "三")
    turn = talk(engine, turn, tap(turn, "三菱ＵＦＪ"))

    assert "branch" not in turn.conversation.answers
    assert "前回の回答" not in texts(turn)[0]


def test_a_skipped_bank_skips_its_branch_question(clock: FakeClock) -> None:
    optional = Procedure(id="optional", title="口座（任意）", steps=(
        Step(key="bank", answer=AnswerType.BANK, required=False, question="金融機関は？"),
        Step(key="branch", answer=AnswerType.BRANCH, bank_step="bank", question="支店は？"),
        Step(key="memo", answer=AnswerType.TEXT, question="メモは？"),
    ))
    engine = ConversationEngine({"optional": optional}, clock, FakeBankMaster())
    turn = engine.start("c1", "identity-1", "optional")

    turn = talk(engine, turn, tap(turn, "スキップ"))
    assert turn.conversation.step_key == "memo"
    back = talk(engine, turn, "戻る")
    assert back.conversation.step_key == "bank"


def test_a_required_question_cannot_be_skipped(engine: ConversationEngine) -> None:
    turn = engine.start("c1", "identity-1", "contact")

    assert texts(talk(engine, turn, "スキップ"))[0] == "この質問は省略できません。"


# -- routing by branches ----------------------------------------------------------------------

def test_the_first_matching_branch_decides_the_next_question(clock: FakeClock) -> None:
    routed = Procedure(id="routed", title="分岐", steps=(
        Step(key="kind", answer=AnswerType.CHOICE, question="種類は？",
             choices=(Option("a", "A"), Option("b", "B"), Option("c", "C")),
             branches=(Branch("a", "only_a"), Branch("b", CONFIRM), Branch("a", "common"))),
        Step(key="only_a", answer=AnswerType.TEXT, question="Aの詳細は？", next="common"),
        Step(key="never", answer=AnswerType.TEXT, question="通らない質問"),
        Step(key="common", answer=AnswerType.NUMBER, question="数は？"),
    ))
    engine = ConversationEngine({"routed": routed}, clock, FakeBankMaster())

    via_a = talk(engine, engine.start("c1", "i", "routed"), "A", "詳細", "2", "はい")
    via_b = talk(engine, engine.start("c2", "i", "routed"), "B", "はい")
    via_c = talk(engine, engine.start("c3", "i", "routed"), "C", "x", "3", "はい")

    assert via_a.answers == {"kind": "a", "only_a": "詳細", "common": 2}
    assert via_b.answers == {"kind": "b"}
    assert list(via_c.answers) == ["kind", "only_a", "common"]  # no branch: the next in order


# -- facts the town holds ----------------------------------------------------------------------


def test_a_question_the_town_holds_the_answer_to_is_not_asked_even_after_starting_over(
        engine: ConversationEngine) -> None:
    turn = engine.start("c1", "i1", "contact", known={"name": "山田 太郎"})
    assert "・お名前: 山田 太郎" in turn.messages[-1].text  # shown, only to confirm
    turn = engine.handle(turn.conversation, Input.typed("はい"))
    assert turn.conversation.step_key == "topic"
    assert turn.conversation.answers_on_path() == {"name": "山田 太郎"}

    turn = engine.handle(turn.conversation, Input.typed("最初から"))
    turn = engine.handle(turn.conversation, Input.typed("はい"))

    assert turn.conversation.step_key == "topic"
    assert not any("お名前を" in m.text for m in turn.messages)


def test_without_the_towns_record_the_question_is_asked(engine: ConversationEngine) -> None:
    turn = engine.start("c1", "i1", "contact", known={"name": ""})
    assert turn.conversation.step_key == "name"
