"""The page a resident reads when a request of theirs is refused: resident/refused.html in the
resident pages' frame (the town's name, the language switch), with a title, a message in the
reader's language and the status. The web channel's views use it, and so do the answers a
resident gets under /r/ for an address that is no page (404, 405), a request too large (413)
and too many requests (429, entrypoints/web/rate_limits.py). Not in the resident package: its
views import the rate limits, which use this page."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from entrypoints.web.services import container

__all__ = ["refused", "refused_for_status"]


def refused(title: str, message: str, status: int) -> tuple[str, int]:
    """The page, for a title and a message already in the reader's language."""
    return render_template("resident/refused.html", title=title, message=message,
                           town=container().config.town_full_name()), status


def refused_for_status(status: int) -> tuple[str, int]:
    """The page for an HTTP error a resident may meet under /r/ (an address that is no page)."""
    if status == 413:  # a photo past the app's MAX_CONTENT_LENGTH
        return refused(_("写真を受け付けられませんでした"),
                       _("JPEGかPNGの写真（10MBまで）を選んでください。"), status)
    if status == 405:
        return refused(_("この操作はできません"), _("ページを開き直して、画面のボタンからお進み"
                                                  "ください。"), status)
    if status == 404:
        return refused(_("ページが見つかりません"), _("お探しのページは見つかりませんでした。"
                                                     "アドレスをご確認ください。"), status)
    return refused(_("送信を受け付けられませんでした"),
                   _("ページを開き直して、もう一度お試しください。"), status)
