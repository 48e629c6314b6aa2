"""Helpers for the server tests: lay out a build as docs/design.md describes (without the builder),
run the app on a free port (werkzeug, in a thread), and a tiny urllib HTTP client."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from werkzeug.serving import make_server

from policykg.kg.dataset import materialise_default_graph
from policykg.kg.namespaces import INFERRED_GRAPH, PREFIXES, VOCABULARY_GRAPH
from policykg.server.config import ServerConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "data" / "server"
W3C_SUITE = REPO_ROOT.parent / "shared" / "w3c-sparql11"
DOCUMENT_GRAPH = "https://w3id.org/policykg/graph/tairenshezi-2021-12"
DOC = "https://w3id.org/policykg/doc/tairenshezi-2021-12"


def read_quads(path: Path, graph: str | None = None) -> list[ox.Quad]:
    """Quads of a TriG/Turtle/N-Triples file; triples go into `graph` when given."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    quads = ox.parse(path=str(path), format=fmt, base_iri=path.as_uri())
    if graph is None:
        return list(quads)
    return [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads]


def _dump(path: Path, data: bytes) -> dict:
    path.write_bytes(data)
    media = {"trig": "application/trig", "nq": "application/n-quads"}[path.suffix.lstrip(".")]
    return {"file": path.name, "media_type": media, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def lay_out_build(
    data_dir: Path,
    asserted: Iterable[ox.Quad],
    inferred: Iterable[ox.Quad] = (),
    *,
    name: str = "fixture",
    with_store: bool = True,
    void: Path | None = None,
) -> Path:
    """Write builds/<name>/ with the artefacts of docs/design.md and point `current` at it."""
    asserted, inferred = list(asserted), list(inferred)
    build = data_dir / "builds" / name
    build.mkdir(parents=True)
    nquads = b"".join(sorted(ox.serialize(asserted, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)))
    dumps = [
        _dump(build / "policykg.trig", ox.serialize(asserted, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)),
        _dump(build / "policykg.nq", nquads),
        _dump(build / "inferred.nq", ox.serialize(inferred, format=ox.RdfFormat.N_QUADS)),
    ]
    if void is not None:
        (build / "void.ttl").write_bytes(void.read_bytes())
    if with_store:
        store = ox.Store(str(build / "store"))
        store.extend(asserted + inferred)
        materialise_default_graph(store)  # as the builder does (build/pipeline.py)
        store.flush()
        del store
    graphs = sorted({q.graph_name.value for q in asserted if isinstance(q.graph_name, ox.NamedNode)})
    manifest = {
        "version": "test",
        "built_at": "2026-01-01T00:00:00Z",
        "triples": len(asserted),
        "graphs": len(graphs),
        "documents": sum(1 for g in graphs if g != VOCABULARY_GRAPH),
        "dumps": dumps,
    }
    (build / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    link = data_dir / "current"
    if link.is_symlink():
        link.unlink()
    os.symlink(Path("builds") / name, link)
    return build


def fixture_quads() -> tuple[list[ox.Quad], list[ox.Quad]]:
    asserted = read_quads(FIXTURES / "documents.trig")
    for name in ("ontology.ttl", "shapes.ttl", "vocabulary.ttl"):
        asserted += read_quads(FIXTURES / name, VOCABULARY_GRAPH)
    return asserted, read_quads(FIXTURES / "inferred.ttl", INFERRED_GRAPH)


@dataclass
class LiveServer:
    url: str
    config: ServerConfig


def start_live_server(app) -> tuple[LiveServer, callable]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
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
