"""SPARQL 1.1 Protocol conformance of /sparql: request forms, result formats, errors, limits.

Responses are parsed back with rdflib (results and graphs) and, over real HTTP, with SPARQLWrapper.
"""

from __future__ import annotations

import json
import threading
import urllib.parse

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.query import Result
from server_testkit import DOC, DOCUMENT_GRAPH, expected_rows, fetch
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

PKG = "https://w3id.org/policykg/ontology#"
SELECT_TARGETS = f"SELECT ?t ?v WHERE {{ ?t <{PKG}value> ?v }} ORDER BY ?v"
ASK_NOTICE = f"ASK {{ <{DOC}> a <{PKG}Notice> }}"
CONSTRUCT_PLAN = f"CONSTRUCT {{ ?p a <{PKG}Plan> }} WHERE {{ ?p a <{PKG}Plan> }}"
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
}


def parse_results(response) -> Result:
    media = response.mimetype
    return Result.parse(source=response_stream(response), format=RESULT_TYPES[media])


def response_stream(response):
    import io

    return io.BytesIO(response.get_data())


def parse_graph(response) -> Graph:
    graph = Graph()
    graph.parse(data=response.get_data(as_text=True), format=GRAPH_TYPES[response.mimetype])
    return graph


# -- request forms ------------------------------------------------------------------------------


def test_get_with_query_parameter(client):
    response = client.get("/sparql", query_string={"query": ASK_NOTICE})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert parse_results(response).askAnswer is True


def test_post_form_encoded(client):
    response = client.post("/sparql", data={"query": SELECT_TARGETS})
    assert response.status_code == 200
    values = [row.v for row in parse_results(response)]
    decimal = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    assert values == [Literal(row["v"], datatype=decimal) for row in expected_rows(SELECT_TARGETS)]


def test_post_direct(client):
    response = client.post("/sparql", data=ASK_NOTICE.encode(), content_type="application/sparql-query")
    assert response.status_code == 200
    assert parse_results(response).askAnswer is True


def test_post_direct_with_explicit_utf8_charset(client):
    query = 'ASK { ?s ?p "泰安市"@zh }'
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query; charset=UTF-8")
    assert parse_results(response).askAnswer is True


def test_default_graph_uri_restricts_the_default_graph(client):
    query = f"ASK {{ <{DOC}> ?p ?o }}"
    inside = client.get("/sparql", query_string={"query": query, "default-graph-uri": DOCUMENT_GRAPH})
    elsewhere = client.get(
        "/sparql", query_string={"query": query, "default-graph-uri": "https://w3id.org/policykg/graph/vocabulary"}
    )
    assert parse_results(inside).askAnswer is True
    assert parse_results(elsewhere).askAnswer is False


def test_named_graph_uri_restricts_graph_patterns(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(
        "/sparql?" + urllib.parse.urlencode({"named-graph-uri": DOCUMENT_GRAPH}), data={"query": query}
    )
    assert [str(row.g) for row in parse_results(response)] == [DOCUMENT_GRAPH]


def test_from_in_the_query_is_honoured(client):
    query = f"ASK FROM <https://w3id.org/policykg/graph/vocabulary> {{ <{DOC}> ?p ?o }}"
    assert parse_results(client.get("/sparql", query_string={"query": query})).askAnswer is False


def test_default_graph_is_the_union_of_asserted_graphs_without_inferences(client):
    query = f"ASK {{ <{DOC}> a <http://www.w3.org/ns/prov#Entity> }}"  # only OWL-RL says so
    asserted = client.get("/sparql", query_string={"query": query})
    inferred = client.get("/sparql", query_string={"query": query, "inference": "true"})
    via_graph = client.get(
        "/sparql",
        query_string={"query": query, "default-graph-uri": ["https://w3id.org/policykg/graph/inferred"]},
    )
    assert parse_results(asserted).askAnswer is False
    assert parse_results(inferred).askAnswer is True
    assert parse_results(via_graph).askAnswer is True


SHARED_LABEL = ("SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/policykg/jurisdiction/370000> "
                "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }")


@pytest.mark.parametrize("params", [
    {},
    {"inference": "true"},
    {"default-graph-uri": [DOCUMENT_GRAPH, "https://w3id.org/policykg/graph/vocabulary"]},
], ids=["default", "inference", "default-graph-uri"])
def test_default_graph_is_a_merge_not_a_bag(client, params):
    """A triple in two graphs is one triple of the default graph (SPARQL 1.1 §13.1; oxigraph#1919)."""
    response = client.get("/sparql", query_string={"query": SHARED_LABEL, **params})
    # "山东省"@zh is in the document graph and in graph/vocabulary; "Shandong Province"@en only in the latter
    assert [int(row.n) for row in parse_results(response)] == [2]


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.post("/sparql", data={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"})
    assert response.status_code == 200
    assert (URIRef("http://localhost/s"), URIRef("http://localhost/p"), Literal(1)) in parse_graph(response)


# -- result formats -----------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", list(RESULT_TYPES))
def test_select_in_every_results_format(client, media_type):
    response = client.get("/sparql", query_string={"query": SELECT_TARGETS}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Type"].endswith("charset=utf-8")
    assert "Accept" in response.headers["Vary"]
    rows = list(parse_results(response))
    assert [str(row[0]) for row in rows] == [row["t"] for row in expected_rows(SELECT_TARGETS)]


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_in_json_and_xml(client, media_type):
    response = client.get("/sparql", query_string={"query": ASK_NOTICE}, headers={"Accept": media_type})
    assert response.mimetype == media_type
    assert parse_results(response).askAnswer is True


@pytest.mark.parametrize("media_type", list(GRAPH_TYPES))
def test_construct_in_every_graph_format(client, media_type):
    response = client.get("/sparql", query_string={"query": CONSTRUCT_PLAN}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = parse_graph(response)
    assert (URIRef(f"{DOC}/plan"), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef(f"{PKG}Plan")) in graph


def test_describe_returns_a_graph(client):
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{DOC}>"})
    assert response.mimetype == "text/turtle"
    assert len(parse_graph(response)) > 5


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("csv", "text/csv"), ("xml", "application/sparql-results+xml"), ("tsv", "text/tab-separated-values"),
     ("json", "application/sparql-results+json")],
)
def test_format_parameter_overrides_accept(client, name, media_type):
    response = client.get("/sparql", query_string={"query": SELECT_TARGETS, "format": name},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.mimetype == media_type


def test_q_values_choose_the_format(client):
    accept = "application/sparql-results+json;q=0.2, text/csv;q=0.9, application/sparql-results+xml;q=0.5"
    response = client.get("/sparql", query_string={"query": SELECT_TARGETS}, headers={"Accept": accept})
    assert response.mimetype == "text/csv"


def test_one_accept_header_for_any_query_form(client):
    accept = "application/sparql-results+json, text/turtle;q=0.9"
    select = client.get("/sparql", query_string={"query": SELECT_TARGETS}, headers={"Accept": accept})
    construct = client.get("/sparql", query_string={"query": CONSTRUCT_PLAN}, headers={"Accept": accept})
    assert select.mimetype == "application/sparql-results+json"
    assert construct.mimetype == "text/turtle"


# -- service description, CORS -------------------------------------------------------------------


def test_missing_query_gives_the_service_description(client):
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    graph = parse_graph(response)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = graph.value(predicate=URIRef(sd + "endpoint"), object=URIRef("http://localhost/sparql"))
    assert service is not None
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    formats = set(graph.objects(service, URIRef(sd + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    names = {str(o) for o in graph.objects(None, URIRef(sd + "name"))}
    assert DOCUMENT_GRAPH in names and "https://w3id.org/policykg/graph/inferred" in names


def test_browsers_asking_the_endpoint_get_the_query_page(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    with_query = client.get("/sparql", query_string={"query": ASK_NOTICE}, headers={"Accept": accept})
    assert with_query.status_code == 302 and "query=" in with_query.headers["Location"]


def test_cors_preflight_and_headers(client):
    preflight = client.options("/sparql", headers={"Origin": "http://notebook.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    response = client.get("/sparql", query_string={"query": ASK_NOTICE}, headers={"Origin": "http://x.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


# -- SERVICE -------------------------------------------------------------------------------------


def test_service_outside_the_allow_list_is_refused(client):
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403
    assert "allow-list" in response.get_data(as_text=True)
    variable = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } }"})
    assert variable.status_code == 403
    assert "SERVICE" in variable.get_data(as_text=True)


@pytest.mark.usefixtures("network_sandbox")
def test_service_in_the_allow_list_is_called(app, config, live_server):
    """A SERVICE call to an allowed endpoint (here: this same server) reaches it and returns its answer."""
    from server_testkit import start_live_server

    from policykg.server.app import create_app

    federating = create_app(config.with_changes(service_allowlist=(live_server.url + "/",), workers=1))
    front, stop = start_live_server(federating)
    try:
        query = f"SELECT ?v WHERE {{ SERVICE <{live_server.url}/sparql> {{ ?t <{PKG}value> ?v }} }} ORDER BY ?v"
        response = fetch(front.url + "/sparql", data={"query": query})
        assert response.status_code == 200, response.text
        values = [b["v"]["value"] for b in response.json()["results"]["bindings"]]
        assert values == [row["v"] for row in expected_rows(SELECT_TARGETS)]
    finally:
        stop()
        federating.extensions["policykg"].executor.close()


# -- time limit ------------------------------------------------------------------------------------


def test_slow_query_is_stopped_with_503_while_others_are_served(app, live_server):
    server = app.extensions["policykg"]
    outcome = {}

    def slow() -> None:
        outcome["response"] = fetch(live_server.url + "/sparql", data={"query": SLOW_QUERY, "timeout": "2"})

    thread = threading.Thread(target=slow)
    thread.start()
    # the pool checks the condition again on each change and at least every monitor interval
    assert server.executor.wait_until(lambda: server.admission.snapshot()["running"] >= 1, 30)
    quick = fetch(live_server.url + "/sparql", params={"query": ASK_NOTICE})
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert thread.is_alive()  # answered while the slow query was still running
    thread.join(30)
    assert outcome["response"].status_code == 503
    assert "time limit of 2 s" in outcome["response"].text
    # the killed worker is replaced: the pool keeps answering
    for _ in range(4):
        again = fetch(live_server.url + "/sparql", params={"query": ASK_NOTICE})
        assert again.status_code == 200


def test_a_request_cannot_raise_the_time_limit(client, config):
    from policykg.server.limits import parse_timeout

    assert parse_timeout("1000", config.query_timeout) == config.query_timeout
    assert parse_timeout("0.5", config.query_timeout) == 0.5


# -- real HTTP clients ----------------------------------------------------------------------------------


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(live_server, return_format):
    wrapper = SPARQLWrapper(live_server.url + "/sparql")
    wrapper.setQuery(SELECT_TARGETS)
    wrapper.setReturnFormat(return_format)
    result = wrapper.query()
    body = result.convert()
    targets = len(expected_rows(SELECT_TARGETS))
    if return_format == JSON:
        assert len(body["results"]["bindings"]) == targets
    elif return_format == XML:
        assert len(body.getElementsByTagName("result")) == targets
    else:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        assert len(text.strip().splitlines()) == targets + 1  # and the header


def test_sparqlwrapper_post_ask_and_construct(live_server):
    wrapper = SPARQLWrapper(live_server.url + "/sparql")
    wrapper.setMethod("POST")
    wrapper.setQuery(ASK_NOTICE)
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is True
    wrapper.setQuery(CONSTRUCT_PLAN)
    wrapper.setReturnFormat(TURTLE)
    graph = Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert len(graph) == 1


def test_sparqlwrapper_sees_errors(live_server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    wrapper = SPARQLWrapper(live_server.url + "/sparql")
    wrapper.setQuery("SELECT * WHERE {")
    with pytest.raises(QueryBadFormed):
        wrapper.query()


def test_health(client):
    response = client.get("/health")
    body = json.loads(response.get_data(as_text=True))
    assert response.status_code == 200
    assert body["status"] == "ok" and body["triples"] > 0 and body["built_at"] and body["version"]
