"""The folder where uploads wait for the job that imports them: mode 700, each file mode 600,
deleted by its job (or at once when refused), and leftovers older than a day swept at start-up
(a process killed mid-job, a queue that lost its message)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

__all__ = ["LEFTOVER_AGE", "prepare_upload_folder", "sweep_uploads"]

log = logging.getLogger(__name__)

LEFTOVER_AGE = 24 * 60 * 60  # seconds: no import waits that long for its job


def prepare_upload_folder(folder: Path) -> Path:
    """Makes the folder (mode 700) and closes it to others when it was made wider before."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def sweep_uploads(folder: Path, *, now: float | None = None,
                  older_than: float = LEFTOVER_AGE) -> int:
    """Deletes the uploads last written more than `older_than` seconds ago; returns how many
    (logged as a count: the file names say nothing, the contents are never read)."""
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    swept = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > older_than:
                path.unlink()
                swept += 1
        except FileNotFoundError:  # its job deleted it meanwhile
            continue
    if swept:
        log.warning("swept %d leftover upload(s) older than a day from %s", swept, folder)
    return swept
