"""Read the project's own vocabulary files (ontology, units, shapes) as quads and lookup tables."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import BuildError
from policykg.kg.namespaces import BASE, SKOS

UNIT_PREFIX = BASE + "unit/"
GENID_PREFIX = BASE + ".well-known/genid/"


def read_turtle(path: Path, graph: str) -> list[ox.Quad]:
    """Parse a Turtle file into quads of `graph`, with blank nodes skolemised deterministically."""
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise BuildError(f"{path}: {exc}") from None
    names = skolem_names(triples, path)

    def term(t):
        return ox.NamedNode(names[t]) if isinstance(t, ox.BlankNode) else t

    return [ox.Quad(term(t.subject), t.predicate, term(t.object), ox.NamedNode(graph)) for t in triples]


def skolem_names(triples: list[ox.Triple], path: Path) -> dict[ox.BlankNode, str]:
    """Name each blank node after a hash of what it says (its subtree), so parses agree byte for byte.

    Blank nodes in Turtle written by hand ([ ] and lists) form trees; a cycle is refused.
    """
    outgoing: dict[ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            outgoing.setdefault(t.subject, []).append(t)
    memo: dict[ox.BlankNode, str] = {}

    def digest(node: ox.BlankNode, stack: frozenset) -> str:
        if node in memo:
            return memo[node]
        if node in stack:
            raise BuildError(f"{path}: blank nodes form a cycle; use IRIs there")
        lines = sorted(
            f"{t.predicate} {digest(t.object, stack | {node}) if isinstance(t.object, ox.BlankNode) else t.object}"
            for t in outgoing.get(node, [])
        )
        memo[node] = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:20]
        return memo[node]

    nodes = {t.subject for t in triples if isinstance(t.subject, ox.BlankNode)}
    nodes |= {t.object for t in triples if isinstance(t.object, ox.BlankNode)}
    names = {node: GENID_PREFIX + digest(node, frozenset()) for node in nodes}
    if len(set(names.values())) != len(names):
        # identical subtrees would merge; keep them apart by their (stable) position among equals
        raise BuildError(f"{path}: two blank nodes say exactly the same thing; give them IRIs")
    return names


def unit_tables(units_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Printed zh forms → unit id, and unit id → English label, from ontology/units.ttl."""
    if not units_path.exists():
        raise BuildError(f"{units_path} is missing: the normaliser reads unit labels from it")
    store = ox.Store()
    store.load(path=str(units_path), format=ox.RdfFormat.TURTLE)
    forms: dict[str, str] = {}
    english: dict[str, str] = {}
    query = f"""SELECT ?u ?l WHERE {{ ?u <{SKOS.prefLabel}>|<{SKOS.altLabel}> ?l
                FILTER(STRSTARTS(STR(?u), "{UNIT_PREFIX}")) }} ORDER BY ?u ?l"""
    for row in store.query(query):
        unit_id = row["u"].value[len(UNIT_PREFIX):]
        label = row["l"]
        if label.language == "en":
            english.setdefault(unit_id, label.value)
        else:
            previous = forms.setdefault(label.value, unit_id)
            if previous != unit_id:
                raise BuildError(f"{units_path}: {label.value!r} labels both {previous} and {unit_id}")
    return forms, english
