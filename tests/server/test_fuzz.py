"""Fuzzing the app (issue 11): the query parameter, the other protocol parameters, headers, paths and
bodies. Bounded and seeded (hypothesis, derandomized): no response is a 5xx other than 503 (overload,
time limit) and no body carries a traceback. The app runs with TESTING on, so an exception that
escapes the error handlers fails the test outright instead of becoming a 500.

bench/attack.py runs the same kind of inputs (10,000 of them) against a live server.
"""

from __future__ import annotations

import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=120, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SPARQL_PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "*",
    ".", ";", ",", "a", "FILTER", "BIND", "AS", "VALUES", "UNION", "OPTIONAL", "GRAPH", "SERVICE", "FROM",
    "NAMED", "LIMIT", "1", "-1", "1e999", "'x'", '"""', "'''", "#", "\n", "<http://127.0.0.1:1/x>",
    "<https://w3id.org/policykg/doc/tairenshezi-2021-12>", "PREFIX", "pkg:", "BASE", "<>", "<%00>",
    "INSERT", "DELETE", "DATA", "LOAD", "CLEAR", "\\u0000", "\x00", "\ud800", "REGEX", "COUNT", "GROUP BY",
    "ORDER BY", "RAND()", "CONCAT", "^^", "@zh", "_:b", "<<", ">>", "$x", "%", "\u3000", "²",
]
ACCEPTS = ["*/*", "text/html", "application/sparql-results+json", "text/csv", "text/turtle", "application/ld+json",
           "application/n-triples;q=0.5", "text/html;q=0.1, */*;q=0", "x/y", "", ";;;", "text/*;q=nan",
           "application/sparql-results+xml;q=1e9", "image/png"]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
                 "application/sparql-query; charset=latin-1", "text/plain", "multipart/form-data; boundary=x",
                 "application/json", "", "application/x-www-form-urlencoded; charset=utf-16"]

query_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(SPARQL_PIECES), max_size=25).map(" ".join),
)
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
parameter = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["nan", "inf", "1e-9", "0", "5", "-3", "1e400"]))


def check(response) -> None:
    body = response.get_data()
    assert response.status_code < 500 or response.status_code == 503, (response.status_code, body[:500])
    assert b"Traceback" not in body


@FUZZ
@given(query=query_text, timeout=parameter, default_graph=parameter, named_graph=parameter, fmt=parameter,
       inference=parameter, accept=st.sampled_from(ACCEPTS))
def test_fuzz_query_parameters(client, query, timeout, default_graph, named_graph, fmt, inference, accept):
    params = {"query": query, "timeout": timeout, "default-graph-uri": default_graph,
              "named-graph-uri": named_graph, "format": fmt, "inference": inference}
    params = {key: value for key, value in params.items() if value is not None}
    check(client.get("/sparql", query_string=params, headers={"Accept": accept}))
    check(client.post("/sparql", data=params, headers={"Accept": accept}))


@FUZZ
@given(body=st.one_of(st.binary(max_size=300), query_text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       content_type=st.sampled_from(CONTENT_TYPES), accept=st.sampled_from(ACCEPTS))
def test_fuzz_bodies(client, body, content_type, accept):
    check(client.post("/sparql", data=body, headers={"Content-Type": content_type, "Accept": accept}))


@FUZZ
# a first segment may not be empty: the test client would read "//x" as a network-path reference (a host)
@given(segments=st.lists(st.text(max_size=20), min_size=1, max_size=4).filter(lambda segments: segments[0] != ""),
       suffix=st.sampled_from(["", ".ttl", ".jsonld", ".nt", ".rdf", ".html", ".x", "/text"]),
       query=st.dictionaries(st.sampled_from(["span", "format", "query", "x"]), st.text(max_size=20), max_size=2),
       accept=st.sampled_from(ACCEPTS), method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]))
def test_fuzz_paths(client, segments, suffix, query, accept, method):
    path = "/" + "/".join(urllib.parse.quote(segment, safe="") for segment in segments) + suffix
    check(client.open(path, method=method, query_string=query, headers={"Accept": accept}))


@FUZZ
@given(name=st.sampled_from(["Accept", "Accept-Language", "Content-Type", "Host", "Origin", "If-None-Match",
                             "Range", "X-Forwarded-For", "Content-Length", "Transfer-Encoding"]),
       value=header_text,
       path=st.sampled_from(["/sparql", "/", "/health", "/dumps/", "/dumps/policykg.nq", "/ontology",
                             "/.well-known/void", "/doc/tairenshezi-2021-12", "/doc/tairenshezi-2021-12/text"]))
def test_fuzz_headers(client, name, value, path):
    params = {"query": "ASK { ?s ?p ?o }"} if path == "/sparql" else {}
    check(client.get(path, query_string=params, headers={name: value}))
