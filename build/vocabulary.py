"""Read the project's own vocabulary files (ontology, units, shapes) as quads and lookup tables."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from policykg.build.iris import UNIT_PREFIX
from policykg.errors import BuildError
from policykg.kg.namespaces import BASE, SKOS

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

    referrers: dict[ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.object, ox.BlankNode):
            referrers.setdefault(t.object, []).append(t)
    names: dict[ox.BlankNode, str] = {}

    def name(node: ox.BlankNode, stack: frozenset) -> str:
        # a node is named after where it hangs (its referrer's name and predicate) and what it says,
        # so equal-looking nodes under different shapes stay apart; equal ones in one place merge
        if node not in names:
            refs = referrers.get(node, [])
            if len(refs) == 1 and refs[0].subject not in stack:
                ref = refs[0]
                parent = name(ref.subject, stack | {node}) if isinstance(ref.subject, ox.BlankNode) \
                    else str(ref.subject)
                seed = f"{parent} {ref.predicate} {digest(node, frozenset())}"
            else:
                seed = digest(node, frozenset())
            names[node] = GENID_PREFIX + hashlib.sha256(seed.encode()).hexdigest()[:20]
        return names[node]

    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.BlankNode):
                name(term, frozenset())
    return names


def unit_tables(units_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Printed zh forms → unit id, and unit id → English label, from ontology/units.ttl."""
    if not units_path.exists():
        raise BuildError(f"{units_path} is missing: the normaliser reads unit labels from it")
    store = ox.Store()
    store.load(path=str(units_path), format=ox.RdfFormat.TURTLE)
    forms: dict[str, str] = {}
    english: dict[str, str] = {}
    query = f"""SELECT ?u ?p ?l WHERE {{ ?u ?p ?l FILTER(?p IN (<{SKOS.prefLabel}>, <{SKOS.altLabel}>))
                FILTER(STRSTARTS(STR(?u), "{UNIT_PREFIX}")) }} ORDER BY ?u ?l"""
    for row in store.query(query):
        unit_id = row["u"].value[len(UNIT_PREFIX):]
        label = row["l"]
        if label.language == "en":
            if row["p"].value == str(SKOS.prefLabel):  # its own English name, never an alternative (enterprises)
                english[unit_id] = label.value
        else:
            previous = forms.setdefault(label.value, unit_id)
            if previous != unit_id:
                raise BuildError(f"{units_path}: {label.value!r} labels both {previous} and {unit_id}")
    return forms, english
