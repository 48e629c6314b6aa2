"""The cheap lane (issues 10 and 11): which queries run in-process, and that they answer exactly as the
query workers do."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
import pytest
from server_testkit import DOC

from policykg.server.executor import SparqlJob
from policykg.server.lookup import is_lookup

FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
LOOKUPS = [
    f"SELECT ?p ?o {{ <{DOC}> ?p ?o }}",
    f"SELECT ?p ?o WHERE {{ <{DOC}> ?p ?o . }}",
    f"select distinct * where {{ ?s ?p <{DOC}> }} limit 10 offset 2",
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\nSELECT ?s WHERE { ?s a eli:LegalResource }",
    "ASK { ?s ?p ?o }",
    f"ASK {{ <{DOC}> ?p ?o }}",
]
NOT_LOOKUPS = [
    "SELECT * WHERE { ?s ?p ?o }",  # a scan of everything
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",  # two patterns
    f"SELECT * WHERE {{ <{DOC}> ?p ?o FILTER(?o) }}",
    f"SELECT * WHERE {{ <{DOC}> ?p ?o }} ORDER BY ?o",
    f"SELECT * FROM <{DOC}> WHERE {{ <{DOC}> ?p ?o }}",
    f"SELECT * WHERE {{ <{DOC}> ?p \"x\" }}",  # literals are left to the workers
    f"SELECT * WHERE {{ <{DOC}> ?p ?o# \"\"\"\n SERVICE <http://127.0.0.1:1/x> {{ ?x ?y ?z }}\n# \"\"\"\n }}",
    f"SELECT * WHERE {{ <{DOC}> ?p ?o }} # comment",
    f"DESCRIBE <{DOC}>",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    f"SELECT * WHERE {{ {{ <{DOC}> ?p ?o }} }}",
    "",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_single_pattern_lookups_are_cheap(query):
    assert is_lookup(query)


@pytest.mark.parametrize("query", NOT_LOOKUPS)
def test_anything_else_goes_to_the_workers(query):
    assert not is_lookup(query)


@pytest.mark.parametrize("query", LOOKUPS)
@pytest.mark.parametrize("results_format", ["json", "xml", "csv", "tsv"])
def test_the_cheap_lane_answers_as_the_workers_do(app, query, results_format):
    server_state = app.extensions["policykg"]
    job = SparqlJob(query, results_format=results_format)
    local, worker = server_state.local.try_lookup(job), server_state.executor.run_sparql(job, 10)
    # the same solutions; their order is the store's (unspecified without ORDER BY), so compare as bags
    if " limit " not in query:
        assert solutions(local.body, results_format) == solutions(worker.body, results_format)
    else:  # a slice without ORDER BY may take any solutions: as many, each one of the whole answer
        unsliced = SparqlJob(query.split(" limit ")[0], results_format=results_format)
        whole = server_state.executor.run_sparql(unsliced, 10)
        local_rows, worker_rows = solutions(local.body, results_format), solutions(worker.body, results_format)
        assert len(local_rows) == len(worker_rows) > 1
        assert set(local_rows) <= set(solutions(whole.body, results_format))
    if query == LOOKUPS[0]:
        assert solutions(local.body, results_format)


def solutions(body: bytes, results_format: str) -> list[str] | bool:
    if results_format == "csv":  # lossy, so Oxigraph does not parse it: compare the header and the rows
        header, *rows = body.splitlines()
        return [header.decode(), *sorted(row.decode() for row in rows)]
    parsed = ox.parse_query_results(body, format=FORMATS[results_format])
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed) or ["false"]
    return sorted(str(sorted((v.value, str(row[v])) for v in parsed.variables if row[v] is not None))
                  for row in parsed)


def test_lookups_do_not_reach_the_workers(client, app, monkeypatch):
    def no_workers(*args, **kwargs):
        raise AssertionError("a lookup went to the query workers")

    monkeypatch.setattr(app.extensions["policykg"].executor, "run_sparql", no_workers)
    response = client.get("/sparql", query_string={"query": LOOKUPS[0]},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.get_json()["results"]["bindings"]


def test_a_syntax_error_in_a_lookup_is_400(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?p WHERE { undeclared:x ?p ?o }"})
    assert response.status_code == 400


def test_a_request_dataset_takes_the_query_lane(app):
    from policykg.server.executor import DatasetSpec

    spec = DatasetSpec(default_graphs=("https://w3id.org/policykg/graph/vocabulary",), protocol=True)
    assert app.extensions["policykg"].local.try_lookup(SparqlJob(LOOKUPS[0], spec)) is None


def test_the_cheap_lane_follows_the_current_link(tmp_path):
    from server_testkit import fixture_quads, lay_out_build

    from policykg.server.app import create_app
    from policykg.server.config import ServerConfig

    asserted, inferred = fixture_quads()
    lay_out_build(tmp_path, asserted, inferred, name="first")
    app = create_app(ServerConfig(data_dir=tmp_path))
    client = app.test_client()
    assert client.get("/health").get_json()["build"] == "first"
    lay_out_build(tmp_path, asserted[: len(asserted) // 2], inferred, name="second")
    health = client.get("/health").get_json()
    assert health["build"] == "second" and health["triples"] == len(asserted) // 2
    lookup = client.get("/sparql", query_string={"query": LOOKUPS[0]}, headers={"Accept": "text/csv"})
    assert lookup.status_code == 200


def test_a_lookup_that_mentions_service_is_answered_by_the_workers(client, app, monkeypatch):
    # the web process has the host's network, so its un-isolated check refuses any text containing
    # "service"; such a lookup (an IRI, a prefix) must go to the isolated workers, not get a false 403
    calls = []
    executor = app.extensions["policykg"].executor
    run_sparql = executor.run_sparql

    def counted(*args, **kwargs):
        calls.append(args[0].query)
        return run_sparql(*args, **kwargs)

    monkeypatch.setattr(executor, "run_sparql", counted)
    query = "SELECT * WHERE { <https://example.org/public-service> ?p ?o }"
    assert is_lookup(query)
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["results"]["bindings"] == [] and calls == [query]


@pytest.mark.parametrize(("method", "path", "query_string", "content_type", "body", "inline"), [
    ("GET", "/sparql", "query=" + quote(LOOKUPS[0]), "", b"", True),
    ("GET", "/sparql", "query=" + quote(LOOKUPS[0]) + "&format=csv", "", b"", True),
    ("POST", "/sparql", "", "application/sparql-query", LOOKUPS[0].encode(), True),
    ("POST", "/sparql", "", "application/x-www-form-urlencoded", ("query=" + quote(LOOKUPS[0])).encode(), True),
    # anything else takes a request thread
    ("GET", "/sparql", "query=" + quote("ASK { ?s ?p ?o . ?o ?q ?r }"), "", b"", False),
    ("GET", "/sparql", "query=" + quote(LOOKUPS[0]) + "&default-graph-uri=x", "", b"", False),
    ("GET", "/sparql", "query=" + quote(LOOKUPS[0]) + "&query=" + quote(LOOKUPS[0]), "", b"", False),
    ("GET", "/sparql", "query=" + quote(LOOKUPS[0]) + "&timeout=1", "", b"", False),
    ("GET", "/sparql", "", "", b"", False),
    ("GET", "/sparql", "query=" + quote(LOOKUPS[0] + " " * 5000), "", b"", False),  # too long to read here
    ("GET", "/sparql", "query=" + quote(f"ASK {{ ?s ?p <{DOC}> }}"), "", b"", True),
    ("GET", "/sparql", "query=" + quote(f"CONSTRUCT {{ <{DOC}> ?p ?o }} WHERE {{ <{DOC}> ?p ?o }}"), "", b"", True),
    # an IRI object may have any number of subjects (every instance of a class): a request thread
    ("GET", "/sparql", "query=" + quote(f"SELECT ?s {{ ?s a <{DOC}> }}"), "", b"", False),
    ("GET", "/sparql", "query=" + quote(f"CONSTRUCT WHERE {{ ?s ?p <{DOC}> }}"), "", b"", False),
    ("GET", "/other", "query=" + quote(LOOKUPS[0]), "", b"", False),
    ("POST", "/sparql", "", "application/sparql-query", None, False),  # a body too large to read here
    ("POST", "/sparql", "", "text/plain", LOOKUPS[0].encode(), False),
    ("POST", "/sparql", "", "application/sparql-query", b"\xff" + LOOKUPS[0].encode(), False),
    ("PUT", "/sparql", "query=" + quote(LOOKUPS[0]), "", b"", False),
    ("GET", "/sparql", "query=" + quote("SELECT ?p ?o { <http://example.org/service> ?p ?o }"), "", b"", False),
])
def test_which_requests_the_front_end_answers_inline(app, client, method, path, query_string, content_type, body,
                                                     inline):
    local = app.extensions["policykg"].local
    client.get("/sparql", query_string={"query": LOOKUPS[0]})  # the build is open
    assert local.answers_inline(method, path, query_string, content_type, body) is inline


def test_nothing_is_inline_before_the_build_is_open(tmp_path):
    from policykg.server.lookup import LocalStore

    local = LocalStore(tmp_path)
    assert not local.answers_inline("GET", "/sparql", "query=" + quote(LOOKUPS[0]), "", b"")
