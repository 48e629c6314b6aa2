"""Validation of a build from its merge file (kg.validation.data_graph.DataGraph.of_merge) and the
compiled checks that are first asked over the whole graph: no violation may go unreported.

The build hands validation its N-Triples work file of the distinct triples of every asserted graph
(graph/shapes included). The data graph read from it must be the merge of the validated graphs, and
a violation planted in one document of several must be reported, the same as from the store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.errors import ValidationError
from policykg.kg.dataset import asserted_graphs
from policykg.kg.namespaces import BASE, SHAPES_GRAPH, VOCABULARY_GRAPH
from policykg.kg.validation import DEFAULT_SHAPES, ValidationOptions, data_graphs, validate
from policykg.kg.validation.data_graph import DataGraph

NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
SH = "http://www.w3.org/ns/shacl#"
SHAPES = ox.NamedNode(SHAPES_GRAPH)


def _merge_file(store: ox.Store, path: Path) -> Path:
    """What the build writes: the sorted distinct N-Triples lines of every asserted graph."""
    lines: set[bytes] = set()
    for graph in asserted_graphs(store):
        lines.update(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines(keepends=True))
    path.write_bytes(b"".join(sorted(lines)))
    return path


def _store(built) -> ox.Store:
    store = ox.Store()
    store.load(path=str(built.dump("policykg.nq")), format=ox.RdfFormat.N_QUADS)
    return store


def _spans(store: ox.Store, graph: ox.NamedNode, count: int) -> list[ox.NamedNode]:
    kind = ox.NamedNode(BASE + "ontology#TextSpan")
    found = sorted({q.subject for q in store.quads_for_pattern(None, None, kind, graph)}, key=str)
    assert len(found) >= count
    return found[:count]


def test_merge_file_gives_the_merge_of_the_validated_graphs(built, tmp_path):
    store = _store(built)
    document = data_graphs(store)[0]
    shared = next(iter(store.quads_for_pattern(None, None, None, document)))
    # a triple that graph/shapes and a document both hold stays; one that only graph/shapes holds goes
    store.add(ox.Quad(shared.subject, shared.predicate, shared.object, SHAPES))
    only_shapes = ox.Quad(ox.NamedNode("urn:x-test:s"), ox.NamedNode("urn:x-test:p"), ox.Literal("o"), SHAPES)
    store.add(only_shapes)
    from_file = DataGraph.of_merge(_merge_file(store, tmp_path / "merge.nt"), store, data_graphs(store), ox.Store())
    from_store = DataGraph.of_store(store, data_graphs(store), ox.Store())
    default = ox.DefaultGraph()
    assert set(from_file.store.quads_for_pattern(None, None, None, default)) == set(
        from_store.store.quads_for_pattern(None, None, None, default))
    assert ox.Quad(shared.subject, shared.predicate, shared.object) in from_file.store
    assert ox.Quad(only_shapes.subject, only_shapes.predicate, only_shapes.object) not in from_file.store


def test_a_violation_planted_in_one_document_of_many_is_reported(built, tmp_path):
    store = _store(built)
    documents = [g for g in data_graphs(store) if g.value != VOCABULARY_GRAPH]
    assert len(documents) >= 3
    graph = documents[len(documents) // 2]  # one document in the middle of the corpus
    wrong_type, missing, wrong_quote = _spans(store, graph, 3)
    anchor = ox.NamedNode(NIF + "anchorOf")
    for q in list(store.quads_for_pattern(wrong_type, anchor, None, graph)):  # a value check (sh:datatype)
        store.remove(q)
        store.add(ox.Quad(q.subject, q.predicate, ox.Literal(q.object.value, language="zh"), graph))
    for q in list(store.quads_for_pattern(missing, anchor, None, graph)):  # a focus check (sh:minCount)
        store.remove(q)
    for q in list(store.quads_for_pattern(wrong_quote, anchor, None, graph)):  # SHACL-SPARQL
        store.remove(q)
        store.add(ox.Quad(q.subject, q.predicate, ox.Literal(q.object.value + "x"), graph))
    options = ValidationOptions()
    report = validate(store, DEFAULT_SHAPES, options=options, merged=_merge_file(store, tmp_path / "merge.nt"))
    assert not report.conforms
    found = {(r.focus_node, r.component) for r in report.results}
    assert (wrong_type.value, SH + "DatatypeConstraintComponent") in found
    assert (missing.value, SH + "MinCountConstraintComponent") in found
    assert (wrong_quote.value, SH + "SPARQLConstraintComponent") in found
    assert {r.focus_node for r in report.of_severity("Violation")} == {
        wrong_type.value, missing.value, wrong_quote.value}
    # the same report as from the store itself
    assert validate(store, DEFAULT_SHAPES, options=options).results == report.results


def test_merge_file_is_refused_for_a_graph_the_store_does_not_assert(built, tmp_path):
    store = _store(built)
    merge = _merge_file(store, tmp_path / "merge.nt")
    with pytest.raises(ValidationError, match="asserted graphs"):
        DataGraph.of_merge(merge, store, [ox.DefaultGraph()], ox.Store())
