"""The key ring a backup carries: the data keys that open the personal data, the match key that
finds residents, and the files that hold them in the data directory."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from attrs import field, frozen

from adapters.crypto import DecryptionFailed, FieldCipher

__all__ = ["KEY_FILES", "KeyRing"]

# The files `Settings.from_env` makes in the data directory when no key is configured.
KEY_FILES = ("data.key", "match.key", "secret.key")


@frozen
class KeyRing:
    data_keys: tuple[str, ...]
    match_key: str
    files: Mapping[str, bytes] = field(factory=dict)  # name in the data directory → contents

    @classmethod
    def in_use(cls, data_dir: Path, data_keys: tuple[str, ...], match_key: str) -> KeyRing:
        """The keys the app runs with, and those of them kept as files in `data_dir`."""
        files = {name: (data_dir / name).read_bytes() for name in KEY_FILES
                 if (data_dir / name).is_file()}
        return cls(data_keys=tuple(data_keys), match_key=match_key, files=files)

    @property
    def fingerprint(self) -> str:
        """Names the ring without revealing it: a hash of keys that are 256-bit random values."""
        digest = hashlib.sha256(b"madoguchi key ring\x00")
        for key in (*self.data_keys, self.match_key):
            digest.update(key.encode() + b"\x00")
        return "sha256:" + digest.hexdigest()[:16]

    @property
    def from_files(self) -> bool:
        """Whether the data keys were read from data.key (the default), not the environment."""
        return "data.key" in self.files

    def opens(self, value: str | None) -> bool:
        if value is None:
            return True
        try:
            FieldCipher(self.data_keys).decrypt(value)
        except (DecryptionFailed, ValueError):
            return False
        return True

    def manifest(self) -> dict[str, object]:
        return {"data_keys": list(self.data_keys), "match_key": self.match_key,
                "key_files": sorted(self.files)}
