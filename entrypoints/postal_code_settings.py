"""The postal codes' setting (ADR 0052), read from the environment by entrypoints/config.py."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["postal_code_settings"]


def postal_code_settings(env: Mapping[str, str]) -> dict[str, str]:
    """MADOGUCHI_POSTAL_CODES_FILE: Japan Post's KEN_ALL.CSV (CP932, as downloaded and
    unzipped), for the address questions' postal-code look-up; unset = the bundled excerpt
    (the demo town and a few codes)."""
    path = env.get("MADOGUCHI_POSTAL_CODES_FILE", "").strip()
    if path and not Path(path).is_file():
        raise ValueError(f"MADOGUCHI_POSTAL_CODES_FILE: no file at {path} (Japan Post's "
                         "KEN_ALL.CSV, unzipped)")
    return {"postal_codes_file": path}
