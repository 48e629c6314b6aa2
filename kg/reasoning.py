"""OWL 2 RL closure of the policykg data that stays cheap as the corpus grows.

owlrl computes the full closure in Python over every triple, which grows super-linearly (7 s for
10k triples, about 10 min for 100k on the build machine). Here the work is split:

1. **TBox**: the ontology (with its declarations of the external terms) is closed once with
   owlrl's ``OWLRL_Semantics``; from that closure we read the subclass and subproperty hierarchies,
   domains and ranges (already propagated along both hierarchies by the scm-* rules), inverse,
   symmetric, transitive, functional and inverse-functional properties, and disjoint classes.
   The result is cached per ontology file.
2. **ABox**: the instance-level rules prp-spo1 (subPropertyOf), prp-inv1/2 (inverseOf), prp-symp,
   prp-dom, prp-rng and cax-sco (subClassOf) each have a single premise once the TBox is closed,
   so they run graph by graph in one linear pass over the engine's N-Triples dump
   (kg/reasoning_rules.py), each graph's share optionally cached by its content
   (kg/reasoning_cache.py); prp-trp, the one rule that joins two triples (possibly of different
   documents), runs last over the transitive-property triples of all graphs, and what it adds goes
   through the other rules again, to a fixpoint. The union of the graphs' closures is the closure of
   their merge because the single-premise rules distribute over union
   (tests/kg/test_reasoning_incremental.py checks it against the rules as SPARQL updates on the merge).

Rules that only produce OWL RL noise for this vocabulary (``x owl:sameAs x``, ``x a owl:Thing``,
``rdfs:Resource``, datatype typing of literals) are not applied. ``check_consistency`` reports what
OWL RL would flag as inconsistent (cax-dw, cls-nothing2) plus what would make it merge resources
under the unique-name assumption the builder relies on (prp-fp, prp-ifp).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from policykg.config import ONTOLOGY_DIR
from policykg.errors import ValidationError
from policykg.kg.dataset import merge_graphs
from policykg.kg.namespaces import INFERRED_GRAPH
from policykg.kg.reasoning_cache import Entry, ReasoningCache
from policykg.kg.reasoning_rules import Rules, graph_consequences, transitive_closure

DEFAULT_ONTOLOGY = ONTOLOGY_DIR / "policykg.ttl"

_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
_TRIVIAL_CLASSES = {str(OWL.Thing), str(RDFS.Resource), str(OWL.NamedIndividual), str(RDFS.Class),
                    str(OWL.Class)}


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


def load_tbox(ontology_path: Path | str | Sequence[Path | str] = DEFAULT_ONTOLOGY, *,
              cache_dir: Path | None = None) -> TBox:
    """The TBox of the ontology file(s), closed with owlrl once and cached until a file changes: in
    this process, and with ``cache_dir`` on disk too (the closure costs ~2.6 CPU s, every build)."""
    paths = [ontology_path] if isinstance(ontology_path, str | Path) else list(ontology_path)
    resolved = tuple(str(Path(p).resolve()) for p in paths)
    try:
        stamps = tuple(Path(p).stat().st_mtime for p in resolved)
        contents = [Path(p).read_bytes() for p in resolved] if cache_dir is not None else []
    except OSError as exc:
        raise ValidationError(f"cannot read ontology: {exc}") from exc
    if cache_dir is None:
        return _load_tbox(resolved, stamps)
    # a folder of its own: the graph entries' pruning (kg.reasoning_cache) keeps what a build used
    return _stored_tbox(Path(cache_dir) / "tbox", contents, lambda: _load_tbox(resolved, stamps))


def _stored_tbox(cache_dir: Path, contents: list[bytes], compute: Callable[[], TBox]) -> TBox:
    """The TBox kept in ``cache_dir`` under a digest of the ontology's bytes and owlrl's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"tbox/1\nowlrl={version('owlrl')}\n".encode())
    for data in contents:
        digest.update(hashlib.sha256(data).digest())
    path = cache_dir / f"tbox-{digest.hexdigest()}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return TBox(**{name: tuple(tuple(v) if isinstance(v, list) else v for v in values)
                       for name, values in raw.items()})
    except (OSError, ValueError, TypeError):
        pass  # absent or damaged: computed and written again
    tbox = compute()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("tbox-*.json"):
        old.unlink(missing_ok=True)  # one ontology's worth, like the graph entries
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(dataclasses.asdict(tbox), handle, ensure_ascii=False)
    os.replace(tmp, path)
    return tbox


# --------------------------------------------------------------------------------------------
# Instance rules (kg/reasoning_rules.py), per graph, cached (kg/reasoning_cache.py)
# --------------------------------------------------------------------------------------------


def _values(pairs: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a, b in pairs)


def _values1(items: Iterable[str]) -> str:
    return " ".join(f"<{a}>" for a in items)


def cache_directory(data_dir: Path) -> Path:
    """Where the build keeps the per-graph reasoning results: beside the builds, kept across them."""
    return Path(data_dir) / "cache" / "reasoning"


@functools.lru_cache(maxsize=8)
def _rules(tbox: TBox) -> Rules:
    return Rules(tbox)


def _tbox_key(tbox: TBox) -> str:
    return hashlib.sha256(repr(tbox).encode("utf-8")).hexdigest()


def _graph_names(graphs: Iterable[ox.NamedNode | ox.DefaultGraph | str]) -> list[ox.NamedNode | ox.DefaultGraph]:
    return [g if isinstance(g, ox.NamedNode | ox.DefaultGraph) else ox.NamedNode(str(g)) for g in graphs]


def _graph_entry(data: bytes, rules: Rules, cached: bool) -> Entry:
    # split on "\n" only: the engine escapes it in literals, not every character splitlines() cuts at
    lines = data.decode("utf-8").split("\n")
    lines.pop()  # the empty string after the last line break
    derived, transitive = graph_consequences(lines, rules)
    if not cached:
        return Entry(list(derived), transitive)
    return Entry(sorted(derived), sorted(transitive))  # a stored entry's bytes depend on content only


class Closure:
    """The closure of several graphs' merge, fed one graph at a time (`add_graph`, each graph's N-Triples
    as the engine writes them): from a store (`infer`) or straight from the builder, which has each
    document's lines in hand and so never reads them back from its on-disk store."""

    def __init__(self, ontology_path: Path | str | Sequence[Path | str] = DEFAULT_ONTOLOGY, *,
                 cache_dir: Path | None = None) -> None:
        tbox = load_tbox(ontology_path, cache_dir=cache_dir)
        self.rules = _rules(tbox)
        self.cache = ReasoningCache(Path(cache_dir), _tbox_key(tbox)) if cache_dir is not None else None
        self.derived: set[str] = set()
        self.premises: list[str] = []

    def add_graph(self, data: bytes) -> None:
        cache = self.cache
        if cache:
            # the engine's order depends on how the store was filled: key the graph's sorted lines
            lines = data.split(b"\n")
            lines.pop()  # the empty string after the last line break
            lines.sort()
            data = b"\n".join(lines) + b"\n" if lines else b""
        key = cache.key(data) if cache else ""
        entry = cache.get(key) if cache else None
        if entry is None:
            entry = _graph_entry(data, self.rules, cache is not None)
            if cache:
                cache.put(key, entry)
        self.derived.update(entry.derived)
        self.premises.extend(entry.transitive)

    def finish(self) -> set[str]:
        """Every triple (N-Triples line) of the closure of the graphs' merge that some single graph
        does not assert itself; triples asserted by another of the graphs are still among them."""
        derived, self.derived = self.derived, set()  # the caller's to keep or drop
        derived |= transitive_closure(self.premises, self.rules)
        self.premises = []
        if self.cache:
            self.cache.prune()
        return derived


def _not_asserted(store: ox.Store, graphs: list[ox.NamedNode | ox.DefaultGraph],
                  quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads whose triple none of the graphs holds (a graph's own triples are out already;
    this finds a triple one graph derives and another asserts)."""
    graph_set = set(graphs)
    kept = []
    for quad in quads:
        for found in store.quads_for_pattern(quad.subject, quad.predicate, quad.object):
            if found.graph_name in graph_set:
                break
        else:
            kept.append(quad)
    return kept


def infer(
    store: ox.Store,
    asserted_graphs: Sequence[ox.NamedNode | ox.DefaultGraph | str],
    ontology_path: Path | str | Sequence[Path | str] = DEFAULT_ONTOLOGY,
    *,
    cache_dir: Path | None = None,
) -> list[ox.Quad]:
    """The OWL-RL consequences of the asserted graphs that are not asserted in them, as quads in
    ``graph/inferred``, sorted. The store is not modified.

    With ``cache_dir``, each graph's share is kept there and reused while the graph and the ontology
    are unchanged: a rebuild after one changed document recomputes that document and the cross-graph
    transitive closure only."""
    graphs = list(dict.fromkeys(_graph_names(asserted_graphs)))
    closure = Closure(ontology_path, cache_dir=cache_dir)
    for graph in graphs:
        closure.add_graph(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph))
    derived = closure.finish()
    # N-Triples lines sort as (subject, predicate, object) strings do: a space sorts before any
    # character of a term, and no IRI is a prefix of another (each ends with ">")
    text = "".join(f"{line[:-1]}<{INFERRED_GRAPH}> .\n" for line in sorted(derived))
    # lenient: the lines are the engine's own serialisation, valid already
    return _not_asserted(store, graphs, ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS, lenient=True))


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
        inferred = infer(store, asserted_graphs, ontology_path)
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
