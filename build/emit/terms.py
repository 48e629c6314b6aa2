"""RDF terms (IRIs, tagged and typed literals) and the quad collector of one named graph."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyoxigraph as ox

from policykg.kg.namespaces import XSD

Object = str | ox.NamedNode | ox.Literal  # an IRI as a string is made a NamedNode


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(datatype))


def decimal_literal(value: Decimal) -> ox.Literal:
    """The canonical xsd:decimal form: no exponent, no trailing zeros (7.50 → 7.5, 100 → 100)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return typed(text, XSD.decimal)


def date_literal(value: dt.date) -> ox.Literal:
    return typed(value.isoformat(), XSD.date)


class GraphWriter:
    """Collects the quads of one named graph (a set: a fact stated twice is one quad)."""

    def __init__(self, graph: str) -> None:
        self.graph = N(graph)
        self.quads: set[ox.Quad] = set()

    def add(self, s: str | ox.NamedNode, p: str, o: Object) -> None:
        s_node = s if isinstance(s, ox.NamedNode) else N(s)
        o_node = o if isinstance(o, ox.NamedNode | ox.Literal) else N(o)
        self.quads.add(ox.Quad(s_node, N(p), o_node, self.graph))
