"""Whole-dataset reads for the dataset description: counts, the Turtle dump, VoID + DCAT-AP.

Like policykg.kg.page_reads, each function takes an open pyoxigraph Store and returns plain data,
so that a query worker can run it (server/operations.py names them).
"""

from __future__ import annotations

import pyoxigraph as ox

from policykg.kg.dataset import asserted_graphs, has_merged_default_graph, merge_graphs
from policykg.kg.description import DumpFile, default_graph_size, describe
from policykg.kg.namespaces import BASE, INFERRED_GRAPH, PREFIXES, VOCABULARY_GRAPH
from policykg.kg.page_reads import select


def statistics(store: ox.Store) -> dict:
    """Counts for the dataset description: triples (asserted, inferred), graphs, class partitions."""
    inferred = ox.NamedNode(INFERRED_GRAPH)
    graphs = [g for g in store.named_graphs() if g != inferred]
    inferred_count = sum(1 for _ in store.quads_for_pattern(None, None, None, inferred))
    classes = select(
        store,
        f"""SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?class }}
            FILTER(?g != <{INFERRED_GRAPH}>) }} GROUP BY ?class ORDER BY DESC(?n)""",
    )
    graph_triples = {
        g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in graphs
    }
    linksets = select(
        store,
        f"""SELECT ?p ?space (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            FILTER(?g != <{INFERRED_GRAPH}> && ?g != <{VOCABULARY_GRAPH}> && isIRI(?o) && ?p != rdf:type
                   && !STRSTARTS(STR(?o), "{BASE}"))
            BIND(REPLACE(STR(?o), "[^/#]*$", "") AS ?space) }} GROUP BY ?p ?space ORDER BY ?space ?p""",
    )
    return {
        "linksets": [
            {"predicate": r["p"].value, "target": r["space"].value, "triples": int(r["n"].value)} for r in linksets
        ],
        "triples": default_graph_size(store),  # the default graph: the merge of the asserted graphs
        "inferred_triples": inferred_count,
        "graphs": [g.value for g in graphs],
        "graph_triples": graph_triples,
        "classes": [{"class": r["class"].value, "entities": int(r["n"].value)} for r in classes],
    }


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
