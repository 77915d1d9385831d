"""The place form of the web page in Chromium on a phone: without JavaScript it is an address
and two number fields; with it, and the resident's permission, 現在地を入れる fills the point
(our own script, allowed by the page's policy; nothing from elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]

PHONE_SCREEN = {"width": 390, "height": 844}
HERE = {"latitude": 36.204824, "longitude": 138.252924}


def _phone(browser, *, scripts: bool) -> object:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="ja-JP", viewport=PHONE_SCREEN, is_mobile=True,
                                  has_touch=True, java_script_enabled=scripts,
                                  geolocation=HERE, permissions=["geolocation"])
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    return opened


@pytest.fixture
def phones(browser) -> Iterator[dict[bool, object]]:  # type: ignore[no-untyped-def]
    opened = {scripts: _phone(browser, scripts=scripts) for scripts in (False, True)}
    yield opened
    for page in opened.values():
        page.context.close()  # type: ignore[attr-defined]


def _to_the_place_question(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{served}/r/")
    page.get_by_role("button", name="はじめる").tap()
    page.get_by_role("button", name="道路・公園などの通報").tap()
    page.get_by_role("button", name="倒木").tap()
    page.get_by_label("場所の住所や目印").wait_for()


def test_without_javascript_the_place_is_typed_and_sent(
        phones, served: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = phones[False]
    _to_the_place_question(page, served)

    assert page.get_by_role("button", name="現在地を入れる").is_hidden()
    page.get_by_label("場所の住所や目印").fill("栄町2丁目 栄町公園の入口")
    (tmp_path / "place-form.png").write_bytes(page.screenshot(full_page=True))
    page.get_by_role("button", name="場所を送る").tap()

    page.get_by_text("様子がわかる写真").first.wait_for()  # the next question


def test_with_javascript_the_current_position_fills_the_point(
        phones, served: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = phones[True]
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _to_the_place_question(page, served)

    page.get_by_role("button", name="現在地を入れる").tap()

    expect(page.get_by_label("緯度")).to_have_value("36.204824")
    expect(page.get_by_label("経度")).to_have_value("138.252924")
    page.get_by_role("button", name="場所を送る").tap()
    page.get_by_text("様子がわかる写真").first.wait_for()  # the next question
    assert errors == []  # no script refused by the content security policy
