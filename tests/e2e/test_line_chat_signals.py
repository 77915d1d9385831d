"""Loading dots and 「既読」 end to end (ADR 0051): a resident's message through the simulator,
the app over real HTTP and the real SDK. The dots come before the reply; the message is marked
read once handled when MADOGUCHI_LINE_MARK_AS_READ is on, and never when it is off."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def eventually(check: Callable[[], bool], *, within: float = 3.0) -> bool:
    """The signs are sent in the background: give them a moment."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def resident_says_hello(stack: Stack) -> tuple[str, str]:
    """The event id of the message; it has been answered (after the follow's greeting)."""
    user = stack.resident()
    assert stack.sim.follow(user).status == 200
    greeted = len(stack.sim.received(user))
    sent = stack.sim.send_text(user, "こんにちは")
    assert sent.status == 200
    assert len(stack.sim.received(user)) > greeted
    return user, sent.webhook_event_id


@pytest.mark.parametrize("mark_as_read", [True, False])
def test_a_message_gets_the_loading_dots_before_the_reply_and_is_read_only_in_that_mode(
        stack: Stack, mark_as_read: bool) -> None:
    stack.container.config.line_mark_as_read.from_value(mark_as_read)
    before = time.time()

    user, event_id = resident_says_hello(stack)

    assert eventually(lambda: len(stack.sim.chat_marks.loading(user)) == 1)
    [shown] = stack.sim.chat_marks.loading(user)  # none for the follow
    assert before <= shown.at <= stack.sim.deliveries()[-1].at  # before the answer
    if mark_as_read:
        assert eventually(lambda: stack.sim.conversation(user)["read"] == [event_id])
    else:
        assert not eventually(lambda: bool(stack.sim.conversation(user)["read"]), within=0.5)


def test_loading_dots_the_platform_refuses_leave_the_message_answered(stack: Stack) -> None:
    stack.sim.chat_marks.start_loading = lambda *args: "refused"  # type: ignore[method-assign]

    user, _ = resident_says_hello(stack)  # answered all the same

    assert stack.sim.chat_marks.loading(user) == []


def test_a_redelivered_message_does_not_start_the_dots_again(stack: Stack) -> None:
    user, event_id = resident_says_hello(stack)
    assert eventually(lambda: len(stack.sim.chat_marks.loading(user)) == 1)
    answers = len(stack.sim.received(user))

    assert stack.sim.redeliver(event_id).status == 200  # LINE did not hear the first answer

    assert not eventually(lambda: len(stack.sim.chat_marks.loading(user)) > 1, within=0.5)
    assert len(stack.sim.received(user)) == answers  # nor is it answered twice
