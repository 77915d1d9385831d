"""The raw-key checker (tests/support/raw_keys.py) finds what the code stores on a page, and
only that: the e2e and browser tests rely on it to fail on a raw key in any rendered page."""

from __future__ import annotations

import pytest

from tests.support.raw_keys import raw_keys, stored_words

pytestmark = pytest.mark.unit


def _keys(html: str, **how: bool) -> list[str]:
    return [hit.split("  «")[0] for hit in raw_keys(html, **how)]


@pytest.mark.parametrize(("html", "key"), [
    ("<p>送信済み already_notified 3</p>", "already_notified"),
    ("<td>payment_batch.approved</td>", "payment_batch.approved"),
    ("<dd>written False</dd>", "False"),
    ("<td>None</td>", "None"),
    ("<p>この支払はすでに終わっています（completed）。</p>", "completed"),
    ("<td>line</td>", "line"),
    ("<dd>fake 2026年12月5日 0:52</dd>", "fake"),
    ("<dd>dev_card（2026年12月5日 0:52）</dd>", "dev_card"),
    ('<a title="households_updated">件数</a>', "households_updated"),
    ("<td>2026-12-04T15:52:00+00:00</td>", "2026-12-04T15:52:00+00:00"),
    ("<td>2026/12/05 00:52</td>", "2026/12/05"),
    ("<p>12月04日受付</p>", "月04日"),
    ("<p>受付 00:43</p>", "00:43"),
    ("<button>山田 太郎（1985-04-01）</button>", "1985-04-01"),
])
def test_a_stored_key_in_a_page_s_text_is_found(html: str, key: str) -> None:
    assert key in _keys(html)


@pytest.mark.parametrize("html", [
    "<p>本人確認済み（マイナンバーカード）2026年12月5日 0:52</p>",
    "<p><code>MADOGUCHI_TOWN_NAME</code> と <kbd>make demo</kbd></p>",
    '<input name="payout_method" value="bank_transfer"><option value="line">LINE</option>',
    '<script>var already_notified = None;</script><style>.a_b{}</style>',
    '<td translate="no">case_worker</td>',
    "<p>交付請求書（slip.pdf）を madoguchi.example から</p>",
    "<p>LINE Pay · PayPay · CSV · API</p>",
    "<p>2026年12月5日 0:52 〜 2027年1月10日 23:59</p>",
    '<p class="field__hint">例: 1985-04-01、昭和60年4月1日</p><input value="2026-12-05">',
    "<p>追跡番号 1234-5678-9012、電話 086-123-4567</p>",
])
def test_japanese_text_code_and_form_values_are_not_keys(html: str) -> None:
    assert _keys(html) == []


def test_on_an_english_page_a_stored_word_may_be_plain_english() -> None:
    assert _keys("<p>Payment completed</p>", words=False) == []
    assert _keys("<p>Status: payment_batch.approved</p>", words=False) == [
        "payment_batch.approved"]


def test_the_stored_words_come_from_the_code_s_enums_and_catalogues() -> None:
    assert {"completed", "line", "fake", "eligible", "notified"} <= stored_words()
