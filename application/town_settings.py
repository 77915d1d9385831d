"""Settings of the town that staff change in the application, not in a deployment's
environment (the ladder of channels, `application/messaging/ladder.py`): each a JSON value under
a key, with who changed it last and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import define

__all__ = ["TownSetting"]


@define(slots=False, eq=False)
class TownSetting:
    key: str
    value: dict[str, Any]
    updated_at: dt.datetime
    updated_by: str = ""

    def change(self, value: dict[str, Any], *, by: str, at: dt.datetime) -> None:
        self.value, self.updated_by, self.updated_at = dict(value), by, at
