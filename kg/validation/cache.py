"""A bounded on-disk cache of the structural (pySHACL) results of validation units.

A unit's results depend only on its data (its triples and the nodes it owns) and on what the
validator is given besides (the shapes, the vocabulary, the validator's own code and version). The
cache key hashes all of it, so a rebuild after one changed document finds every unchanged unit's
results and revalidates only the units whose content changed. Entries are JSON files named by their
key; a hit refreshes the file's mtime and the oldest files are removed when the cache holds more
than ``max_entries`` (least recently used first). A corrupt or unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

# bump when the way units are built or results are extracted changes: old entries then miss
CACHE_FORMAT = "policykg-validation-unit/1"
DEFAULT_MAX_ENTRIES = 20_000


def cache_directory(data_dir: Path) -> Path:
    """Where the build and `policykg validate` keep unit results: beside the builds, kept across them."""
    return Path(data_dir) / "cache" / "validation"


def fingerprint(*parts: bytes | str) -> str:
    """sha256 over length-prefixed parts (so that no two different part lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def files_fingerprint(paths: Iterable[Path]) -> str:
    """The content of files (in the given order), as one hash."""
    return fingerprint(*(Path(p).read_bytes() for p in paths))


class UnitCache:
    """Results (lists of JSON-able dicts) of validation units, keyed by a content hash."""

    def __init__(self, directory: Path, context: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.directory = Path(directory)
        self.context = context  # the hash of everything besides the unit that decides its results
        self.max_entries = max_entries
        self.hits = 0

    def key(self, unit_digest: str) -> str:
        return fingerprint(CACHE_FORMAT, self.context, unit_digest)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> list[dict] | None:
        path = self._path(key)
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
            os.utime(path)  # recently used: kept longest
        except (OSError, ValueError):
            return None
        if not isinstance(entries, list):
            return None
        self.hits += 1
        return entries

    def put(self, key: str, entries: list[dict]) -> None:
        """Write atomically (temporary file + rename): a reader never sees half an entry."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.directory)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(entries, out, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, self._path(key))
        except OSError as exc:  # a cache that cannot be written only costs time
            log.warning("validation cache %s not written: %s", self.directory, exc)

    def prune(self) -> int:
        """Remove the least recently used entries beyond ``max_entries``; the number removed."""
        try:
            entries = [(p.stat().st_mtime, p) for p in self.directory.glob("*.json")]
        except OSError:
            return 0
        excess = len(entries) - self.max_entries
        if excess <= 0:
            return 0
        entries.sort()
        for _mtime, path in entries[:excess]:
            path.unlink(missing_ok=True)
        return excess
