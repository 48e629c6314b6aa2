"""Whole-dataset reads (kg/dataset_reads.py): counts agree with the merged default graph, and the Turtle
dump holds each asserted triple once."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.kg.dataset import default_graph_size, materialise_default_graph
from policykg.kg.dataset_reads import statistics
from policykg.kg.namespaces import BASE, VOCABULARY_GRAPH

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "kg" / "pages.trig"
DISTINCT_ASSERTED = 17  # 18 asserted triples, China's label in both documents


def load(merged: bool) -> ox.Store:
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    if merged:
        materialise_default_graph(store)
    return store


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load(merged=True)


def test_statistics_count_the_merge_once_and_each_graph_apart(store):
    stats = statistics(store)
    assert stats["triples"] == DISTINCT_ASSERTED == default_graph_size(store)
    assert stats["graph_triples"] == {BASE + "graph/doc-a": 12, BASE + "graph/doc-b": 3, VOCABULARY_GRAPH: 3}
    assert sum(stats["graph_triples"].values()) == DISTINCT_ASSERTED + 1
    assert stats["inferred_triples"] == 1
    assert BASE + "graph/inferred" not in stats["graphs"]


def test_statistics_of_a_store_without_the_merge_count_the_same():
    assert statistics(load(merged=False)) == statistics(load(merged=True))
