"""Whatever the procedure and whatever the resident sends, every reply can be sent to LINE:
1 to 5 messages, at most 13 buttons, postback data within 300, and a state that survives JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.banks.zengin_master import ZenginBankMaster
from adapters.line.rendering import render
from adapters.line.simulator.validation import validate_messages
from application.conversations.engine import ConversationEngine, Turn
from application.conversations.inputs import Input
from application.conversations.procedures import (
    CONFIRM,
    AnswerType,
    Branch,
    Option,
    Procedure,
    Step,
)
from application.conversations.state import Conversation
from application.ports.bank_master import Bank
from application.ports.bank_master import Branch as BankBranch
from application.ports.messaging import SEND_LOCATION
from tests.fakes import FakeClock

pytestmark = pytest.mark.unit

BANK_MASTER = ZenginBankMaster.from_records(
    [Bank(f"{n:04d}", f"テスト銀行{n}", "テスト") for n in range(1, 16)]
    + [Bank("9900", "ゆうちょ", "ユウチヨ")],
    [BankBranch("9900", f"{n:03d}", f"支店{n}", "シテン") for n in range(1, 16)],
)

TYPED = ["戻る", "最初から", "スキップ", "やめる", "はい", "いいえ", "2026-04-01", "令和8年4月1日",
         "3", "１，０００", "テスト", "ゆうちょ", "支店", "001", "", "選択5", "x" * 3000]


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    count = draw(st.integers(1, 6))
    steps: list[Step] = []
    for index in range(count):
        kind = draw(st.sampled_from(list(AnswerType)))
        banks = [s.key for s in steps if s.answer is AnswerType.BANK]
        if kind is AnswerType.BRANCH and not banks:
            kind = AnswerType.TEXT
        later = [f"s{j}" for j in range(index + 1, count)] + [CONFIRM]
        options: tuple[Option, ...] = ()
        branches: tuple[Branch, ...] = ()
        if kind is AnswerType.CHOICE:
            size = draw(st.integers(1, 60))
            options = tuple(Option(f"v{k}", f"選択{k}" * draw(st.integers(1, 2)))
                            for k in range(size))
            if draw(st.booleans()):
                branches = (Branch(f"v{draw(st.integers(0, size - 1))}",
                                   draw(st.sampled_from(later))),)
        elif kind is AnswerType.YES_NO and draw(st.booleans()):
            branches = (Branch(draw(st.booleans()), draw(st.sampled_from(later))),)
        mention = index > 0 and draw(st.booleans())
        steps.append(Step(
            key=f"s{index}", question=f"質問{index}" + ("（{answers.s0}）" if mention else ""),
            answer=kind, choices=options, branches=branches, required=draw(st.booleans()),
            bank_step=draw(st.sampled_from(banks)) if kind is AnswerType.BRANCH else None,
            max_photos=draw(st.sampled_from([None, 1, 3])) if kind is AnswerType.PHOTO else None,
        ))
    return Procedure(id="random", title="ランダムな手続き", steps=tuple(steps),
                     confirm=draw(st.booleans()))


GOOD = {AnswerType.TEXT: "回答です", AnswerType.DATE: "2026-04-01", AnswerType.NUMBER: "3",
        AnswerType.YES_NO: "はい", AnswerType.BANK: "ゆうちょ", AnswerType.BRANCH: "支店",
        AnswerType.LOCATION: "本町2丁目5番"}

actions = st.one_of(
    st.just(("good", None)),
    st.sampled_from(TYPED).map(lambda text: ("type", text)),
    st.text(max_size=12).map(lambda text: ("type", text)),
    st.integers(0, 15).map(lambda index: ("tap", index)),
    st.sampled_from(["photo", "stale", "wait", "long wait"]).map(lambda what: (what, None)),
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)).map(lambda point: ("place", point)),
)


def check(turn: Turn) -> None:
    assert 1 <= len(turn.messages) <= 5
    for message in turn.messages:
        assert len(message.choices) <= 13
        assert all(len(choice.data) <= 300 for choice in message.choices)
    assert validate_messages([message.to_dict() for message in render(turn.messages)]) == []
    stored = json.loads(json.dumps(turn.conversation.to_dict()))
    assert Conversation.from_dict(stored).to_dict() == turn.conversation.to_dict()
    if turn.finished:
        assert list(turn.answers) == turn.conversation.history
        json.dumps(turn.answers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(procedure=procedures(), script=st.lists(actions, max_size=25))
def test_every_reply_fits_line_whatever_is_sent(procedure: Procedure,
                                                 script: list[tuple[str, Any]]) -> None:
    clock = FakeClock()
    engine = ConversationEngine({procedure.id: procedure}, clock, BANK_MASTER)
    turn = engine.start("c1", "identity-1", procedure.id)
    check(turn)
    for what, detail in script:
        if not turn.conversation.status.is_open:
            turn = engine.start("c2", "identity-1", procedure.id)
        before = turn.conversation.turn
        buttons = [c for m in turn.messages for c in m.choices  # typing やめる is in TYPED;
                   if not c.data.endswith("$cancel") and c.data != SEND_LOCATION]  # LINE's map
        if what == "good":
            received = _good_answer(procedure, turn, buttons)
        elif what == "type":
            received = Input.typed(detail)
        elif what == "tap" and buttons:
            received = Input.tapped(buttons[detail % len(buttons)].data)
        elif what == "tap" or what == "stale":
            received = Input.tapped(f"dlg:{before + 7}:v0")
        elif what == "photo":
            received = Input.photo("photo-1")
        elif what == "place":
            received = Input.located(*detail, "")
        else:
            clock.advance(minutes=5 if what == "wait" else 45)
            continue
        turn = engine.handle(turn.conversation, received)
        check(turn)
        assert turn.conversation.turn >= before


def _good_answer(procedure: Procedure, turn: Turn, buttons: list[Any]) -> Input:
    """A reply that moves on: the first offered button, or a valid answer for the question."""
    key = turn.conversation.step_key
    answer = procedure.step(key).answer if key else None
    if buttons and (key is None or answer in {AnswerType.CHOICE, AnswerType.YES_NO}
                    or "候補です" in turn.messages[-1].text):
        return Input.tapped(buttons[0].data)
    if answer is AnswerType.PHOTO:
        return Input.photo("photo-1")
    return Input.typed(GOOD.get(answer, "はい") if answer else "はい")
