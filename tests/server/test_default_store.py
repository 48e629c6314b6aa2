"""The query workers' second store, the default graph alone (issue 10): what it holds, which queries
use it, and that they answer as over the full store."""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox
import pytest

from policykg import config as project_config
from policykg.kg.dataset import QueryDatasets, default_graph_store, materialise_default_graph
from policykg.kg.namespaces import PREFIXES
from policykg.kg.store import open_store
from policykg.server.default_store import stays_in_default_graph
from policykg.server.jobs import DatasetSpec, SparqlJob
from policykg.server.worker import run_sparql

EX = "http://example.org/"
PLAIN = DatasetSpec()
STAYS = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { ?x prov:wasDerivedFrom ?span }",
    "PREFIX eli: <http://data.europa.eu/eli/ontology#> ASK { ?s a eli:LegalResource }",
    "# every graph, from the corpus\nSELECT * WHERE { ?s rdfs:label 'GRAPH from' ; ?p <http://example.org/graph> }",
    "PREFIX ex: <http://example.org/from#> ASK { ex:a ?p ?o }",
]
LEAVES = [
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "select * where { graph <http://example.org/g> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT * from named <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT * WHERE { \\u0047RAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } # a comment does not hide\n GRAPH ?g { ?a ?b ?c }",
]


@pytest.mark.parametrize("query", STAYS)
def test_queries_that_cannot_name_a_graph_use_the_default_graph_store(query):
    assert stays_in_default_graph(query, PLAIN)


@pytest.mark.parametrize("query", LEAVES)
def test_queries_that_could_name_a_graph_use_the_full_store(query):
    assert not stays_in_default_graph(query, PLAIN)


@pytest.mark.parametrize("spec", [DatasetSpec(inference=True), DatasetSpec(query_has_dataset=True),
                                  DatasetSpec((EX + "g",), (), protocol=True)])
def test_other_datasets_use_the_full_store(spec):
    assert not stays_in_default_graph("SELECT * WHERE { ?s ?p ?o }", spec)


def small_store() -> ox.Store:
    store = ox.Store()
    node, blank = ox.NamedNode(EX + "a"), ox.BlankNode("b1")
    for graph in ("g1", "g2"):
        store.add(ox.Quad(node, ox.NamedNode(EX + "p"), ox.Literal("shared"), ox.NamedNode(EX + graph)))
    store.add(ox.Quad(node, ox.NamedNode(EX + "q"), blank, ox.NamedNode(EX + "g1")))
    store.add(ox.Quad(blank, ox.NamedNode(EX + "r"), ox.Literal("inside"), ox.NamedNode(EX + "g1")))
    materialise_default_graph(store)
    return store


def test_the_default_graph_store_holds_the_default_graph_exactly():
    store = small_store()
    alone = default_graph_store(store)
    expected = {str(q) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert {str(q) for q in alone} == expected and len(expected) == 3  # the blank node keeps its label
    assert list(alone.named_graphs()) == []


def test_a_worker_dataset_routes_by_what_the_query_can_reach():
    dataset = QueryDatasets(small_store(), separate_default=True)
    assert dataset.for_request(PLAIN, stays_in_default_graph("SELECT * WHERE { ?s ?p ?o }", PLAIN))[0] \
        is dataset.default_only
    assert dataset.for_request(PLAIN, stays_in_default_graph(LEAVES[0], PLAIN))[0] is dataset.store
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert run_sparql(dataset, SparqlJob("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", results_format="csv")).body \
        == b"n\r\n3\r\n"
    assert run_sparql(dataset, SparqlJob(count, results_format="csv")).body == b"n\r\n4\r\n"


def test_the_web_process_keeps_one_store():
    assert QueryDatasets(small_store()).default_only is None


def _rows(result) -> Counter:
    """Solutions as a bag; GROUP_CONCAT lists (order unspecified by SPARQL) as sets of their items."""
    def norm(term):
        if term is None:
            return None
        return tuple(sorted(set(re.split(r" / |, |; ", term.value)))) if isinstance(term, ox.Literal) else str(term)
    return Counter(tuple(norm(row[v]) for v in result.variables) for row in result)


@pytest.mark.parametrize("path", sorted((project_config.CORPUS_DIR.parent / "queries").glob("*.rq")),
                         ids=lambda p: p.stem)
def test_catalogue_answers_are_the_same_from_both_stores(built, path):
    query = path.read_text(encoding="utf-8")
    assert stays_in_default_graph(query, PLAIN)
    store = open_store(built, in_memory=True)
    alone = default_graph_store(store)
    assert _rows(alone.query(query, prefixes=PREFIXES)) == _rows(store.query(query, prefixes=PREFIXES))
