"""OWL-RL materialisation (kg/reasoning.py): same instance-level consequences as owlrl, cheaper."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from policykg.kg.namespaces import BASE, INFERRED_GRAPH
from policykg.kg.reasoning import DEFAULT_ONTOLOGY, check_consistency, infer, load_tbox
from policykg.kg.validation import to_rdflib

DATA = Path(__file__).resolve().parent.parent / "data" / "shapes"
VALID = DATA / "valid.trig"
PKG = BASE + "ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# owlrl's axiomatic output about the RDF/RDFS/OWL/XSD vocabularies themselves (datatype and
# annotation-property declarations), x owl:sameAs x, and x a owl:Thing / rdfs:Resource are not
# instance knowledge about our data; they are left out of the comparison on purpose.
NOISE_NAMESPACES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def load(trig: str | Path) -> ox.Store:
    store = ox.Store()
    if isinstance(trig, Path):
        store.load(path=str(trig), format=ox.RdfFormat.TRIG)
    else:
        store.load(trig.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def triples(quads) -> set:
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads}


@pytest.fixture(scope="module")
def valid_store() -> ox.Store:
    return load(VALID)


def test_same_instance_consequences_as_owlrl_full_closure(valid_store):
    ontology = Graph().parse(DEFAULT_ONTOLOGY)
    data = Graph()
    for t in triples(valid_store):
        data.add(t)
    closure = Graph()
    for t in (*ontology, *data):
        closure.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    tbox_terms = set(ontology.subjects()) | set(ontology.objects())
    expected = {
        (s, p, o) for s, p, o in closure
        if (s, p, o) not in data and (s, p, o) not in ontology
        and not isinstance(s, Literal) and s not in tbox_terms and not str(s).startswith(NOISE_NAMESPACES)
        and p != OWL.sameAs and not (p == RDF.type and o in NOISE_TYPES)
    }
    ours = triples(infer(valid_store, list(valid_store.named_graphs())))
    # ours also re-derives types that the ontology asserts for its individuals (pkg:AtLeast a
    # pkg:Comparator), because the data graphs alone do not contain them
    assert expected == {t for t in ours if t not in ontology}
    assert len(expected) > 150


def test_inferred_quads_are_new_sorted_and_in_the_inferred_graph(valid_store):
    before = len(valid_store)
    quads = infer(valid_store, list(valid_store.named_graphs()))
    assert len(valid_store) == before  # the store is not modified
    assert {q.graph_name for q in quads} == {ox.NamedNode(INFERRED_GRAPH)}
    assert quads == sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
    asserted = {(q.subject, q.predicate, q.object) for q in valid_store}
    assert not [q for q in quads if (q.subject, q.predicate, q.object) in asserted]
    assert quads == infer(valid_store, list(valid_store.named_graphs()))  # deterministic


def test_materialised_closure_is_a_fixpoint(valid_store):
    graphs = list(valid_store.named_graphs())
    quads = infer(valid_store, graphs)
    store = ox.Store()
    store.extend(valid_store)
    store.extend(quads)
    assert infer(store, [*graphs, ox.NamedNode(INFERRED_GRAPH)]) == []


TRIG = """
@base <https://w3id.org/policykg/> .
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
<graph/a> {
    <doc/a> a pkg:Notice ; pkg:issuer <agency/x> ; pkg:issuesPlan <doc/a/plan> .
    <jurisdiction/370902> pkg:parentJurisdiction <jurisdiction/370900> .
    <jurisdiction/370900> pkg:parentJurisdiction <jurisdiction/370000> .
    <jurisdiction/370000> pkg:parentJurisdiction <jurisdiction/100000> .
    <agency/y> org:subOrganizationOf <agency/x> .
}
"""


def _expand(iri: str) -> str:
    return iri if iri.startswith("http") else BASE + iri


@pytest.mark.parametrize(
    "triple",
    [
        ("doc/a/plan", RDF.type, PKG + "Plan"),  # range of pkg:issuesPlan
        ("doc/a/plan", PKG + "issuedBy", "doc/a"),  # owl:inverseOf
        ("doc/a", ELI + "passed_by", "agency/x"),  # pkg:issuer ⊑ eli:passed_by
        ("doc/a", RDF.type, ELI + "LegalResource"),  # pkg:Notice ⊑ eli:LegalResource
        ("agency/x", RDF.type, PKG + "Agency"),  # range of pkg:issuer
        ("agency/x", RDF.type, "http://xmlns.com/foaf/0.1/Agent"),  # Agency ⊑ org:Organization ⊑ foaf:Agent
        ("jurisdiction/370902", SKOS + "broaderTransitive", "jurisdiction/100000"),  # transitive, 3 steps
        ("jurisdiction/100000", SKOS + "narrowerTransitive", "jurisdiction/370902"),  # inverse of it
        ("jurisdiction/370902", RDF.type, SKOS + "Concept"),  # range of skos:semanticRelation
        ("agency/y", "http://www.w3.org/ns/org#transitiveSubOrganizationOf", "agency/x"),
    ],
)
def test_instance_rules(triple):
    store = load(TRIG)
    inferred = {(str(s), str(p), str(o)) for s, p, o in triples(infer(store, list(store.named_graphs())))}
    s, p, o = triple
    assert (_expand(s), str(p), _expand(o)) in inferred


def test_valid_fixture_is_consistent(valid_store):
    assert check_consistency(valid_store, list(valid_store.named_graphs())) == []


@pytest.mark.parametrize(
    ("statements", "problem"),
    [
        ("<doc/a> a pkg:Notice , pkg:Plan .", "is both a <https://w3id.org/policykg/ontology#Notice> and a "
         "<https://w3id.org/policykg/ontology#Plan>, which are disjoint"),
        # disjointness found only after inference: pkg:issuesPlan ranges over plans, pkg:text over texts
        ("<doc/a> pkg:issuesPlan <doc/a/x> ; pkg:text <doc/a/x> .", "which are disjoint (owl:disjointWith"),
        ('<doc/a/target/x> pkg:value 5.0 , 7.5 .', "two values of the functional property "
         "<https://w3id.org/policykg/ontology#value>"),
        ("<doc/a> pkg:issuesPlan <doc/a/plan> . <doc/b> pkg:issuesPlan <doc/a/plan> .",
         "share the value <https://w3id.org/policykg/doc/a/plan> of the inverse-functional property"),
        ("<doc/a> a owl:Nothing .", "is a member of owl:Nothing"),
    ],
)
def test_inconsistencies_are_reported(statements, problem):
    store = load(
        "@base <https://w3id.org/policykg/> .\n@prefix pkg: <https://w3id.org/policykg/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<graph/a> { " + statements + " }\n"
    )
    problems = check_consistency(store, list(store.named_graphs()))
    assert problems and any(problem in p for p in problems), problems


def test_tbox_is_closed_once_and_cached():
    tbox = load_tbox()
    assert load_tbox(DEFAULT_ONTOLOGY) is tbox
    assert (PKG + "ProgramItem", PKG + "Program") in tbox.subclass_of
    assert (PKG + "ProgramItem", "http://www.w3.org/ns/prov#Entity") in tbox.subclass_of  # transitive
    assert (PKG + "parentJurisdiction", SKOS + "broaderTransitive") in tbox.subproperty_of
    assert (PKG + "issuedBy", PKG + "issuesPlan") in tbox.inverse_of
    assert SKOS + "broaderTransitive" in tbox.transitive
    assert not [c for _, c in tbox.subclass_of if c in {str(OWL.Thing), str(RDFS.Resource)}]


def test_tbox_is_kept_on_disk_and_read_back_equal(tmp_path, monkeypatch):
    from policykg.kg import reasoning

    computed = load_tbox(DEFAULT_ONTOLOGY, cache_dir=tmp_path)
    assert computed == load_tbox(DEFAULT_ONTOLOGY)
    assert len(list((tmp_path / "tbox").glob("tbox-*.json"))) == 1

    def fail(*_args):
        raise AssertionError("the stored TBox should have been read")

    monkeypatch.setattr(reasoning, "_load_tbox", fail)
    stored = load_tbox(DEFAULT_ONTOLOGY, cache_dir=tmp_path)
    assert stored == computed and repr(stored) == repr(computed)  # the graph entries' key is its repr
    (next((tmp_path / "tbox").glob("tbox-*.json"))).write_text("{damaged", encoding="utf-8")
    with pytest.raises(AssertionError, match="should have been read"):
        load_tbox(DEFAULT_ONTOLOGY, cache_dir=tmp_path)  # a damaged entry is computed again
