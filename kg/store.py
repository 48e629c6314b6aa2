"""Locate the current build in the data directory, check it against its manifest, and open its store.

Every build folder carries `manifest.json` with the sha256 and size of each artefact. A build is
only used after its artefacts match (`verify_build`); the in-memory load hashes exactly the bytes it
loads, so a file changed between the check and the load cannot slip through.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import StoreError
from policykg.kg.dataset import materialise_default_graph

CURRENT_LINK = "current"
STORE_DIR = "store"
MANIFEST = "manifest.json"
LOADED_DUMPS = ("policykg.nq", "inferred.nq")


class CorruptBuild(StoreError):
    """A build's artefacts differ from the digests its manifest records."""


@dataclass(frozen=True)
class Build:
    """One finished build: its folder and its manifest."""

    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def store_path(self) -> Path:
        return self.path / STORE_DIR

    def dump(self, file_name: str) -> Path:
        return self.path / file_name

    def dump_entries(self) -> dict[str, dict]:
        """The manifest's record (sha256, bytes, media type) of each artefact, by file name."""
        dumps = self.manifest.get("dumps")
        if not isinstance(dumps, list):
            return {}
        return {d["file"]: d for d in dumps if isinstance(d, dict) and isinstance(d.get("file"), str)}


def current_build(data_dir: Path) -> Build:
    """The build that `current` points to; StoreError when there is none or its manifest is unreadable."""
    return read_build(data_dir / CURRENT_LINK, data_dir)


def read_build(folder: Path, data_dir: Path | None = None) -> Build:
    """The build in `folder` (a build folder or the `current` link) with its parsed manifest."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise StoreError(f"no built graph in {data_dir or folder} (run `policykg build` first)")
    path = folder.resolve()
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorruptBuild(f"{path / MANIFEST} cannot be read as JSON: {exc}; rebuild with `policykg build`") from exc
    if not isinstance(manifest, dict):
        raise CorruptBuild(f"{path / MANIFEST} is not a JSON object; rebuild with `policykg build`")
    return Build(path, manifest)


def has_build(data_dir: Path) -> bool:
    return (data_dir / CURRENT_LINK / MANIFEST).exists()


def verify_build(build: Build, files: tuple[str, ...] | None = None) -> None:
    """Check each artefact (or only `files`) against the manifest; CorruptBuild lists every difference."""
    entries = build.dump_entries()
    errors = [f"the manifest records no digest of {name}" for name in LOADED_DUMPS if name not in entries]
    for name, entry in sorted(entries.items()):
        if files is not None and name not in files:
            continue
        try:
            data = build.dump(name).read_bytes()
        except OSError as exc:
            errors.append(f"{name}: {exc.strerror or exc}")
            continue
        problem = _differs(name, data, entry)
        if problem:
            errors.append(problem)
    if errors:
        raise CorruptBuild(f"build {build.path} does not match its manifest: " + "; ".join(errors))


def fingerprint(build: Build) -> tuple:
    """Cheap identity of a build's files on disk (inode, size, mtime): a change means verify again."""
    stats = []
    for name in [MANIFEST, *sorted(build.dump_entries())]:
        try:
            st = os.stat(build.path / name)
        except OSError:
            stats.append((name, None))
            continue
        stats.append((name, st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(stats)


def read_verified(build: Build, name: str) -> bytes:
    """The bytes of artefact `name`, checked against the manifest (CorruptBuild if they differ)."""
    entry = build.dump_entries().get(name)
    if entry is None:
        raise CorruptBuild(f"build {build.path}: the manifest records no digest of {name}")
    try:
        data = build.dump(name).read_bytes()
    except OSError as exc:
        raise CorruptBuild(f"build {build.path}: {name}: {exc.strerror or exc}") from exc
    problem = _differs(name, data, entry)
    if problem:
        raise CorruptBuild(f"build {build.path} does not match its manifest: {problem}")
    return data


def _differs(name: str, data: bytes, entry: dict) -> str | None:
    if "bytes" in entry and len(data) != entry["bytes"]:
        return f"{name} has {len(data)} bytes, the manifest says {entry['bytes']}"
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.get("sha256"):
        return f"{name} has sha256 {digest}, the manifest says {entry.get('sha256')}"
    return None


def open_store(build: Build, *, in_memory: bool = False, merge: bool = True) -> ox.Store:
    """Open the build's store read-only, or load its verified dumps into a fresh in-memory store.

    The store's default graph holds the RDF merge of the asserted graphs (see kg.dataset): the builder
    wrote it into the on-disk store; in memory it is computed unless `merge` is false (validation
    checks the named graphs one by one and needs no merge).
    """
    if in_memory:
        store = ox.Store()
        for name in LOADED_DUMPS:
            store.bulk_load(input=read_verified(build, name), format=ox.RdfFormat.N_QUADS)
        if merge:
            materialise_default_graph(store)
        return store
    try:
        return ox.Store.read_only(str(build.store_path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {build.store_path}: {exc}") from exc
