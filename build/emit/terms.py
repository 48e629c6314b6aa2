"""RDF terms (IRIs, tagged and typed literals) and the quad collector of one named graph."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

import pyoxigraph as ox

from policykg.build.iris import XSD

Object = str | ox.NamedNode | ox.Literal  # an IRI as a string is made a NamedNode


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


@cache
def _datatype(iri: str) -> ox.NamedNode:
    return N(iri)  # a handful of XSD types, asked for on every number and date


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_datatype(datatype))


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
        # IRI string → its NamedNode: a document names a few hundred resources thousands of times, and
        # making a NamedNode parses and checks its IRI
        self._nodes: dict[object, ox.NamedNode] = {}

    def node(self, iri: str | ox.NamedNode) -> ox.NamedNode:
        found = self._nodes.get(iri)
        if found is None:
            found = iri if isinstance(iri, ox.NamedNode) else N(iri)
            self._nodes[iri] = found
        return found

    def add(self, s: str | ox.NamedNode, p: str, o: Object) -> None:
        nodes = self._nodes
        s_node = nodes.get(s) or self.node(s)
        p_node = nodes.get(p) or self.node(p)
        o_node = o if type(o) is ox.Literal else nodes.get(o) or self.node(o)
        self.quads.add(ox.Quad(s_node, p_node, o_node, self.graph))
