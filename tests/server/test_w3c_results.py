"""The W3C SPARQL 1.1 result-format tests (json-res, csv-tsv-res) replayed through /sparql.

Each test's data is laid out as a build (in one named graph, which the endpoint's default graph
includes), its query is sent over HTTP asking for the test's format, and the answer is compared
with the expected file semantically: blank-node labels are arbitrary, numbers compare by value,
row order matters only when the query has ORDER BY.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD
from rdflib.query import Result
from server_testkit import W3C_SUITE, fetch, lay_out_build, read_quads, start_live_server

from policykg.server.app import create_app
from policykg.server.config import ServerConfig

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
SUITES = ("json-res", "csv-tsv-res")
ACCEPT = {".srj": "application/sparql-results+json", ".csv": "text/csv", ".tsv": "text/tab-separated-values"}
DATA_GRAPH = "http://example.org/w3c-test-data"
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.negativeInteger,
           XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger, XSD.short, XSD.byte}


def load_cases() -> list[tuple[str, str, str, str]]:
    """(suite, test name, query file, data file, result file) for every entry of both manifests."""
    cases = []
    for suite in SUITES:
        manifest_path = W3C_SUITE / suite / "manifest.ttl"
        graph = Graph().parse(manifest_path, format="turtle", publicID=manifest_path.as_uri())
        manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
        for entry in Collection(graph, graph.value(manifest, MF.entries)):
            action = graph.value(entry, MF.action)
            name = lambda node: str(node).rsplit("/", 1)[-1]  # noqa: E731
            cases.append((suite, str(entry).rsplit("#", 1)[-1], name(graph.value(action, QT.query)),
                          name(graph.value(action, QT.data)), name(graph.value(entry, MF.result))))
    return cases


CASES = load_cases()


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory):
    """One live endpoint per (suite, data file)."""
    running, stops = {}, []
    for suite, data_file in sorted({(c[0], c[3]) for c in CASES}):
        data_dir = tmp_path_factory.mktemp(f"{suite}-{data_file}")
        lay_out_build(data_dir, read_quads(W3C_SUITE / suite / data_file, DATA_GRAPH), with_store=False)
        app = create_app(ServerConfig(data_dir=data_dir, workers=1, query_timeout=10))
        live, stop = start_live_server(app)
        running[(suite, data_file)] = live.url
        stops.append((stop, app))
    yield running
    for stop, app in stops:
        stop()
        app.extensions["policykg"].executor.close()


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def term_key(term):
    """A comparable form of an RDF term: blank nodes are all alike, numbers compare by value."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, Literal):
        if term.datatype in NUMERIC and _number(str(term)) is not None:
            return ("number", _number(str(term)))
        datatype = None if term.datatype in (None, XSD.string) else str(term.datatype)
        return ("literal", str(term), term.language, datatype)
    raise TypeError(term)


def csv_key(cell: str):
    if cell == "":
        return None
    if cell.startswith("_:"):
        return ("bnode",)
    number = _number(cell)
    return ("number", number) if number is not None else ("text", cell)


def result_rows(data: bytes, extension: str) -> tuple[list[str], list[tuple]]:
    if extension == ".csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        return rows[0], [tuple(csv_key(cell) for cell in row) for row in rows[1:]]
    result = Result.parse(source=io.BytesIO(data), format={".srj": "json", ".tsv": "tsv"}[extension])
    names = [str(v) for v in result.vars]
    return names, [tuple(term_key(row[name]) for name in names) for row in result]


def by_name(names: list[str], rows: list[tuple]) -> list[tuple]:
    """Rows as (variable, value) pairs sorted by variable: the column order of `SELECT *` is not
    part of the result (Oxigraph lists the variables alphabetically, the expected files by first use)."""
    clean = [name.lstrip("?") for name in names]
    return [tuple(sorted(zip(clean, row, strict=True), key=lambda pair: pair[0])) for row in rows]


@pytest.mark.parametrize(("suite", "name", "query_file", "data_file", "result_file"), CASES,
                         ids=[f"{c[0]}/{c[1]}" for c in CASES])
def test_result_format(endpoints, suite, name, query_file, data_file, result_file):
    extension = "." + result_file.rsplit(".", 1)[-1]
    query = (W3C_SUITE / suite / query_file).read_text(encoding="utf-8")
    response = fetch(endpoints[(suite, data_file)] + "/sparql", data={"query": query},
                     headers={"Accept": ACCEPT[extension]})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == ACCEPT[extension]
    expected_data = (W3C_SUITE / suite / result_file).read_bytes()
    if name.startswith("jsonres0") and b'"boolean"' in expected_data:
        assert response.json()["boolean"] == Result.parse(io.BytesIO(expected_data), format="json").askAnswer
        return
    got_rows = by_name(*result_rows(response.content, extension))
    want_rows = by_name(*result_rows(expected_data, extension))
    if "ORDER BY" in query.upper():
        assert got_rows == want_rows
    else:
        assert sorted(got_rows, key=repr) == sorted(want_rows, key=repr)
