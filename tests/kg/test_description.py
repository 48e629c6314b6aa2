"""kg.description: every VoID count equals the SPARQL count it stands for, on the built graph."""

from __future__ import annotations

import pyoxigraph as ox

from policykg.kg.dataset import DEFAULT
from policykg.kg.description import default_graph_size, describe, links, linksets
from policykg.kg.namespaces import INFERRED_GRAPH

DATASET = "https://w3id.org/policykg/dataset"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"


def count(store: ox.Store, query: str, **kwargs) -> int:
    return int(next(iter(store.query(query, **kwargs)))["n"].value)


def objects(triples: list[ox.Triple], subject: str, predicate: str) -> list:
    return [t.object for t in triples if t.subject.value == subject and t.predicate.value == predicate]


def number(triples: list[ox.Triple], subject: str, predicate: str) -> int:
    (value,) = objects(triples, subject, predicate)
    return int(value.value)


def test_dataset_counts_are_the_counts_of_the_default_graph(store):
    triples = describe(store, [])
    for predicate, query in (("triples", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
                             ("classes", "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }"),
                             ("properties", "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }"),
                             ("distinctSubjects", "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")):
        assert number(triples, DATASET, VOID + predicate) == count(store, query, default_graph=DEFAULT), predicate
    assert default_graph_size(store) == number(triples, DATASET, VOID + "triples")


def test_partitions_count_each_class_and_property(store):
    triples = describe(store, [])
    classes = objects(triples, DATASET, VOID + "classPartition")
    properties = objects(triples, DATASET, VOID + "propertyPartition")
    assert len(classes) == number(triples, DATASET, VOID + "classes")
    assert len(properties) == number(triples, DATASET, VOID + "properties")
    for part in classes:
        (cls,) = objects(triples, part.value, VOID + "class")
        expected = count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a {cls} }}", default_graph=DEFAULT)
        assert number(triples, part.value, VOID + "entities") == expected, cls
    for part in properties:
        (prop,) = objects(triples, part.value, VOID + "property")
        expected = count(store, f"SELECT (COUNT(*) AS ?n) {{ ?s {prop} ?o }}", default_graph=DEFAULT)
        assert number(triples, part.value, VOID + "triples") == expected, prop


def test_each_graph_subset_counts_its_graph(store):
    triples = describe(store, [])
    subsets = [s for s in objects(triples, DATASET, VOID + "subset") if objects(triples, s.value, SD + "name")]
    names = {objects(triples, s.value, SD + "name")[0].value for s in subsets}
    assert INFERRED_GRAPH in names and len(names) > 2
    for subset in subsets:
        (graph,) = objects(triples, subset.value, SD + "name")
        expected = count(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        assert number(triples, subset.value, VOID + "triples") == expected, graph


def test_given_links_describe_the_same_linksets(store):
    found = links(store)
    assert found and linksets(store, outgoing=found) == linksets(store)
    assert describe(store, [], outgoing=found) == describe(store, [])
