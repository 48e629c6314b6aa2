"""SHACL Core compiled to SPARQL (kg/validation/core_compiler.py, core.py) agrees with plain pySHACL.

The reference is pySHACL alone over the same data graph (the merge of the validated graphs plus the
vocabulary's rdf:type and rdfs:subClassOf triples), keeping results on owned focus nodes. Both must
agree on conforms and on the set of (focus node, result path, constraint component), on the real
build and on every broken fixture of tests/data/shapes/ — which together violate every constraint
component the shapes use.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from policykg import config
from policykg.kg.dataset import merge_graphs
from policykg.kg.namespaces import SH
from policykg.kg.store import open_store
from policykg.kg.validation import (
    DEFAULT_SHAPES,
    DEFAULT_VOCABULARY,
    ValidationOptions,
    data_graphs,
    load_store,
    split_shapes,
    to_rdflib,
    validate,
)
from policykg.kg.validation.core_compiler import ShapeCompiler, is_node_shape_with_targets

DATA = Path(__file__).resolve().parent.parent / "data" / "shapes"
FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix in (".ttl", ".trig"))
Key = tuple[str, str | None, str]


def _node(value: str) -> str:
    """A focus node as compared: blank node labels differ between two loads, so they are all "_:"."""
    return value if ":" in value else "_:"


def reference(source: ox.Store | Path, shapes: Path = DEFAULT_SHAPES,
              vocabulary: tuple[Path, ...] = DEFAULT_VOCABULARY) -> tuple[bool, set[Key]]:
    """Plain pySHACL over the merged data graph: conforms and the (focus, path, component) set."""
    store = load_store(source)
    merged = merge_graphs(store, data_graphs(store))
    owned = {to_rdflib(q.subject) for q in merged}
    data = Graph()
    for q in merged:
        data.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    background = Graph()
    for path in vocabulary:
        background.parse(path)
    for predicate in (RDF.type, RDFS.subClassOf):
        for triple in background.triples((None, predicate, None)):
            data.add(triple)
    structural, _sparql = split_shapes(Graph().parse(shapes))
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=structural, inference="none", advanced=False)
    keys: set[Key] = set()
    conforms = True
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        if focus not in owned:
            continue
        path = report.value(result, SH.resultPath)
        keys.add((_node(str(focus)), str(path) if isinstance(path, URIRef) else None,
                  str(report.value(result, SH.sourceConstraintComponent))))
        conforms &= report.value(result, SH.resultSeverity) != SH.Violation
    return conforms, keys


def compiled(source: ox.Store | Path, shapes: Path = DEFAULT_SHAPES,
             vocabulary: tuple[Path, ...] = DEFAULT_VOCABULARY) -> tuple[bool, set[Key]]:
    report = validate(source, shapes, options=ValidationOptions(vocabulary=vocabulary, sparql=False))
    return report.conforms, {(_node(r.focus_node), r.path, r.component) for r in report.results}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_compiled_core_agrees_with_pyshacl_on_each_fixture(fixture):
    assert compiled(fixture) == reference(fixture)


def test_the_fixtures_violate_every_constraint_component_the_shapes_check_on_focus_nodes():
    """Every component a result can name (those of shapes with targets and their property shapes);
    components used only inside other shapes (sh:languageIn in pkgsh:ZhLiteral, sh:class in an sh:or)
    are exercised through the result of the shape that uses them."""
    structural, _sparql = split_shapes(Graph().parse(DEFAULT_SHAPES))
    compiler = ShapeCompiler(structural, lambda cls: [cls])
    tops = {s for s in structural.subjects() if is_node_shape_with_targets(structural, s)}
    used = {check.component for shape in tops for check in compiler.checks(shape)}
    seen = set().union(*(compiled(f)[1] for f in FIXTURES))
    assert used - {component for _focus, _path, component in seen} == set()


def test_compiled_core_agrees_with_pyshacl_on_the_real_graph(built):
    store = open_store(built, in_memory=True, merge=False)
    vocabulary = tuple(sorted(config.ONTOLOGY_DIR.glob("*.ttl")))
    conforms, keys = compiled(store, vocabulary=vocabulary)
    assert (conforms, keys) == reference(store, vocabulary=vocabulary)
    assert conforms


def test_a_shape_the_compiler_does_not_translate_is_validated_by_pyshacl(tmp_path):
    """sh:closed is not compiled: its shape goes to pySHACL, nothing is skipped."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "<urn:Closed> sh:targetClass <urn:C> ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ;\n"
        "    sh:property [ sh:path <urn:p> ; sh:maxCount 1 ] .\n"
        "<urn:Compiled> sh:targetClass <urn:C> ; sh:property [ sh:path <urn:q> ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text("<urn:a> a <urn:C> ; <urn:p> 1, 2 ; <urn:r> 3 .\n", encoding="utf-8")
    conforms, keys = compiled(data, shapes, vocabulary=())
    assert not conforms
    assert keys == {
        ("urn:a", "urn:r", str(SH.ClosedConstraintComponent)),
        ("urn:a", "urn:p", str(SH.MaxCountConstraintComponent)),
        ("urn:a", "urn:q", str(SH.MinCountConstraintComponent)),
    }
    assert (conforms, keys) == reference(data, shapes, vocabulary=())


def test_a_declared_sparql_constraint_component_is_not_skipped(tmp_path):
    """A parameter of a component declared in the shapes graph (SHACL §6) is left to pySHACL."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <http://example.org/ns#> .\n"
        "ex:NoValue a sh:ConstraintComponent ; sh:parameter [ sh:path ex:forbidden ] ;\n"
        "  sh:validator [ a sh:SPARQLAskValidator ; sh:message \"has {$forbidden}\" ;\n"
        "    sh:ask \"ASK { FILTER NOT EXISTS { $this $forbidden ?any } }\" ] .\n"
        "<urn:S> sh:targetClass <urn:C> ; ex:forbidden <urn:p> .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text("<urn:a> a <urn:C> ; <urn:p> 1 . <urn:b> a <urn:C> .\n", encoding="utf-8")
    report = validate(data, shapes, options=ValidationOptions(vocabulary=(), sparql=False))
    assert [(r.focus_node, r.component) for r in report.results] == [("urn:a", "http://example.org/ns#NoValue")]
