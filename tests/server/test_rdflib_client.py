"""rdflib's SPARQLStore (and a federating rdflib query) as clients of the endpoint."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_testkit import DOC

PKG = "https://w3id.org/policykg/ontology#"


def test_sparqlstore_select_ask_construct(live_server):
    store = SPARQLStore(query_endpoint=live_server.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(f"SELECT ?t ?v WHERE {{ ?t <{PKG}value> ?v }} ORDER BY ?v"))
    assert [row.v.toPython() for row in rows] == [Decimal(25), Decimal(67000)]
    assert graph.query(f"ASK {{ <{DOC}> a <{PKG}Notice> }}").askAnswer is True
    constructed = graph.query(f"CONSTRUCT {{ ?p a <{PKG}Plan> }} WHERE {{ ?p a <{PKG}Plan> }}").graph
    assert (URIRef(f"{DOC}/plan"), None, None) in constructed


def test_sparqlstore_triples_and_len(live_server):
    store = SPARQLStore(query_endpoint=live_server.url + "/sparql", method="POST_FORM")
    graph = Graph(store=store)
    labels = {str(o) for o in graph.objects(URIRef(f"{DOC}/plan"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert "泰安市职业技能提升行动质量年活动实施方案" in labels


def test_rdflib_federates_through_service(live_server):
    """rdflib evaluating SERVICE <endpoint> against us, as another triple store would."""
    local = Graph()
    query = f"""SELECT ?label WHERE {{ SERVICE <{live_server.url}/sparql> {{
                  <{DOC}/plan> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = "en") }} }}"""
    rows = list(local.query(query))
    assert [str(row.label) for row in rows] == ["Tai'an Vocational Skills Upgrading Quality Year Implementation Plan"]
