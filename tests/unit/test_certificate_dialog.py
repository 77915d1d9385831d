"""The certificate request dialog as the engine runs it: which questions each answer leads to."""

from __future__ import annotations

import pytest

from application.certificates.procedure import CERTIFICATE
from application.conversations.engine import ConversationEngine
from application.conversations.inputs import Input
from application.conversations.procedures import Procedure
from tests.fakes import FakeClock
from tests.unit.test_conversations import FakeBankMaster

pytestmark = pytest.mark.unit


def _run(*typed: str) -> tuple[list[str], dict[str, object]]:
    engine = ConversationEngine({CERTIFICATE.id: CERTIFICATE}, FakeClock(), FakeBankMaster())
    turn = engine.start("c1", "i1", CERTIFICATE.id)
    for text in typed:
        turn = engine.handle(turn.conversation, Input.typed(text))
    return list(turn.conversation.history), turn.answers


def test_a_resident_record_for_oneself_asks_items_then_whose_copies_and_purpose() -> None:
    path, answers = _run("住民票の写し", "本人のみ・続柄あり", "ご本人", "2", "年金・保険")
    assert path == ["kind", "items", "subject", "copies", "purpose"]
    assert answers == {"kind": "resident_record", "items": "self_relationship",
                       "subject": "self", "copies": 2, "purpose": "pension"}


@pytest.mark.parametrize("items", ["世帯全員・続柄あり", "世帯全員・本籍続柄あり"])
def test_after_choosing_the_whole_household_it_does_not_ask_whose_certificate(
        items: str) -> None:
    path, answers = _run("住民票の写し", items, "2", "年金・保険")
    assert path == ["kind", "items", "copies", "purpose"]
    assert "subject" not in answers and answers["copies"] == 2


def test_a_seal_registration_certificate_asks_neither_items_nor_for_whom() -> None:
    path, answers = _run("印鑑登録証明書", "1", "その他")
    assert path == ["kind", "copies", "purpose"] and answers["kind"] == "seal_registration"


def test_an_income_certificate_for_a_household_member_asks_their_name_and_birth_date() -> None:
    path, answers = _run("所得証明書", "同じ世帯の方", "山田 花子", "平成27年5月5日", "1",
                         "学校・保育")
    assert path == ["kind", "subject", "member_name", "member_birthdate", "copies", "purpose"]
    assert answers["member_birthdate"] == "2015-05-05"


def test_more_than_ten_copies_are_refused_and_the_question_asked_again() -> None:
    engine = ConversationEngine({CERTIFICATE.id: CERTIFICATE}, FakeClock(), FakeBankMaster())
    turn = engine.start("c1", "i1", CERTIFICATE.id)
    for text in ("課税証明書", "ご本人"):
        turn = engine.handle(turn.conversation, Input.typed(text))
    turn = engine.handle(turn.conversation, Input.typed("11"))
    assert "1から10" in turn.messages[0].text and turn.conversation.step_key == "copies"


def test_the_dialog_travels_as_a_template() -> None:
    assert Procedure.from_dict(CERTIFICATE.to_dict()) == CERTIFICATE
