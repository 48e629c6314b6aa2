"""CONSTRUCT lookups (`CONSTRUCT { <iri> ?p ?o } WHERE { <iri> ?p ?o }`) take the cheap lane too (issue 10)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from server_testkit import DOC

from policykg.server.executor import SparqlJob
from policykg.server.lookup import is_lookup

CONSTRUCT_LOOKUPS = [
    f"CONSTRUCT {{ <{DOC}> ?p ?o }} WHERE {{ <{DOC}> ?p ?o }}",
    f"CONSTRUCT WHERE {{ <{DOC}> ?p ?o }}",
    f"construct {{ ?s ?p <{DOC}> . }} where {{ ?s ?p <{DOC}> . }} limit 5",
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    "CONSTRUCT { ?s a eli:LegalResource } WHERE { ?s a eli:LegalResource }",
]
NOT_CONSTRUCT_LOOKUPS = [
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",  # a scan of everything
    f"CONSTRUCT {{ <{DOC}> ?p ?o . ?o ?q ?r }} WHERE {{ <{DOC}> ?p ?o }}",  # two template triples
    f"CONSTRUCT {{ <{DOC}> ?p ?x }} WHERE {{ <{DOC}> ?p ?o }}",  # a template variable left unbound
    f"CONSTRUCT {{ <{DOC}> ?p ?o }} {{ <{DOC}> ?p ?o }}",  # WHERE is required after a template
    f"CONSTRUCT {{ <{DOC}> ?p ?o }} WHERE {{ <{DOC}> ?p ?o }} ORDER BY ?o",
    f"CONSTRUCT WHERE {{ <{DOC}> ?p ?o . ?o ?q ?r }}",
]


@pytest.mark.parametrize("query", CONSTRUCT_LOOKUPS)
def test_single_pattern_constructs_are_lookups(query):
    assert is_lookup(query)


@pytest.mark.parametrize("query", NOT_CONSTRUCT_LOOKUPS)
def test_other_constructs_go_to_the_workers(query):
    assert not is_lookup(query)


@pytest.mark.parametrize("query", CONSTRUCT_LOOKUPS)
@pytest.mark.parametrize("graph_format", ["turtle", "ntriples", "rdfxml"])
def test_the_cheap_lane_constructs_what_the_workers_do(app, query, graph_format):
    server_state = app.extensions["policykg"]
    job = SparqlJob(query, graph_format=graph_format)
    local, worker = server_state.local.try_lookup(job), server_state.executor.run_sparql(job, 10)
    assert local is not None and local.kind == worker.kind == "graph"
    if " limit " in query:
        # LIMIT without ORDER BY: any 5 of the matches is right (the stores may order them differently)
        unlimited = SparqlJob(query.rpartition(" limit ")[0], graph_format=graph_format)
        whole = triples(server_state.executor.run_sparql(unlimited, 10).body, graph_format)
        answers = [triples(local.body, graph_format), triples(worker.body, graph_format)]
        assert all(len(a) == min(5, len(whole)) and a <= whole for a in answers)
    else:
        assert triples(local.body, graph_format) == triples(worker.body, graph_format)
    if query == CONSTRUCT_LOOKUPS[0]:
        assert triples(local.body, graph_format)


def test_construct_lookups_do_not_reach_the_workers(client, app, monkeypatch):
    def no_workers(*args, **kwargs):
        raise AssertionError("a lookup went to the query workers")

    monkeypatch.setattr(app.extensions["policykg"].executor, "run_sparql", no_workers)
    response = client.get("/sparql", query_string={"query": CONSTRUCT_LOOKUPS[0]},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and f"<{DOC}>".encode() in response.data


def triples(body: bytes, graph_format: str) -> set[str]:
    fmt = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}
    return {str(t) for t in ox.parse(body, format=fmt[graph_format])}
