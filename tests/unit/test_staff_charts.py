from __future__ import annotations

import re

import pytest

from entrypoints.web.staff.charts import bar_chart, column_chart

pytestmark = pytest.mark.unit


def test_bars_are_as_long_as_their_share_of_the_largest_and_labels_are_escaped() -> None:
    svg = str(bar_chart([("受付<済>", 50), ("決定", 100), ("ゼロ", 0)], title="申請"))

    widths = [int(w) for w in re.findall(r'<rect x="150" y="\d+" width="(\d+)"', svg)]
    assert widths == [125, 250, 0]
    assert "受付&lt;済&gt;" in svg and "<title>申請</title>" in svg and 'role="img"' in svg


def test_columns_rise_with_their_values_and_an_empty_chart_says_so() -> None:
    svg = str(column_chart([("6/1", 0), ("6/2", 4), ("6/3", 2)], title="友だち"))
    heights = [int(h) for h in re.findall(r'<rect [^>]*height="(\d+)"', svg)]
    assert heights[1] == 2 * heights[2] and heights[0] == 0
    assert "データがありません" in str(bar_chart([], title="空"))
