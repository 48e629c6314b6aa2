"""SHACL Core by pySHACL, one validation unit at a time: the reference engine, and the fallback for
the shapes that kg.validation.core_compiler does not translate.

A *validation unit* is one asserted named graph (a document, or the vocabulary) together with
every triple, from any selected graph, about the subjects it owns, the ``rdf:type`` of every node
those triples point to (so that ``sh:class`` can be checked without loading the rest of the
dataset), and the ontology's ``rdfs:subClassOf`` axioms. A subject that occurs in several graphs
(an agency, a jurisdiction) is owned by the first of them and validated once, with all its
triples. Results are kept only for owned focus nodes. Units whose content did not change reuse
their cached results (kg.validation.cache).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from policykg.kg.dataset import INFERRED
from policykg.kg.namespaces import SH
from policykg.kg.validation.cache import UnitCache, fingerprint
from policykg.kg.validation.inputs import GraphName, to_oxigraph, to_rdflib
from policykg.kg.validation.report import ValidationResult
from policykg.kg.validation.shapes import severity_name

_RDF_TYPE = ox.NamedNode(str(RDF.type))

_OWNED: ContextVar[set[Node] | None] = ContextVar("policykg_owned_focus_nodes", default=None)


def _owned_shape_class():
    """A pySHACL Shape whose target lookup is restricted to the current unit's owned nodes.

    pySHACL calls Shape.focus_nodes only to find the targets of top-level shapes, so nested
    evaluations (sh:or, sh:qualifiedValueShape …) still see every value node, while the nodes
    outside the unit (typed only so that sh:class can be checked) are neither targeted nor reported.
    Outside StructuralValidator.validate the restriction is off.
    """
    from pyshacl.shape import Shape

    class OwnedShape(Shape):
        __slots__ = ()

        def focus_nodes(self, data_graph, debug=False):
            found = super().focus_nodes(data_graph, debug)
            owned = _OWNED.get()
            return found if owned is None else {n for n in found if n in owned}

    return OwnedShape


class StructuralValidator:
    """pySHACL with one parsed shapes graph reused for every validation unit.

    The harvested shapes are reused across units (pySHACL would re-read the shapes graph for every
    call), and their target lookup is narrowed to the unit's owned nodes.
    """

    def __init__(self, shapes: Graph) -> None:
        from pyshacl.shapes_graph import ShapesGraph

        self._shapes_graph = shapes
        self._shapes = ShapesGraph(shapes)
        owned_shape = _owned_shape_class()
        for shape in self._shapes.shapes:  # harvest the shapes once, and narrow their targets
            shape.__class__ = owned_shape
        # property shapes that are blank nodes are reported by the node shape that holds them
        self._owner: dict[Node, Node] = {}
        for node_shape, prop in shapes.subject_objects(SH.property):
            if isinstance(prop, BNode):
                self._owner[prop] = node_shape

    def validate(self, data: Graph, focus: set[Node] | None) -> list[ValidationResult]:
        """Validate one data graph; keep only results on ``focus`` nodes (all when None)."""
        from pyshacl import Validator
        from pyshacl.graph_abstraction import DataGraph

        validator = Validator(
            DataGraph.from_rdflib(data),
            shacl_graph=self._shapes_graph,
            options={"inference": "none", "inplace": True, "advanced": False},
        )
        validator.shacl_graph = self._shapes  # reuse the harvested shapes
        token = _OWNED.set(focus)
        try:
            _conforms, report, _text = validator.run()
        finally:
            _OWNED.reset(token)
        results = []
        for result in report.objects(None, SH.result):
            focus_node = report.value(result, SH.focusNode)
            if focus is not None and focus_node not in focus:
                continue
            shape = report.value(result, SH.sourceShape)
            shape = self._owner.get(shape, shape)
            path = report.value(result, SH.resultPath)
            value = report.value(result, SH.value)
            message = report.value(result, SH.resultMessage)
            results.append(
                ValidationResult(
                    severity=severity_name(report.value(result, SH.resultSeverity)),
                    focus_node=str(focus_node),
                    path=str(path) if isinstance(path, URIRef) else None,
                    value=str(value) if value is not None else None,
                    message=str(message) if message is not None else "constraint not satisfied",
                    source_shape=str(shape),
                    component=str(report.value(result, SH.sourceConstraintComponent)),
                )
            )
        return results


def _subjects(store: ox.Store, graph: GraphName) -> set:
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
    return {sol["s"] for sol in store.query(query, default_graph=graph)}


@dataclass
class ValidationUnit:
    """One asserted graph's share of the data for pySHACL: the triples about the subjects it owns
    (from every selected graph), the types of the nodes they point to, and the owned nodes."""

    graph: GraphName
    triples: set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]]
    owned: set

    def digest(self) -> str:
        """A hash of the unit's content (triples and owned nodes), independent of set order."""
        lines = sorted(f"{s} {p} {o}" for s, p, o in self.triples)
        owned = sorted(str(n) for n in self.owned)
        return fingerprint("\n".join(lines), "\n".join(owned))

    def focus(self) -> set[Node]:
        return {to_rdflib(s) for s in self.owned}

    def data_graph(self, tbox: Iterable[tuple[Node, Node, Node]]) -> Graph:
        data = Graph()
        add = data.add
        for s, p, o in self.triples:
            add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        for triple in tbox:
            add(triple)
        return data


def validation_units(
    store: ox.Store, graphs: Sequence[GraphName], vocabulary: Graph
) -> Iterator[ValidationUnit]:
    """The validation unit of each graph in ``graphs``."""
    owner: dict[object, GraphName] = {}
    for graph in graphs:
        for s in _subjects(store, graph):
            owner.setdefault(s, graph)
    selected = set(graphs)
    vocab_types: dict[object, list[object]] = defaultdict(list)
    for s, o in vocabulary.subject_objects(RDF.type):
        vocab_types[to_oxigraph(s)].append(to_oxigraph(o))
    # the asserted types of every node, read once: a node that every document types (a shared
    # jurisdiction or agency) would otherwise be looked up in all graphs by every unit, O(N²)
    asserted_types: dict[object, set] = defaultdict(set)
    for q in store.quads_for_pattern(None, _RDF_TYPE, None, None):
        if q.graph_name != INFERRED:
            asserted_types[q.subject].add(q.object)

    for graph in graphs:
        triples: set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]] = set()
        owned: set = set()
        for q in store.quads_for_pattern(None, None, None, graph):
            if owner.get(q.subject) != graph:
                continue
            owned.add(q.subject)
            triples.add((q.subject, q.predicate, q.object))
        for s in owned:  # the owned subjects' triples in the other selected graphs
            for q in store.quads_for_pattern(s, None, None, None):
                if q.graph_name != graph and q.graph_name in selected:
                    triples.add((q.subject, q.predicate, q.object))
        boundary = {o for _s, _p, o in triples if isinstance(o, ox.NamedNode | ox.BlankNode) and o not in owned}
        for o in boundary:  # types of referenced nodes, for sh:class
            for t in asserted_types.get(o, ()):
                triples.add((o, _RDF_TYPE, t))
            for t in vocab_types.get(o, ()):
                triples.add((o, _RDF_TYPE, t))
        yield ValidationUnit(graph, triples, owned)


def _cached_results(cache: UnitCache | None, key: str) -> list[ValidationResult] | None:
    entries = cache.get(key) if cache is not None else None
    if entries is None:
        return None
    try:
        return [ValidationResult(**entry) for entry in entries]
    except TypeError:  # an entry written by another version of ValidationResult: validate again
        return None


def structural_results(
    store: ox.Store, names: Sequence[GraphName], structural: Graph, vocabulary: Graph,
    cache: UnitCache | None,
) -> tuple[list[ValidationResult], int]:
    """pySHACL over every unit, reusing cached results of units whose content is unchanged;
    the results and the number of units taken from the cache."""
    tbox = list(vocabulary.triples((None, RDFS.subClassOf, None)))
    engine: StructuralValidator | None = None
    results: list[ValidationResult] = []
    reused = 0
    for unit in validation_units(store, names, vocabulary):
        key = cache.key(unit.digest()) if cache is not None else ""
        cached = _cached_results(cache, key)
        if cached is not None:
            results.extend(cached)
            reused += 1
            continue
        engine = engine or StructuralValidator(structural)
        found = engine.validate(unit.data_graph(tbox), unit.focus())
        if cache is not None:
            cache.put(key, [asdict(r) for r in found])
        results.extend(found)
    if cache is not None:
        cache.prune()
    return results, reused


