"""Channel-neutral messages as one SMS body.

SMS carries short notices and links, not dialogs: the texts, each link button as「label: url」,
and for the choices to answer (はい / いいえ, a dialog's buttons) ONE personal link to the web
channel, where one tap answers. A benefit notice says so in its own words (こちらから申請できます)
and that a reply 「はい」 applies too (the SMS webhook turns it into the notice's はい).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

from application.benefits.notices import NOTICE_PREFIX
from application.ports.messaging import PAGE_LINK, OutgoingMessage

__all__ = ["SAMPLE_LINK_LENGTH", "body_digest", "render", "sample", "sample_link"]

_URL = re.compile(r"https?://\S+")
SAMPLE_LINK_LENGTH = 43  # a personal link's token, as long as the web channel's (a preview's)


def render(messages: Sequence[OutgoingMessage], personal_link: Callable[[], str]) -> str:
    """The body; `personal_link` is asked at most once, and only when there are choices."""
    lines: list[str] = []
    needs_link = notice = False
    for message in messages:
        lines.append(message.text.strip())
        for choice in message.choices:
            if choice.url and choice.url != PAGE_LINK:
                lines.append(f"{choice.label}: {choice.url}")
            else:
                needs_link = True
                notice = notice or choice.data.startswith(NOTICE_PREFIX)
    if needs_link:
        link = personal_link()
        if notice:
            lines.append(f"こちらから申請できます: {link}")
            lines.append("このSMSに「はい」と返信しても申請できます。")
        else:
            lines.append(f"こちらから回答できます: {link}")
    return "\n".join(line for line in lines if line)


def body_digest(body: str) -> str:
    """The body's digest with its links masked: the same message with a freshly made personal
    link is the same message (how a retry recognises what Twilio already has)."""
    return hashlib.sha256(_URL.sub("<link>", body).encode()).hexdigest()


def sample(messages: Sequence[OutgoingMessage], public_url: str) -> str:
    """The SMS a preview shows: the body with a personal link as long as a real one."""
    return render(messages, lambda: sample_link(public_url))


def sample_link(public_url: str) -> str:
    """A stand-in for a personal link in a preview, as long as a real one."""
    return f"{public_url}/r/{'x' * SAMPLE_LINK_LENGTH}"
