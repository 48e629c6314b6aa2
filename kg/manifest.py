"""The build's output contract: `manifest.json`, written by the builder and read by everyone else.

One typed record, so that the builder, the store, the server, the benchmarks and the tests agree on
what a build holds: its triple count, its named graphs, and the sha256 and size of every file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from policykg.errors import StoreError

MANIFEST_FILE = "manifest.json"


class CorruptBuild(StoreError):
    """A build's manifest cannot be read, or its artefacts differ from the digests it records."""


@dataclass(frozen=True)
class FileEntry:
    """One artefact of a build: file name (in the build folder or tables/), media type, sha256, size."""

    file: str
    media_type: str
    sha256: str
    bytes: int

    @classmethod
    def of(cls, path: Path, media_type: str) -> FileEntry:
        """The entry of the file at `path`, hashed in blocks (a dump of a large corpus is gigabytes)."""
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as handle:
            while block := handle.read(1 << 24):
                digest.update(block)
                size += len(block)
        return cls(path.name, media_type, digest.hexdigest(), size)

    def differs(self, data: bytes) -> str | None:
        """Why `data` is not this file (size or digest), or None when it is."""
        if len(data) != self.bytes:
            return f"{self.file} has {len(data)} bytes, the manifest says {self.bytes}"
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            return f"{self.file} has sha256 {digest}, the manifest says {self.sha256}"
        return None


@dataclass(frozen=True)
class BuildGraphs:
    """The IRIs of a build's named graphs."""

    documents: tuple[str, ...]
    vocabulary: str
    shapes: str
    inferred: str
    void: str

    def asserted(self, include_inferred: bool = False) -> tuple[str, ...]:
        """The graphs whose merge is the default graph (documents, vocabulary, shapes), plus graph/inferred."""
        names = (*self.documents, self.vocabulary, self.shapes)
        return (*names, self.inferred) if include_inferred else names


@dataclass(frozen=True)
class Manifest:
    """What `manifest.json` records about one build."""

    version: str
    built_at: str  # ISO 8601, UTC
    content_hash: str  # the build folder's name: a digest of the dumps' digests
    triples: int  # distinct triples of the default graph (the merge of the asserted graphs)
    inferred_triples: int
    graphs: BuildGraphs
    documents: dict[str, str]  # corpus file stem → the document's named graph
    dumps: tuple[FileEntry, ...]  # the RDF dumps, verified before a build is served
    tables: tuple[FileEntry, ...] = ()  # tables/*.csv and datapackage.json

    def dump(self, name: str) -> FileEntry | None:
        return next((entry for entry in self.dumps if entry.file == name), None)

    def table(self, name: str) -> FileEntry | None:
        return next((entry for entry in self.tables if entry.file == name), None)

    def to_json(self) -> str:
        data = asdict(self)
        data["graphs"]["documents"] = list(self.graphs.documents)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def write(self, folder: Path) -> None:
        (folder / MANIFEST_FILE).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the build in `folder`; CorruptBuild names the file and what is wrong with it."""
        path = folder / MANIFEST_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CorruptBuild(f"{path} cannot be read as JSON: {exc}; rebuild with `policykg build`") from exc
        try:
            return cls.from_dict(data)
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            raise CorruptBuild(f"{path} is not a policykg build manifest ({exc!r}); rebuild with `policykg build`"
                               ) from exc

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        """The manifest of parsed JSON; TypeError/KeyError/ValueError when a field is missing or mistyped."""
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        graphs = data["graphs"]
        manifest = cls(
            version=_typed(data, "version", str),
            built_at=_typed(data, "built_at", str),
            content_hash=_typed(data, "content_hash", str),
            triples=_typed(data, "triples", int),
            inferred_triples=_typed(data, "inferred_triples", int),
            graphs=BuildGraphs(
                documents=tuple(_strings(graphs["documents"], "graphs.documents")),
                vocabulary=_typed(graphs, "vocabulary", str),
                shapes=_typed(graphs, "shapes", str),
                inferred=_typed(graphs, "inferred", str),
                void=_typed(graphs, "void", str),
            ),
            documents={str(k): str(v) for k, v in _typed(data, "documents", dict).items()},
            dumps=tuple(_entry(e) for e in _typed(data, "dumps", list)),
            tables=tuple(_entry(e) for e in data.get("tables", [])),
        )
        return manifest


def _typed(data: dict, key: str, kind: type):
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"{key} is {type(value).__name__}, not {kind.__name__}")
    return value


def _strings(value, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} is not a list of strings")
    return value


def _entry(data: dict) -> FileEntry:
    return FileEntry(_typed(data, "file", str), _typed(data, "media_type", str), _typed(data, "sha256", str),
                     _typed(data, "bytes", int))
