"""The database connection pool's settings (ADR 0066), read from the environment by
`config.py`: one pool per process, so what a town's processes can hold together is the pool
times the processes (Procfile.city: gunicorn's workers, the Celery workers, beat), which must
stay under PostgreSQL's `max_connections`. With them, the page cache of the connection a
registry import writes through on SQLite (ADR 0081)."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.persistence.bulk_writing import DEFAULT_CACHE_MIB

__all__ = ["POOL_DEFAULTS", "connections_per_process", "pool_settings"]

# variable: (default, lowest, highest)
_RANGES = {"MADOGUCHI_DB_POOL_SIZE": (5, 1, 200),  # connections each process keeps open
           "MADOGUCHI_DB_MAX_OVERFLOW": (10, 0, 200),  # more at a peak (SQLAlchemy's own)
           "MADOGUCHI_DB_POOL_RECYCLE": (1800, 0, 86400),  # seconds before a connection is
           # replaced (under a firewall's or PgBouncer's idle cut-off); 0: never
           "MADOGUCHI_DB_POOL_TIMEOUT": (30, 1, 600),  # seconds a thread waits for one
           # SQLite: the page cache of a registry import's own connection, MiB (ADR 0081)
           "MADOGUCHI_IMPORT_CACHE_MIB": (DEFAULT_CACHE_MIB, 2, 65536)}
POOL_DEFAULTS = {name: default for name, (default, _, _) in _RANGES.items()}


def pool_settings(env: Mapping[str, str]) -> dict[str, int]:
    """The pool of each process's engine (PostgreSQL; SQLite's file keeps its own) and the
    cache of a SQLite registry import's connection."""
    found = {}
    for name, (default, low, high) in _RANGES.items():
        value = env.get(name, "").strip() or str(default)
        if not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}")
        found[name.removeprefix("MADOGUCHI_").lower()] = int(value)
    return found


def connections_per_process(settings: Mapping[str, int]) -> int:
    """The most connections one process's pool holds at once."""
    return settings["db_pool_size"] + settings["db_max_overflow"]
