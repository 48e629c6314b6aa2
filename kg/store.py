"""Locate the current build in the data directory, check it against its manifest, and open its store.

Every build folder carries `manifest.json` with the sha256 and size of each artefact. A build is
only used after its artefacts match (`verify_build`); the in-memory load hashes exactly the bytes it
loads, so a file changed between the check and the load cannot slip through.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import StoreError
from policykg.kg.dataset import materialise_default_graph
from policykg.kg.manifest import MANIFEST_FILE, CorruptBuild, FileEntry, Manifest

CURRENT_LINK = "current"
STORE_DIR = "store"
LOADED_DUMPS = ("policykg.nq", "inferred.nq")


@dataclass(frozen=True)
class Build:
    """One finished build: its folder and its manifest."""

    path: Path
    manifest: Manifest

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def store_path(self) -> Path:
        return self.path / STORE_DIR

    def dump(self, file_name: str) -> Path:
        return self.path / file_name


def current_build(data_dir: Path) -> Build:
    """The build that `current` points to; StoreError when there is none or its manifest is unreadable."""
    return read_build(data_dir / CURRENT_LINK, data_dir)


def read_build(folder: Path, data_dir: Path | None = None) -> Build:
    """The build in `folder` (a build folder or the `current` link) with its parsed manifest."""
    if not (folder / MANIFEST_FILE).exists():
        raise StoreError(f"no built graph in {data_dir or folder} (run `policykg build` first)")
    path = folder.resolve()
    return Build(path, Manifest.read(path))


def has_build(data_dir: Path) -> bool:
    return (data_dir / CURRENT_LINK / MANIFEST_FILE).exists()


def verify_build(build: Build, files: tuple[str, ...] | None = None) -> None:
    """Check each artefact (or only `files`) against the manifest; CorruptBuild lists every difference."""
    listed = {entry.file for entry in build.manifest.dumps}
    errors = [f"the manifest records no digest of {name}" for name in LOADED_DUMPS if name not in listed]
    for entry in sorted(build.manifest.dumps, key=lambda e: e.file):
        if files is not None and entry.file not in files:
            continue
        try:
            # hashed in blocks: a 1,000-document build's policykg.nq is 1 GB, read whole it was the build's peak
            found = FileEntry.of(build.dump(entry.file), entry.media_type)
        except OSError as exc:
            errors.append(f"{entry.file}: {exc.strerror or exc}")
            continue
        if found.bytes != entry.bytes:
            errors.append(f"{entry.file} has {found.bytes} bytes, the manifest says {entry.bytes}")
        elif found.sha256 != entry.sha256:
            errors.append(f"{entry.file} has sha256 {found.sha256}, the manifest says {entry.sha256}")
    if errors:
        raise CorruptBuild(f"build {build.path} does not match its manifest: " + "; ".join(errors))


def fingerprint(build: Build) -> tuple:
    """Cheap identity of a build's files on disk (inode, size, mtime): a change means verify again."""
    stats = []
    for name in [MANIFEST_FILE, *sorted(entry.file for entry in build.manifest.dumps)]:
        try:
            st = os.stat(build.path / name)
        except OSError:
            stats.append((name, None))
            continue
        stats.append((name, st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(stats)


def read_verified(build: Build, name: str) -> bytes:
    """The bytes of artefact `name`, checked against the manifest (CorruptBuild if they differ)."""
    entry = build.manifest.dump(name)
    if entry is None:
        raise CorruptBuild(f"build {build.path}: the manifest records no digest of {name}")
    try:
        data = build.dump(name).read_bytes()
    except OSError as exc:
        raise CorruptBuild(f"build {build.path}: {name}: {exc.strerror or exc}") from exc
    problem = entry.differs(data)
    if problem:
        raise CorruptBuild(f"build {build.path} does not match its manifest: {problem}")
    return data


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
