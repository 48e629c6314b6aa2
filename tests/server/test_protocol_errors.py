"""SPARQL 1.1 Protocol errors of /sparql: malformed queries, updates, unacceptable formats, wrong methods
and content types, oversized bodies and bad parameters, each with the status and message promised.
"""

from __future__ import annotations

import io

import pytest
from rdflib.query import Result
from server_testkit import DOC

PKG = "https://w3id.org/policykg/ontology#"
SELECT_TARGETS = f"SELECT ?t ?v WHERE {{ ?t <{PKG}value> ?v }} ORDER BY ?v"
ASK_NOTICE = f"ASK {{ <{DOC}> a <{PKG}Notice> }}"


def parse_results(response) -> Result:
    """A SPARQL JSON results document, parsed back by rdflib."""
    assert response.mimetype == "application/sparql-results+json"
    return Result.parse(source=io.BytesIO(response.get_data()), format="json")


# -- errors -------------------------------------------------------------------------------------


def test_malformed_query_gets_400_with_position(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "not valid SPARQL" in text
    assert "line 3" in text and "^" in text


@pytest.mark.parametrize(
    "update",
    ["INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }", "DELETE WHERE { ?s ?p ?o }", "LOAD <http://example.org/>",
     "CLEAR ALL", "DROP GRAPH <http://a/g>", "PREFIX a: <http://a/>\nINSERT { ?s a:p 1 } WHERE { ?s ?p ?o }"],
)
def test_updates_are_refused(client, update):
    for response in (
        client.get("/sparql", query_string={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", data=update.encode(), content_type="application/sparql-update"),
        client.get("/sparql", query_string={"update": update}),
    ):
        assert response.status_code == 403
        assert "read-only" in response.get_data(as_text=True)
    still_there = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert parse_results(still_there).askAnswer is True


def test_unknown_media_type_gets_406(client):
    response = client.get("/sparql", query_string={"query": ASK_NOTICE}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": ASK_NOTICE, "format": "png"}).status_code == 406


def test_graph_format_for_a_select_gets_406(client):
    response = client.get("/sparql", query_string={"query": SELECT_TARGETS}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_data(as_text=True)  # what SELECT can be had as


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_gets_405(client, method):
    response = client.open("/sparql", method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_two_queries_get_400(client):
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400
    assert "more than one query" in response.get_data(as_text=True)


@pytest.mark.parametrize(("body", "content_type", "named"), [
    (b"query=ASK%20%7B%7D", "text/plain", "text/plain"),
    (b"ASK {}", "", "(none)"),
])
def test_post_without_a_known_content_type_gets_415(client, body, content_type, named):
    response = client.post("/sparql", data=body, content_type=content_type)
    assert response.status_code == 415
    text = response.get_data(as_text=True)
    assert "application/sparql-query" in text and "application/x-www-form-urlencoded" in text and named in text


def test_a_body_declared_in_another_charset_gets_415(client):
    """RFC 9110 §15.5.16: the content's format (here its charset) is not one the endpoint takes."""
    response = client.post("/sparql", data="ASK {}".encode("utf-16"),
                           content_type="application/sparql-query; charset=UTF-16")
    assert response.status_code == 415
    assert "UTF-8, not utf-16" in response.get_data(as_text=True)


def test_a_body_that_is_not_the_utf8_it_claims_gets_400(client):
    response = client.post("/sparql", data=b"ASK { ?s ?p \xff }", content_type="application/sparql-query")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_data(as_text=True)


def test_oversized_body_gets_413(client, config):
    query = "ASK {} #" + "x" * config.max_body_bytes
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code == 413
    assert f"limit of {config.max_body_bytes} bytes" in response.get_data(as_text=True)


@pytest.mark.parametrize("timeout", ["soon", "-1", "nan"])
def test_bad_timeout_parameter(client, timeout):
    response = client.get("/sparql", query_string={"query": ASK_NOTICE, "timeout": timeout})
    assert response.status_code == 400
    assert "timeout" in response.get_data(as_text=True) and repr(timeout) in response.get_data(as_text=True)
