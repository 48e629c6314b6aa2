"""build.emit.terms: literals in their canonical lexical forms; one named graph, no duplicate quads."""

import datetime as dt
from decimal import Decimal

import pyoxigraph as ox
import pytest

from policykg.build.emit.terms import GraphWriter, N, NQuadsWriter, date_literal, decimal_literal, en, typed, zh
from policykg.kg import namespaces as ns


@pytest.mark.parametrize(("value", "lexical"), [
    (Decimal("7.50"), "7.5"), (Decimal("100"), "100"), (Decimal("1E+3"), "1000"), (Decimal("0.000"), "0"),
    (Decimal("1.05E+5"), "105000"), (Decimal("0.25"), "0.25"),
])
def test_decimal_literal_is_canonical(value, lexical):
    assert decimal_literal(value) == ox.Literal(lexical, datatype=ox.NamedNode(str(ns.XSD.decimal)))


def test_tagged_and_typed_literals():
    assert zh("农民工") == ox.Literal("农民工", language="zh")
    assert en("migrant workers").language == "en"
    assert typed(5, ns.XSD.integer) == ox.Literal("5", datatype=ox.NamedNode(str(ns.XSD.integer)))
    assert date_literal(dt.date(2025, 12, 31)).value == "2025-12-31"
    assert date_literal(dt.date(2025, 12, 31)).datatype.value == str(ns.XSD.date)


def test_graph_writer_makes_strings_iris_and_keeps_one_quad_per_fact():
    out = GraphWriter("https://example.org/g")
    out.add("https://example.org/s", ns.RDFS.label, zh("甲"))
    out.add(N("https://example.org/s"), ns.RDFS.label, zh("甲"))  # the same fact again
    out.add("https://example.org/s", ns.RDFS.seeAlso, "https://example.org/o")
    assert len(out.quads) == 2
    assert {q.graph_name for q in out.quads} == {ox.NamedNode("https://example.org/g")}
    see_also = next(q for q in out.quads if q.predicate.value == str(ns.RDFS.seeAlso))
    assert see_also.object == ox.NamedNode("https://example.org/o")  # a string object is an IRI, not a literal


def test_nquads_writer_writes_each_fact_once_in_nquads():
    out = NQuadsWriter("https://example.org/g")
    out.add("https://example.org/s", ns.RDFS.label, zh('甲"\n'))  # a quote and a line break are escaped
    out.add(N("https://example.org/s"), ns.RDFS.label, zh('甲"\n'))
    out.add_facts("https://example.org/s", [(ns.RDFS.seeAlso, "https://example.org/o")])
    assert out.nquads().decode("utf-8").splitlines() == [
        '<https://example.org/s> <http://www.w3.org/2000/01/rdf-schema#label> "甲\\"\\n"@zh <https://example.org/g> .',
        "<https://example.org/s> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/o> "
        "<https://example.org/g> .",
    ]
