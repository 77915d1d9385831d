"""The hash that chains audit records: SHA-256 over a canonical JSON of the record's fields and
the previous record's hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping

__all__ = ["record_hash"]


def record_hash(*, seq: int, at: dt.datetime, actor_id: str, actor_label: str, action: str,
                target_type: str, target_id: str, ip: str,
                detail: Mapping[str, str | int | bool], prev_hash: str) -> str:
    moment = at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    canonical = json.dumps(
        [seq, moment, actor_id, actor_label, action, target_type, target_id, ip,
         dict(sorted(detail.items())), prev_hash],
        ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
