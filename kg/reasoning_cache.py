"""Per-graph results of the single-premise OWL-RL rules, kept across builds (kg/reasoning.py).

An entry is keyed by a sha256 over the rules' version, the TBox and the graph's N-Triples lines as
the engine writes them, sorted (the engine's order depends on how the store was filled), so an
unchanged document graph under an unchanged ontology reuses its consequences and a changed one misses. A hit
can never be wrong, only a miss can cost time. Entries are written atomically; the ones a run did
not use are removed at its end, so the folder holds one build's worth.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# bump when the rules or the entry format change: old entries then miss
RULES_VERSION = "reasoning-rules/1"
SUFFIX = ".json"


@dataclass(frozen=True)
class Entry:
    """A graph's consequences under the single-premise rules, and the graph's and those
    consequences' triples of transitive properties (the premises prp-trp joins across graphs)."""

    derived: list[str]
    transitive: list[str]


@dataclass
class ReasoningCache:
    """The entries under ``folder`` for one TBox (``tbox_key``)."""

    folder: Path
    tbox_key: str
    used: set[str] = field(default_factory=set)
    hits: int = 0

    def key(self, graph_data: bytes) -> str:
        digest = hashlib.sha256(f"{RULES_VERSION}\n{self.tbox_key}\n".encode())
        digest.update(graph_data)
        return digest.hexdigest()

    def get(self, key: str) -> Entry | None:
        self.used.add(key)
        try:
            raw = json.loads((self.folder / (key + SUFFIX)).read_text(encoding="utf-8"))
            entry = Entry(list(raw["derived"]), list(raw["transitive"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, or damaged by a crash or by hand: recomputed and rewritten
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"derived": entry.derived, "transitive": entry.transitive}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(tmp, self.folder / (key + SUFFIX))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Remove the entries this run did not use (temporary files may be another build's, mid-write)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix == SUFFIX and path.stem not in self.used:
                path.unlink(missing_ok=True)
        log.info("reasoning cache: %d of %d graph(s) reused", self.hits, len(self.used))
