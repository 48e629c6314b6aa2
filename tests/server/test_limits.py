"""Request limits before the engine sees a query (issue 11, Medium 8) and the client errors that were
answered 500 (Low): each case here crashed a worker, was accepted, or was a 500 before."""

from __future__ import annotations

import errno

import pytest
from server_testkit import DOC

from policykg.server.limits import check_query_text, parse_timeout
from policykg.server.operations import READ_OPERATIONS

JSON = {"Accept": "application/sparql-results+json"}


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e-9", "0", "-1", "1e400", "abc", "0x10"])
def test_nonsense_timeouts_are_400(client, value):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "timeout": value}, headers=JSON)
    assert response.status_code == 400, value
    assert "timeout" in response.get_data(as_text=True)


def test_a_sensible_timeout_is_taken():
    assert parse_timeout("2.5", 30) == 2.5
    assert parse_timeout(None, 30) == 30
    assert parse_timeout("  ", 30) == 30


def test_deep_nesting_is_refused_before_the_engine(client):
    query = "SELECT * WHERE " + "{" * 20000 + " ?s ?p ?o " + "}" * 20000
    response = client.post("/sparql", data=query, content_type="application/sparql-query", headers=JSON)
    assert response.status_code == 400
    assert "brackets" in response.get_data(as_text=True)
    # the worker pool is untouched: the next query runs
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o . ?s ?p ?o }"}, headers=JSON).status_code == 200


def test_brackets_in_strings_count_too():
    # an over-count is the point: a bracket inside a string cannot hide nesting from the limit
    with pytest.raises(Exception, match="brackets"):
        check_query_text('ASK { FILTER("' + "{" * 600 + '") }', max_bytes=1 << 20, max_brackets=500)
    check_query_text("ASK { ?s ?p ?o }", max_bytes=1 << 20, max_brackets=500)


def test_an_oversized_query_is_refused(client, config):
    query = "ASK { ?s ?p ?o } #" + "x" * config.max_query_bytes
    response = client.post("/sparql", data={"query": query}, headers=JSON)
    assert response.status_code in (400, 413)
    assert "limit" in response.get_data(as_text=True)


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_parameter_that_is_not_an_iri_is_400(client, parameter):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", parameter: "not an iri"},
                          headers=JSON)
    assert response.status_code == 400
    assert parameter in response.get_data(as_text=True)


def test_a_span_with_non_ascii_digits_is_no_error(client):
    path = DOC.removeprefix("https://w3id.org/policykg") + "/text"
    response = client.get(path + "?span=%C2%B2-3", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert client.get(path + "?span=1-3", headers={"Accept": "text/html"}).status_code == 200


def test_dump_urls_use_the_public_base_not_the_host_header(client, config):
    listing = client.get("/dumps/", headers={"Accept": "application/json", "Host": "evil.example"}).get_json()
    assert listing and all(entry["url"].startswith(config.public_base + "dumps/") for entry in listing)
    assert not any("evil.example" in entry["url"] for entry in listing)


def test_a_full_disk_is_a_clear_503(client, monkeypatch):
    def disk_full(store, *args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setitem(READ_OPERATIONS, "graph_ntriples", disk_full)
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 503
    assert "disk is full" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
