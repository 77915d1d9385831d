"""Keys the data directory keeps: made once, whole, mode 600, the same for every process."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from entrypoints import local_secrets
from entrypoints.local_secrets import local_secret
from tests.support.together import at_once

pytestmark = pytest.mark.unit


def _together(path: Path, threads: int = 8) -> list[str]:
    """`threads` processes starting at once on a new data directory, each with its own key."""
    return at_once([lambda n=n: local_secret(path, lambda: f"key-{n}-" + "x" * 40)
                    for n in range(threads)])


def test_a_key_is_made_once_with_mode_600_and_no_draft_left(tmp_path: Path) -> None:
    path = tmp_path / "data" / "match.key"
    seen = _together(path)

    assert len(set(seen)) == 1 and seen[0].startswith("key-")
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["match.key"]
    assert local_secret(path, lambda: "another") == seen[0]  # kept


def test_without_hard_links_the_first_key_written_is_everyones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(local_secrets.os, "link", no_links)
    path = tmp_path / "match.key"
    seen = _together(path)

    assert len(set(seen)) == 1 and seen[0].startswith("key-")
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["match.key"]


def test_a_failed_write_leaves_no_draft(tmp_path: Path) -> None:
    def broken() -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        local_secret(tmp_path / "secret.key", broken)
    assert os.listdir(tmp_path) == []
