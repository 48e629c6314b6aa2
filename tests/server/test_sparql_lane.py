"""The SPARQL lane (server/sparql_lane.py) answers plain /sparql queries below Flask: each answer is the
one the app gives (status, body, every header but the timing), errors included, and everything else
reaches the app before anything ran."""

from __future__ import annotations

import urllib.parse

import pytest
from server_testkit import DOC
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

from policykg.server import result_cache
from policykg.server.sparql_lane import SparqlLane, _base_url

LOOKUP = f"SELECT ?p ?o WHERE {{ <{DOC}> ?p ?o }}"
CATALOGUE = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type"
CONSTRUCT = f"CONSTRUCT {{ <{DOC}> ?p ?o }} WHERE {{ <{DOC}> ?p ?o }}"
ASK = f"ASK {{ <{DOC}> ?p ?o }}"
FORM = "application/x-www-form-urlencoded"


class Counting:
    """The app, counting the requests that reach it."""

    def __init__(self, app) -> None:
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def _get(query: str, **params) -> dict:
    return {"path": "/sparql", "query_string": {"query": query, **params}}


def _form(query: str, **params) -> dict:
    return {"path": "/sparql", "method": "POST", "data": urllib.parse.urlencode({"query": query, **params}),
            "content_type": FORM}


def _direct(query: str) -> dict:
    return {"path": "/sparql", "method": "POST", "data": query.encode(), "content_type": "application/sparql-query"}


ANSWERED_HERE = [
    (_get(LOOKUP), {"Accept": "application/sparql-results+json"}),
    (_get(LOOKUP), {"Accept": "text/csv"}),
    (_get(LOOKUP), {}),
    (_form(LOOKUP), {"Accept": "application/sparql-results+xml"}),
    (_direct(LOOKUP), {"Accept": "text/tab-separated-values"}),
    (_get(LOOKUP, format="json"), {"Accept": "text/html"}),
    (_form(LOOKUP, output="csv"), {}),
    (_get(ASK), {"Accept": "application/sparql-results+json"}),
    (_get(CONSTRUCT), {"Accept": "text/turtle"}),
    (_form(CONSTRUCT), {"Accept": "application/n-triples"}),
    (_get(CONSTRUCT), {"Accept": "application/sparql-results+json"}),  # JSON-LD, the JSON graph format
    (_get("PREFIX d: <https://w3id.org/policykg/doc/> SELECT * { d:tairenshezi-2021-12 ?p ?o } LIMIT 3"), {}),
    (_get("ASK { ?s ?p ?o . ?o ?q ?r }"), {}),  # not a lookup: a query worker
    (_form(CATALOGUE), {"Accept": "application/sparql-results+json"}),
    (_direct(CATALOGUE), {"Accept": "text/csv"}),
    (_form(LOOKUP + " " * 2000), {}),  # a lookup longer than the main loop reads
]

FAILING = [
    (_get("SELECT ?s WHERE { ?s ?p }"), {}),  # a syntax error, explained with a caret
    (_form("SELECT ?s WHERE { ?s ?p }"), {"Accept": "application/sparql-results+json"}),
    (_get("SELECT ?p ?o WHERE { nope:x ?p ?o }"), {}),  # an unknown prefix (a lookup: the app answers it)
]

LEFT_TO_THE_APP = [
    (_get(LOOKUP), {"Accept": "text/html"}),  # a browser: redirected to the query page
    (_get(LOOKUP), {"Accept": "image/png"}),  # 406
    (_get(LOOKUP, format="png"), {}),  # 406
    (_get(LOOKUP), {"If-None-Match": '"x"'}),  # conditional
    (_get(LOOKUP, timeout="5"), {}),  # another parameter
    (_get(LOOKUP, **{"default-graph-uri": DOC}), {}),
    (_get("SELECT * FROM <https://w3id.org/policykg/graph/vocabulary> { ?s ?p ?o } LIMIT 1"), {}),
    (_get("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"), {}),
    (_form("INSERT DATA { <a:b> <a:c> <a:d> }"), {}),
    (_get("SELECT * { ?s ?p ?o } LIMIT 1", timeout="5"), {}),
    (_get(CONSTRUCT), {"Accept": "text/csv"}),  # a graph where only results are accepted: 406
    (_form(LOOKUP + " " * (70 << 10)), {}),  # longer than the lane reads
    ({"path": "/sparql", "method": "POST", "data": LOOKUP.encode(),
      "content_type": "application/sparql-query; charset=latin-1"}, {}),  # 415
    ({"path": "/sparql", "method": "HEAD", "query_string": {"query": LOOKUP}}, {}),
    ({"path": "/sparql", "method": "PUT", "query_string": {"query": LOOKUP}}, {}),
    ({"path": "/sparql"}, {}),  # the service description
    ({"path": "/health"}, {}),
]


def _compare(app, request: dict, headers: dict) -> tuple[object, object, int]:
    counting = Counting(app)
    lane = Client(SparqlLane(app, counting))
    ours = lane.open(**request, headers=headers)
    theirs = app.test_client().open(**request, headers=headers)
    return ours, theirs, counting.calls


def _headers(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()
            if name.lower() not in ("server-timing", "date")}


@pytest.mark.parametrize("cache", ["off", "on"])
@pytest.mark.parametrize(("request_", "headers"), ANSWERED_HERE)
def test_a_plain_lookup_is_answered_as_the_app_answers_it(app, request_, headers, cache):
    store = result_cache.of(app)
    saved = store.max_bytes
    store.max_bytes = (1 << 20) if cache == "on" else 0
    try:
        ours, theirs, calls = _compare(app, request_, headers)
        if cache == "on":  # the second time from the cache, each side
            ours, theirs, calls = _compare(app, request_, headers)
            assert ours.headers["Server-Timing"] == theirs.headers["Server-Timing"] == "cache;desc=hit"
    finally:
        store.max_bytes = saved
        store.clear()
    assert calls == 0, "the lane handed a plain lookup to the app"
    assert ours.status_code == theirs.status_code == 200
    assert ours.data == theirs.data
    assert _headers(ours) == _headers(theirs)
    assert ours.headers["Server-Timing"].split("=")[0] == theirs.headers["Server-Timing"].split("=")[0]


@pytest.mark.parametrize(("request_", "headers"), FAILING)
def test_a_failing_query_gets_the_apps_error_response(app, request_, headers):
    ours, theirs, _ = _compare(app, request_, headers)
    assert ours.status_code == theirs.status_code == 400
    assert ours.data == theirs.data
    assert _headers(ours) == _headers(theirs)


@pytest.mark.parametrize(("request_", "headers"), LEFT_TO_THE_APP)
def test_any_other_request_reaches_the_app_intact(app, request_, headers):
    ours, theirs, calls = _compare(app, request_, headers)
    assert calls == 1
    assert ours.status_code == theirs.status_code
    assert ours.headers.get("Content-Type") == theirs.headers.get("Content-Type")
    if request_ != {"path": "/sparql"}:  # (the service description's blank nodes are named afresh each time)
        assert ours.data == theirs.data


@pytest.mark.parametrize("environ", [
    {"HTTP_HOST": "example.org", "wsgi.url_scheme": "https"},
    {"HTTP_HOST": "example.org:8443", "SCRIPT_NAME": "/kg/"},
    {"HTTP_HOST": "localhost:80"},
    {"SERVER_NAME": "10.0.0.1", "SERVER_PORT": "8000"},
])
def test_the_base_url_is_werkzeugs(environ):
    built = EnvironBuilder(path="/sparql").get_environ()
    built.pop("HTTP_HOST", None)
    built.update(environ)
    assert _base_url(built) == Request(built).base_url
