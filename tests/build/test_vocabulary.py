"""build.vocabulary: Turtle read as quads with deterministic skolem IRIs; the unit tables of the normaliser."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.build.iris import UNIT_PREFIX, unit
from policykg.build.vocabulary import GENID_PREFIX, read_turtle, unit_tables
from policykg.errors import BuildError

DATA = Path(__file__).resolve().parent.parent / "data"
VOCABULARY = DATA / "vocabulary"
GRAPH = "https://example.org/graph"
EX = "https://example.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"  # rdf:first, rdf:rest, rdf:nil of the lists


def objects(quads: list[ox.Quad], subject: ox.NamedNode | str, predicate: str) -> list:
    subject = subject if isinstance(subject, ox.NamedNode) else ox.NamedNode(subject)
    return [q.object for q in quads if q.subject == subject and q.predicate == ox.NamedNode(predicate)]


def test_blank_nodes_become_skolem_iris_in_the_graph():
    quads = read_turtle(VOCABULARY / "blank-nodes.ttl", GRAPH)
    assert {q.graph_name for q in quads} == {ox.NamedNode(GRAPH)}
    terms = [t for q in quads for t in (q.subject, q.object)]
    assert not [t for t in terms if isinstance(t, ox.BlankNode)]
    skolem = {t.value for t in terms if isinstance(t, ox.NamedNode) and not t.value.startswith((EX, RDF))}
    assert skolem and all(iri.startswith(GENID_PREFIX) and len(iri) == len(GENID_PREFIX) + 20 for iri in skolem)


def test_skolem_names_do_not_depend_on_the_order_of_the_file():
    first = read_turtle(VOCABULARY / "blank-nodes.ttl", GRAPH)
    again = read_turtle(VOCABULARY / "blank-nodes.ttl", GRAPH)
    reordered = read_turtle(VOCABULARY / "blank-nodes-reordered.ttl", GRAPH)
    assert first == again
    assert set(first) == set(reordered)


def test_equal_looking_nodes_in_different_places_stay_apart():
    quads = read_turtle(VOCABULARY / "blank-nodes.ttl", GRAPH)
    of_shape = objects(quads, EX + "shape", EX + "property")
    of_other = objects(quads, EX + "other", EX + "property")
    assert len(of_shape) == 2 and len(of_other) == 1
    path_a = [n for n in of_shape if objects(quads, n, EX + "path") == [ox.NamedNode(EX + "a")]]
    assert path_a and path_a[0] != of_other[0]  # same content, hung under another resource


def test_equal_nodes_in_one_place_are_one():
    quads = read_turtle(VOCABULARY / "blank-nodes.ttl", GRAPH)
    assert len(set(objects(quads, EX + "twins", EX + "has"))) == 1  # one name: one node once in a set


def test_a_cycle_of_blank_nodes_is_refused():
    with pytest.raises(BuildError, match="cycle.ttl: blank nodes form a cycle"):
        read_turtle(VOCABULARY / "cycle.ttl", GRAPH)


def test_a_syntax_error_names_the_file():
    with pytest.raises(BuildError, match="broken.ttl"):
        read_turtle(VOCABULARY / "broken.ttl", GRAPH)


def test_unit_tables():
    forms, english = unit_tables(DATA / "emit" / "units.ttl")
    # every zh label, preferred or alternative, of a unit IRI; 个 labels no unit of ours
    assert forms == {"人次": "person-time", "人": "person", "名": "person", "%": "percent", "％": "percent"}
    # only the preferred English label (person-times is an alternative)
    assert english == {"person-time": "person-time", "person": "person", "percent": "percent"}


def test_a_form_labelling_two_units_is_refused():
    with pytest.raises(BuildError, match="'人' labels both person and person-time"):
        unit_tables(VOCABULARY / "units-conflict.ttl")


def test_a_missing_unit_file_is_named(tmp_path):
    with pytest.raises(BuildError, match="units.ttl is missing"):
        unit_tables(tmp_path / "units.ttl")


def test_unit_iris_and_the_unit_tables_share_one_prefix():
    assert unit("person") == UNIT_PREFIX + "person" == "https://w3id.org/policykg/unit/person"
