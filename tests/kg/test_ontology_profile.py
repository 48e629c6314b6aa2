"""The ontology is in the profile it claims (OWL 2 RL, and OWL 2 DL), checked by the OWL API's own
profile checkers; and every term the builder emits is declared in it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from policykg import config
from policykg.kg.namespaces import BASE, INFERRED_GRAPH, VOCABULARY_GRAPH

CHECKER = Path(__file__).resolve().parents[1] / "tools" / "OwlProfile.java"
OWLAPI_JAR = Path("/usr/share/java/owlapi-distribution.jar")
SHAPES_GRAPH = BASE + "graph/shapes"
BUILT_IN = {str(RDF.type), str(RDFS.label), str(RDFS.comment), str(RDFS.seeAlso)}
TINY = """@prefix : <https://example.org/t#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/t> a owl:Ontology .
:when a owl:DatatypeProperty ; rdfs:range xsd:date .
:C rdfs:subClassOf :Undeclared .
"""


def run_checker(*files: Path) -> list[list[str]]:
    if shutil.which("java") is None or not OWLAPI_JAR.exists():
        message = "needs Java and Debian's OWL API (apt-get install libowlapi-java)"
        if os.environ.get("POLICYKG_REQUIRE_OWLAPI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(["java", "-cp", "/usr/share/java/*", str(CHECKER), "RL,DL", *map(str, files)],
                            capture_output=True, text=True, timeout=300, check=True)
    return [line.split("\t") for line in result.stdout.splitlines() if line.startswith(("VIOLATION", "CHECKED"))]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, list[list[str]]]:
    """One checker run (a JVM start is slow): the ontology files merged, and a tiny bad ontology."""
    folder = tmp_path_factory.mktemp("owl")
    merged = Graph()
    for path in sorted(config.ONTOLOGY_DIR.glob("*.ttl")):
        merged.parse(path, format="turtle")
    merged.serialize(folder / "policykg.ttl", format="turtle")
    (folder / "tiny.ttl").write_text(TINY, encoding="utf-8")
    lines = run_checker(folder / "policykg.ttl", folder / "tiny.ttl")
    return {name: [line for line in lines if Path(line[1]).name == name] for name in ("policykg.ttl", "tiny.ttl")}


def test_ontology_is_in_owl2_rl_and_dl(checked):
    lines = checked["policykg.ttl"]
    violations = [line[2:] for line in lines if line[0] == "VIOLATION"]
    assert violations == []
    assert sorted(line[2] for line in lines if line[0] == "CHECKED") == ["DL", "RL"]


def test_the_checker_reports_date_ranges_and_undeclared_classes(checked):
    kinds = {(line[2], line[3]) for line in checked["tiny.ttl"] if line[0] == "VIOLATION"}
    assert ("RL", "UseOfIllegalDataRange") in kinds
    assert ("DL", "UseOfUndeclaredClass") in kinds


def test_every_term_the_builder_emits_is_declared(store):
    vocabulary = ox_graph_terms(store)
    declared_properties = {s for s, o in vocabulary if o in (str(OWL.ObjectProperty), str(OWL.DatatypeProperty),
                                                              str(OWL.AnnotationProperty))}
    declared_classes = {s for s, o in vocabulary if o == str(OWL.Class)}
    excluded = f"<{VOCABULARY_GRAPH}>, <{SHAPES_GRAPH}>, <{INFERRED_GRAPH}>, <{BASE}graph/void>"
    used = store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({excluded})) }}")
    undeclared = sorted(row["p"].value for row in used)
    assert [p for p in undeclared if p not in declared_properties | BUILT_IN] == []
    classes = store.query(f"SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?s a ?c }} FILTER(?g NOT IN ({excluded})) }}")
    assert sorted(row["c"].value for row in classes if row["c"].value not in declared_classes) == []


def ox_graph_terms(store) -> set[tuple[str, str]]:
    query = f"SELECT ?s ?o WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ ?s a ?o }} }}"
    return {(row["s"].value, row["o"].value) for row in store.query(query)}
