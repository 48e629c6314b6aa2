"""Presentation helpers of the HTML pages (server/views.py): links, labels, text cut at span boundaries."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from policykg.kg.namespaces import BASE
from policykg.server.views import Labels, href, segments, span_anchor


def test_project_iris_link_to_this_server_and_others_stay_as_they_are(app):
    with app.app_context():
        assert href(BASE + "doc/a/plan") == "/doc/a/plan"
        assert href("http://www.wikidata.org/entity/Q148") == "http://www.wikidata.org/entity/Q148"


def test_labels_prefer_the_answer_then_the_vocabulary():
    vocabulary = Graph()
    plan = URIRef(BASE + "ontology#Plan")
    vocabulary.add((plan, RDFS.label, Literal("Plan", lang="en")))
    vocabulary.add((plan, SKOS.prefLabel, Literal("计划", lang="zh")))
    labels = Labels({BASE + "x": {"zh": ["甲", "乙"], "": ["untagged"]}}, vocabulary)
    assert labels.zh(BASE + "x") == "甲"  # the first, the preferred one
    assert labels.en(BASE + "x") == "untagged"  # no English label: the one without a language
    assert labels.best(BASE + "x") == "甲"
    assert (labels.zh(str(plan)), labels.en(str(plan)), labels.best(str(plan))) == ("计划", "Plan", "计划")
    assert labels.best(BASE + "unknown") == ""
    assert Labels().best(str(plan)) == ""  # without a vocabulary


def test_text_is_cut_at_every_span_boundary_and_each_piece_knows_its_spans():
    outer = {"begin": 0, "end": 6, "id": "T1"}
    inner = {"begin": 2, "end": 4, "id": "T2"}
    pieces = segments("国家职业技能", [outer, inner], focus=(2, 4))
    assert [p.text for p in pieces] == ["国家", "职业", "技能"]
    assert [p.spans for p in pieces] == [(outer,), (outer, inner), (outer,)]
    assert [p.anchors for p in pieces] == [("span-0-6",), ("span-2-4",), ()]
    assert [p.focus for p in pieces] == [False, True, False]
    assert pieces[1].innermost is inner and pieces[0].innermost is outer


def test_text_without_spans_is_one_piece():
    (piece,) = segments("全文", [])
    assert (piece.text, piece.spans, piece.innermost, piece.focus) == ("全文", (), None, False)
    assert span_anchor({"begin": 3, "end": 9}) == "span-3-9"
