"""Finding raw keys in a rendered page: what the code stores leaking to what a person reads.

`raw_keys(html)` reads the page's visible text (and the attributes a person reads: title,
aria-label, placeholder, alt) and returns what looks like a key rather than Japanese:

- snake_case identifiers: `already_notified`, `dev_card`, `households_updated`;
- dotted identifiers: `payment_batch.approved`, `program.status`;
- Python's spellings on a Japanese page: `None`, `True`, `False` (`written False`);
- a date or time outside the house format: `2026-12-05`, `2026/12/05 00:52`, `12月05日`;
- a lone lowercase English word that is a value the code stores (an enum value, a channel, a
  provider): `completed`, `line`, `fake`, `eligible`.

Not read: `<script>`, `<style>`, `<code>`, `<kbd>`, `<samp>`, `<pre>`, `<textarea>`, form
values, and any element marked `translate="no"` (identifiers a person types, like a login id).
`assert_no_raw_keys(html, allow=...)` fails with each key in its context."""

from __future__ import annotations

import contextlib
import enum
import importlib
import pkgutil
import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

__all__ = ["RawKeyGuard", "allowed", "assert_no_raw_keys", "key_of", "raw_keys", "stored_words"]

_SKIPPED = {"script", "style", "code", "kbd", "samp", "pre", "textarea", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}
_READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

_SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-]|\.[a-z])")
_DOTTED = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+(?![\w@/-])")
_PYTHON = re.compile(r"(?<![\w.])(?:None|True|False)(?![\w.])")
# A date or time not in the house format: ISO (2026-12-05, 2026-12-04T15:52:00+00:00), slashes
# with zero padding (2026/12/05), a padded day (12月05日) or hour (00:52). A hint giving an
# example of what to type ("例: 1985-04-01") is no date shown.
_RAW_DATE = re.compile(r"\d{4}-\d{2}-\d{2}"
                       r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
                       r"|\d{4}/\d{2}/\d{2}|月0\d日|(?<![\d:])0\d:\d{2}(?!\d)")
_EXAMPLE = re.compile(r"例|e\.g\.")
_WORD = re.compile(r"(?<![\w.@/-])[a-z]{3,}(?![\w@/-])")
# Dotted text that is no key: a file or a host name, or "e.g." on an English page.
_NOT_A_KEY = re.compile(r"^(?:e\.g|i\.e)$|\.(?:pdf|csv|xlsx|json|txt|css|js|png|jpe?g|html?|"
                        r"com|jp|org|net|example|test|local|invalid)$")
# Keys of counts and reports that are no enum value (reach splits, import and job reports).
_COUNT_KEYS = frozenset({"eligible", "reachable", "postal", "sent", "written", "skipped",
                         "imported", "updated", "created", "unknown", "duplicates", "errors",
                         "summary", "total", "done"})
# Stored words a page may show as they are (none yet: add one here only with the reason).
ALWAYS_ALLOWED: frozenset[str] = frozenset()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[str, bool]] = []  # (text, an example of what to type)
        self._stack: list[tuple[str, bool]] = []  # (tag, skips its text)

    @property
    def _skipping(self) -> bool:
        return any(skip for _, skip in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        skip = tag in _SKIPPED or found.get("translate") == "no"
        if not self._skipping and not skip:
            self.chunks.extend((value, name == "placeholder") for name, value in attrs
                               if name in _READ_ATTRIBUTES and value)
        if tag not in _VOID:
            self._stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skipping:
            self.chunks.extend((value, name == "placeholder") for name, value in attrs
                               if name in _READ_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):  # tolerate unclosed <p>, <li>, …
            if self._stack[index][0] == tag:
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.chunks.append((data.strip(), False))


def visible_text(html: str) -> list[tuple[str, bool]]:
    """The text a person reads, each with whether it is an example of what to type."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.chunks


@cache
def stored_words() -> frozenset[str]:
    """Every lowercase one-word value the code stores: the values of the enums in domain/ and
    application/, and the keys of the label catalogues (channels, providers)."""
    import application
    import domain
    from adapters.documents.labels import LABELS

    words: set[str] = {key for kind in LABELS.values() for key in kind} | _COUNT_KEYS
    for package in (domain, application):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            loaded = importlib.import_module(module.name)
            for thing in vars(loaded).values():
                if isinstance(thing, type) and issubclass(thing, enum.Enum) and \
                        thing.__module__ == loaded.__name__:
                    words.update(str(member.value) for member in thing)
    return frozenset(w for w in words if re.fullmatch(r"[a-z]{3,}", w))


def raw_keys(html: str, *, words: bool = True) -> list[str]:
    """Each raw key on the page, as `key  «context»`. `words=False` for a page in English,
    where a stored word may be plain English."""
    found: list[str] = []
    vocabulary = stored_words() if words else frozenset()
    for chunk, example in visible_text(html):
        hits = [m.group() for m in _SNAKE.finditer(chunk)]
        hits += [m.group() for m in _DOTTED.finditer(chunk) if not _NOT_A_KEY.search(m.group())]
        hits += [m.group() for m in _PYTHON.finditer(chunk) if words]  # "None" is English
        if not example and not _EXAMPLE.search(chunk):
            hits += [m.group() for m in _RAW_DATE.finditer(chunk)]
        hits += [m.group() for m in _WORD.finditer(chunk)
                 if m.group() in vocabulary and m.group() not in ALWAYS_ALLOWED]
        found.extend(f"{hit}  «{chunk[:80]}»" for hit in dict.fromkeys(hits))
    return found


def allowed(key: str, allow: Iterable[str]) -> bool:
    """Whether `key` is in `allow`: a key as it is, or "re:<pattern>" for keys that vary (a
    date in a text other slices build)."""
    return any(key == entry or (entry.startswith("re:") and re.fullmatch(entry[3:], key))
               for entry in allow)


def key_of(hit: str) -> str:
    return hit.split("  «")[0]


def assert_no_raw_keys(html: str, *, allow: Iterable[str] = (), words: bool = True,
                       where: str = "") -> None:
    """Fail on any raw key not in `allow` (keys, compared without their context)."""
    left = [hit for hit in raw_keys(html, words=words) if not allowed(key_of(hit), allow)]
    assert left == [], f"raw keys on {where or 'the page'}:\n" + "\n".join(left)


class RawKeyGuard:
    """Reads every page a Playwright page is served (documents and fetched fragments, like a
    job's report), then `check()` fails on any raw key. `allow`: {path regex: keys} for pages
    whose keys are known and left to be fixed (name the owner beside each)."""

    def __init__(self, allow: dict[str, Iterable[str]] | None = None) -> None:
        self.allow = {re.compile(pattern): set(keys) for pattern, keys in (allow or {}).items()}
        self.pages: list[tuple[str, str]] = []

    def watch(self, page: Any) -> RawKeyGuard:
        page.on("response", self._seen)
        return self

    def _seen(self, response: Any) -> None:
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            return
        with contextlib.suppress(Exception):  # a body the browser no longer holds is no page
            self.pages.append((response.url, response.text()))

    def snapshot(self, page: Any) -> None:
        """Read the page as it stands now, with what its scripts wrote into it."""
        with contextlib.suppress(Exception):
            self.pages.append((page.url, page.content()))

    def found(self) -> list[str]:
        left = []
        for url, html in self.pages:
            path = urlsplit(url).path
            allow = set().union(*(keys for pattern, keys in self.allow.items()
                                  if pattern.fullmatch(path)))
            english = re.search(r"<html[^>]*\blang=\"en\"", html) is not None
            left += [f"{path}: {hit}" for hit in raw_keys(html, words=not english)
                     if not allowed(key_of(hit), allow)]
        return list(dict.fromkeys(left))

    def check(self) -> None:
        left = self.found()
        assert left == [], "raw keys on the pages the browser opened:\n" + "\n".join(left)
