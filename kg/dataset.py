"""The RDF dataset a query runs against: the default graph is the RDF merge (a set) of the asserted graphs.

Oxigraph 0.5 evaluates a default graph made of several graphs as a bag: a triple asserted in two
document graphs (a shared jurisdiction's label, say) matches twice, so joins repeat rows and COUNT
and SUM double (oxigraph/oxigraph#1919, fixed upstream after pyoxigraph 0.5.13). SPARQL 1.1 §13.1
says the default graph is a merge, so the merge is materialised once: into the store's own default
graph for the everyday dataset, and into a scratch store for a request that names several
`default-graph-uri`s. The inferred graph holds no asserted triple (the builder guarantees it), so
default graph + graph/inferred is a merge too.
"""

from __future__ import annotations

import tempfile
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from policykg.kg.namespaces import INFERRED_GRAPH, SHAPES_GRAPH, VOID_GRAPH

INFERRED = ox.NamedNode(INFERRED_GRAPH)
SHAPES = ox.NamedNode(SHAPES_GRAPH)
VOID = ox.NamedNode(VOID_GRAPH)
# graph/void describes the dataset rather than being part of it; graph/inferred is asked for explicitly
NOT_ASSERTED = frozenset({INFERRED, VOID})
DEFAULT = ox.DefaultGraph()


def asserted_graphs(graphs: ox.Store | Iterable[str | ox.NamedNode], *, shapes: bool = True) -> list[ox.NamedNode]:
    """Which graphs count: the asserted graphs among ``graphs`` (a store's named graphs, or the graph
    IRIs of a build's manifest), sorted — documents, vocabulary and graph/shapes, never graph/inferred
    (derived) or graph/void (about the dataset).

    Their merge is the default graph of a query. With ``shapes=False`` graph/shapes is left out too:
    what remains is the data itself, the graphs that are validated, described and tabulated.
    """
    names = graphs.named_graphs() if isinstance(graphs, ox.Store) else graphs
    excluded = NOT_ASSERTED if shapes else NOT_ASSERTED | {SHAPES}
    found = {g if isinstance(g, ox.NamedNode) else ox.NamedNode(str(g)) for g in names}
    return sorted((g for g in found if g not in excluded), key=str)


def has_merged_default_graph(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, DEFAULT)), None) is not None


def materialise_default_graph(store: ox.Store) -> int:
    """Copy the set union of the asserted graphs into the store's (empty) default graph; return its size.

    The copy is one SPARQL INSERT evaluated by the engine: no Python object per triple, so the cost
    stays linear and the memory in the engine's own compact form as the corpus grows.
    """
    if has_merged_default_graph(store):
        raise ValueError("the store's default graph is not empty; it would not be the merge of its named graphs")
    graphs = asserted_graphs(store)
    if graphs:
        store.update(_insert_union(graphs))
    return default_graph_size(store)


def default_graph_size(store: ox.Store) -> int:
    solution = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    return int(solution["n"].value)


def _insert_union(graphs: Sequence[ox.NamedNode]) -> str:
    names = " ".join(f"<{g.value}>" for g in graphs)
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }}"


def merge_graphs(store: ox.Store, graphs: Iterable[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]) -> ox.Store:
    """The RDF merge (set union) of the graphs, in the default graph of a new in-memory store.

    The graphs are dumped by the engine into one N-Triples file and loaded back in one go: a store
    is a set, so repeated triples collapse, and one load keeps a blank node that several graphs
    share as one node.
    """
    merged = ox.Store()
    with tempfile.TemporaryFile() as dump:
        for graph in dict.fromkeys(graphs):
            store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        dump.seek(0)
        merged.bulk_load(dump, format=ox.RdfFormat.N_TRIPLES)
    return merged


def default_dataset(store: ox.Store, inference: bool = False) -> dict:
    """Keyword arguments for Store.query: the merged default graph (+ graph/inferred), every named graph."""
    if not has_merged_default_graph(store):
        raise ValueError("call materialise_default_graph(store) first")
    default: list = [DEFAULT, INFERRED] if inference else [DEFAULT]
    return {"default_graph": default, "named_graphs": sorted(store.named_graphs(), key=str)}


class ScratchMerges:
    """Stores holding the merge of a requested list of default graphs, with the requested named graphs.

    Kept in a small least-recently-used cache: clients that pass `default-graph-uri` tend to repeat it.
    """

    def __init__(self, store: ox.Store, size: int = 4) -> None:
        self.store = store
        self.size = size
        self._cache: OrderedDict[tuple, ox.Store] = OrderedDict()

    def dataset(self, default_graphs: Sequence[str], named_graphs: Sequence[str],
                inference: bool = False) -> tuple[ox.Store, dict]:
        """The store to query and the keyword arguments for Store.query."""
        defaults = [ox.NamedNode(g) for g in default_graphs] + ([INFERRED] if inference else [])
        named = [ox.NamedNode(g) for g in named_graphs]
        if len(defaults) <= 1:
            return self.store, {"default_graph": defaults, "named_graphs": named}
        key = (tuple(sorted(set(map(str, defaults)))), tuple(sorted(set(map(str, named)))))
        scratch = self._cache.pop(key, None)
        if scratch is None:
            scratch = merge_graphs(self.store, defaults)
            for g in named:
                scratch.extend(self.store.quads_for_pattern(None, None, None, g))
        self._cache[key] = scratch
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return scratch, {"default_graph": [DEFAULT], "named_graphs": named}


# -- the dataset of one query (server query workers and the cheap lane) -------------------------
# Kept apart from "which graphs count" above: this block only chooses among datasets built there.


@dataclass(frozen=True)
class DatasetSpec:
    """The RDF dataset of one request (SPARQL 1.1 Protocol §2.1.4 and the server's defaults).

    Without `protocol` graphs and without FROM in the query, the default graph is the union of all
    asserted graphs (the document graphs and graph/vocabulary) — plus graph/inferred when
    `inference` is set — and every named graph is available to GRAPH.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    protocol: bool = False
    query_has_dataset: bool = False
    inference: bool = False


class QueryDatasets:
    """The datasets queries run over in one store whose default graph is the merge of its asserted
    graphs: the everyday one (± graph/inferred) and the merges that requests name.

    With `separate_default`, the default graph is also kept alone in a store of its own
    (`default_only`): Oxigraph's in-memory store keeps one quad list per term across all graphs, so a
    default-graph pattern on the full store also walks the named-graph and inferred copies (issue 10:
    catalogue query 04 took 1.7 s there and 0.30 s on the default graph alone, at 250 documents).
    """

    def __init__(self, store: ox.Store, separate_default: bool = False) -> None:
        self.store = store
        if not has_merged_default_graph(store):
            raise ValueError("the store's default graph is not the merge of its asserted graphs")
        self.default_only = default_graph_store(store) if separate_default else None
        self.merges = ScratchMerges(store)
        # The everyday dataset is the store's own: its default graph (the merge) and every named graph.
        # Spelling it out (named_graphs=[all of them]) makes Oxigraph evaluate a custom dataset, several
        # times slower at 1,000 documents, so only what differs from the store's own is passed.
        self.defaults: dict[bool, dict] = {False: {}, True: {"default_graph": [DEFAULT, INFERRED]}}

    def for_request(self, spec: DatasetSpec, default_graph_suffices: bool = False) -> tuple[ox.Store, dict]:
        """The store to query and the keyword arguments for Store.query. `default_graph_suffices`: the
        caller knows the query reads nothing but the everyday default graph (no GRAPH, no FROM)."""
        if spec.protocol:
            return self.merges.dataset(spec.default_graphs, spec.named_graphs, spec.inference)
        if spec.query_has_dataset:
            # FROM / FROM NAMED in the query text: Oxigraph builds that dataset itself (see server/README.md)
            return self.store, {}
        if default_graph_suffices and not spec.inference and self.default_only is not None:
            return self.default_only, {}
        return self.store, self.defaults[spec.inference]


def default_graph_store(store: ox.Store) -> ox.Store:
    """A new in-memory store holding the default graph of `store`, blank nodes included as they are
    (copied quad by quad: twice as fast as a dump and bulk load, which would also rename blank nodes)."""
    alone = ox.Store()
    alone.extend(store.quads_for_pattern(None, None, None, DEFAULT))
    return alone
