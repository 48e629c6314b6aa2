"""The fast linked-data pages say exactly what the SPARQL-backed pages said (issue 10), on every resource of
the tiny build: the same HTML, byte for byte, and the same triples in every RDF format.

The reference is the former implementation, kept here as the specification: labels, context strings,
descriptions and document views read by SPARQL queries, the whole description read before the page
knows what it shows, the vocabulary labels walked in the rdflib graph on each call, IRIs
compacted on each call, and RDF written through rdflib. The pages are fetched once as served, then again
with those reads patched in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox
import pytest
from flask import Response
from rdflib import Graph
from rdflib.compare import isomorphic
from server_testkit import tiny_store

from policykg.kg import page_reads
from policykg.kg.formats import Format
from policykg.kg.namespaces import BASE, INFERRED_GRAPH
from policykg.kg.prefixed_names import compact
from policykg.server import resources
from policykg.server.errors import ResourceNotFound
from policykg.server.operations import READ_OPERATIONS
from policykg.server.rdf import graph_from_ntriples, jsonld_context, once_per_vocabulary, serialize_graph
from policykg.server.state import state
from policykg.server.views import Labels

RDF_PAGES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}


def reference_labels(store: ox.Store, iris: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """kg.page_reads.labels as it was: one SPARQL query over every asserted graph."""
    nodes = sorted({iri for iri in iris if iri})
    found: dict[str, dict[str, list[str]]] = {}
    rank = {p: i for i, p in enumerate(page_reads.LABEL_PREDICATES)}
    for start in range(0, len(nodes), 400):
        values = " ".join(str(ox.NamedNode(iri)) for iri in nodes[start : start + 400])
        predicates = " ".join(f"<{p}>" for p in page_reads.LABEL_PREDICATES)
        rows = page_reads.select(
            store,
            f"SELECT DISTINCT ?x ?p ?label WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {predicates} }} "
            f"GRAPH ?g {{ ?x ?p ?label }} FILTER(isLiteral(?label) && ?g != <{INFERRED_GRAPH}>) }}",
        )
        rows.sort(key=lambda row: (row["x"].value, rank[row["p"].value], row["label"].value))
        for row in rows:
            values_for_lang = found.setdefault(row["x"].value, {}).setdefault(row["label"].language or "", [])
            if row["label"].value not in values_for_lang:
                values_for_lang.append(row["label"].value)
    return found


def reference_context_strings(store: ox.Store, contexts: set[str]) -> dict[str, str]:
    found = {}
    for context in contexts:
        query = "SELECT ?c ?text WHERE { GRAPH ?g { ?c nif:isString ?text } } LIMIT 1"
        rows = page_reads.select(store, query, c=ox.NamedNode(context))
        if rows:
            found[context] = rows[0]["text"].value
    return found


def reference_document_view(store: ox.Store, text_iri: str) -> dict | None:
    """kg.page_reads.document_view as it was: one query grouping each span's resources. GROUP_CONCAT left
    their order to the engine; the fast view sorts them, and so does the reference."""
    node = ox.NamedNode(text_iri)
    text = reference_context_strings(store, {text_iri}).get(text_iri)
    if text is None:
        return None
    rows = page_reads.select(
        store,
        """SELECT ?x ?span ?begin ?end ?type ?id (GROUP_CONCAT(DISTINCT STR(?r); separator=" ") AS ?derived)
           WHERE { GRAPH ?g { ?span nif:referenceContext ?x ; nif:beginIndex ?begin ; nif:endIndex ?end .
                   OPTIONAL { ?span nif:annotationUnit ?unit . ?unit pkg:annotationType ?type ; pkg:annotationId ?id } }
                   OPTIONAL { { GRAPH ?g2 { ?r prov:wasDerivedFrom ?span } }
                              UNION { GRAPH ?g3 { ?unit itsrdf:taIdentRef ?r } } } }
           GROUP BY ?x ?span ?begin ?end ?type ?id ORDER BY ?begin DESC(?end) ?id""",
        x=node,
    )
    spans = [{"span": row["span"].value, "begin": int(row["begin"].value), "end": int(row["end"].value),
              "type": row["type"].value if "type" in row else "", "id": row["id"].value if "id" in row else "",
              "derived": sorted(row["derived"].value.split()) if "derived" in row else []} for row in rows]
    notices = [r["n"].value for r in page_reads.select(store, "SELECT ?x ?n WHERE { GRAPH ?g { ?n pkg:text ?x } }",
                                                       x=node)]
    mentioned = {text_iri, *notices, *(iri for span in spans for iri in span["derived"])}
    return {"iri": text_iri, "text": text, "spans": spans, "notices": notices,
            "labels": reference_labels(store, mentioned)}


def reference_html(iri: str) -> Response:
    """server.resources._html as it was: the whole description read first, for its types too."""
    description = state().read("describe_resource", iri)
    is_graph = state().read("is_graph_name", iri)
    if not description["outgoing"] and not description["incoming"] and not is_graph:
        raise ResourceNotFound(f"No resource has the IRI <{iri}>.", iri)
    types = [t["o"]["value"] for t in description["outgoing"] if t["p"] == resources.RDF_TYPE]
    if resources.TEXT_TYPES & set(types):
        page = resources.document_page(iri)
    else:
        page = resources.resource_page(description, is_graph)
    return resources._negotiated(Response(page, content_type="text/html; charset=utf-8"), iri)


def reference_description(store: ox.Store, iri: str) -> bytes:
    """kg.page_reads.description_ntriples as it was: one CONSTRUCT."""
    node = ox.NamedNode(iri)
    if store.contains_named_graph(node):
        return page_reads.graph_ntriples(store, iri)
    query = f"""CONSTRUCT {{ ?x ?p ?o . ?o ?bp ?bo . ?s ?ip ?x }} WHERE {{
        {{ GRAPH ?g {{ ?x ?p ?o OPTIONAL {{ ?o ?bp ?bo FILTER(isBlank(?o)) }} }} FILTER(?g != <{INFERRED_GRAPH}>) }}
        UNION {{ GRAPH ?g {{ ?s ?ip ?x }} FILTER(?g != <{INFERRED_GRAPH}>) }} }}"""
    result = store.query(query, substitutions={ox.Variable("x"): node})
    return result.serialize(format=ox.RdfFormat.N_TRIPLES)


def reference_rdf_page(iri: str, fmt: Format) -> bytes:
    """server.resources' description in `fmt` as it was: the CONSTRUCT's N-Triples through rdflib."""
    data = state().read("description_ntriples", iri)
    if not data:
        raise ResourceNotFound(f"No resource has the IRI <{iri}>.", iri)
    return serialize_graph(graph_from_ntriples(data), fmt, state().config.iri_base + "context.jsonld",
                           jsonld_context(state().vocabulary()))


def resource_paths(store: ox.Store) -> list[str]:
    """Every IRI of the build under the namespace that server/resources.py serves (a fragment IRI is
    dereferenced as the document without it, the ontology's own page)."""
    terms = {term.value for quad in store.quads_for_pattern(None, None, None, None)
             for term in (quad.subject, quad.object, quad.graph_name) if isinstance(term, ox.NamedNode)}
    return sorted("/" + iri.removeprefix(BASE) for iri in terms if iri.startswith(BASE) and "#" not in iri)


def served_by_resources(app, paths: list[str]) -> list[str]:
    adapter = app.url_map.bind("localhost")
    return [path for path in paths if adapter.match(path)[0] == "resources.serve_resource"]


def parse(body: bytes, media_type: str, context: dict) -> Graph:
    if media_type == "application/ld+json":  # with the published context, without fetching it
        document = json.loads(body)
        document["@context"] = context
        body = json.dumps(document).encode()
    return Graph().parse(data=body, format=RDF_PAGES[media_type])


def fetch(client, paths: list[str], accept: str) -> dict[str, tuple[int, bytes]]:
    found = {}
    for path in paths:
        response = client.get(path, headers={"Accept": accept})
        found[path] = (response.status_code, response.get_data())
    return found


@pytest.fixture(scope="module")
def paths(app) -> list[str]:
    found = served_by_resources(app, resource_paths(tiny_store()))
    assert len(found) > 300  # every resource of the tiny build: notices, plans, targets, spans, texts, graphs
    return found


@pytest.fixture
def reference(monkeypatch, app):
    """Patch the former reads in; the pages then answer as they did."""

    def reference_page_labels(found):
        return Labels(found, state().vocabulary())

    def patch() -> None:
        monkeypatch.setattr(page_reads, "labels", reference_labels)
        monkeypatch.setattr(page_reads, "_context_strings", reference_context_strings)
        monkeypatch.setitem(READ_OPERATIONS, "description_ntriples", reference_description)
        monkeypatch.setitem(READ_OPERATIONS, "document_view", reference_document_view)
        monkeypatch.setattr(resources, "_html", reference_html)
        monkeypatch.setattr(resources, "_description", reference_rdf_page)
        monkeypatch.setattr(resources, "page_labels", reference_page_labels)
        monkeypatch.setattr(resources, "compact_iri", compact)

    return patch


def test_html_pages_are_byte_for_byte_the_former_pages(client, paths, reference):
    paths = [*paths, "/agency/no-such-agency", "/doc/no-such-document/text"]  # 404 pages too
    served = fetch(client, paths, "text/html")
    reference()
    former = fetch(client, paths, "text/html")
    assert [status for status, _ in served.values()].count(404) == 2
    different = [path for path in paths if served[path] != former[path]]
    assert different == [], f"{len(different)} of {len(paths)} pages differ, e.g. {different[:3]}"


@pytest.mark.parametrize("accept", RDF_PAGES)
def test_rdf_pages_hold_the_former_triples(client, paths, reference, accept):
    context = json.loads(client.get("/context.jsonld").get_data())["@context"]
    served = fetch(client, paths, accept)
    reference()
    former = fetch(client, paths, accept)
    different = []
    for path in paths:
        (status, body), (former_status, former_body) = served[path], former[path]
        assert status == former_status == 200, path
        new, old = parse(body, accept, context), parse(former_body, accept, context)
        if len(new) == 0 or not isomorphic(new, old):
            different.append(path)
    assert different == [], f"{len(different)} of {len(paths)} descriptions differ, e.g. {different[:3]}"


def test_a_description_is_the_constructs_answer_for_every_resource(paths):
    store = tiny_store()  # in memory, with the merged default graph the description must not repeat
    for path in paths:
        iri = BASE + path.lstrip("/")
        fast, query = Graph(), Graph()
        fast.parse(data=page_reads.description_ntriples(store, iri), format="nt")
        query.parse(data=reference_description(store, iri), format="nt")
        assert len(fast) > 0 and isomorphic(fast, query), iri


def test_labels_are_the_former_querys_answer_for_every_resource(paths):
    store = tiny_store()
    iris = [BASE + path.lstrip("/") for path in paths]
    assert page_reads.labels(store, iris) == reference_labels(store, iris)
    for iri in iris:
        assert page_reads.labels(store, [iri]) == reference_labels(store, [iri]), iri


def test_reads_are_the_former_queries_answers_on_the_whole_corpus(store):
    """The corpus build (tests/conftest.py) has what the tiny one lacks: several labels in one language."""
    paths = resource_paths(store)
    iris = [BASE + path.lstrip("/") for path in paths]
    found = page_reads.labels(store, iris)
    assert any(len(values) > 1 for by_lang in found.values() for values in by_lang.values())
    assert found == reference_labels(store, iris)
    for iri in iris:
        fast, query = Graph(), Graph()
        fast.parse(data=page_reads.description_ntriples(store, iri), format="nt")
        query.parse(data=reference_description(store, iri), format="nt")
        assert isomorphic(fast, query), iri
        sources = page_reads.source_quotes(store, iri)
        contexts = {quote["context"] for quote in sources}
        assert page_reads._context_strings(store, contexts) == reference_context_strings(store, contexts)
        if page_reads.document_view(store, iri) is not None:
            assert page_reads.document_view(store, iri) == reference_document_view(store, iri), iri


def test_what_pages_derive_from_the_vocabulary_is_worked_out_once_per_vocabulary_graph():
    calls = []
    sizes = once_per_vocabulary(lambda graph: calls.append(graph) or len(graph))
    first, second = Graph(), Graph()
    second.parse(data="<https://example.org/a> <https://example.org/b> <https://example.org/c> .", format="nt")
    assert [sizes(first), sizes(first), sizes(second), sizes(second), sizes(first)] == [0, 0, 1, 1, 0]
    assert [graph is first for graph in calls] == [True, False, True]  # a new build's graph: computed again
