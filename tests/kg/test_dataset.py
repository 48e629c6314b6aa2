"""dataset: the default graph is the RDF merge of the asserted graphs, never a bag of their quads."""

import pyoxigraph as ox
import pytest

from policykg.kg.dataset import (
    INFERRED,
    SHAPES,
    VOID,
    ScratchMerges,
    asserted_graphs,
    default_dataset,
    materialise_default_graph,
)
from policykg.kg.namespaces import BASE
from policykg.kg.query_runner import select_rows

G1, G2 = ox.NamedNode("urn:g1"), ox.NamedNode("urn:g2")
S, P = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
COUNT_AND_SUM = "SELECT (COUNT(*) AS ?n) (SUM(?o) AS ?total) WHERE { ?s <urn:p> ?o }"


def two_graphs_sharing_a_triple() -> ox.Store:
    store = ox.Store()
    ten = ox.Literal("10", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    store.extend([ox.Quad(S, P, ten, G1), ox.Quad(S, P, ten, G2),
                  ox.Quad(S, P, ox.Literal("1", datatype=ten.datatype), INFERRED),
                  ox.Quad(S, ox.NamedNode("urn:about"), ox.Literal("dataset"), VOID)])
    return store


def count_and_sum(store: ox.Store, **kwargs) -> tuple[int, int]:
    row = next(iter(store.query(COUNT_AND_SUM, **kwargs)))
    return int(row["n"].value), int(row["total"].value)


def test_asserted_graphs_leave_out_inferred_and_void():
    assert asserted_graphs(two_graphs_sharing_a_triple()) == [G1, G2]


def test_the_data_graphs_leave_out_the_shapes_too():
    store = two_graphs_sharing_a_triple()
    store.add(ox.Quad(S, P, ox.Literal("a shape"), SHAPES))
    assert asserted_graphs(store) == sorted([G1, G2, SHAPES], key=str)
    assert asserted_graphs(store, shapes=False) == [G1, G2]


def test_a_manifest_and_its_store_agree_on_which_graphs_count(built):
    """The manifest's list (Virtuoso's default graphs, the CLI's dataset) and the store's agree."""
    from policykg.kg.store import open_store

    store = open_store(built, in_memory=True, merge=False)
    listed = [ox.NamedNode(g) for g in built.manifest.graphs.asserted()]
    assert sorted(listed, key=str) == asserted_graphs(store)
    with_inferred = [ox.NamedNode(g) for g in built.manifest.graphs.asserted(include_inferred=True)]
    assert sorted(with_inferred, key=str) == sorted([*asserted_graphs(store), INFERRED], key=str)


def test_shared_triple_counts_once():
    store = two_graphs_sharing_a_triple()
    materialise_default_graph(store)
    assert count_and_sum(store, **default_dataset(store)) == (1, 10)
    assert count_and_sum(store, **default_dataset(store, inference=True)) == (2, 11)


def test_named_graphs_stay_visible_to_graph_patterns():
    store = two_graphs_sharing_a_triple()
    materialise_default_graph(store)
    rows = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s <urn:p> ?o } } ORDER BY ?g",
                       **default_dataset(store))
    assert [r["g"] for r in rows] == [INFERRED, G1, G2]


def test_materialising_twice_is_refused():
    store = two_graphs_sharing_a_triple()
    materialise_default_graph(store)
    with pytest.raises(ValueError, match="not empty"):
        materialise_default_graph(store)


def test_default_dataset_needs_the_merge():
    with pytest.raises(ValueError, match="materialise_default_graph"):
        default_dataset(two_graphs_sharing_a_triple())


def test_requested_default_graphs_are_merged():
    store = two_graphs_sharing_a_triple()
    merges = ScratchMerges(store, size=1)
    scratch, kwargs = merges.dataset([G1.value, G2.value], [G2.value])
    assert count_and_sum(scratch, **kwargs) == (1, 10)
    assert bool(scratch.query("ASK { GRAPH <urn:g2> { ?s <urn:p> 10 } }", **kwargs))
    assert not bool(scratch.query("ASK { GRAPH <urn:g1> { ?s <urn:p> 10 } }", **kwargs))
    again, _ = merges.dataset([G2.value, G1.value], [G2.value])
    assert again is scratch, "the same request reuses its merge"
    single, kwargs = merges.dataset([G1.value], [])
    assert single is store and count_and_sum(single, **kwargs) == (1, 10)


def test_build_has_no_asserted_triple_in_graph_inferred(store):
    asserted = {(q.subject, q.predicate, q.object) for g in asserted_graphs(store)
                for q in store.quads_for_pattern(None, None, None, g)}
    inferred = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, INFERRED)}
    assert inferred and not asserted & inferred


def test_shared_jurisdiction_label_is_one_row_on_the_build(store, built):
    """The national jurisdiction is described in two document graphs; a query sees one label per language."""
    rows = select_rows(store, f"SELECT ?label WHERE {{ <{BASE}jurisdiction/100000> skos:prefLabel ?label }}")
    assert sorted(r["label"] for r in rows) == ["China", "中华人民共和国"]
