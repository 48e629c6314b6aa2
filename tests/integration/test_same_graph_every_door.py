"""The same graph through every door (issue 8): for every named graph of the build (each document graph,
the vocabulary, the shapes, the inferences, the dataset description) and for the default graph (the
merge of the asserted graphs), the endpoint's CONSTRUCT, the dump files and the dereferenced pages and
downloads give isomorphic graphs; negotiated pages follow the W3C recipes for publishing RDF
vocabularies (Vary: Accept, a Content-Location naming the variant; the IRI answers 200, documented in
docs/integration.md, instead of a 303)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from policykg.kg.namespaces import BASE
from policykg.server.app import create_app
from policykg.server.config import ServerConfig

NT = "application/n-triples"
PAGE_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                "rdf": ox.RdfFormat.RDF_XML}


@pytest.fixture(scope="module")
def client(built) -> Iterator:
    app = create_app(ServerConfig(data_dir=built.path.parent.parent, workers=1, query_timeout=60.0))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["policykg"].executor.close()


def named_graphs(built) -> list[str]:
    graphs = built.manifest.graphs
    return [*graphs.documents, graphs.vocabulary, graphs.shapes, graphs.inferred, graphs.void]


def same_graph(a: Iterable[ox.Triple], b: Iterable[ox.Triple]) -> bool:
    """Isomorphism: equal sets of triples when there are no blank nodes; else rdflib's canonical check."""
    a, b = set(a), set(b)
    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in a | b):
        return a == b
    return isomorphic(*(Graph().parse(data=ox.serialize(g, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
                        for g in (a, b)))


def parse(body: bytes, fmt: ox.RdfFormat, base: str | None = None) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(body, format=fmt, base_iri=base)}


def with_local_context(client, body: bytes) -> bytes:
    """The JSON-LD with its remote `@context` (the stable <base>context.jsonld) replaced by what the
    server serves at /context.jsonld, so the parser needs no network."""
    document = json.loads(body)
    if isinstance(document["@context"], str):
        assert document["@context"] == BASE + "context.jsonld"
        document["@context"] = json.loads(client.get("/context.jsonld").get_data())["@context"]
    return json.dumps(document).encode()


def dump_graphs(built, name: str, fmt: ox.RdfFormat) -> dict[str, set[ox.Triple]]:
    graphs: dict[str, set[ox.Triple]] = {}
    for quad in ox.parse(path=str(built.dump(name)), format=fmt):
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(key, set()).add(quad.triple)
    return graphs


@pytest.fixture(scope="module")
def dumps(built) -> dict[str, dict[str, set[ox.Triple]]]:
    """Each graph as each file of the build holds it: the asserted graphs in policykg.nq and policykg.trig,
    the inferences in inferred.nq, the dataset description in void.ttl."""
    void = {built.manifest.graphs.void: parse(built.path.joinpath("void.ttl").read_bytes(), ox.RdfFormat.TURTLE)}
    return {"policykg.nq": dump_graphs(built, "policykg.nq", ox.RdfFormat.N_QUADS),
            "policykg.trig": dump_graphs(built, "policykg.trig", ox.RdfFormat.TRIG),
            "inferred.nq": dump_graphs(built, "inferred.nq", ox.RdfFormat.N_QUADS), "void.ttl": void}


def construct(client, where: str) -> set[ox.Triple]:
    response = client.get("/sparql", query_string={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"},
                          headers={"Accept": NT})
    assert response.status_code == 200, response.get_data(as_text=True)
    return parse(response.get_data(), ox.RdfFormat.N_TRIPLES)


def test_every_named_graph_is_the_same_through_endpoint_dumps_and_pages(client, built, dumps):
    graphs = named_graphs(built)
    assert len(graphs) == len(built.manifest.graphs.documents) + 4
    for graph in graphs:
        files = [name for name, held in dumps.items() if graph in held]
        assert files, f"{graph} is in no dump file"
        expected = dumps[files[0]][graph]
        for name in files[1:]:
            assert same_graph(expected, dumps[name][graph]), f"{graph}: {files[0]} ≠ {name}"
        from_endpoint = construct(client, f"GRAPH <{graph}> {{ ?s ?p ?o }}")
        if graph == built.manifest.graphs.void:
            # documented (server/README.md): the description is served at /.well-known/void and /dataset,
            # not as a graph of the query dataset, whose counts it states
            assert not from_endpoint
            assert_pages(client, "/dataset", expected, base=BASE + "dataset")
        else:
            assert same_graph(from_endpoint, expected), f"{graph}: endpoint ≠ {files[0]}"
        assert_pages(client, "/" + graph.removeprefix(BASE), expected, base=graph)


def assert_pages(client, path: str, expected: set[ox.Triple], base: str) -> None:
    """The IRI's page negotiated to Turtle (200, Vary: Accept, Content-Location: the .ttl variant; no 303,
    as docs/integration.md records) and each RDF variant hold the same graph."""
    page = client.get(path, headers={"Accept": "text/turtle"})
    assert page.status_code == 200, path
    assert page.headers["Vary"] == "Accept" and page.headers["Content-Location"] == path + ".ttl"
    assert same_graph(expected, parse(page.get_data(), ox.RdfFormat.TURTLE, base=base)), f"{path} (Accept)"
    for extension, fmt in PAGE_FORMATS.items():
        variant = client.get(f"{path}.{extension}")
        assert variant.status_code == 200, (path, extension)
        body = with_local_context(client, variant.get_data()) if extension == "jsonld" else variant.get_data()
        assert same_graph(expected, parse(body, fmt, base=base)), f"{path}.{extension}"


def test_the_default_graph_is_the_same_through_endpoint_dumps_and_download(client, built, dumps):
    from_endpoint = construct(client, "?s ?p ?o")
    assert len(from_endpoint) == built.manifest.triples
    asserted = [g for g in named_graphs(built) if g not in (built.manifest.graphs.inferred,
                                                             built.manifest.graphs.void)]
    merged = set().union(*(dumps["policykg.nq"][g] for g in asserted))
    assert same_graph(from_endpoint, merged), "endpoint default graph ≠ merge of the dumped asserted graphs"
    download = client.get("/dumps/policykg.ttl")
    assert download.status_code == 200
    assert download.get_data() == built.dump("policykg.ttl").read_bytes()
    assert same_graph(from_endpoint, parse(download.get_data(), ox.RdfFormat.TURTLE))


def deskolemised(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    """The graph with the builder's skolem IRIs (<base>.well-known/genid/…, RDF 1.1 §3.5) as blank nodes."""
    nodes: dict[str, ox.BlankNode] = {}

    def term(node):
        if isinstance(node, ox.NamedNode) and node.value.startswith(BASE + ".well-known/genid/"):
            return nodes.setdefault(node.value, ox.BlankNode())
        return node

    return {ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples}


@pytest.mark.parametrize("path, graph", [("/ontology", "vocabulary"), ("/shapes", "shapes")])
def test_the_vocabulary_documents_are_their_graphs(client, built, path, graph):
    """/ontology and /shapes serve their source files (usable OWL and SHACL, with blank nodes); the graph
    of the same name at the endpoint holds them skolemised: the same graph once the skolem IRIs are
    blank nodes again."""
    from_endpoint = construct(client, f"GRAPH <{getattr(built.manifest.graphs, graph)}> {{ ?s ?p ?o }}")
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.headers["Vary"] == "Accept" and response.headers["Content-Location"] == path + ".ttl"
    served = parse(response.get_data(), ox.RdfFormat.TURTLE, base=BASE)
    assert same_graph(deskolemised(from_endpoint), served), path
