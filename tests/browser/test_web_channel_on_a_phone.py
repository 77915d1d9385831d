"""The web channel in Chromium on a phone-sized screen: a benefit notice's personal link (as an
SMS carries it) opens the notice, one tap applies, and the page shows the answer. No script
runs on these pages: the forms work as they are, and so does the switch to English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.benefits import ApplicationStatus
from entrypoints.containers import Container
from tests.e2e.test_web_links import PHONE, _household_on_sms, _notified, _status
from tests.support.raw_keys import RawKeyGuard

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]

PHONE_SCREEN = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="ja-JP", viewport=PHONE_SCREEN, is_mobile=True,
                                  has_touch=True, device_scale_factor=2,
                                  java_script_enabled=False)
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    guard = RawKeyGuard({}).watch(opened)
    yield opened, guard
    context.close()


def test_a_resident_opens_the_link_and_applies_with_one_tap_on_a_phone(
    phone_page, served: str, container: Container, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    page, guard = phone_page
    _household_on_sms(container, container.clock())  # type: ignore[arg-type]
    _notified(container, container.clock())  # type: ignore[arg-type]
    link = container.personal_links().link_for("sms", PHONE, "n-a1")  # as the SMS carries it
    path = link.removeprefix(container.config.public_url())

    page.goto(served + path)
    assert page.get_by_text("支給額は70,000円").is_visible()
    english = page.get_by_role("link", name="English")
    assert english.bounding_box()["height"] >= 48  # the page bar's switch: a large target too
    english.tap()  # the same link's page, its own text in English, the notice as the town wrote it
    page.get_by_text("This link works only once").wait_for()
    assert page.get_by_text("支給額は70,000円").is_visible()
    apply = page.get_by_role("button", name="申請する")
    box = apply.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # a large target on a 390px screen
    # written here: Playwright writes a path from a thread that outlives the test
    (tmp_path / "web-link-notice.png").write_bytes(page.screenshot(full_page=True))
    apply.tap()

    page.wait_for_url(f"{served}/r/#latest")
    assert page.get_by_text("申請を受け付けました").first.is_visible()
    assert _status(container) is ApplicationStatus.CONFIRMED
    latest = page.locator("#latest").bounding_box()
    assert latest["x"] >= 0 and latest["x"] + latest["width"] <= PHONE_SCREEN["width"]
    (tmp_path / "web-after-tap.png").write_bytes(page.screenshot(full_page=True))
    guard.snapshot(page)
    guard.check()
    print(f"screenshots: {tmp_path}")
