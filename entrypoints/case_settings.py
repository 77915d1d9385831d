"""The inbox's settings (ADR 0047), read from the environment by `config.py`."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["case_settings"]

_RANGES = {"MADOGUCHI_CASE_UNTOUCHED_DAYS": ("2", 1, 60),
           "MADOGUCHI_CASE_RETENTION_DAYS": ("365", 0, 36500)}


def case_settings(env: Mapping[str, str]) -> dict[str, int]:
    """MADOGUCHI_CASE_UNTOUCHED_DAYS: working days after which an open case waiting on staff is
    「滞留」; MADOGUCHI_CASE_RETENTION_DAYS: days after closing when a case's personal data is
    erased (0: never)."""
    found = {}
    for name, (default, low, high) in _RANGES.items():
        value = env.get(name, default).strip()
        if not value.isdecimal() or not low <= int(value) <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}")
        found[name] = int(value)
    return {"case_untouched_days": found["MADOGUCHI_CASE_UNTOUCHED_DAYS"],
            "case_retention_days": found["MADOGUCHI_CASE_RETENTION_DAYS"]}
