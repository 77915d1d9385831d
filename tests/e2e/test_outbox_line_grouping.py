"""The outbox against the LINE simulator (the real SDK): identical messages go out as one
multicast, but each resident appears once in it, so two identical messages to the same resident
both reach the phone."""

from __future__ import annotations

import pytest

from application.messaging.outbox import OutboxMessage, OutboxStatus
from application.ports.messaging import OutgoingMessage
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def test_two_identical_messages_to_one_resident_both_reach_the_phone(stack: Stack) -> None:
    twice, once = stack.resident("山田 花子"), stack.resident("佐藤 一郎")
    for user in (twice, once):
        stack.sim.follow(user)
    now = stack.container.clock().now()
    with stack.container.uow() as uow:
        for index, user in enumerate([twice, twice, once]):
            uow.outbox.add(OutboxMessage.of(
                [OutgoingMessage(text="給付金のお知らせ")], id=f"01JSAMENOTICE{index:013d}",
                channel="line", recipient=user, at=now))
        uow.commit()

    received = {user: stack.texts(user).count("給付金のお知らせ") for user in (twice, once)}

    assert received == {twice: 2, once: 1}
    with stack.container.uow() as uow:
        statuses = {uow.outbox.get(f"01JSAMENOTICE{i:013d}").status for i in range(3)}
    assert statuses == {OutboxStatus.SENT}
    assert stack.sim.stats()["duplicate_deliveries"] == 0
