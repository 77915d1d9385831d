"""The English catalog the app loads (.mo) is the compiled form of the one people edit (.po)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

pytestmark = pytest.mark.unit

CATALOG = (Path(__file__).resolve().parents[2] / "entrypoints" / "web" / "translations" / "en"
           / "LC_MESSAGES")


def test_the_compiled_english_catalog_matches_its_source() -> None:
    with (CATALOG / "messages.po").open("rb") as source:
        po = {m.id: m.string for m in read_po(source) if m.id}
    with (CATALOG / "messages.mo").open("rb") as compiled:
        mo = {m.id: m.string for m in read_mo(compiled) if m.id}
    assert mo == {k: v for k, v in po.items() if v}, (
        "run: .venv/bin/pybabel compile -d entrypoints/web/translations")
