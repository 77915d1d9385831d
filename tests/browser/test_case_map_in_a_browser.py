"""The inbox, a case with its place and two photos, and the map of open cases in a real
browser (Debian's chromium), with no tiles (MADOGUCHI_MAP_TILES=none) so nothing leaves the
machine: the markers come from the page, each opens its case; without JavaScript the list
under the map is the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.containers import Container
from tests.e2e.staff_support import PASSWORD
from tests.support.case_map_town import seed_map_town

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]


@pytest.fixture
def no_tiles(container: Container) -> None:
    container.config.map_tiles.from_value("")  # MADOGUCHI_MAP_TILES=none
    container.config.map_attribution.from_value("")


def _sign_in(page, served: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{served}/staff/login")
    page.get_by_label("ログインID").fill("worker")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: "/staff/login" not in url)


def test_the_inbox_a_case_with_its_place_and_photos_and_the_map(
        page, served: str, container: Container, no_tiles: None,  # type: ignore[no-untyped-def]
        tmp_path: Path) -> None:
    seed_map_town(container)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location}")
            if message.type == "error"  # the browser's own /favicon.ico (the app has none)
            and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(served) else None)
    _sign_in(page, served)

    page.goto(f"{served}/staff/cases/")
    rows = page.locator("[data-cases] tbody tr")
    assert rows.count() == 3 and "2026-000004" not in page.inner_text("main")
    page.get_by_role("link", name="2026-000001").click()
    page.wait_for_selector("h1:has-text('2026-000001')")
    place = page.inner_text("[data-case-place]")
    assert "本町2丁目5番の前" in place and "34.6722" in place and "133.7489" in place
    photos = page.locator("[data-case-photos] img")
    assert photos.count() == 2
    page.wait_for_function("() => [...document.querySelectorAll('[data-case-photos] img')]"
                           ".every(img => img.complete && img.naturalWidth > 0)")

    page.get_by_role("link", name="地図でこの場所を見る").click()
    page.wait_for_selector("#case-map:not([hidden]) .leaflet-marker-icon")
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.locator(".leaflet-tile").count() == 0  # no tiles: nothing fetched elsewhere
    assert page.locator("[data-map-cases] tbody tr").count() == 1
    shot = page.screenshot(full_page=True)  # written here: Playwright's path= uses a thread
    (tmp_path / "case-map.png").write_bytes(shot)
    assert shot.startswith(b"\x89PNG")

    page.locator(".leaflet-marker-icon").click()
    page.locator(".leaflet-popup-content a").click()
    page.wait_for_selector("h1:has-text('2026-000001')")
    assert errors == [] and outside == []


def test_without_javascript_the_map_page_is_its_list(
        browser, served: str, container: Container,  # type: ignore[no-untyped-def]
        no_tiles: None) -> None:
    town = seed_map_town(container)
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    try:
        page = context.new_page()
        _sign_in(page, served)
        page.goto(f"{served}/staff/cases/map")

        assert not page.locator("#case-map").is_visible()
        rows = page.locator("[data-map-cases] tbody tr")
        assert rows.count() == 1 and "34.6722, 133.7489" in rows.inner_text()
        page.get_by_role("link", name="2026-000001").click()
        assert page.url.endswith(f"/staff/cases/{town.pinned}")
    finally:
        context.close()
