"""The templates library (テンプレート集): the procedure templates that come with Madoguchi, in
the repository's templates/procedures/ folder, each offered to import (through the same flow
as an uploaded file)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from attrs import frozen

from entrypoints.builder_wiring import TEMPLATE_LIBRARY

__all__ = ["LIBRARY", "LibraryTemplate", "library", "library_template"]

LIBRARY = TEMPLATE_LIBRARY
_NAME = re.compile(r"[a-z0-9_-]+\.json")


@frozen
class LibraryTemplate:
    name: str  # the file's name: what the import form sends
    title: str
    steps: int


def library() -> list[LibraryTemplate]:
    """Each readable template of the folder, by title (a file that is no template is left
    out: importing it would say why)."""
    found = []
    for path in sorted(LIBRARY.glob("*.json")):
        data = _read(path)
        procedure = data.get("procedure") if isinstance(data, dict) else None
        if isinstance(procedure, dict) and isinstance(procedure.get("title"), str):
            steps = procedure.get("steps")
            found.append(LibraryTemplate(path.name, procedure["title"],
                                         len(steps) if isinstance(steps, list) else 0))
    return sorted(found, key=lambda template: template.title)


def library_template(name: str) -> str | None:
    """The text of the library's template of this file name, or None."""
    if not _NAME.fullmatch(name or ""):
        return None
    path = LIBRARY / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
