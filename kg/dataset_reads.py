"""Whole-dataset reads for the dataset and service descriptions: counts, the Turtle dump, VoID + DCAT-AP.

Like policykg.kg.page_reads, each function takes an open pyoxigraph Store and returns plain data,
so that a query worker can run it (server/operations.py names them).
"""

from __future__ import annotations

import pyoxigraph as ox

from policykg.kg.dataset import asserted_graphs, has_merged_default_graph, merge_graphs
from policykg.kg.description import DumpFile, default_graph_size, describe
from policykg.kg.namespaces import INFERRED_GRAPH, PREFIXES


def statistics(store: ox.Store) -> dict:
    """Counts for the service description: triples of the default graph (the merge of the asserted
    graphs, each triple once), of each named graph, and of graph/inferred. (VoID's class partitions and
    linksets are kg.description's.)"""
    inferred = ox.NamedNode(INFERRED_GRAPH)
    graphs = sorted((g for g in store.named_graphs() if g != inferred), key=str)
    return {
        "triples": default_graph_size(store),
        "inferred_triples": _size(store, inferred),
        "graphs": [g.value for g in graphs],
        "graph_triples": {g.value: _size(store, g) for g in graphs},
    }


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))


def write_turtle_dump(store: ox.Store, path: str) -> str:
    """Write the merge of the asserted graphs (each triple once, as the default graph of a query) as
    Turtle to `path`: the store's merged default graph, or the merge made now for a store without one."""
    source = store if has_merged_default_graph(store) else merge_graphs(store, asserted_graphs(store))
    triples = (quad.triple for quad in source.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    ox.serialize(triples, path, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return path


def dataset_description(store: ox.Store, dumps: list[dict], base: str) -> bytes:
    """The VoID + DCAT-AP description (kg.description) as N-Triples, for a build without void.ttl."""
    triples = describe(store, [DumpFile(**d) for d in dumps], base=base)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
