"""The benefit account dialog over the real webhook, on SQLite and PostgreSQL (threads race, and
the two databases lock differently: ADR 0082 keeps both): a double tap on its last step, and the
notice tapped again in the middle, through the LINE simulator."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from application.benefits.notices import NOTICE_PREFIX
from application.surveys.satisfaction import QUESTION as SATISFACTION_QUESTION
from domain.benefits import (
    Application,
    ApplicationStatus,
    ApplicationWindow,
    BenefitProgram,
    ProgramStatus,
)
from domain.eligibility import EligibleHousehold
from domain.values import Money
from tests.e2e.conftest import Stack, _postback_data
from tests.e2e.test_benefit_story import _heads, _verify
from tests.e2e.test_registration import _seed

pytestmark = [pytest.mark.e2e, pytest.mark.both_databases]


def _notified_head(stack: Stack) -> tuple[str, str]:
    """A verified household head on LINE with a notice of an open program (no account on
    file): (their LINE user id, the application id)."""
    container = stack.container
    _seed(container)
    number, head = _heads(container)[0]
    user = stack.resident(head.facts.name.name)
    _verify(stack, user, head)
    now = container.clock().now()
    with container.uow() as uow:
        household = uow.households.get_by_number(number)
        program = BenefitProgram(
            id="race", name="臨時給付金", amount_per_household=Money(70000),
            eligibility_source="試験", payout_methods={"bank_transfer"},
            window=ApplicationWindow(opens_at=now - dt.timedelta(days=1),
                                     closes_at=now + dt.timedelta(days=30)),
            status=ProgramStatus.OPEN)
        uow.programs.add(program)
        uow.eligibility.add(EligibleHousehold(id="e-race", program_id="race",
                                              household_id=household.id, added_at=now))
        application = Application.notify(id="app-race", program=program,
                                         household_id=household.id, at=now)
        uow.applications.add(application)
        uow.commit()
    return user, "app-race"


def _race(stack: Stack, user: str, data: str, label: str, times: int = 2) -> list[Any]:
    start = threading.Barrier(times)
    outcomes: list[Any] = []

    def tap() -> None:
        start.wait()
        outcomes.append(stack.sim.postback(user, data, label))

    threads = [threading.Thread(target=tap) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_double_tap_on_the_last_step_answers_both_and_applies_once(stack: Stack) -> None:
    user, application_id = _notified_head(stack)
    stack.sim.postback(user, f"{NOTICE_PREFIX}{application_id}:yes", "申請する")
    for typed in ("みずほ", "001"):
        stack.sim.send_text(user, typed)
    stack.tap(user, "普通")
    stack.sim.send_text(user, "123-4567")
    stack.sim.send_text(user, "やまだ はなこ")
    stack.sim.send_image(user, b"\xff\xd8\xff passbook", "image/jpeg")
    before = len(stack.messages(user))
    confirm = _postback_data(stack.last(user), "はい")

    outcomes = _race(stack, user, confirm, "はい")

    assert [outcome.status for outcome in outcomes] == [200, 200]
    replies = stack.texts(user)[before:]
    # the dialog's last words and the satisfaction question (ADR 0059), then one answer to each
    # tap
    assert len(replies) == 4, replies
    assert replies.count(SATISFACTION_QUESTION) == 1
    assert any("申請を受け付けました（振込先: ＊＊＊＊567）" in text for text in replies)
    assert any("すでに受け付けています" in text for text in replies)
    with stack.container.uow() as uow:
        application = uow.applications.get(application_id)
        assert application.status is ApplicationStatus.CONFIRMED
        assert application.payee_account.number == "1234567"


def test_tapping_the_notice_again_in_the_middle_resumes_the_dialog(stack: Stack) -> None:
    user, application_id = _notified_head(stack)
    notice = f"{NOTICE_PREFIX}{application_id}:yes"
    stack.sim.postback(user, notice, "申請する")
    stack.sim.send_text(user, "みずほ銀行")  # named exactly: no list to tap
    assert "支店" in stack.texts(user)[-1]

    stack.sim.postback(user, notice, "申請する")

    texts = stack.texts(user)
    assert "手続きの途中です" in texts[-2] and "支店" in texts[-1]
    stack.sim.send_text(user, "001")  # the dialog goes on where it was
    assert "預金の種類" in stack.texts(user)[-1]


def test_a_yucho_passbook_is_entered_in_the_chat_and_saved_in_transfer_form(
        stack: Stack) -> None:
    user, application_id = _notified_head(stack)
    stack.sim.postback(user, f"{NOTICE_PREFIX}{application_id}:yes", "申請する")
    for typed in ("ゆうちょ", "10180", "12345670"):
        stack.sim.send_text(user, typed)
    assert "最後が1" in " ".join(stack.texts(user)[-2:])  # a typo: asked again
    for typed in ("12345671", "ヤマダ ハナコ"):
        stack.sim.send_text(user, typed)
    stack.sim.send_image(user, b"\xff\xd8\xff passbook", "image/jpeg")
    summary = " ".join(stack.texts(user)[-2:])
    assert ("・記号番号: 10180-12345671（振込用: 店番 018（〇一八） 普通 口座番号 1234567）"
            in summary)

    stack.tap(user, "はい")

    with stack.container.uow() as uow:
        account = uow.applications.get(application_id).payee_account
    assert (account.bank_code, account.branch_code, account.number) == ("9900", "018", "1234567")
