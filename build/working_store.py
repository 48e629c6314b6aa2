"""The build folder's on-disk store: bulk-loaded from the sorted dumps, or, when few quads changed since
the previous build, that build's store copied and changed by the difference of the dumps.

Loading costs ~7 CPU µs a line in RocksDB (all six quad indexes, three for the default graph, and the
compaction of the ingested files; lenient parsing, two chunks at a time), ~60 CPU s at 1,000
documents (8.5 M lines with the default graph), whatever changed. A rebuild after one changed document instead
copies the previous store (`Store.backup`: hard links of RocksDB's immutable files, the previous
build untouched) and removes and adds the lines by which the sorted dumps differ (`comm`, bytes
order as `sort` left them). The result holds the same quads as a fresh load (tests/build/
test_pipeline.py compares the two), so tables and VoID, read from it, are the same bytes.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import subprocess
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import pyoxigraph as ox

from policykg.build import dumps as dumps_module
from policykg.errors import BuildError, StoreError
from policykg.kg.dataset import DEFAULT, NOT_ASSERTED
from policykg.kg.manifest import FileEntry
from policykg.kg.namespaces import VOID_GRAPH
from policykg.kg.store import CURRENT_LINK, Build, read_build

log = logging.getLogger(__name__)

LOADED = ("policykg.nq", "inferred.nq")  # the dumps the store holds besides the default graph and VoID
MAX_CHANGED_SHARE = 0.05  # above this share of changed lines a fresh bulk load is cheaper than the edits
LOAD_CHUNK = 125_000  # lines per bulk load call: the loader holds ~1.5 KB a line while it builds its files
LOAD_THREADS = 1  # calls at once; 2 saved CPU but its heaps raised the build's peak ~50 MB (issue 10)


def bulk_load(store: ox.Store, *paths: Path, threads: int = LOAD_THREADS) -> None:
    """N-Quads (or N-Triples: the default graph) into the store, in chunks that bound the loader's memory,
    `threads` chunks at a time (bulk_load releases the GIL; RocksDB ingests concurrent files safely).

    Lenient parsing skips IRI and language-tag checks: the files are the engine's own serialisation
    (build.dumps), already checked when the quads were parsed from the emitter, and the checks cost
    about a third of the load (1,000 documents: 75 → 58 CPU s with lenient chunks loaded two at a time,
    118 CPU s strict and one at a time)."""
    if threads == 1:  # in the calling thread: its heap, already grown (validation), is reused
        for path in paths:
            for chunk in dumps_module.line_chunks(path, LOAD_CHUNK):
                store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)
        return
    with ThreadPoolExecutor(threads) as pool:
        pending: set[Future] = set()
        for path in paths:
            for chunk in dumps_module.line_chunks(path, LOAD_CHUNK):
                if len(pending) >= threads:  # at most `threads` chunks in memory
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        future.result()
                pending.add(pool.submit(store.bulk_load, chunk, format=ox.RdfFormat.N_QUADS, lenient=True))
        for future in pending:
            future.result()
    _release_free_memory()


def _release_free_memory() -> None:
    """Give the loader threads' freed heap back to the OS: glibc keeps each thread's arena (~80 MB after
    1,000 documents), which the validation that follows cannot reuse and which added to the build's peak."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing kept that way


def previous_build(data_dir: Path) -> Build | None:
    """The current build, if its manifest reads and the dumps its store was loaded from match it."""
    try:
        build = read_build(data_dir / CURRENT_LINK, data_dir)
    except (StoreError, OSError, ValueError):
        return None
    for name in LOADED:
        entry, path = build.manifest.dump(name), build.path / name
        if entry is None or not path.is_file() or FileEntry.of(path, entry.media_type) != entry:
            log.warning("the current build's %s does not match its manifest: the store is loaded afresh", name)
            return None
    return build


def changed_lines(old: Path, new: Path) -> tuple[list[bytes], list[bytes]]:
    """(lines only in `old`, lines only in `new`) of two files sorted as bytes (`comm` under LC_ALL=C)."""
    env = {**os.environ, "LC_ALL": "C"}
    try:
        result = subprocess.run(["comm", "-3", str(old), str(new)], env=env, check=True, capture_output=True)
    except FileNotFoundError:
        raise BuildError("the build compares its dumps with `comm` (coreutils), which is not on PATH") from None
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"comparing {new.name} failed: {exc.stderr.decode(errors='replace').strip()}") from None
    removed, added = [], []
    for line in result.stdout.splitlines(keepends=True):
        (added if line.startswith(b"\t") else removed).append(line.lstrip(b"\t"))
    return removed, added


def _quads(lines: list[bytes]) -> list[ox.Quad]:
    return list(ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS)) if lines else []


def updated_store(previous: Build | None, folder: Path, store_path: Path, new_lines: int) -> ox.Store | None:
    """The store of the build in `folder` made from `previous`'s, or None when there is no usable
    previous store or more than MAX_CHANGED_SHARE of `new_lines` (the dumps' lines) changed."""
    if previous is None or not previous.store_path.is_dir():
        return None
    if not all((previous.path / name).is_file() for name in LOADED):
        return None
    changes = {name: changed_lines(previous.path / name, folder / name) for name in LOADED}
    changed = sum(len(removed) + len(added) for removed, added in changes.values())
    if changed > MAX_CHANGED_SHARE * new_lines:
        log.info("%d changed lines of %d: the store is loaded afresh", changed, new_lines)
        return None
    if any(b"_:" in text for lines in changes.values() for side in lines for text in side):
        return None  # a blank node parsed again would be another node: the builder emits none anyway
    try:
        ox.Store.read_only(str(previous.store_path)).backup(str(store_path))
    except OSError as exc:
        log.warning("cannot copy the previous store (%s): the store is loaded afresh", exc)
        shutil.rmtree(store_path, ignore_errors=True)
        return None
    store = ox.Store(str(store_path))
    store.remove_graph(ox.NamedNode(VOID_GRAPH))  # written again by the build
    removed_asserted, added_asserted = (_quads(lines) for lines in changes["policykg.nq"])
    removed_inferred, added_inferred = (_quads(lines) for lines in changes["inferred.nq"])
    for quad in removed_asserted + removed_inferred:
        store.remove(quad)
    store.extend(added_asserted + added_inferred)
    _update_default_graph(store, removed_asserted, added_asserted)
    log.info("store: the previous build's, %d quad(s) removed and %d added", len(removed_asserted) +
             len(removed_inferred), len(added_asserted) + len(added_inferred))
    return store


def _update_default_graph(store: ox.Store, removed: list[ox.Quad], added: list[ox.Quad]) -> None:
    """The default graph is the merge of the asserted graphs (kg.dataset): a removed quad's triple
    leaves it only when no asserted graph still holds it; an added quad's triple is in it."""
    store.extend(ox.Quad(q.subject, q.predicate, q.object, DEFAULT) for q in added)
    for quad in removed:
        holders = store.quads_for_pattern(quad.subject, quad.predicate, quad.object)
        if not any(h.graph_name != DEFAULT and h.graph_name not in NOT_ASSERTED for h in holders):
            store.remove(ox.Quad(quad.subject, quad.predicate, quad.object, DEFAULT))
