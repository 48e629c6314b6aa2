"""RDF terms (IRIs, tagged and typed literals) and the quad collector of one named graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

import pyoxigraph as ox
from pyoxigraph import Literal, Quad

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
        get = self._nodes.get
        s_node = get(s) or self.node(s)
        p_node = get(p) or self.node(p)
        o_node = o if type(o) is Literal else get(o) or self.node(o)
        self.quads.add(Quad(s_node, p_node, o_node, self.graph))

    def add_facts(self, s: str, facts: Iterable[tuple[str, Object]]) -> None:
        """Several (predicate, object) facts about one subject: `add` each, the subject looked up once."""
        get, node, graph, add = self._nodes.get, self.node, self.graph, self.quads.add
        s_node = get(s) or node(s)
        for p, o in facts:
            add(Quad(s_node, get(p) or node(p), o if type(o) is Literal else get(o) or node(o), graph))


class NQuadsWriter:
    """The facts a GraphWriter collects, as N-Quads lines (one per distinct quad, in the order first
    written) instead of pyoxigraph Quads: making a Quad copies its four terms, and that copy and the
    collector's work on a million of them were half the cost of emitting a document."""

    def __init__(self, graph: str) -> None:
        self.graph = N(graph)
        self.lines: dict[str, None] = {}  # a dict keeps one line per fact, in a deterministic order
        self._tail = f" {self.graph} .\n"
        self._terms: dict[object, str] = {}  # IRI → its N-Quads form, checked once as a NamedNode

    def term(self, iri: str | ox.NamedNode) -> str:
        found = self._terms.get(iri)
        if found is None:
            found = self._terms[iri] = str(iri if isinstance(iri, ox.NamedNode) else N(iri))
        return found

    def add(self, s: str | ox.NamedNode, p: str, o: Object) -> None:
        get = self._terms.get
        obj = str(o) if type(o) is Literal else get(o) or self.term(o)  # pyoxigraph escapes a literal
        self.lines[f"{get(s) or self.term(s)} {get(p) or self.term(p)} {obj}{self._tail}"] = None

    def add_facts(self, s: str, facts: Iterable[tuple[str, Object]]) -> None:
        get, term, tail, lines = self._terms.get, self.term, self._tail, self.lines
        subject = get(s) or term(s)
        for p, o in facts:
            obj = str(o) if type(o) is Literal else get(o) or term(o)
            lines[f"{subject} {get(p) or term(p)} {obj}{tail}"] = None

    def nquads(self) -> bytes:
        return "".join(self.lines).encode("utf-8")


Writer = GraphWriter | NQuadsWriter
