"""The simulator's phone page shows what LINE shows (ADR 0051): the bot's loading dots, and
「既読」 under the resident's message once the bot marks it read."""

from __future__ import annotations

import pytest
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MarkMessagesAsReadByTokenRequest,
    MessagingApi,
    ShowLoadingAnimationRequest,
)

from adapters.line.simulator import running_simulator

pytestmark = pytest.mark.e2e

SECRET, TOKEN = "phone-signs-secret", "phone-signs-token"


def test_the_phone_shows_the_loading_dots_and_the_read_mark(page) -> None:  # type: ignore[no-untyped-def]
    with running_simulator(SECRET, TOKEN, None) as sim:
        user = sim.add_user("山田 花子", following=True).user_id
        sent = sim.send_text(user, "こんにちは")  # no town listening: the event waits
        configuration = Configuration(host=sim.base_url, access_token=TOKEN)
        api = MessagingApi(ApiClient(configuration))
        page.goto(f"{sim.base_url}/phone/{user}")
        page.get_by_text("こんにちは").wait_for()
        assert page.locator(".read").is_hidden()

        api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=user, loading_seconds=10))
        page.locator("#loading .dot").first.wait_for()
        token = sim.chat_marks.issue(user, sent.webhook_event_id)  # as the event carried
        api.mark_messages_as_read_by_token(
            MarkMessagesAsReadByTokenRequest(mark_as_read_token=token))
        page.get_by_text("既読", exact=True).wait_for()
        sim.api.push({"to": user, "messages": [{"type": "text", "text": "はい、窓口です"}]}, {})
        page.get_by_text("はい、窓口です").wait_for()
        page.locator("#loading").wait_for(state="detached")
