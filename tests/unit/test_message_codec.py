"""The outbox keeps channel-neutral messages as JSON; whether a message is essential goes with
it, written only when it is not (essential messages keep the JSON they always had)."""

from __future__ import annotations

import pytest

from application.messaging.codec import messages_from_json, messages_to_json
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage

pytestmark = pytest.mark.unit


def test_an_optional_message_comes_back_optional_and_an_essential_one_as_before() -> None:
    notice = OutgoingMessage(text="給付金のお知らせ", choices=(Choice("はい", "yes"),),
                             style=MessageStyle.CONFIRM)
    news = OutgoingMessage(text="町のイベント", essential=False)

    written = messages_to_json([notice, news])

    assert "essential" not in written[0] and written[1]["essential"] is False
    assert messages_from_json(written) == [notice, news]
    assert messages_from_json([{"text": "古い行"}])[0].essential is True  # rows from before
