"""The Accept parser and the media-type tables (server/media.py)."""

from __future__ import annotations

import pytest

from policykg.server.media import (
    GRAPH_FORMATS,
    HTML_PAGE,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESOURCE_FORMATS,
    RESULT_FORMATS,
    RESULTS_CSV,
    RESULTS_JSON,
    RESULTS_TSV,
    RESULTS_XML,
    TURTLE,
    format_by_extension,
    format_by_name,
    negotiate,
    parse_accept,
    prefers_html,
)


def test_parse_accept_reads_q_values_and_skips_garbage():
    ranges = parse_accept("text/html;q=0.5, application/json, nonsense, */*;q=0.1, text/csv;q=abc")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "html", 0.5),
        ("application", "json", 1.0),
        ("*", "*", 0.1),
        ("text", "csv", 0.0),
    ]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, RESULTS_JSON),
        ("", RESULTS_JSON),
        ("*/*", RESULTS_JSON),
        ("application/sparql-results+xml", RESULTS_XML),
        ("text/csv", RESULTS_CSV),
        ("text/tab-separated-values", RESULTS_TSV),
        ("application/json", RESULTS_JSON),
        ("text/*", RESULTS_CSV),
        ("text/csv;q=0.4, text/tab-separated-values;q=0.9", RESULTS_TSV),
        ("application/sparql-results+json;q=0.1, application/sparql-results+xml", RESULTS_XML),
        ("text/csv;q=0, */*;q=0.5", RESULTS_JSON),
        ("image/png", None),
        ("application/sparql-results+json;q=0", None),
    ],
)
def test_negotiate_results(accept, expected):
    assert negotiate(accept, RESULT_FORMATS) is expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, TURTLE),
        ("application/rdf+xml", RDFXML),
        ("application/ld+json", JSONLD),
        ("application/n-triples", NTRIPLES),
        ("text/plain", NTRIPLES),
        ("application/json", JSONLD),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", TURTLE),
    ],
)
def test_negotiate_graphs(accept, expected):
    assert negotiate(accept, GRAPH_FORMATS) is expected


def test_the_most_specific_range_decides():
    # text/turtle is refused explicitly even though */* is welcome
    assert negotiate("text/turtle;q=0, */*", GRAPH_FORMATS) is NTRIPLES


def test_a_canonical_type_beats_an_alias_at_equal_quality():
    assert negotiate("application/xml, application/rdf+xml", GRAPH_FORMATS) is RDFXML


def test_browsers_get_html_for_resources():
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    assert negotiate(browser, RESOURCE_FORMATS) is HTML_PAGE
    assert prefers_html(browser, RESULT_FORMATS)
    assert not prefers_html("application/sparql-results+json", RESULT_FORMATS)
    assert not prefers_html("*/*", RESULT_FORMATS)


def test_format_parameter_names():
    assert format_by_name("csv", RESULT_FORMATS) is RESULTS_CSV
    assert format_by_name("text/csv", RESULT_FORMATS) is RESULTS_CSV
    assert format_by_name("ttl", GRAPH_FORMATS) is TURTLE
    assert format_by_name("json-ld", GRAPH_FORMATS) is JSONLD
    assert format_by_name("rdf", GRAPH_FORMATS) is RDFXML
    assert format_by_name("png", GRAPH_FORMATS) is None


def test_extensions():
    assert format_by_extension("ttl", RESOURCE_FORMATS) is TURTLE
    assert format_by_extension("jsonld", RESOURCE_FORMATS) is JSONLD
    assert format_by_extension("nt", RESOURCE_FORMATS) is NTRIPLES
    assert format_by_extension("rdf", RESOURCE_FORMATS) is RDFXML
    assert format_by_extension("exe", RESOURCE_FORMATS) is None


def test_textual_types_carry_a_charset():
    assert TURTLE.content_type == "text/turtle; charset=utf-8"
    assert RESULTS_JSON.content_type == "application/sparql-results+json; charset=utf-8"


def test_sparql_clients_asking_results_types_for_a_graph_get_the_same_family():
    # rdflib's SPARQLStore and SPARQLWrapper send their results type for CONSTRUCT too
    assert negotiate("application/sparql-results+xml", GRAPH_FORMATS) is RDFXML
    assert negotiate("application/sparql-results+json", GRAPH_FORMATS) is JSONLD
    # but a graph type the client names itself wins
    assert negotiate("application/sparql-results+json, text/turtle;q=0.9", GRAPH_FORMATS) is TURTLE
