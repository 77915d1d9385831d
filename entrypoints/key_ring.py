"""At start-up: say where the data keys live, and refuse to run with a key ring that does not
open what the database already holds (a second ring made in another directory, a wrong
MADOGUCHI_DATA_KEYS): every write would mix data no single ring opens."""

from __future__ import annotations

import logging

from adapters.persistence.key_check import ring_opens
from entrypoints.config import ConfigurationError
from entrypoints.containers import Container

__all__ = ["check_key_ring", "key_location"]

log = logging.getLogger(__name__)


def key_location(container: Container) -> str:
    return (f"data keys: {container.config.keys_from()} "
            f"(data directory {container.config.data_dir()})")


def check_key_ring(container: Container) -> str:
    """Returns the line saying where the keys live (also logged); raises ConfigurationError,
    naming the data directory, when the keys do not open the stored data."""
    if not ring_opens(container.engine(), container.cipher()):
        raise ConfigurationError(
            f"the data keys from {container.config.keys_from()} do not open the data this "
            f"database already holds (data directory {container.config.data_dir()}): set "
            "MADOGUCHI_DATA_DIR to the directory holding the database's data.key, or "
            "MADOGUCHI_DATA_KEYS to its keys")
    line = key_location(container)
    log.info("%s", line)
    return line
