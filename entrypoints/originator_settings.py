"""The 依頼人 of the Zengin transfer file: the town's account at its bank, read from the
environment by `config.py` (demo values outside production; in production an export is
refused until they are set)."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["originator_settings"]

_DEMO_ORIGINATOR = {"code": "1234567890", "name": "ミホンチヨウ", "bank": "0001",
                    "branch": "001", "account_type": "1", "account": "1234567"}


def originator_settings(env: Mapping[str, str], production: bool) -> dict[str, str]:
    """MADOGUCHI_ORIGINATOR_CODE (依頼人コード, 10 digits), _NAME (kana), _BANK (4 digits),
    _BRANCH (3), _ACCOUNT_TYPE (1 普通, 2 当座, 9 その他), _ACCOUNT (7 digits)."""
    values = {}
    for key, demo_value in _DEMO_ORIGINATOR.items():
        given = env.get(f"MADOGUCHI_ORIGINATOR_{key.upper()}", "").strip()
        values[f"originator_{key}"] = given or ("" if production else demo_value)
    if not values["originator_account_type"]:
        values["originator_account_type"] = "1"
    if values["originator_account_type"] not in {"1", "2", "9"}:
        raise ValueError("MADOGUCHI_ORIGINATOR_ACCOUNT_TYPE must be 1, 2 or 9")
    return values
