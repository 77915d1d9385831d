"""The reader's language, one mechanism for staff and resident pages alike: Japanese unless the
reader chose English with a page's language switch. The choice is `session["lang"]` in Flask's
session cookie (a language code, nothing personal), read by Flask-Babel's locale selector.
Each side has its switch route, `/staff/lang/<code>` and `/r/lang/<code>` (a resident page
never links into /staff), and both go through `choose_language`. Text is Japanese in the code
and English in entrypoints/web/translations/en/LC_MESSAGES/messages.po (docs/staff-ui.md)."""

from __future__ import annotations

from flask import Flask, abort, redirect, session
from flask_babel import Babel
from werkzeug.wrappers import Response

__all__ = ["LANGUAGES", "choose_language", "current_language", "install_languages",
           "other_languages"]

LANGUAGES = {"ja": "日本語", "en": "English"}  # each in its own language, as a switch shows it


def current_language() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "ja"


def other_languages() -> dict[str, str]:
    """The languages a page's switch offers: every one but the reader's."""
    current = current_language()
    return {code: name for code, name in LANGUAGES.items() if code != current}


def choose_language(code: str, back: str) -> Response:
    """Keeps the reader's choice and sends them back (`back` checked by the caller)."""
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    return redirect(back)


def install_languages(app: Flask) -> None:
    Babel(app, locale_selector=current_language, default_locale="ja",
          default_timezone="Asia/Tokyo")
    app.add_template_global(current_language, "page_language")
    app.add_template_global(other_languages)
