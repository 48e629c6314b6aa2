"""OWL 2 RL closure of the policykg data that stays cheap as the corpus grows.

owlrl computes the full closure in Python over every triple, which grows super-linearly (7 s for
10k triples, about 10 min for 100k on the build machine). Here the work is split:

1. **TBox**: the ontology (with its declarations of the external terms) is closed once with
   owlrl's ``OWLRL_Semantics``; from that closure we read the subclass and subproperty hierarchies,
   domains and ranges (already propagated along both hierarchies by the scm-* rules), inverse,
   symmetric, transitive, functional and inverse-functional properties, and disjoint classes.
   The result is cached per ontology file.
2. **ABox**: the instance-level rules are run as SPARQL queries over an in-memory Oxigraph copy
   of the asserted graphs, each rule one query whose TBox pairs are passed as ``VALUES``, repeated
   until nothing new is found: prp-spo1 (subPropertyOf), prp-inv1/2 (inverseOf), prp-symp,
   prp-trp, prp-dom, prp-rng and cax-sco (subClassOf). Every round is a few linear scans.

Rules that only produce OWL RL noise for this vocabulary (``x owl:sameAs x``, ``x a owl:Thing``,
``rdfs:Resource``, datatype typing of literals) are not applied. ``check_consistency`` reports what
OWL RL would flag as inconsistent (cax-dw, cls-nothing2) plus what would make it merge resources
under the unique-name assumption the builder relies on (prp-fp, prp-ifp).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from policykg.config import ONTOLOGY_DIR
from policykg.errors import ValidationError
from policykg.kg.dataset import merge_graphs
from policykg.kg.namespaces import INFERRED_GRAPH

DEFAULT_ONTOLOGY = ONTOLOGY_DIR / "policykg.ttl"
INFERRED = ox.NamedNode(INFERRED_GRAPH)
MAX_ROUNDS = 50

_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
_TRIVIAL_CLASSES = {str(OWL.Thing), str(RDFS.Resource), str(OWL.NamedIndividual), str(RDFS.Class),
                    str(OWL.Class)}
_RDF_TYPE = ox.NamedNode(str(RDF.type))


def _builtin(iri: str) -> bool:
    return iri.startswith(_BUILTIN_NAMESPACES)


@dataclass(frozen=True)
class TBox:
    """The schema knowledge the instance rules need, read from the ontology's OWL-RL closure."""

    subclass_of: tuple[tuple[str, str], ...]  # (C, D): C ⊑ D, C ≠ D, closed
    subproperty_of: tuple[tuple[str, str], ...]  # (P, Q): P ⊑ Q, P ≠ Q, closed
    domain: tuple[tuple[str, str], ...]  # (P, C)
    range: tuple[tuple[str, str], ...]  # (P, C), object properties only
    inverse_of: tuple[tuple[str, str], ...]  # (P, Q) and (Q, P)
    symmetric: tuple[str, ...]
    transitive: tuple[str, ...]
    functional: tuple[str, ...]
    inverse_functional: tuple[str, ...]
    disjoint: tuple[tuple[str, str], ...]  # (C, D) with C < D


def _pairs(graph: Graph, predicate: URIRef, *, skip_trivial_objects: bool = False) -> tuple[tuple[str, str], ...]:
    pairs = set()
    for s, o in graph.subject_objects(predicate):
        if not (isinstance(s, URIRef) and isinstance(o, URIRef)) or s == o:
            continue
        if skip_trivial_objects and str(o) in _TRIVIAL_CLASSES:
            continue
        pairs.add((str(s), str(o)))
    return tuple(sorted(pairs))


def _typed(graph: Graph, cls: URIRef) -> tuple[str, ...]:
    typed = (str(s) for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))
    return tuple(sorted(s for s in typed if not _builtin(s)))


@functools.lru_cache(maxsize=8)
def _load_tbox(paths: tuple[str, ...], stamps: tuple[float, ...]) -> TBox:
    import owlrl

    graph = Graph()
    for p in paths:
        try:
            graph.parse(p)
        except Exception as exc:  # rdflib raises parser-specific exception types
            raise ValidationError(f"cannot read ontology {p}: {exc}") from exc
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)

    subclass = [
        (c, d) for c, d in _pairs(graph, RDFS.subClassOf, skip_trivial_objects=True)
        if not _builtin(c) and d not in _TRIVIAL_CLASSES
    ]
    subproperty = [(p, q) for p, q in _pairs(graph, RDFS.subPropertyOf) if not _builtin(p)]
    object_props = {str(s) for s in graph.subjects(RDF.type, OWL.ObjectProperty)}
    domain = [(p, c) for p, c in _pairs(graph, RDFS.domain, skip_trivial_objects=True) if not _builtin(p)]
    range_ = [
        (p, c) for p, c in _pairs(graph, RDFS.range, skip_trivial_objects=True)
        if not _builtin(p) and p in object_props and not _builtin(c)
    ]
    inverse = set()
    for p, q in _pairs(graph, OWL.inverseOf):
        inverse.add((p, q))
        inverse.add((q, p))
    disjoint = {tuple(sorted(pair)) for pair in _pairs(graph, OWL.disjointWith)}
    return TBox(
        subclass_of=tuple(sorted(subclass)),
        subproperty_of=tuple(sorted(subproperty)),
        domain=tuple(sorted(domain)),
        range=tuple(sorted(range_)),
        inverse_of=tuple(sorted(inverse)),
        symmetric=_typed(graph, OWL.SymmetricProperty),
        transitive=_typed(graph, OWL.TransitiveProperty),
        functional=_typed(graph, OWL.FunctionalProperty),
        inverse_functional=_typed(graph, OWL.InverseFunctionalProperty),
        disjoint=tuple(sorted(disjoint)),  # type: ignore[arg-type]
    )


def load_tbox(ontology_path: Path | str | Sequence[Path | str] = DEFAULT_ONTOLOGY) -> TBox:
    """The TBox of the ontology file(s), closed with owlrl once and cached until a file changes."""
    paths = [ontology_path] if isinstance(ontology_path, str | Path) else list(ontology_path)
    resolved = tuple(str(Path(p).resolve()) for p in paths)
    try:
        stamps = tuple(Path(p).stat().st_mtime for p in resolved)
    except OSError as exc:
        raise ValidationError(f"cannot read ontology: {exc}") from exc
    return _load_tbox(resolved, stamps)


# --------------------------------------------------------------------------------------------
# Instance rules as SPARQL
# --------------------------------------------------------------------------------------------


def _values(pairs: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a, b in pairs)


def _values1(items: Iterable[str]) -> str:
    return " ".join(f"<{a}>" for a in items)


def rule_queries(tbox: TBox) -> list[tuple[str, str]]:
    """(rule name, SELECT ?s ?p ?o of the triples the rule derives that are not there yet)."""
    rdf_type = f"<{RDF.type}>"
    rules: list[tuple[str, str]] = []
    if tbox.subproperty_of:
        rules.append(("prp-spo1", f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES (?sub ?p) {{ {_values(tbox.subproperty_of)} }}
            ?s ?sub ?o . FILTER NOT EXISTS {{ ?s ?p ?o }} }}"""))
    if tbox.inverse_of:
        rules.append(("prp-inv", f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES (?q ?p) {{ {_values(tbox.inverse_of)} }}
            ?o ?q ?s . FILTER (!isLiteral(?s)) FILTER NOT EXISTS {{ ?s ?p ?o }} }}"""))
    if tbox.symmetric:
        rules.append(("prp-symp", f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES ?p {{ {_values1(tbox.symmetric)} }}
            ?o ?p ?s . FILTER (!isLiteral(?s)) FILTER NOT EXISTS {{ ?s ?p ?o }} }}"""))
    if tbox.transitive:
        rules.append(("prp-trp", f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES ?p {{ {_values1(tbox.transitive)} }}
            ?s ?p ?m . ?m ?p ?o . FILTER NOT EXISTS {{ ?s ?p ?o }} }}"""))
    if tbox.domain:
        rules.append(("prp-dom", f"""SELECT DISTINCT ?s ({rdf_type} AS ?p) ?o WHERE {{
            VALUES (?q ?o) {{ {_values(tbox.domain)} }}
            ?s ?q ?any . FILTER NOT EXISTS {{ ?s {rdf_type} ?o }} }}"""))
    if tbox.range:
        rules.append(("prp-rng", f"""SELECT DISTINCT ?s ({rdf_type} AS ?p) ?o WHERE {{
            VALUES (?q ?o) {{ {_values(tbox.range)} }}
            ?any ?q ?s . FILTER (!isLiteral(?s)) FILTER NOT EXISTS {{ ?s {rdf_type} ?o }} }}"""))
    if tbox.subclass_of:
        rules.append(("cax-sco", f"""SELECT DISTINCT ?s ({rdf_type} AS ?p) ?o WHERE {{
            VALUES (?c ?o) {{ {_values(tbox.subclass_of)} }}
            ?s {rdf_type} ?c . FILTER NOT EXISTS {{ ?s {rdf_type} ?o }} }}"""))
    return rules


# where the rules record what they add, inside the scratch store only (never published)
_ADDED = ox.NamedNode("urn:x-policykg:reasoning:added")


def _rule_update(query: str) -> str:
    """A rule's SELECT as an INSERT into the working default graph and the record of additions."""
    return (f"INSERT {{ ?s ?p ?o . GRAPH <{_ADDED.value}> {{ ?s ?p ?o }} }} "
            f"WHERE {{ {{ {query} }} FILTER (!isLiteral(?s)) }}")


def _added_count(work: ox.Store) -> int:
    solution = next(iter(work.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{_ADDED.value}> {{ ?s ?p ?o }} }}")))
    return int(solution["n"].value)


def _materialise(work: ox.Store, tbox: TBox) -> set[ox.Triple]:
    """Apply the rules to the working store until a fixpoint; return the triples added.

    Each rule runs as one SPARQL INSERT inside the engine, so no Python object is made per derived
    triple until the end; a rule sees what earlier rules of the same round added, which reaches the
    same fixpoint (the rules are monotone) in no more rounds.
    """
    updates = [_rule_update(query) for _name, query in rule_queries(tbox)]
    count = 0
    for _round in range(MAX_ROUNDS):
        for update in updates:
            work.update(update)
        new_count = _added_count(work)
        if new_count == count:
            return {ox.Triple(q.subject, q.predicate, q.object)
                    for q in work.quads_for_pattern(None, None, None, _ADDED)}
        count = new_count
    raise ValidationError(f"OWL-RL materialisation did not reach a fixpoint in {MAX_ROUNDS} rounds")


def _graph_names(graphs: Iterable[ox.NamedNode | ox.DefaultGraph | str]) -> list[ox.NamedNode | ox.DefaultGraph]:
    return [g if isinstance(g, ox.NamedNode | ox.DefaultGraph) else ox.NamedNode(str(g)) for g in graphs]


def _sort_key(quad: ox.Quad) -> tuple[str, str, str]:
    return (str(quad.subject), str(quad.predicate), str(quad.object))


def infer(
    store: ox.Store,
    asserted_graphs: Sequence[ox.NamedNode | ox.DefaultGraph | str],
    ontology_path: Path | str | Sequence[Path | str] = DEFAULT_ONTOLOGY,
) -> list[ox.Quad]:
    """The OWL-RL consequences of the asserted graphs that are not asserted in them, as quads in
    ``graph/inferred``, sorted. The store is not modified."""
    tbox = load_tbox(ontology_path)
    work = merge_graphs(store, _graph_names(asserted_graphs))
    added = _materialise(work, tbox)
    return sorted((ox.Quad(t.subject, t.predicate, t.object, INFERRED) for t in added), key=_sort_key)


# --------------------------------------------------------------------------------------------
# Consistency
# --------------------------------------------------------------------------------------------


def _short(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term)


def check_consistency(
    store: ox.Store,
    asserted_graphs: Sequence[ox.NamedNode | ox.DefaultGraph | str],
    ontology_path: Path | str | Sequence[Path | str] = DEFAULT_ONTOLOGY,
    inferred: Iterable[ox.Quad] | None = None,
) -> list[str]:
    """Problems with the asserted graphs plus their closure (recomputed unless ``inferred`` is
    given): a resource in two disjoint classes or in owl:Nothing, two values of a functional
    property, one value of an inverse-functional property on two resources. Sorted; empty when
    consistent."""
    tbox = load_tbox(ontology_path)
    work = merge_graphs(store, _graph_names(asserted_graphs))
    if inferred is None:
        _materialise(work, tbox)
    else:
        work.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in inferred)
    problems: list[str] = []
    rdf_type = f"<{RDF.type}>"
    if tbox.disjoint:
        query = f"""SELECT ?x ?c ?d WHERE {{ VALUES (?c ?d) {{ {_values(tbox.disjoint)} }}
                    ?x {rdf_type} ?c . ?x {rdf_type} ?d . }}"""
        for sol in work.query(query):
            problems.append(f"{_short(sol['x'])} is both a {_short(sol['c'])} and a {_short(sol['d'])}, "
                            "which are disjoint (owl:disjointWith, OWL 2 RL cax-dw)")
    for sol in work.query(f"SELECT ?x WHERE {{ ?x {rdf_type} <{OWL.Nothing}> }}"):
        problems.append(f"{_short(sol['x'])} is a member of owl:Nothing (OWL 2 RL cls-nothing2)")
    if tbox.functional:
        query = f"""SELECT ?x ?p ?a ?b WHERE {{ VALUES ?p {{ {_values1(tbox.functional)} }}
                    ?x ?p ?a . ?x ?p ?b . FILTER (STR(?a) < STR(?b) || (STR(?a) = STR(?b) && ?a != ?b)) }}"""
        for sol in work.query(query):
            problems.append(f"{_short(sol['x'])} has two values of the functional property {_short(sol['p'])}: "
                            f"{_short(sol['a'])} and {_short(sol['b'])} (OWL 2 RL prp-fp)")
    if tbox.inverse_functional:
        query = f"""SELECT ?a ?b ?p ?y WHERE {{ VALUES ?p {{ {_values1(tbox.inverse_functional)} }}
                    ?a ?p ?y . ?b ?p ?y . FILTER (STR(?a) < STR(?b)) }}"""
        for sol in work.query(query):
            problems.append(f"{_short(sol['a'])} and {_short(sol['b'])} share the value {_short(sol['y'])} of the "
                            f"inverse-functional property {_short(sol['p'])} (OWL 2 RL prp-ifp)")
    return sorted(problems)
