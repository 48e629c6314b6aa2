"""The clients researchers use, with their default settings, against a live server (issue 9 item 1).

SPARQLWrapper sends `format=xml` (its default) for every query form, and expects SPARQL XML results
for SELECT/ASK and RDF/XML for CONSTRUCT/DESCRIBE, as Virtuoso, Fuseki and GraphDB answer.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_testkit import DOC, expected_rows, fetch
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

PKG = "https://w3id.org/policykg/ontology#"
SELECT_TARGETS = f"SELECT ?t ?v WHERE {{ ?t <{PKG}value> ?v }} ORDER BY ?v"
ASK_NOTICE = f"ASK {{ <{DOC}> a <{PKG}Notice> }}"
CONSTRUCT_PLAN = f"CONSTRUCT {{ ?p a <{PKG}Plan> }} WHERE {{ ?p a <{PKG}Plan> }}"
DESCRIBE_PLAN = f"DESCRIBE <{DOC}/plan>"


def wrapper(live_server, query: str, return_format: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(query)
    if return_format is not None:
        client.setReturnFormat(return_format)
    return client


# -- SPARQLWrapper, default settings (GET, format=xml) -------------------------------------------


def test_sparqlwrapper_defaults_select(live_server):
    document = wrapper(live_server, SELECT_TARGETS).query().convert()
    assert len(document.getElementsByTagName("result")) == len(expected_rows(SELECT_TARGETS))


def test_sparqlwrapper_defaults_ask(live_server):
    document = wrapper(live_server, ASK_NOTICE).query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"


def test_sparqlwrapper_defaults_construct(live_server):
    graph = wrapper(live_server, CONSTRUCT_PLAN).query().convert()
    assert (URIRef(f"{DOC}/plan"), None, URIRef(PKG + "Plan")) in graph


def test_sparqlwrapper_defaults_describe(live_server):
    graph = wrapper(live_server, DESCRIBE_PLAN).query().convert()
    assert len(graph) > 1
    assert set(graph.subjects()) >= {URIRef(f"{DOC}/plan")}


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_every_results_format(live_server, return_format, method):
    client = wrapper(live_server, ASK_NOTICE, return_format)
    client.setMethod(method)
    result = client.query()
    assert result.response.status == 200
    client.setQuery(SELECT_TARGETS)
    body = client.query().convert()
    targets = len(expected_rows(SELECT_TARGETS))
    if return_format == JSON:
        assert len(body["results"]["bindings"]) == targets
    elif return_format == XML:
        assert len(body.getElementsByTagName("result")) == targets
    else:
        assert len(body.decode("utf-8").strip().splitlines()) == targets + 1  # and the header


@pytest.mark.parametrize("return_format", [XML, RDFXML, RDF, TURTLE, N3, JSONLD, JSON])
@pytest.mark.parametrize("query", [CONSTRUCT_PLAN, DESCRIBE_PLAN])
def test_sparqlwrapper_every_graph_format(live_server, return_format, query):
    result = wrapper(live_server, query, return_format).query()
    body = result.convert()
    if isinstance(body, Graph):
        graph = body
    elif return_format == JSON:  # SPARQLWrapper hands back JSON-LD parsed as plain JSON
        graph = Graph().parse(data=json.dumps(body), format="json-ld")
    else:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        graph = Graph().parse(data=text, format="turtle")
    assert (URIRef(f"{DOC}/plan"), None, URIRef(PKG + "Plan")) in graph


@pytest.mark.parametrize(
    ("value", "media_type"),
    [
        ("xml", "application/rdf+xml"), ("json", "application/ld+json"), ("turtle", "text/turtle"),
        ("json-ld", "application/ld+json"), ("n-triples", "application/n-triples"), ("rdf", "application/rdf+xml"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_format_parameter_per_query_form_graphs(client, value, media_type):
    response = client.get("/sparql", query_string={"query": CONSTRUCT_PLAN, "format": value})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type


@pytest.mark.parametrize(
    ("value", "media_type"),
    [
        ("xml", "application/sparql-results+xml"), ("json", "application/sparql-results+json"),
        ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
        ("application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_format_parameter_per_query_form_results(client, value, media_type):
    response = client.get("/sparql", query_string={"query": SELECT_TARGETS, "format": value})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type


def test_output_parameter_as_fuseki_reads_it(client):
    response = client.get("/sparql", query_string={"query": SELECT_TARGETS, "output": "csv"})
    assert response.mimetype == "text/csv"


def test_a_graph_format_for_a_select_still_gets_406(client):
    response = client.get("/sparql", query_string={"query": SELECT_TARGETS, "format": "turtle"})
    assert response.status_code == 406


# -- rdflib SPARQLStore, default settings --------------------------------------------------------


def test_sparqlstore_defaults(live_server):
    graph = Graph(store=SPARQLStore(query_endpoint=live_server.url + "/sparql"))
    assert len(list(graph.query(SELECT_TARGETS))) == len(expected_rows(SELECT_TARGETS))
    assert graph.query(ASK_NOTICE).askAnswer is True
    assert (URIRef(f"{DOC}/plan"), None, None) in graph.query(CONSTRUCT_PLAN).graph
    assert len(graph.query(DESCRIBE_PLAN).graph) > 1


# -- pandas from CSV --------------------------------------------------------------------------------


def test_pandas_reads_csv_results(live_server):
    pandas = pytest.importorskip("pandas", reason="pandas is a test dependency: pip install -e '.[test]'")
    response = fetch(live_server.url + "/sparql", params={"query": SELECT_TARGETS, "format": "csv"})
    frame = pandas.read_csv(io.BytesIO(response.content))
    assert list(frame.columns) == ["t", "v"]
    assert frame["v"].tolist() == [float(row["v"]) for row in expected_rows(SELECT_TARGETS)]
    # and straight from the URL, as a researcher would write it
    from urllib.parse import urlencode

    frame = pandas.read_csv(live_server.url + "/sparql?" + urlencode({"query": SELECT_TARGETS, "format": "csv"}))
    assert len(frame) == len(expected_rows(SELECT_TARGETS))


# -- Comunica (npm) -----------------------------------------------------------------------------------

COMUNICA_DIR = os.environ.get("POLICYKG_COMUNICA_DIR", "")
REQUIRE_COMUNICA = "POLICYKG_REQUIRE_COMUNICA"


def comunica_runner() -> list[str]:
    """`node …/comunica-sparql` from POLICYKG_COMUNICA_DIR (a folder where `npm install
    @comunica/query-sparql` ran); skipped without it, since the suite does not fetch from npm, unless
    POLICYKG_REQUIRE_COMUNICA=1 (CI), in which case it fails."""
    node = shutil.which("node")
    binary = Path(COMUNICA_DIR) / "node_modules" / "@comunica" / "query-sparql" / "bin" / "query.js"
    if not COMUNICA_DIR or node is None or not binary.exists():
        reason = "set POLICYKG_COMUNICA_DIR to a folder with `npm install @comunica/query-sparql` done in it"
        if os.environ.get(REQUIRE_COMUNICA) == "1":
            pytest.fail(f"{reason} ({REQUIRE_COMUNICA}=1 requires it)", pytrace=False)
        pytest.skip(reason)
    return [node, str(binary)]


def test_comunica_select_with_language_tags(live_server):
    command = comunica_runner() + [
        f"sparql@{live_server.url}/sparql", "-t", "application/sparql-results+json",
        "-q", f'SELECT ?l WHERE {{ <{DOC}/plan> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}',
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    labels = {(b["l"]["value"], b["l"].get("xml:lang")) for b in json.loads(out)["results"]["bindings"]}
    zh = expected_rows(f'SELECT ?l WHERE {{ <{DOC}/plan> rdfs:label ?l FILTER(LANG(?l) = "zh") }}')
    assert (zh[0]["l"], "zh") in labels
