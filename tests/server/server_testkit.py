"""Helpers for the server tests: the tiny corpus built by the real builder (once per test process),
a build laid out from given quads for data the builder cannot make (the W3C suites, variants of the
tiny build), the app on a free port (werkzeug, in a thread), and a tiny urllib HTTP client."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from werkzeug.serving import make_server

from policykg import config
from policykg.build.pipeline import SHAPES_GRAPH, VOID_GRAPH, BuildOptions, quad_key, run_build, write_sorted
from policykg.kg.dataset import materialise_default_graph
from policykg.kg.manifest import BuildGraphs, FileEntry, Manifest
from policykg.kg.namespaces import INFERRED_GRAPH, VOCABULARY_GRAPH
from policykg.kg.query_runner import select_rows
from policykg.kg.store import Build, current_build, open_store
from policykg.server.config import ServerConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "data" / "server"
TINY_CORPUS = REPO_ROOT / "tests" / "data" / "corpus"
W3C_SUITE = REPO_ROOT.parent / "shared" / "w3c-sparql11"
# the one notice of the tiny corpus (tests/data/corpus/README.md)
DOCUMENT_GRAPH = "https://w3id.org/policykg/graph/tairenshezi-2021-12"
DOC = "https://w3id.org/policykg/doc/tairenshezi-2021-12"


def build_corpus(data_dir: Path, corpus_dir: Path = TINY_CORPUS) -> Build:
    """Run the real builder on `corpus_dir` (the tiny corpus by default) into `data_dir`."""
    run_build(BuildOptions(corpus_dir=corpus_dir, ontology_dir=config.ONTOLOGY_DIR, shapes_dir=config.SHAPES_DIR,
                           data_dir=data_dir, progress=False))
    return current_build(data_dir)


@functools.cache
def tiny_build() -> Build:
    """The tiny corpus, built once per test process into a temporary folder removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="policykg-tiny-build-"))
    atexit.register(shutil.rmtree, folder, True)
    return build_corpus(folder)


@functools.cache
def tiny_store() -> ox.Store:
    """The tiny build in memory, default graph = the merge of its asserted graphs (as the endpoint's)."""
    return open_store(tiny_build(), in_memory=True)


def expected_rows(query: str) -> list[dict[str, str]]:
    """What the engine answers over the tiny build: a test's expectation, computed, not typed in."""
    return select_rows(tiny_store(), query)


def read_quads(path: Path, graph: str | None = None) -> list[ox.Quad]:
    """Quads of a TriG/Turtle/N-Triples/N-Quads file; triples go into `graph` when given."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    quads = ox.parse(path=str(path), format=fmt, base_iri=path.as_uri())
    if graph is None:
        return list(quads)
    return [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads]


def fixture_quads() -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The asserted and the inferred quads of the tiny build (to lay out variants of it)."""
    build = tiny_build()
    return read_quads(build.dump("policykg.nq")), read_quads(build.dump("inferred.nq"))


def lay_out_build(
    data_dir: Path,
    asserted: Iterable[ox.Quad],
    inferred: Iterable[ox.Quad] = (),
    *,
    name: str = "fixture",
    with_store: bool = True,
) -> Path:
    """Write builds/<name>/ with the builder's dumps and manifest for these quads, point `current` at it.

    For data the builder cannot make from a corpus; no void.ttl or tables (nothing here serves them).
    """
    asserted, inferred = sorted(set(asserted), key=quad_key), sorted(set(inferred), key=quad_key)
    build = data_dir / "builds" / name
    build.mkdir(parents=True)
    dumps = []
    for file, media_type, fmt, quads in (("policykg.trig", "application/trig", ox.RdfFormat.TRIG, asserted),
                                         ("policykg.nq", "application/n-quads", ox.RdfFormat.N_QUADS, asserted),
                                         ("inferred.nq", "application/n-quads", ox.RdfFormat.N_QUADS, inferred)):
        write_sorted(build / file, quads, fmt)
        dumps.append(FileEntry.of(build / file, media_type))
    store = ox.Store(str(build / "store")) if with_store else ox.Store()
    store.extend(asserted + inferred)
    triples = materialise_default_graph(store)  # as the builder does (build/pipeline.py)
    store.flush()
    del store
    special = {VOCABULARY_GRAPH, SHAPES_GRAPH, INFERRED_GRAPH, VOID_GRAPH}
    documents = sorted({q.graph_name.value for q in asserted if isinstance(q.graph_name, ox.NamedNode)} - special)
    Manifest(
        version="test",
        built_at="2026-01-01T00:00:00+00:00",
        content_hash=name,
        triples=triples,
        inferred_triples=len(inferred),
        graphs=BuildGraphs(tuple(documents), VOCABULARY_GRAPH, SHAPES_GRAPH, INFERRED_GRAPH, VOID_GRAPH),
        documents={graph.rsplit("/", 1)[1]: graph for graph in documents},
        dumps=tuple(dumps),
    ).write(build)
    link = data_dir / "current"
    if link.is_symlink():
        link.unlink()
    os.symlink(Path("builds") / name, link)
    return build


@dataclass
class LiveServer:
    url: str
    config: ServerConfig


def start_live_server(app) -> tuple[LiveServer, callable]:
    from policykg.server.sparql_lane import SparqlLane

    # the app as `policykg serve` runs it: plain queries answered by the SPARQL lane, the rest by Flask
    server = make_server("127.0.0.1", 0, SparqlLane(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", app.extensions["policykg"].config)

    def stop() -> None:
        server.shutdown()
        thread.join(5)

    return live, stop


@dataclass
class HttpResponse:
    status_code: int
    headers: dict
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self):
        return json.loads(self.content)


def fetch(url: str, *, data: dict | bytes | None = None, params: dict | None = None, headers: dict | None = None,
          method: str | None = None, timeout: float = 30) -> HttpResponse:
    """A small HTTP client on urllib (no extra dependency); form-encodes a dict body."""
    import urllib.error
    import urllib.parse
    import urllib.request

    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    headers = dict(headers or {})
    if isinstance(data, dict):
        data = urllib.parse.urlencode(data, doseq=True).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpResponse(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return HttpResponse(error.code, dict(error.headers), error.read())
