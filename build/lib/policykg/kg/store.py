"""Locate the current build in the data directory and open its embedded Oxigraph store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import StoreError
from policykg.kg.dataset import materialise_default_graph

CURRENT_LINK = "current"
STORE_DIR = "store"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Build:
    """One finished build: its folder and its manifest."""

    path: Path
    manifest: dict

    @property
    def store_path(self) -> Path:
        return self.path / STORE_DIR

    def dump(self, file_name: str) -> Path:
        return self.path / file_name


def current_build(data_dir: Path) -> Build:
    """The build that `current` points to; StoreError when there is none."""
    link = data_dir / CURRENT_LINK
    manifest_path = link / MANIFEST
    if not manifest_path.exists():
        raise StoreError(f"no built graph in {data_dir} (run `policykg build` first)")
    path = link.resolve()
    return Build(path, json.loads(manifest_path.read_text(encoding="utf-8")))


def has_build(data_dir: Path) -> bool:
    return (data_dir / CURRENT_LINK / MANIFEST).exists()


def open_store(build: Build, *, in_memory: bool = False, merge: bool = True) -> ox.Store:
    """Open the build's store read-only, or load its dumps into a fresh in-memory store.

    The store's default graph holds the RDF merge of the asserted graphs (see kg.dataset): the builder
    wrote it into the on-disk store; in memory it is computed unless `merge` is false (validation
    checks the named graphs one by one and needs no merge).
    """
    if in_memory:
        store = ox.Store()
        for name in ("policykg.nq", "inferred.nq"):
            store.bulk_load(path=str(build.dump(name)), format=ox.RdfFormat.N_QUADS)
        if merge:
            materialise_default_graph(store)
        return store
    try:
        return ox.Store.read_only(str(build.store_path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {build.store_path}: {exc}") from exc
