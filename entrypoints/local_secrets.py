"""Keys kept in the data directory outside production (the quick start needs no set-up): made
once, then read by every process. gunicorn's workers start together on a new directory, so a key
is written whole under a draft name of its own and linked into place, which is atomic and never
replaces a key another process made first: no process reads a key half written, and all of them
use the same one."""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["local_secret"]

_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


def local_secret(path: Path, make: Callable[[], str]) -> str:
    """The key in `path`, made with `make` (mode 600) when there is none yet."""
    if path.exists():
        return _read_whole(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # exclusive, 600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:  # another process made it first: theirs is the key
            pass
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            _create_once(path, Path(draft).read_text())  # a file system without hard links
        _sync_directory(path.parent)
    finally:
        Path(draft).unlink(missing_ok=True)
    return _read_whole(path)


def _create_once(path: Path, value: str) -> None:
    """Where hard links cannot be made: the first to create the file writes it (readers wait
    until it is written, `_read_whole`)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(value)


def _read_whole(path: Path, wait: float = 2.0) -> str:
    """A key is never empty: an empty file is one still being written without hard links."""
    deadline = time.monotonic() + wait
    while not (value := path.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return value


def _sync_directory(directory: Path) -> None:
    """The new name survives a crash too."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
