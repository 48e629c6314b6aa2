"""What the linked-data pages read (kg/page_reads.py), over a two-document fixture (tests/data/kg)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.kg.dataset import materialise_default_graph
from policykg.kg.namespaces import BASE, VOCABULARY_GRAPH
from policykg.kg.page_reads import (
    describe_resource,
    description_ntriples,
    document_view,
    graph_ntriples,
    is_graph_name,
    labels,
    page_kind,
    select,
    similar_iris,
    term_json,
)

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "kg" / "pages.trig"
PLAN = BASE + "doc/a/plan"
TEXT = BASE + "doc/a/text"
SPAN = BASE + "doc/a/span/0-2"
CHINA = BASE + "jurisdiction/cn"
PKG = BASE + "ontology#"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    data = ox.Store()
    data.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    materialise_default_graph(data)
    return data


def triples(ntriples: bytes) -> set[tuple[str, str, str]]:
    parsed = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in parsed}


def test_terms_take_the_sparql_json_results_shape():
    assert term_json(ox.NamedNode(PLAN)) == {"type": "uri", "value": PLAN}
    assert term_json(ox.BlankNode("b1")) == {"type": "bnode", "value": "b1"}
    assert term_json(ox.Literal("中国", language="zh")) == {"type": "literal", "value": "中国", "xml:lang": "zh"}
    assert term_json(ox.Literal("2")) == {"type": "literal", "value": "2",
                                          "datatype": "http://www.w3.org/2001/XMLSchema#string"}
    assert term_json(None) is None


def test_select_binds_variables_to_iris_and_leaves_unbound_ones_out(store):
    query = "SELECT ?x ?p ?missing WHERE { GRAPH ?g { ?x ?p ?o } } ORDER BY ?p"
    rows = select(store, query, x=ox.NamedNode(CHINA))
    assert {row["p"].value for row in rows} == {"http://www.w3.org/2004/02/skos/core#prefLabel",
                                                "http://www.w3.org/2000/01/rdf-schema#label"}  # every graph
    assert all(row["x"].value == CHINA and "missing" not in row for row in rows)


def test_labels_never_come_from_the_inferred_graph(store):
    # graph/inferred holds 我国 as an rdfs:label of China: an alias, not the name the page shows
    assert labels(store, [CHINA]) == {CHINA: {"zh": ["中国"]}}


def test_labels_by_language_for_every_iri_asked(store):
    found = labels(store, [PLAN, PKG + "Plan", "", BASE + "unknown"])
    assert found[PLAN] == {"zh": ["培训计划"], "en": ["Training plan"]}
    assert found[PKG + "Plan"] == {"zh": ["计划"], "en": ["Plan"]}
    assert BASE + "unknown" not in found


def test_a_resource_is_described_with_its_source_quote(store):
    page = describe_resource(store, PLAN)
    assert {(t["p"], t["o"]["value"]) for t in page["outgoing"]} >= {
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", PKG + "Plan"),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", SPAN),
    }
    assert page["graphs"] == [BASE + "graph/doc-a"]
    assert page["incoming"] == [] and not page["incoming_truncated"]
    (quote,) = page["sources"]
    assert (quote["span"], quote["quote"], quote["anchor"], quote["before"], quote["after"]) == (
        SPAN, "国家", "国家", "", "职业技能培训计划")
    assert page["labels"][PKG + "Plan"]["zh"] == ["计划"]


def test_incoming_links_are_capped_and_say_so(store):
    page = describe_resource(store, CHINA)
    assert page["incoming"] == [{"s": BASE + "doc/b/plan", "p": PKG + "jurisdiction", "g": BASE + "graph/doc-b"}]
    capped = describe_resource(store, CHINA, incoming_limit=0)
    assert capped["incoming"] == [] and capped["incoming_truncated"]


def test_a_page_knows_first_whether_the_resource_is_described_and_what_it_is(store):
    assert page_kind(store, TEXT)["types"] == sorted(
        row["t"].value for row in select(store, "SELECT ?x ?t WHERE { GRAPH ?g { ?x a ?t } }", x=ox.NamedNode(TEXT)))
    assert page_kind(store, TEXT)["described"] and not page_kind(store, TEXT)["is_graph"]
    assert page_kind(store, CHINA)["described"]
    graph = page_kind(store, BASE + "graph/doc-b")
    assert graph["is_graph"] and graph["types"] == []
    assert page_kind(store, BASE + "doc/unknown") == {"described": False, "is_graph": False, "types": []}


def test_a_string_that_is_not_an_iri_is_refused(store):
    with pytest.raises(ValueError):
        describe_resource(store, "not an iri")


def test_a_document_shows_its_text_spans_and_what_each_span_gave(store):
    view = document_view(store, TEXT)
    assert view["text"] == "国家职业技能培训计划"
    assert [(s["span"], s["begin"], s["end"], s["derived"]) for s in view["spans"]] == [(SPAN, 0, 2, [PLAN])]
    assert view["notices"] == [BASE + "doc/a/notice"]
    assert document_view(store, BASE + "doc/unknown/text") is None


def test_a_description_holds_the_asserted_triples_about_the_resource(store):
    about_china = triples(description_ntriples(store, CHINA))
    assert about_china == {
        (f"<{CHINA}>", "<http://www.w3.org/2004/02/skos/core#prefLabel>", '"中国"@zh'),
        (f"<{BASE}doc/b/plan>", f"<{PKG}jurisdiction>", f"<{CHINA}>"),
    }  # each once, and never 我国 from graph/inferred


def test_a_graph_name_is_described_by_its_triples(store):
    graph = BASE + "graph/doc-b"
    assert is_graph_name(store, graph) and not is_graph_name(store, PLAN)
    assert triples(description_ntriples(store, graph)) == triples(graph_ntriples(store, graph))
    assert len(triples(graph_ntriples(store, graph))) == 3
    assert len(triples(graph_ntriples(store, VOCABULARY_GRAPH))) == 3


def test_similar_iris_share_the_longest_path(store):
    assert similar_iris(store, BASE + "doc/a/nothing") == [
        BASE + "doc/a/notice", BASE + "doc/a/plan", SPAN, TEXT]
    assert similar_iris(store, BASE + "doc/a/nothing", limit=1) == [BASE + "doc/a/notice"]
    assert similar_iris(store, "https://example.org/x") == []
