"""rdflib's SPARQLStore (and a federating rdflib query) as clients of the endpoint."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_testkit import DOC, expected_rows

PKG = "https://w3id.org/policykg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_sparqlstore_select_ask_construct(live_server):
    store = SPARQLStore(query_endpoint=live_server.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    query = f"SELECT ?t ?v WHERE {{ ?t <{PKG}value> ?v }} ORDER BY ?v"
    rows = list(graph.query(query))
    assert [row.v.toPython() for row in rows] == [Decimal(row["v"]) for row in expected_rows(query)]
    assert graph.query(f"ASK {{ <{DOC}> a <{PKG}Notice> }}").askAnswer is True
    constructed = graph.query(f"CONSTRUCT {{ ?p a <{PKG}Plan> }} WHERE {{ ?p a <{PKG}Plan> }}").graph
    assert (URIRef(f"{DOC}/plan"), None, None) in constructed


def test_sparqlstore_triples_and_len(live_server):
    store = SPARQLStore(query_endpoint=live_server.url + "/sparql", method="POST_FORM")
    graph = Graph(store=store)
    labels = {str(o) for o in graph.objects(URIRef(f"{DOC}/plan"), URIRef(RDFS_LABEL))}
    assert labels == {row["l"] for row in expected_rows(f"SELECT ?l WHERE {{ <{DOC}/plan> <{RDFS_LABEL}> ?l }}")}


def test_rdflib_federates_through_service(live_server):
    """rdflib evaluating SERVICE <endpoint> against us, as another triple store would."""
    local = Graph()
    pattern = f'<{DOC}/plan> <{RDFS_LABEL}> ?label FILTER(LANG(?label) = "en")'
    rows = list(local.query(f"SELECT ?label WHERE {{ SERVICE <{live_server.url}/sparql> {{ {pattern} }} }}"))
    assert [str(row.label) for row in rows] == [row["label"] for row in expected_rows(f"SELECT ?label {{ {pattern} }}")]
    assert rows
