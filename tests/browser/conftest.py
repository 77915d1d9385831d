"""Browser tests: Playwright driving Debian's chromium (never Playwright's own browser
download) against the app served by a real threaded server on a free port. A failing test
leaves a screenshot under test-artifacts/browser/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from entrypoints.containers import Container
from entrypoints.web import create_app
from tests.support._serving import serving
from tests.support.raw_keys import RawKeyGuard

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = "chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (pip install -e '.[test]')"
    for item in items:
        if reason and "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def served(container: Container, tmp_path: Path) -> Iterator[str]:
    """The app on a real server; jobs run in a background thread as in production. The case
    map draws no tiles (MADOGUCHI_MAP_TILES=none): nothing leaves the machine, and a page never
    waits out the tile server this machine cannot reach (its load event held past 10 s)."""
    container.config.task_queue.from_value("in_process")
    container.config.map_tiles.from_value("")
    app = create_app(container)
    app.config["STAFF_UPLOAD_DIR"] = str(tmp_path / "uploads")
    with serving(app, "madoguchi-app") as url:
        yield url


@pytest.fixture
def raw_keys_left() -> dict[str, set[str]]:
    """Raw keys a module's pages may still show ({path regex: keys}); override it in a test
    module, naming who fixes each. Empty: every page the browser opens must have none."""
    return {}


@pytest.fixture
def page(browser, request: pytest.FixtureRequest,  # type: ignore[no-untyped-def]
         raw_keys_left: dict[str, set[str]]) -> Iterator[object]:
    """A page at 1280px; every page it is served is read for raw keys when the test passes."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    guard = RawKeyGuard(raw_keys_left).watch(opened)
    passed = False
    try:
        yield opened
        report = getattr(request.node, "report_call", None)
        passed = report is not None and report.passed
        if passed:
            guard.snapshot(opened)  # the last page as its scripts left it
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            # written here: Playwright writes a path from a thread that outlives the test
            (ARTIFACTS / f"{name}.png").write_bytes(opened.screenshot(full_page=True))
        context.close()
    if passed:
        guard.check()
