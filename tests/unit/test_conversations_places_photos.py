"""A place (LOCATION) and several photos as answers, and the 通報 procedure that asks for both."""

from __future__ import annotations

import json

import pytest

from application.conversations.engine import ConversationEngine, Turn
from application.conversations.inputs import Input
from application.conversations.library import REPORT
from application.conversations.photos import PENDING
from application.conversations.procedures import AnswerType, Procedure, Step
from application.conversations.state import Conversation, ConversationStatus
from application.ports.messaging import SEND_LOCATION
from domain.errors import InvalidValue
from domain.places import Place
from tests.fakes import FakeClock
from tests.unit.test_conversations import FakeBankMaster, labels, state, talk, tap, texts

pytestmark = pytest.mark.unit

ALBUM = Procedure(
    id="album", title="写真の提出", confirm=False,
    steps=(
        Step(key="photos", label="写真", answer=AnswerType.PHOTO, max_photos=3,
             question="写真を送ってください（3枚まで）。"),
        Step(key="note", label="ひとこと", answer=AnswerType.TEXT, question="ひとことどうぞ。"),
    ),
)
ONE_PHOTO = Procedure(
    id="one", title="通帳の写真", confirm=False,
    steps=(Step(key="photo", answer=AnswerType.PHOTO, question="通帳の写真を送ってください。"),),
)
TOKYO_STATION = Input.located(35.681236, 139.767125, "東京都千代田区丸の内1丁目")


@pytest.fixture
def engine() -> ConversationEngine:
    return ConversationEngine({p.id: p for p in (REPORT, ALBUM, ONE_PHOTO)}, FakeClock(),
                              FakeBankMaster())


def at_place_question(engine: ConversationEngine) -> Turn:
    turn = engine.start("r1", "identity-1", "report")
    turn = talk(engine, turn, tap(turn, "道路の損傷"))
    assert texts(turn)[-1].startswith("場所を教えてください。")
    return turn


# -- the value --------------------------------------------------------------------------------

def test_a_point_in_japan_is_kept_with_its_address() -> None:
    place = Place.of(latitude=35.6812362, longitude=139.7671248, address=" 丸の内\n1丁目 ")

    assert place.to_dict() == {"latitude": 35.681236, "longitude": 139.767125,
                               "address": "丸の内 1丁目"}
    assert place.text() == "丸の内 1丁目"
    assert Place.from_dict(json.loads(json.dumps(place.to_dict()))) == place


@pytest.mark.parametrize(("latitude", "longitude"), [
    (51.5, -0.12),  # London
    (19.9, 136.0),  # south of Okinotorishima
    (35.0, 121.9),  # west of Yonaguni
    (46.1, 142.0),  # north of Hokkaido
    (35.0, 154.1),  # east of Minamitorishima
])
def test_a_point_outside_japan_is_refused_in_japanese(latitude: float, longitude: float) -> None:
    with pytest.raises(InvalidValue, match="日本国内の場所"):
        Place.of(latitude=latitude, longitude=longitude)


@pytest.mark.parametrize(("given", "message"), [
    ({}, "住所を入力するか"),
    ({"address": "   "}, "住所を入力するか"),
    ({"latitude": 35.0}, "両方"),
    ({"latitude": float("nan"), "longitude": 139.0}, "数字"),
    ({"address": "あ" * 201}, "200文字以内"),
    ({"address": "本町\x00"}, "制御文字"),
])
def test_a_place_that_says_nothing_usable_is_refused(given: dict[str, object],
                                                     message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        Place.of(**given)  # type: ignore[arg-type]


def test_a_point_without_an_address_reads_as_its_coordinates() -> None:
    assert Place.of(latitude=35.5, longitude=139.25).text() == "緯度35.5, 経度139.25"


# -- a LOCATION question ----------------------------------------------------------------------

def test_the_place_question_offers_lines_location_picker(engine: ConversationEngine) -> None:
    turn = at_place_question(engine)

    picker = turn.messages[-1].choices[0]
    assert (picker.label, picker.data) == ("位置情報を送る", SEND_LOCATION)
    assert "住所" in texts(turn)[-1]


def test_a_location_message_answers_the_place_question(engine: ConversationEngine) -> None:
    turn = talk(engine, at_place_question(engine), TOKYO_STATION)

    assert state(turn.conversation)["answers"]["place"] == {
        "latitude": 35.681236, "longitude": 139.767125, "address": "東京都千代田区丸の内1丁目"}
    assert texts(turn)[-1].startswith("様子がわかる写真")


def test_a_point_outside_japan_is_explained_and_asked_again(engine: ConversationEngine) -> None:
    before = at_place_question(engine)
    turn_number = before.conversation.turn

    turn = talk(engine, before, Input.located(48.858, 2.294, "Paris"))

    assert texts(turn)[0].startswith("日本国内の場所を送ってください")
    assert texts(turn)[-1].startswith("場所を教えてください。")
    assert "place" not in turn.conversation.answers and turn.conversation.turn == turn_number


def test_a_typed_address_answers_the_place_question(engine: ConversationEngine) -> None:
    turn = talk(engine, at_place_question(engine), "本町2丁目5番の前")

    assert turn.conversation.answers["place"] == {"latitude": None, "longitude": None,
                                                  "address": "本町2丁目5番の前"}


def test_a_location_sent_to_another_question_is_explained(engine: ConversationEngine) -> None:
    turn = engine.start("r1", "identity-1", "report")

    turn = talk(engine, turn, TOKYO_STATION)

    assert texts(turn)[0] == "ここでは位置情報ではなく、文字かボタンで答えてください。"
    assert turn.conversation.step_key == "what"


def test_the_summary_shows_the_address_or_the_coordinates_never_a_dict(
        engine: ConversationEngine) -> None:
    for place, shown in ((TOKYO_STATION, "・場所: 東京都千代田区丸の内1丁目"),
                         (Input.located(35.5, 139.25), "・場所: 緯度35.5, 経度139.25")):
        turn = talk(engine, at_place_question(engine), place)
        turn = talk(engine, turn, "スキップ", "スキップ")

        summary = texts(turn)[0]
        assert shown in summary and "{" not in summary and "latitude" not in summary
        assert "・写真: （なし）" in summary


# -- several photos ---------------------------------------------------------------------------

def test_after_each_photo_the_resident_may_add_another_or_go_on(
        engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("a1", "identity-1", "album"), Input.photo("line:1"))

    assert "写真を1枚受け取りました（3枚まで）" in texts(turn)[-1]
    assert labels(turn)[:2] == ["写真を追加", "次へ"]
    turn = talk(engine, turn, tap(turn, "写真を追加"))
    assert texts(turn)[0] == "写真を送ってください。"
    turn = talk(engine, turn, Input.photo("line:2"))
    assert "写真を2枚受け取りました" in texts(turn)[-1]

    turn = talk(engine, turn, tap(turn, "次へ"))

    assert turn.conversation.answers["photos"] == ["line:1", "line:2"]
    assert PENDING not in turn.conversation.answers
    assert texts(turn)[-1] == "ひとことどうぞ。"


def test_the_last_photo_allowed_moves_on_by_itself(engine: ConversationEngine) -> None:
    turn = engine.start("a1", "identity-1", "album")

    turn = talk(engine, turn, Input.photo("line:1"), Input.photo("line:2"),
                Input.photo("line:3"))

    assert texts(turn) == ["写真を3枚受け取りました。", "ひとことどうぞ。"]
    turn = talk(engine, turn, Input.photo("line:4"))  # one too many: not taken
    assert texts(turn)[0] == "ここでは写真ではなく、文字かボタンで答えてください。"
    done = talk(engine, turn, "以上です")
    assert done.finished and done.answers == {"photos": ["line:1", "line:2", "line:3"],
                                              "note": "以上です"}


def test_next_can_be_typed_and_a_stale_next_changes_nothing(engine: ConversationEngine) -> None:
    first = talk(engine, engine.start("a1", "identity-1", "album"), Input.photo("line:1"))
    second = talk(engine, first, Input.photo("line:2"))

    stale = talk(engine, second, tap(first, "次へ"))  # the button under the first photo
    assert texts(stale)[0] == "その質問はすでに終わっています。"
    assert stale.conversation.step_key == "photos"

    turn = talk(engine, stale, "次へ")
    assert turn.conversation.answers["photos"] == ["line:1", "line:2"]


def test_photos_waiting_are_left_behind_when_going_back(engine: ConversationEngine) -> None:
    turn = talk(engine, at_place_question(engine), TOKYO_STATION, Input.photo("line:1"))

    turn = talk(engine, turn, "戻る")
    turn = talk(engine, turn, "本町1丁目", Input.photo("line:9"), "次へ")

    assert turn.conversation.answers["photos"] == ["line:9"]
    assert "写真を1枚受け取りました" not in texts(turn)[-1]


def test_the_waiting_photos_survive_storage(engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("a1", "identity-1", "album"), Input.photo("line:1"))
    stored = Conversation.from_dict(state(turn.conversation))

    turn = engine.handle(stored, Input.photo("line:2"))
    turn = talk(engine, turn, tap(turn, "次へ"))

    assert turn.conversation.answers["photos"] == ["line:1", "line:2"]


def test_a_one_photo_question_keeps_one_reference_as_before(engine: ConversationEngine) -> None:
    done = talk(engine, engine.start("o1", "identity-1", "one"), Input.photo("line:7"))

    assert done.finished and done.answers == {"photo": "line:7"}


# -- the 通報 procedure -------------------------------------------------------------------------

def test_a_report_with_a_place_and_two_photos(engine: ConversationEngine) -> None:
    turn = talk(engine, at_place_question(engine), TOKYO_STATION, Input.photo("line:1"),
                Input.photo("line:2"))
    turn = talk(engine, turn, tap(turn, "次へ"), "歩道に穴があります。")

    summary = texts(turn)[0]
    assert "・通報の内容: 道路の損傷" in summary and "・写真: 写真（2枚）" in summary
    done = talk(engine, turn, tap(turn, "はい"))

    assert done.conversation.status is ConversationStatus.COMPLETED
    assert done.answers == {
        "what": "road",
        "place": {"latitude": 35.681236, "longitude": 139.767125,
                  "address": "東京都千代田区丸の内1丁目"},
        "photos": ["line:1", "line:2"], "detail": "歩道に穴があります。"}
    assert "このLINE" not in texts(done)[0] and "このトーク" not in texts(done)[0]


def test_max_photos_is_checked_and_travels_in_a_template() -> None:
    assert Procedure.from_dict(REPORT.to_dict()) == REPORT
    with pytest.raises(InvalidValue, match="max_photos"):
        Procedure(id="x", title="x", steps=(
            Step(key="a", answer=AnswerType.PHOTO, question="?", max_photos=11),))
    with pytest.raises(InvalidValue, match="max_photos"):
        Procedure(id="x", title="x", steps=(
            Step(key="a", answer=AnswerType.TEXT, question="?", max_photos=2),))
