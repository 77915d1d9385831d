"""Everything a resident reads on the web pages is Japanese wrapped in `_()` with an English entry
in the catalogue: the resident templates, the standalone pages residents open (the link to stop
mail, the card and payment pages, the front page) and the views' own messages. Japanese outside
`_()` fails here, so the English page cannot lose a sentence again; the dialog's messages come
from the outbox and are not in these files (they stay Japanese, docs/staff-ui.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

from application.channels.links import LinkRefusal
from application.channels.web_sign_in import CodeRefusal, address_of
from domain.errors import InvalidValue
from entrypoints.web import rate_limits

pytestmark = pytest.mark.unit

WEB = Path(__file__).resolve().parents[2] / "entrypoints" / "web"
CATALOG = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
TEMPLATES = sorted((WEB / "templates" / "resident").glob("*.html")) + [
    WEB / "templates" / f"{name}.html"
    for name in ("index", "mail_unsubscribe", "identity_dev_card", "identity_result",
                 "payment_fake", "payment_result")]
VIEWS = sorted((WEB / "resident").glob("*.py")) + [
    WEB / f"{name}.py" for name in ("refusal", "identity", "payments", "mail_unsubscribe")]
_GETTEXT = {"_", "gettext", "lazy_gettext"}
# kana, kanji and full-width punctuation (not full-width digits: a pattern such as [0-9０-９])
_JAPANESE = re.compile(r"[\u3001-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20"
                       r"\uff3b-\uff40\uff5b-\uff65]")
_PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _english() -> dict[str, str]:
    with CATALOG.open("rb") as source:
        return {str(m.id): str(m.string) for m in read_po(source) if m.id}


def _template_texts(path: Path) -> tuple[list[str], list[str]]:
    """(msgids in `_()`, Japanese outside `_()`) of a template, read by Jinja's own lexer."""
    tokens = list(Environment().lexer.tokenize(path.read_text(encoding="utf-8"), path.name))
    wrapped, bare = [], []
    for index, token in enumerate(tokens):
        if token.type == "data":
            bare += [f"{path.name}:{token.lineno}: {text.strip()[:60]}"
                     for text in re.findall(r"[^<>\n]+", token.value) if _JAPANESE.search(text)]
        elif token.type == "string":
            called = (index >= 2 and tokens[index - 1].type == "lparen"
                      and tokens[index - 2].type == "name" and tokens[index - 2].value in _GETTEXT)
            if called:
                wrapped.append(token.value)
            elif _JAPANESE.search(token.value):
                bare.append(f"{path.name}:{token.lineno}: {token.value[:60]}")
    return wrapped, bare


def _view_texts(path: Path) -> tuple[list[str], list[str]]:
    """(msgids in `_()`, Japanese string literals outside `_()` and docstrings) of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrapped: list[str] = []
    inside: set[int] = set()
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _GETTEXT and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            wrapped.append(node.args[0].value)
            inside.add(id(node.args[0]))
    bare = [f"{path.name}:{node.lineno}: {node.value[:60]}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _JAPANESE.search(node.value) and id(node) not in inside | docstrings]
    return wrapped, bare


def _texts() -> tuple[list[str], list[str]]:
    wrapped, bare = [], []
    for path in TEMPLATES:
        found = _template_texts(path)
        wrapped += found[0]
        bare += found[1]
    for path in VIEWS:
        found = _view_texts(path)
        wrapped += found[0]
        bare += found[1]
    return wrapped, bare


def _refusals() -> list[str]:
    """Messages of the layers below that the resident views show through `_(message)`."""
    typed = []
    for wrong in ("hanako@", "12345"):
        with pytest.raises(InvalidValue) as refused:
            address_of(wrong)
        typed.append(refused.value.message)
    return ([r.message for r in LinkRefusal] + [r.message for r in CodeRefusal] + typed
            + [rate_limits.TITLE, rate_limits.MESSAGE])


def test_no_japanese_on_a_resident_page_is_outside_gettext() -> None:
    assert _texts()[1] == []


def test_every_resident_text_has_its_english_entry() -> None:
    english = _english()
    texts = set(_texts()[0]) | set(_refusals())
    assert sorted(text for text in texts if not english.get(text)) == []


def test_an_english_entry_keeps_the_placeholders_of_its_japanese() -> None:
    english = _english()
    texts = [text for text in _texts()[0] if english.get(text)]
    assert [text for text in texts
            if sorted(_PLACEHOLDER.findall(text)) != sorted(_PLACEHOLDER.findall(english[text]))
            ] == []


def test_the_scan_finds_japanese_outside_gettext(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<p>{{ _("お知らせ") }}</p>\n<p>窓口</p>\n'
                    "{{ '戻る' if back else _('やめる') }}", encoding="utf-8")
    view = tmp_path / "view.py"
    view.write_text('"""窓口"""\nfrom flask_babel import gettext as _\n'
                    'A = _("お知らせ")\nB = "戻る"\n', encoding="utf-8")

    assert _template_texts(page)[0] == ["お知らせ", "やめる"]
    assert [hit.split(": ")[1] for hit in _template_texts(page)[1]] == ["窓口", "戻る"]
    assert _view_texts(view) == (["お知らせ"], ["view.py:4: 戻る"])
