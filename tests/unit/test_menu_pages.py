"""A long menu (a town that published most of the library) goes on pages LINE can show: at
most 13 quick replies each, every procedure on exactly one page, 「ほかの手続き」 forward and
「前のページ」 back."""

from __future__ import annotations

import pytest

from application.channels.menu import MAX_QUICK_REPLIES, PAGE_PREFIX, Menu, MenuEntry

pytestmark = pytest.mark.unit

LONG = Menu("試験町", [MenuEntry(f"p{n}", f"手続き{n}") for n in range(25)])


def _labels(page: int, *, verified: bool = False) -> list[str]:
    return [choice.label for choice in LONG.menu(verified=verified, page=page).choices]


def test_every_page_fits_line_and_every_procedure_is_on_exactly_one() -> None:
    pages = [_labels(n) for n in (1, 2, 3)]
    assert all(len(labels) <= MAX_QUICK_REPLIES for labels in pages)
    shown = [label for labels in pages for label in labels if label.startswith("手続き")]
    assert shown == [f"手続き{n}" for n in range(25)]
    assert pages[0][0] == "本人確認" and pages[0][-1] == "ほかの手続き"
    assert pages[1][0] == "前のページ" and pages[2][-1] != "ほかの手続き"


def test_the_buttons_lead_to_the_next_and_previous_page() -> None:
    choices = LONG.menu(page=2).choices
    assert choices[0].data == f"{PAGE_PREFIX}1" and choices[-1].data == f"{PAGE_PREFIX}3"
    assert _labels(99) == _labels(3)  # an old button past the end shows the last page


def test_a_short_menu_has_no_pages() -> None:
    short = Menu("試験町", [MenuEntry("contact", "お問い合わせ")])
    assert [c.label for c in short.menu(verified=True).choices] == [
        "状況確認", "お問い合わせ", "連絡先", "お知らせの設定"]
