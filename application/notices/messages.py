"""What a notice says on each channel (ADR 0058), the one place for it: the staff's previews and
the send use these functions.

- The text goes under its title (【件名】), so an e-mail's subject is the title.
- A long notice (more than `LONG_TEXT` characters, or on SMS more than `SMS_SEGMENTS` parts)
  carries its first lines and a 「全文を読む」 link to its web page (`/n/<token>`), which counts
  the open. Short ones are read whole where they arrive.
- A button that opens a page goes through `/n/<token>/go/<i>`, which counts the tap; a button
  that starts a procedure is a postback `notice:<notice id>:<i>` (the tap is counted when it
  arrives, and the procedure starts).
- On LINE everyone gets the same message (one multicast of 500 a request), so its links carry
  the notice's own token (opens and taps counted for the notice); SMS and e-mail go one by one
  and carry the recipient's token. Nothing in a link names a person, and e-mail has no tracking
  pixel.
- A notice is optional (town news): it is not sent to an address whose resident declined them.
"""

from __future__ import annotations

from attrs import frozen

from application.messaging.segments import count_segments, sms_cost_yen
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from domain.notices import Notice

__all__ = [
    "LONG_TEXT",
    "SHARED_CHANNELS",
    "SMS_SEGMENTS",
    "TAP_PREFIX",
    "SmsEstimate",
    "is_long",
    "message_for",
    "notice_path",
    "sms_estimate",
    "tap_data",
    "tap_of",
]

LONG_TEXT = 500  # characters read in the message itself; beyond, on the notice's page
SMS_SEGMENTS = 2  # parts an SMS may take before it carries the page's link instead
SUMMARY = 60  # characters of a long notice's text that its message quotes
TAP_PREFIX = "notice:"  # a procedure button's postback: notice:<notice id>:<button index>
SHARED_CHANNELS = frozenset({"line"})  # one message for everyone: the notice's own token
READ_MORE = "全文を読む"


def notice_path(token: str, button: int | None = None) -> str:
    """The notice's web page (`/n/<token>`), or the way through it to a button's page."""
    return f"/n/{token}" if button is None else f"/n/{token}/go/{button}"


def tap_data(notice_id: str, index: int) -> str:
    return f"{TAP_PREFIX}{notice_id}:{index}"


def tap_of(data: str) -> tuple[str, int] | None:
    """(notice id, button index) from a procedure button's postback; None if malformed."""
    notice_id, _, index = data.removeprefix(TAP_PREFIX).rpartition(":")
    return (notice_id, int(index)) if notice_id and index.isdigit() else None


def _full(notice: Notice) -> str:
    return f"【{notice.title}】\n{notice.text}"


def is_long(notice: Notice, channel: str) -> bool:
    if channel == "sms":
        return count_segments(_full(notice)).segments > SMS_SEGMENTS
    return len(notice.text) > LONG_TEXT


def _summary(notice: Notice) -> str:
    first = notice.text.replace("\r", "").strip()
    cut = first[:SUMMARY].rstrip()
    return f"【{notice.title}】\n{cut}…"


def message_for(notice: Notice, channel: str, *, public_url: str,
                token: str) -> OutgoingMessage:
    """The message for one recipient on `channel`; `token` is the notice's own on LINE and the
    recipient's elsewhere."""
    long = is_long(notice, channel)
    choices: list[Choice] = []
    if long:
        choices.append(Choice(label=READ_MORE, data="", url=public_url + notice_path(token)))
    for index, button in enumerate(notice.buttons):
        if button.url is not None:
            choices.append(Choice(label=button.label, data="",
                                  url=public_url + notice_path(token, index)))
        else:
            choices.append(Choice(label=button.label, data=tap_data(notice.id, index)))
    text = _summary(notice) if long else _full(notice)
    return OutgoingMessage(text=text, choices=tuple(choices),
                           style=MessageStyle.BUTTONS if choices else MessageStyle.PLAIN,
                           alt_text=f"【{notice.title}】", essential=False)


@frozen
class SmsEstimate:
    segments: int
    encoding: str
    yen: int  # for every recipient the count gives


def sms_estimate(text: str, *, yen_per_segment: float, recipients: int) -> SmsEstimate:
    counted = count_segments(text)
    return SmsEstimate(counted.segments, counted.encoding,
                       sms_cost_yen(text, yen_per_segment=yen_per_segment,
                                    recipients=recipients))
