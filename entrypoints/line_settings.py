"""The LINE channel's smaller settings, read from the environment by entrypoints/config.py."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["line_settings"]

_ON, _OFF = ("on", "true", "1", "yes"), ("off", "false", "0", "no", "")


def line_settings(env: Mapping[str, str], error: type[Exception]) -> dict[str, object]:
    """MADOGUCHI_LINE_MARK_AS_READ (on/off, default off): the account's mark-as-read mode is
    manual, so messages are marked 「既読」 when the town has handled them (ADR 0051). Leave it
    off with LINE's default (automatic) mode, where every message is read on arrival.
    MADOGUCHI_INBOUND_LEASE_SECONDS (15 to 3600, default 60): how long a worker holds a stored
    event it handles; the events of a worker killed meanwhile are taken up once it lapses
    (ADR 0062). Shorter brings them sooner after a crash; at least 15 s, longer than the
    slowest handling (a call to the identity provider times out after 13 s)."""
    mark = env.get("MADOGUCHI_LINE_MARK_AS_READ", "off").strip().lower()
    if mark not in _ON + _OFF:
        raise error("MADOGUCHI_LINE_MARK_AS_READ must be on or off")
    lease = env.get("MADOGUCHI_INBOUND_LEASE_SECONDS", "60").strip()
    if not lease.isdecimal() or not 15 <= int(lease) <= 3600:
        raise error("MADOGUCHI_INBOUND_LEASE_SECONDS must be a whole number from 15 to 3600")
    return {"line_mark_as_read": mark in _ON, "inbound_lease_seconds": int(lease)}
