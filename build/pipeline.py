"""The whole build: corpus → quads → reasoning → artefacts in a fresh folder, then an atomic swap."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import resource
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from policykg import __version__
from policykg.build import dataset_description, working_store
from policykg.build import dumps as dumps_module
from policykg.build.corpus import load_corpus
from policykg.build.emit import cache as emit_cache
from policykg.build.emit import emit_document, emit_document_nquads
from policykg.build.registry import build_registry
from policykg.build.vocabulary import read_turtle, unit_tables
from policykg.errors import BuildError, NonConformingBuildError, StoreError
from policykg.kg import reasoning
from policykg.kg.dataset import SHAPES, asserted_graphs
from policykg.kg.manifest import BuildGraphs, FileEntry, Manifest
from policykg.kg.namespaces import BASE, INFERRED_GRAPH, SHAPES_GRAPH, VOCABULARY_GRAPH, VOID_GRAPH
from policykg.kg.store import CURRENT_LINK, STORE_DIR, read_build, verify_build
from policykg.kg.tables import TABLES_DIR, write_tables

log = logging.getLogger(__name__)

TMP_PREFIX = ".tmp-"
LOCK_FILE = ".build.lock"
DUMPS = [
    ("policykg.trig", "application/trig", ox.RdfFormat.TRIG),
    ("policykg.nq", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("policykg.ttl", "text/turtle", ox.RdfFormat.TURTLE),
]


@dataclass(frozen=True)
class BuildOptions:
    corpus_dir: Path
    ontology_dir: Path
    shapes_dir: Path
    data_dir: Path
    progress: bool = True


@dataclass
class BuildSummary:
    build_dir: Path
    documents: dict[str, dict[str, int]] = field(default_factory=dict)  # corpus file → class → count
    graphs: dict[str, str] = field(default_factory=dict)  # corpus file → named graph IRI
    triples: int = 0
    inferred: int = 0
    classes: Counter = field(default_factory=Counter)
    report: object | None = None  # the kg.validation.ValidationReport of the build (conforming)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Log the CPU seconds (user + system, every thread) and the peak RSS so far of one build phase:
    the figures bench/scale.py and docs/scaling.md compare (wall time on a shared machine says little)."""
    start = time.process_time()
    yield
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    log.info("phase %s: %.2f CPU s, peak RSS %d MB", name, time.process_time() - start, peak_mb)


def quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


@dataclass
class _Corpus:
    """The corpus read and its registry, with what emitting a document needs besides the document."""

    docs: list
    registry: object
    units: dict[str, str]
    unit_en: dict[str, str]

    @classmethod
    def read(cls, opts: BuildOptions) -> _Corpus:
        docs = load_corpus(opts.corpus_dir)
        units, unit_en = unit_tables(opts.ontology_dir / "units.ttl")
        return cls(docs, build_registry(docs), units, unit_en)

    def graphs(self) -> dict[str, str]:
        """The corpus file (stem) of each document graph."""
        return {self.registry.documents[d.stem].graph: d.stem for d in self.docs}


def _emitted(opts: BuildOptions) -> tuple[Iterator[Iterable[ox.Quad]], list[str], dict]:
    """The asserted quads (each document's, then the vocabulary's and the shapes') one batch at a time,
    the document graphs, and the corpus file of each document graph."""
    corpus = _Corpus.read(opts)

    def batches() -> Iterator[Iterable[ox.Quad]]:
        for doc in tqdm(corpus.docs, desc="documents", unit="doc", disable=not opts.progress):
            yield emit_document(doc, corpus.registry, corpus.units, corpus.unit_en)
        yield from _vocabulary_batches(opts)

    graphs = corpus.graphs()
    return batches(), sorted(graphs), graphs


def _vocabulary_batches(opts: BuildOptions) -> Iterator[Iterable[ox.Quad]]:
    for path in sorted(opts.ontology_dir.glob("*.ttl")):
        yield read_turtle(path, VOCABULARY_GRAPH)
    for path in sorted(opts.shapes_dir.glob("*.ttl")):
        yield read_turtle(path, SHAPES_GRAPH)


def collect_quads(opts: BuildOptions) -> tuple[list[ox.Quad], list[str], dict]:
    """Every asserted quad (documents + vocabulary + shapes) as emitted, the document graphs, and doc metadata."""
    batches, doc_graphs, files = _emitted(opts)
    quads: set[ox.Quad] = set()
    for batch in batches:
        quads.update(batch)
    return sorted(quads, key=quad_key), doc_graphs, files


def emit_corpus(opts: BuildOptions, lines: dumps_module.GraphLines, folder: Path) -> tuple[list[str], dict]:
    """Every asserted graph into the work files of `lines`, one document at a time (no set of the whole
    corpus), then sorted into the dumps in `folder`. A document whose emission the cache holds
    (build.emit.cache: same files, same builder, same registry entries read) is not emitted again."""
    with phase("emit"):
        corpus = _Corpus.read(opts)
        cache = emit_cache.EmissionCache(emit_cache.cache_directory(opts.data_dir), emit_cache.builder_version(
            [opts.ontology_dir / "units.ttl", opts.corpus_dir / "annotation.conf",
             opts.corpus_dir / "links" / "wikidata.tsv"]))
        for doc in tqdm(corpus.docs, desc="documents", unit="doc", disable=not opts.progress):
            graph = ox.NamedNode(corpus.registry.documents[doc.stem].graph)
            lines.add_graph(graph, _document_lines(doc, corpus, cache))
        cache.prune()
        for batch in _vocabulary_batches(opts):
            lines.add(batch)
    with phase("sort dumps"):
        lines.finish(folder)
    graphs = corpus.graphs()
    return sorted(graphs), graphs


def _document_lines(doc, corpus: _Corpus, cache: emit_cache.EmissionCache) -> bytes:
    """The N-Triples of one document's graph in the store's form: from the cache, or emitted."""
    key = cache.key(doc)
    found = cache.get(key, corpus.registry)
    if found is not None:
        return found
    registry = emit_cache.RecordingRegistry(corpus.registry)
    graphs = list(dumps_module.normalised_graphs(
        emit_document_nquads(doc, registry, corpus.units, corpus.unit_en)))
    if [g.value for g, _ in graphs] not in ([registry.documents[doc.stem].graph], []):
        raise BuildError(f"the builder emitted {doc.stem} outside its own graph")  # a bug, not bad input
    data = graphs[0][1] if graphs else b""
    cache.put(key, corpus.registry, registry.read, data)
    return data


def write_sorted(path: Path, items: list, fmt: ox.RdfFormat) -> None:
    """Serialise already-sorted quads or triples with the project prefixes (deterministic bytes)."""
    prefixes = dumps_module.TURTLE_PREFIXES if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None
    data = ox.serialize(items, format=fmt, prefixes=prefixes)
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
        data = b"".join(sorted(set(data.splitlines(keepends=True))))
    path.write_bytes(data)


def _class_counts(store: ox.Store, graphs: list[str]) -> dict[str, int]:
    """Distinct resources per ontology class in the union of `graphs`."""
    query = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    counts = {}
    for row in store.query(query, default_graph=[ox.NamedNode(g) for g in graphs]):
        iri = row["c"].value
        if iri.startswith(BASE + "ontology#"):
            counts[iri.split("#", 1)[1]] = int(row["n"].value)
    return dict(sorted(counts.items()))


def run_build(opts: BuildOptions) -> BuildSummary:
    """Build everything into a temporary folder and swap it in; on any error nothing changes.

    The folder's on-disk store is the working store from the start (the corpus is never held in
    memory as a whole); the folder becomes `current` only once it is complete and valid."""
    builds = opts.data_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    with build_lock(opts.data_dir):
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=builds))
        try:
            summary, digest = _build_into(opts, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        final = publish(tmp, opts.data_dir, digest)
    summary.build_dir = final
    return summary


def _build_into(opts: BuildOptions, tmp: Path) -> tuple[BuildSummary, str]:
    """Every artefact into `tmp`: the store, the dumps, VoID, the tables and the manifest."""
    # The dumps hold what the store (and so the endpoint and the pages) holds: one graph through every
    # door, so they are written from the store. Oxigraph normalises literals on load and cannot be told
    # not to (oxigraph/oxigraph#526): a derived integer type such as xsd:nonNegativeInteger becomes
    # xsd:integer ("5"^^xsd:nonNegativeInteger → "5"^^xsd:integer, the same value); Virtuoso does the
    # same (openlink/virtuoso-opensource#193).
    # the OWL-RL closure is fed each asserted graph but graph/shapes as it is written: the reasoner never
    # reads the on-disk store back (~5 µs a quad), and each graph's share is cached (kg.reasoning_cache)
    with phase("tbox"):
        closure = reasoning.Closure(opts.ontology_dir / "policykg.ttl",
                                    cache_dir=reasoning.cache_directory(opts.data_dir))

    def reason(graph: ox.NamedNode, data: bytes) -> None:
        if graph != SHAPES:
            closure.add_graph(data)

    lines = dumps_module.GraphLines(Path(tempfile.mkdtemp(prefix=".work-", dir=tmp)), on_graph=reason)
    doc_graphs, files = emit_corpus(opts, lines, tmp)
    with phase("reasoning"):
        log.info("computing the OWL-RL closure")
        # graph/inferred holds no asserted triple, so that default graph + graph/inferred is a merge
        inferred = dumps_module.write_inferred(closure.finish(), lines.triples, tmp / "inferred.nq", INFERRED_GRAPH)
    with phase("store"):
        # the previous build's store changed by the dumps' difference, or a fresh load (build.working_store)
        store = working_store.updated_store(working_store.previous_build(opts.data_dir), tmp, tmp / STORE_DIR,
                                            dumps_module.count_lines(tmp / "policykg.nq") + inferred)
        fresh = store is None
        if store is None:
            store = ox.Store(str(tmp / STORE_DIR))
            working_store.bulk_load(store, tmp / "policykg.nq", tmp / "inferred.nq")
    with phase("validate"):
        report = validate_build(store, opts, merged=lines.triples)

    with phase("hash dumps"):
        dumps = [FileEntry.of(tmp / name, media_type) for name, media_type, _ in DUMPS]
        dumps.append(FileEntry.of(tmp / "inferred.nq", "application/n-quads"))
    with phase("load default graph"):
        # the default graph: the merge of the asserted graphs (kg.dataset), bulk-loaded from their sorted
        # distinct triples rather than copied by a SPARQL INSERT, which on RocksDB costs several times as much;
        # after validation: loaded with the dumps, its files raised validation's peak (1.76 → 1.94 GB); in this
        # thread, whose heap validation grew: loader threads of their own raised the peak again (→ 1.89 GB)
        if fresh:  # an updated store has its default graph already
            working_store.bulk_load(store, lines.triples, threads=1)
        shutil.rmtree(lines.work)
    with phase("links"):
        # the links, read once for tables/links.csv and the VoID linksets, from the dump's text (kg.description.links)
        outgoing = dataset_description.dump_links(tmp / "policykg.nq")
    with phase("tables"):
        tables = [FileEntry.of(path, "application/json" if path.suffix == ".json" else "text/csv")
                  for path in write_tables(store, tmp / TABLES_DIR, outgoing=outgoing)]  # what /tables/ serves
    with phase("void"):
        metadata = dataset_description.read_metadata(opts.corpus_dir / "dataset.ttl")
        void_triples = dataset_description.describe_build(store, metadata, dumps, opts.corpus_dir, outgoing)
        write_sorted(tmp / "void.ttl", void_triples, ox.RdfFormat.TURTLE)
        store.extend([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(VOID_GRAPH)) for t in void_triples])
    with phase("summary"):
        summary = BuildSummary(tmp, triples=lines.triple_count, inferred=inferred, report=report)
        for graph in doc_graphs:
            summary.documents[files[graph]] = _class_counts(store, [graph])
            summary.graphs[files[graph]] = graph
        # shared resources (agencies, groups, concepts) appear in several documents: count them once
        summary.classes.update(_class_counts(store, doc_graphs))
    with phase("optimize"):
        store.flush()
        if fresh:  # compacting an updated store would rewrite all of it for a few changed quads
            store.optimize()
        del store
    digest = hashlib.sha256("".join(d.sha256 for d in dumps).encode()).hexdigest()[:16]
    _manifest(digest, summary, doc_graphs, files, dumps, tables).write(tmp)
    return summary, digest


def _manifest(digest: str, summary: BuildSummary, doc_graphs: list[str], files: dict, dumps: list[FileEntry],
              tables: list[FileEntry]) -> Manifest:
    return Manifest(
        version=__version__,
        built_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        content_hash=digest,
        triples=summary.triples,  # the one triple count (kg.dataset, kg.description)
        inferred_triples=summary.inferred,
        graphs=BuildGraphs(tuple(doc_graphs), VOCABULARY_GRAPH, SHAPES_GRAPH, INFERRED_GRAPH, VOID_GRAPH),
        documents={files[g]: g for g in doc_graphs},
        dumps=tuple(dumps),
        tables=tuple(tables),
    )


@contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """One build at a time writes into builds/ (an flock, released by the kernel even on kill -9).

    While it is held, every `.tmp-*` folder belongs to a build that died: pruning may remove it.
    """
    with open(data_dir / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(tmp: Path, data_dir: Path, digest: str) -> Path:
    """Make the finished build in `tmp` current (call under build_lock); a kill -9 at any step leaves
    `current` pointing at a complete build: folders are renamed into place, the link is replaced by
    rename, and only folders that `current` no longer names are removed, last."""
    builds = tmp.parent
    try:
        final = place_build(tmp, builds, digest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = _current_target(data_dir)
    swap_current(data_dir, final)
    prune_old_builds(builds, keep={final, previous} - {None})
    return final


def place_build(tmp: Path, builds: Path, digest: str) -> Path:
    """Move the finished `tmp` to builds/<digest>, never removing or replacing an existing folder.

    A folder with the same digest that still matches its manifest holds identical artefacts: it is
    kept (it may be the live build) and `tmp` is discarded. One that does not match gets a sibling
    name, so that `current` is never left pointing at a half-replaced folder.
    """
    for attempt in range(100):
        final = builds / (digest if attempt == 0 else f"{digest}-{attempt}")
        if not final.exists():
            os.replace(tmp, final)
            return final
        try:
            verify_build(read_build(final))
        except StoreError as exc:
            log.warning("build folder %s does not match its manifest (%s); writing a new one", final.name, exc)
            continue
        shutil.rmtree(tmp, ignore_errors=True)
        return final
    raise BuildError(f"no free folder name for build {digest} in {builds}; remove the stale folders there")


def _current_target(data_dir: Path) -> Path | None:
    link = data_dir / CURRENT_LINK
    return link.resolve() if link.is_symlink() else None


def validate_build(store: ox.Store, opts: BuildOptions, merged: Path | None = None):
    """SHACL-validate the asserted graphs before anything is published; a violation stops the build,
    so that a non-conforming graph never becomes `current/` (warnings and infos are kept).

    `merged` is the N-Triples work file of the distinct triples of the asserted graphs: the data
    graph is loaded from it, which costs a fraction of reading the on-disk store."""
    from policykg.kg.validation import ValidationOptions, cache_directory, validate

    log.info("validating against the SHACL shapes")
    vocabulary = tuple(sorted(opts.ontology_dir.glob("*.ttl")))
    # units (documents) whose content did not change since an earlier build reuse their results
    options = ValidationOptions(vocabulary=vocabulary, cache_dir=cache_directory(opts.data_dir))
    # the data graphs named: an updated store (build.working_store) holds its default graph already
    report = validate(store, sorted(opts.shapes_dir.glob("*.ttl")), asserted_graphs(store, shapes=False),
                      options=options, merged=merged)
    log.info("validated %d graph(s), %d with results reused from the cache", report.units, report.units_reused)
    if not report.conforms:
        raise NonConformingBuildError(report)
    return report


def swap_current(data_dir: Path, target: Path) -> None:
    """Point `current` at the new build atomically (rename of a fresh symlink over the old one)."""
    link = data_dir / CURRENT_LINK
    tmp_link = data_dir / f".{CURRENT_LINK}.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.relative_to(data_dir))
    os.replace(tmp_link, link)


def prune_old_builds(builds: Path, keep: set[Path]) -> None:
    """Remove folders of dead builds (`.tmp-*`) and finished builds other than `keep` (call under build_lock).

    `keep` holds the new current build and the previous one: a server that refuses a corrupt current
    build keeps serving the last good one, and its new workers load it from disk.
    """
    current = _current_target(builds.parent)
    for old in builds.iterdir():
        if old in keep or old == current:
            continue
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
