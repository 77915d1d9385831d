"""What the queries share in turning rows into read models."""

from __future__ import annotations

__all__ = ["plain"]


def plain(value: object) -> str:
    """An enum column's stored value (a status, a channel) as the read models carry it."""
    return str(getattr(value, "value", value))
