"""A resident using the web channel's page through Flask's test client, as a browser without
JavaScript would: read the messages, press a button (submit its form), type an answer, send a
photo or a place. Forms are read from the HTML, so a test presses only what the page offers."""

from __future__ import annotations

import io
import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

from attrs import define, field
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from application.surveys.satisfaction import QUESTION as SATISFACTION_QUESTION

__all__ = ["Form", "ResidentBrowser", "forms_of", "messages_of"]


@define
class Form:
    action: str
    fields: dict[str, str] = field(factory=dict)
    buttons: list[str] = field(factory=list)
    inputs: list[str] = field(factory=list)  # visible inputs' names


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.messages: list[str] = []
        self.links: list[tuple[str, str]] = []  # (label, href) of link buttons
        self._form: Form | None = None
        self._href: str | None = None
        self._in_button = self._in_message = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(action=found.get("action", ""))
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            if found.get("type") == "hidden":
                self._form.fields[found.get("name", "")] = found.get("value", "")
            else:
                self._form.inputs.append(found.get("name", ""))
        elif tag == "textarea" and self._form is not None:
            self._form.inputs.append(found.get("name", ""))
        elif tag == "button":
            self._in_button, self._text = True, []
        elif tag == "a" and "button" in found.get("class", ""):
            self._href, self._text = found.get("href", ""), []
        elif tag == "p" and "message__text" in found.get("class", ""):
            self._in_message, self._text = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "button" and self._in_button:
            self._in_button = False
            if self._form is not None:
                self._form.buttons.append("".join(self._text).strip())
        elif tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None
        elif tag == "p" and self._in_message:
            self._in_message = False
            self.messages.append("".join(self._text).strip())

    def handle_data(self, data: str) -> None:
        if self._in_button or self._in_message or self._href is not None:
            self._text.append(data)


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def forms_of(html: str) -> list[Form]:
    return _read(html).forms


def messages_of(html: str) -> list[str]:
    return _read(html).messages


class ResidentBrowser:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.html = ""

    def open(self, path: str = "/r/") -> TestResponse:
        response = self.client.get(path)
        self.html = response.get_data(as_text=True)
        return response

    def messages(self) -> list[str]:
        self.open()
        return messages_of(self.html)

    def last(self) -> str:
        return self.messages()[-1]

    def said(self) -> str:
        """The newest message other than the satisfaction question that follows a completed
        procedure (ADR 0059): what the procedure itself said last."""
        return [text for text in self.messages() if text != SATISFACTION_QUESTION][-1]

    def buttons(self) -> list[str]:
        return [label for form in forms_of(self.html) for label in form.buttons]

    def link(self, label: str) -> str:
        """The address of the newest link button with this label."""
        found = [href for text, href in _read(self.html).links if text == label]
        assert found, f"no link {label!r} on the page"
        return found[-1]

    def switch_language(self, name: str) -> TestResponse:
        """Follows the page bar's language switch (「English」 or 「日本語」) back to the page."""
        found = re.search(rf'<a class="bar__language" href="([^"]+)"[^>]*>{re.escape(name)}</a>',
                          self.html)
        assert found, f"no switch to {name!r} on the page"
        response = self.client.get(unescape(found[1]), follow_redirects=True)
        self.html = response.get_data(as_text=True)
        return response

    def press(self, label: str, *, follow: bool = True) -> TestResponse:
        """Presses the newest button with this label on the page last opened."""
        matching = [form for form in forms_of(self.html) if label in form.buttons]
        assert matching, f"no button {label!r} on the page: {self.buttons()}"
        return self._submit(matching[-1], {}, follow=follow)

    def answer(self, text: str) -> TestResponse:
        return self._submit(self._form_with("text"), {"text": text})

    def send_photo(self, content: bytes, name: str = "photo.jpg") -> TestResponse:
        return self._submit(self._form_with("photo"),
                            {"photo": (io.BytesIO(content), name)})

    def send_place(self, address: str, latitude: str = "", longitude: str = "") -> TestResponse:
        return self._submit(self._form_with("address"), {
            "address": address, "latitude": latitude, "longitude": longitude})

    def _form_with(self, input_name: str) -> Form:
        found = [form for form in forms_of(self.html) if input_name in form.inputs]
        assert found, f"no form with {input_name!r} on the page"
        return found[-1]

    def _submit(self, form: Form, values: dict[str, Any], *, follow: bool = True) -> TestResponse:
        response = self.client.post(form.action, data={**form.fields, **values},
                                    follow_redirects=follow)
        self.html = response.get_data(as_text=True)
        return response
