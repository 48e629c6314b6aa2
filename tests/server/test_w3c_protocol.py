"""The W3C SPARQL 1.1 Protocol test suite (../shared/w3c-sparql11/protocol), replayed over HTTP.

Each manifest entry is a list of HTTP exchanges; every request is sent as written (method, path,
headers, body in its declared encoding) to this server's /sparql and the response is checked for
the expected status class and, where given, the result form and ASK answer.

The tests whose first request performs an update and expects success cannot pass on a read-only
endpoint; REFUSED_ON_PURPOSE lists them, and for each the test checks that the update is refused
with 403 and that nothing changed.
"""

from __future__ import annotations

import http.client
import io
import urllib.parse
from dataclasses import dataclass

import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.query import Result
from server_testkit import W3C_SUITE, lay_out_build, read_quads, start_live_server

from policykg.server.app import create_app
from policykg.server.config import ServerConfig

SUITE = W3C_SUITE / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

REFUSED_ON_PURPOSE = {
    # Each of these starts with a SPARQL Update that the suite expects to succeed (2xx). The store is
    # read-only by design, so the update gets 403 and the follow-up query would test nothing.
    "update_dataset_default_graph": "CLEAR/INSERT with using-graph-uri: updates are refused",
    "update_dataset_default_graphs": "DROP/INSERT with several using-graph-uri: updates are refused",
    "update_dataset_named_graphs": "DROP/INSERT with using-named-graph-uri: updates are refused",
    "update_dataset_full": "DROP/INSERT with using-graph-uri and using-named-graph-uri: updates are refused",
    "update_post_form": "update= in a form-encoded POST: updates are refused",
    "update_post_direct": "application/sparql-update POST: updates are refused",
    "update_base_uri": "INSERT resolving relative IRIs against the base: updates are refused",
}

STATUS_CLASSES = {HTS.StatusCode2xx: 2, HTS.StatusCode3xx: 3, HTS.StatusCode4xx: 4, HTS.StatusCode5xx: 5}
RESULT_TYPES = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                "text/csv": "csv", "text/tab-separated-values": "tsv"}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
               "application/ld+json": "json-ld", "application/trig": "trig"}


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]
    expected_boolean: bool | None
    expected_format: str | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    exchanges: list[Exchange]


def _manifest() -> Graph:
    return Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri())


def load_tests() -> list[ProtocolTest]:
    graph = _manifest()
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = Collection(graph, graph.value(action, HT.requests))
        name = str(entry).rsplit("#", 1)[-1]
        tests.append(ProtocolTest(name, str(graph.value(entry, MF.name)), [_exchange(graph, r) for r in requests]))
    return tests


def _exchange(graph: Graph, request) -> Exchange:
    headers = {}
    header_list = graph.value(request, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body_node = graph.value(request, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return Exchange(
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses={STATUS_CLASSES[s] for s in graph.objects(response, MF.expectedStatus)},
        expected_boolean=None if boolean is None else boolean.toPython(),
        expected_format=None if fmt is None else str(fmt),
    )


def graph_data() -> list[tuple]:
    """Every ut:graphData of the manifest: (file, graph name), loaded once for all tests."""
    graph = _manifest()
    found = {}
    for data in graph.objects(None, UT.graphData):
        found[str(graph.value(data, UT.graph))] = str(graph.value(data, RDFS.label))
    return [(urllib.parse.urlparse(f).path.rsplit("/", 1)[-1], name) for f, name in sorted(found.items())]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("w3c-protocol")
    quads = []
    for file_name, graph_name in graph_data():
        quads += read_quads(SUITE / file_name, graph_name)
    lay_out_build(data_dir, quads, with_store=False)
    app = create_app(ServerConfig(data_dir=data_dir, workers=1, query_timeout=10))
    live, stop = start_live_server(app)
    yield live.url
    stop()
    app.extensions["policykg"].executor.close()


def send(base_url: str, exchange: Exchange) -> tuple[int, str, bytes]:
    """Send the request exactly as the manifest writes it (http.client adds no Content-Type)."""
    parsed = urllib.parse.urlparse(base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    path = "/sparql" + exchange.path[len("/sparql/"):] if exchange.path.startswith("/sparql/") else exchange.path
    connection.request(exchange.method, path, body=exchange.body, headers=exchange.headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type", ""), body


def check_response(exchange: Exchange, status: int, content_type: str, body: bytes) -> None:
    assert status // 100 in exchange.statuses, (status, body[:300])
    media = content_type.split(";")[0].strip()
    if exchange.expected_format in ("boolean", "tabular"):
        assert media in RESULT_TYPES, media
        result = Result.parse(source=io.BytesIO(body), format=RESULT_TYPES[media])
        if exchange.expected_format == "boolean":
            assert result.type == "ASK"
        else:
            assert result.type == "SELECT"
        if exchange.expected_boolean is not None:
            assert result.askAnswer is exchange.expected_boolean
    elif exchange.expected_format == "RDF":
        assert media in GRAPH_TYPES, media
        Graph().parse(data=body.decode("utf-8"), format=GRAPH_TYPES[media])


TESTS = load_tests()


@pytest.mark.parametrize("test", [t for t in TESTS if t.name not in REFUSED_ON_PURPOSE], ids=lambda t: t.name)
def test_protocol(endpoint, test: ProtocolTest):
    for exchange in test.exchanges:
        check_response(exchange, *send(endpoint, exchange))


@pytest.mark.parametrize("test", [t for t in TESTS if t.name in REFUSED_ON_PURPOSE], ids=lambda t: t.name)
def test_update_is_refused_on_purpose(endpoint, test: ProtocolTest):
    update = test.exchanges[0]
    status, _, body = send(endpoint, update)
    assert status == 403, body
    assert b"read-only" in body
    query = "ASK { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> { ?s ?p ?o } }"
    still_there = Exchange("GET", "/sparql?query=" + urllib.parse.quote(query), {}, None, {2}, True, "boolean")
    check_response(still_there, *send(endpoint, still_there))


def test_the_suite_is_complete():
    """Every manifest entry is either run or listed as refused on purpose."""
    names = {t.name for t in TESTS}
    assert len(names) == 34
    assert set(REFUSED_ON_PURPOSE) <= names
