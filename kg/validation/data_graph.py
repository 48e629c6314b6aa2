"""The data graph of one validation run, in one Oxigraph store that every compiled query reads.

It is the RDF merge of the selected graphs (kg.dataset.merge_graphs: a set, so a triple that several
documents assert is one triple and joins do not multiply), plus the vocabulary's ``rdf:type`` and
``rdfs:subClassOf`` triples as background knowledge: ``sh:class`` and ``sh:targetClass`` then honour
subclasses and accept the vocabulary's individuals (units, comparators …).

A node is validated only when it is the subject of a triple of the selected graphs (it is *owned*
by them): a unit typed only by the vocabulary is not a focus node of a check of one document.
When the background makes no other node a subject (a build validates the vocabulary graph too),
every subject is owned and a shape's focus nodes are its targets' own pattern. Otherwise owned
nodes and the focus nodes of each shape are marked in named graphs of the scratch store, so that
every check starts from one index lookup instead of re-evaluating the shape's targets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS

from policykg.errors import ValidationError
from policykg.kg.dataset import asserted_graphs, merge_graphs
from policykg.kg.validation.inputs import GraphName, rdf_format, to_oxigraph
from policykg.kg.validation.shapes import Targets

_MARK = "urn:x-policykg:validation:"
OWNED = ox.NamedNode(_MARK + "owned")
FOCUS = ox.NamedNode(_MARK + "focus")
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


class DataGraph:
    """The merged data of a run, with owned nodes and per-shape focus nodes marked."""

    def __init__(self, merged: ox.Store, vocabulary: ox.Store) -> None:
        """``merged`` holds the merge of the validated graphs in its default graph (and is written to)."""
        self.store = merged
        background = [
            ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
            for predicate in (_RDF_TYPE, _SUBCLASS)
            for q in vocabulary.quads_for_pattern(None, predicate, None, None)
        ]
        # the nodes that only the background makes subjects are not owned. Usually there are none (a
        # build validates the vocabulary graph too): every subject is then owned, and the focus nodes
        # are read straight from the targets; otherwise the owned nodes are marked first.
        self._marks = any(next(iter(merged.quads_for_pattern(s, None, None, ox.DefaultGraph())), None) is None
                          for s in {q.subject for q in background})
        if self._marks:
            self.store.update(
                f"INSERT {{ GRAPH <{OWNED.value}> {{ ?s <{OWNED.value}> <{OWNED.value}> }} }} "
                "WHERE { SELECT DISTINCT ?s WHERE { ?s ?p ?o } }"
            )
        self.store.extend(background)
        self._closure = _subclass_closure(self.store)
        self._marked: dict[Targets, str] = {}

    @classmethod
    def of_store(cls, store: ox.Store, graphs: Sequence[GraphName], vocabulary: ox.Store) -> DataGraph:
        return cls(merge_graphs(store, graphs), vocabulary)

    @classmethod
    def of_merge(cls, merge: Path, store: ox.Store, graphs: Sequence[GraphName], vocabulary: ox.Store) -> DataGraph:
        """The data graph from ``merge``, an N-Triples file of the distinct triples of every asserted
        graph of ``store`` (kg.dataset.asserted_graphs, graph/shapes included: the build's work file of
        its default graph), when ``graphs`` are asserted graphs of the store.

        Parsing that file costs a fraction of reading the same triples back from an on-disk store
        (~5 µs a quad). The triples of the asserted graphs that are not validated (graph/shapes) are
        then taken out again, unless a validated graph holds them too: what remains is the merge of
        ``graphs``, as of_store makes it."""
        selected = set(graphs)
        others = [g for g in asserted_graphs(store) if g not in selected]
        if not selected <= set(asserted_graphs(store)):
            raise ValidationError("a merge file holds only the asserted graphs of the store")
        merged = ox.Store()
        try:  # the file is the engine's own output: its IRIs and tags need no second check (lenient)
            merged.load(path=str(merge), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        except (OSError, SyntaxError) as exc:
            raise ValidationError(f"cannot read the merged data {merge}: {exc}") from exc
        for graph in others:  # a few thousand quads (the shapes), each looked up in the validated graphs
            for q in store.quads_for_pattern(None, None, None, graph):
                if not any(o.graph_name in selected for o in store.quads_for_pattern(q.subject, q.predicate, q.object)):
                    merged.remove(ox.Quad(q.subject, q.predicate, q.object))
        return cls(merged, vocabulary)

    @classmethod
    def of_files(cls, paths: Iterable[Path], keep: Callable[[GraphName], bool],
                 vocabulary: ox.Store) -> tuple[DataGraph, list[GraphName]]:
        """The data graph of the graphs in RDF files that ``keep`` selects, read as a stream: only the
        merge is held in memory (a build's dump is larger than the data it holds). Also the graphs."""
        merged = ox.Store()
        seen: set[GraphName] = set()

        def selected(path: Path) -> Iterator[ox.Quad]:
            for quad in ox.parse(path=str(path), format=rdf_format(path)):
                name = quad.graph_name
                if keep(name):
                    seen.add(name)
                    yield ox.Quad(quad.subject, quad.predicate, quad.object)

        for path in paths:
            try:
                merged.extend(selected(path))
            except (OSError, SyntaxError) as exc:
                raise ValidationError(f"cannot read data file {path}: {exc}") from exc
        return cls(merged, vocabulary), sorted(seen, key=lambda g: (not isinstance(g, ox.DefaultGraph), str(g)))

    def subclasses(self, cls: str) -> list[str]:
        """The class and all its subclasses (rdfs:subClassOf*), sorted."""
        return sorted(self._closure.get(cls, {cls}))

    def focus_pattern(self, targets: Targets) -> str:
        """A graph pattern binding ?this to each owned focus node of ``targets``.

        When every subject is owned, the targets themselves (a node that is only a target node or an
        object must also be a subject). Otherwise the focus nodes are inserted once per distinct target
        set into the FOCUS graph, under a key of their own, and every later check of a shape with those
        targets reads them back by that key."""
        if not self._marks:
            branches = self.target_branches(targets, subject=True)
            return "{ " + " UNION ".join(branches) + " }" if branches else "VALUES ?this { }"
        key = self._marked.get(targets)
        if key is None:
            key = f"{FOCUS.value}/{len(self._marked)}"
            self._marked[targets] = key
            branches = self.target_branches(targets)
            if branches:
                self.store.update(
                    f"INSERT {{ GRAPH <{FOCUS.value}> {{ ?this <{key}> <{key}> }} }} WHERE {{ "
                    + " UNION ".join(branches)
                    + f" GRAPH <{OWNED.value}> {{ ?this <{OWNED.value}> <{OWNED.value}> }} }}"
                )
        return f"GRAPH <{FOCUS.value}> {{ ?this <{key}> <{key}> }}"

    def target_branches(self, targets: Targets, subject: bool = False) -> list[str]:
        """A pattern per kind of target binding ?this; with ``subject``, each binds only subjects."""
        owned = " FILTER EXISTS { ?this ?policykg_p ?policykg_x }" if subject else ""
        branches: list[str] = []
        classes = sorted({c for cls in targets.classes for c in self.subclasses(cls)})
        if classes:
            values = " ".join(f"<{c}>" for c in classes)
            branches.append(f"{{ VALUES ?policykg_class {{ {values} }} ?this a ?policykg_class . }}")
        if targets.nodes:
            values = " ".join(str(to_oxigraph(n)) for n in targets.nodes)
            branches.append(f"{{ VALUES ?this {{ {values} }}{owned} }}")
        for p in targets.subjects_of:
            branches.append(f"{{ ?this <{p}> ?policykg_o . }}")
        for p in targets.objects_of:
            branches.append(f"{{ ?policykg_s <{p}> ?this .{owned} }}")
        return branches

    def focus_nodes(self, targets: Targets) -> set[ox.NamedNode | ox.BlankNode | ox.Literal]:
        pattern = self.focus_pattern(targets)
        return {s["this"] for s in self.store.query(f"SELECT DISTINCT ?this WHERE {{ {pattern} }}")}


def _subclass_closure(store: ox.Store) -> dict[str, set[str]]:
    """class → itself and all its subclasses (reflexive-transitive closure of rdfs:subClassOf)."""
    children: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, _SUBCLASS, None, ox.DefaultGraph()):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            children[q.object.value].add(q.subject.value)
    closure: dict[str, set[str]] = {}

    def down(cls: str, seen: frozenset[str]) -> set[str]:
        if cls not in closure:
            found = {cls}
            for child in children.get(cls, ()):
                if child not in seen:  # a subclass cycle ends where it started
                    found |= down(child, seen | {child})
            closure[cls] = found
        return closure[cls]

    for cls in list(children):
        down(cls, frozenset({cls}))
    return closure
