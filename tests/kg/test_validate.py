"""SHACL validation (kg/validation/) against the shapes in shapes/policykg-shapes.ttl.

Each shape has a broken fixture in tests/data/shapes/ named after it; the test lists what the shape
must say about the fixture's broken resource, and nothing else may be said about that resource by
the structural shapes. SHACL-SPARQL fixtures are checked through the results of their constraint.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from policykg.errors import ValidationError
from policykg.kg.namespaces import BASE, PKG, SH
from policykg.kg.validation import (
    DEFAULT_SHAPES,
    DEFAULT_VOCABULARY,
    ValidationOptions,
    split_shapes,
    validate,
    validate_vocabulary,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "shapes"
PKGSH = "https://w3id.org/policykg/shapes#"
ONTOLOGY, UNITS = DEFAULT_VOCABULARY

# fixture → (focus node relative to BASE, substrings of the messages expected on it, one per result)
STRUCTURAL = {
    "NoticeShape": ("doc/t-2021-1", ["eli:id_local must be one document number", "rdfs:label in English"]),
    "PlanShape": ("doc/t-2021-1/plan", ["eli:applies must point", "pkg:level", "pkg:period"]),
    "CitedWorkShape": ("work/t", ["id_local of a cited work", "named by at least one annotation"]),
    "DocumentTextShape": ("doc/t-2021-1/text", ["pkg:sha256", "pkg:sourceFile"]),
    "TextSpanShape": (
        "doc/t-2021-1/text/10-5",
        ["nif:anchorOf", "below its nif:endIndex", "nif:annotationUnit"],
    ),
    "ReceiptRecordShape": ("doc/t-2021-1/receipt", ["pkg:receiptNumber", "pkg:receivedOn", "pkg:recordOf"]),
    "AddresseeGroupShape": ("doc/t-2021-1/addressee/40", ["prov:wasDerivedFrom", "rdfs:label in Chinese"]),
    "IndicatorShape": ("doc/t-2021-1/indicator/x", ["exactly one pkg:IndicatorConcept", "pkg:partOf", "pkg:inPlan"]),
    "QuantitativeStatementShape": (
        "doc/t-2021-1/target/x/2021--2025",
        ["pkg:aggregation", "pkg:comparator", "pkg:period", "pkg:value", "given exactly when"],
    ),
    "IndicatorTargetShape": ("doc/t-2021-1/target/x/2021--2025", ["pkg:nature is at most one"]),
    "BaselineShape": ("doc/t-2021-1/baseline/x/2016--2020", ["has no pkg:nature"]),
    "DeadlineShape": ("doc/t-2021-1/deadline/100", ["pkg:Task or pkg:IndicatorTarget", "pkg:dueDate"]),
    "TaskShape": ("doc/t-2021-1/task/120", ["class pkg:Agency", "rdfs:label in Chinese"]),
    "ProgramShape": ("programme/t", ["class pkg:ProgramItem", "prov:wasDerivedFrom"]),
    "ProgrammeBoxShape": ("doc/t-2021-1/programme/box-0", ["pkg:boxNumber", "pkg:inPlan", "rdfs:label in English"]),
    "ProgramItemShape": (
        "doc/t-2021-1/programme/box-1/item-1",
        ["isPartOf exactly one programme box", "pkg:itemNumber", "More than 1 values"],
    ),
    "PublicServiceShape": ("programme/golden-blue-collar", ["only a named programme of measures",
                                                            "cv:PublicOrganisation"]),
    "NamedProgramShape": ("programme/malan-flower", ["pkg:mentionedIn", "rdfs:label in English",
                                                     "pkg:programmeKind"]),
    "AgencyShape": (
        "agency/shandong-hrss",
        ["class pkg:Agency", "named by at least one annotation", "skos:prefLabel in English",
         "at most one per language", "exactly one pkg:jurisdiction"],
    ),
    "PersonShape": ("person/he-wei", ["foaf:name"]),
    "AnnotationUnitShape": ("doc/t-2021-1/text/annotation/T9", [
        "pkg:annotationType", "pkg:annotationId of the form T<n>", "at most one resource",
        "at least one pkg:TextSpan"]),
    "ThingNotDerivedShape": ("agency/mohrss", ["not derived from a text span"]),
    "TargetGroupShape": ("group/veterans", ["scheme/target-groups", "skos:prefLabel in English"]),
    "IndicatorConceptShape": (
        "indicator/subsidized-training",
        ["scheme/indicators", "prefLabel in English", "prefLabel in Chinese", "at most one per language",
         "pkg:measureKind"],
    ),
    "JurisdictionShape": ("jurisdiction/370900", ["six-digit", "pkg:parentJurisdiction is at most one"]),
    "UnitShape": ("unit/person-time-x", ["scheme/units", "skos:notation"]),
    "PeriodShape": ("period/2025--2021", ["time:hasEnd", "not after its pkg:endDate"]),
    "InstantShape": ("instant/2025", ["time:inXSDDate"]),
    "DurationShape": ("duration/P1W", ["time:numericDuration", "time:unitType", "skos:notation"]),
}

# fixture → (severity, expected result messages of that shape's constraint(s), exactly)
SPARQL = {
    "SubIndicatorWithinParentShape": ("Violation", [
        "其中 target pkgr:doc/t-2022-1/target/migrants/2021--2025 = 1500000 for pkgr:doc/t-2022-1/indicator/migrants "
        "exceeds the parent indicator pkgr:doc/t-2022-1/indicator/training's target "
        "pkgr:doc/t-2022-1/target/training/2021--2025 = 1000000 (plan pkgr:doc/t-2022-1/plan, "
        "period pkgr:period/2021--2025, unit pkgr:unit/person-time)",
    ]),
    "ChildJurisdictionWithinParentShape": ("Warning", [
        "target pkgr:doc/t-2022-2/target/training/2021--2025 = 80000000 of pkgr:jurisdiction/370000 exceeds "
        "pkgr:doc/t-2022-1/target/training/2021--2025 = 75000000 of the enclosing jurisdiction "
        "pkgr:jurisdiction/100000 for concept pkgr:indicator/training (period pkgr:period/2021--2025, "
        "unit pkgr:unit/person-time)",
        # a city above the nation (two steps up) but not above its province; the unit is its indicator's
        "target pkgr:doc/t-2022-3/target/training/2021--2025 = 78000000 of pkgr:jurisdiction/370100 exceeds "
        "pkgr:doc/t-2022-1/target/training/2021--2025 = 75000000 of the enclosing jurisdiction "
        "pkgr:jurisdiction/100000 for concept pkgr:indicator/training (period pkgr:period/2021--2025, "
        "unit pkgr:unit/person-time)",
    ]),
    "TargetPeriodWithinPlanShape": ("Violation", [
        "target pkgr:doc/t-2022-1/target/training/2021--2030 applies to 2021-01-01..2030-12-31, outside the "
        "period 2021-01-01..2025-12-31 of its plan pkgr:doc/t-2022-1/plan",
    ]),
    "AnchorMatchesTextShape": ("Violation", [
        'span pkgr:doc/t-2022-1/text/2-4: nif:anchorOf "人力资源" differs from the text at [2, 4), '
        'which reads "人力"',
    ]),
    "StockAtInstantShape": ("Violation", [
        "pkgr:doc/t-2022-1/baseline/stock/2016--2020 measures pkgr:indicator/stock, a stock, but its period "
        "https://w3id.org/policykg/period/2016--2020 is not an instant",
        "pkgr:doc/t-2022-1/target/flow/2025-12-31 measures pkgr:indicator/flow, a flow, but its period "
        "https://w3id.org/policykg/instant/2025-12-31 is an instant",
    ]),
    "RecipientNotFromReceiptFormShape": ("Violation", [
        "recipient pkgr:agency/gansu-hrss of pkgr:doc/t-2022-1 is named only on the receipt form (at 20, before the "
        "notice's number at 30): it belongs to the receipt's pkg:circulatedTo",
    ]),
    "NoJoiningSpaceShape": ("Violation", [
        'pkgr:doc/t-2022-1 rdfs:label "关于印发《山东省“十四五”职业技能 培训规划》的通知" has a space '
        'between two Chinese characters ("能 培") that no source text has',
    ]),
    "PeriodBoundsAgreeShape": ("Violation", [
        "period pkgr:period/2021--2025: pkg:startDate 2021-01-01 differs from the time:inXSDDate 2020-01-01 "
        "of pkgr:instant/2020-01-01",
    ]),
}


@pytest.fixture(scope="module")
def valid_report():
    return validate(DATA / "valid.trig")


def test_valid_fixture_conforms_without_any_result(valid_report):
    assert valid_report.conforms, valid_report.text()
    assert valid_report.results == []
    assert valid_report.units == 2
    assert valid_report.exit_code == 0


@pytest.mark.parametrize("shape", sorted(STRUCTURAL))
def test_structural_shape_rejects_its_broken_fixture(shape):
    focus, expected = STRUCTURAL[shape]
    report = validate(DATA / f"{shape}.ttl")
    assert not report.conforms
    assert report.exit_code == 1
    messages = sorted(
        r.message for r in report.results if r.focus_node == BASE + focus and r.source_constraint is None
    )
    assert len(messages) == len(expected), messages
    for part in expected:
        assert any(part in m for m in messages), (part, messages)


def test_every_node_shape_has_a_broken_fixture():
    shapes = Graph().parse(DEFAULT_SHAPES)
    node_shapes = {str(s).removeprefix(PKGSH) for s in shapes.subjects(SH.targetClass, None)}
    node_shapes |= {str(s).removeprefix(PKGSH) for s in shapes.subjects(SH.targetSubjectsOf, None)}
    covered = set(STRUCTURAL) | set(SPARQL) | {"BasisPredatesPlanShape"}
    assert node_shapes == covered
    for shape in covered:
        assert any((DATA / f"{shape}.{ext}").exists() for ext in ("ttl", "trig")), shape


@pytest.mark.parametrize("shape", sorted(SPARQL))
def test_sparql_constraint_rejects_its_broken_fixture(shape):
    severity, expected = SPARQL[shape]
    report = validate(DATA / f"{shape}.trig")
    found = [r for r in report.results if r.source_shape == PKGSH + shape]
    assert [r.message for r in found] == expected
    assert {r.severity for r in found} == {severity}
    assert all(r.source_constraint and r.source_constraint.startswith(PKGSH) for r in found)


def test_basis_signed_after_the_plan_is_a_violation_and_an_undated_basis_only_an_info():
    report = validate(DATA / "BasisPredatesPlanShape.trig", options=ValidationOptions(structural=False))
    by_severity = {r.severity: r for r in report.results}
    assert set(by_severity) == {"Violation", "Info"}
    assert by_severity["Violation"].focus_node == BASE + "doc/t-2022-1/plan"
    assert by_severity["Violation"].message == (
        "plan pkgr:doc/t-2022-1/plan (dated 2022-06-10 by its signature date) is based on "
        "pkgr:doc/t-2022-2/plan, which was signed later, on 2022-08-01"
    )
    # the basis of doc/t-2021-4 is a copy known only by its receipt date: no violation, an info
    assert by_severity["Info"].focus_node == BASE + "doc/t-2021-4/plan"
    assert "has no signature date; its receipt date 2021-12-28 is later" in by_severity["Info"].message
    # doc/t-2022-5 is dated by its receipt (2022-01-05), after its basis signed 2021-12-01: fine
    assert not any(r.focus_node == BASE + "doc/t-2022-5/plan" for r in report.results)


def test_warnings_alone_conform():
    report = validate(DATA / "ChildJurisdictionWithinParentShape.trig", options=ValidationOptions(structural=False))
    assert [r.severity for r in report.results] == ["Warning", "Warning"]
    assert report.conforms and report.exit_code == 0


def test_pyshacl_agrees_on_the_child_jurisdiction_warnings():
    """The SHACL-SPARQL query is written for Oxigraph's join order; pySHACL, evaluating it per focus node
    with $this pre-bound, must find the same solutions."""
    import pyshacl

    fixture = DATA / "ChildJurisdictionWithinParentShape.trig"
    ours = validate(fixture, options=ValidationOptions(structural=False)).results
    data = Graph()
    store = ox.Store()
    store.load(path=str(fixture), format=ox.RdfFormat.TRIG)
    data.parse(data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in store), format="nt")
    for path in DEFAULT_VOCABULARY:
        data.parse(path)
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=Graph().parse(DEFAULT_SHAPES), inference="none")
    theirs = sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultMessage)).replace(BASE, "pkgr:"))
        for r in report.subjects(SH.sourceConstraint, URIRef(PKGSH + "ChildJurisdictionWithinParent"))
    )
    assert theirs == sorted((r.focus_node, r.message) for r in ours)
    assert len(theirs) == 2


def test_report_text_is_grouped_by_severity():
    report = validate(DATA / "BasisPredatesPlanShape.trig", options=ValidationOptions(structural=False))
    text = report.text()
    assert text.startswith("Conforms: no — 1 violation(s), 0 warning(s), 1 info(s)")
    assert text.index("Violations (1):") < text.index("Infos (1):")
    assert "(pkgsh:BasisPredatesPlanShape)" in text


def test_inputs_store_dataset_and_paths_agree():
    path = DATA / "NoticeShape.ttl"
    from_path = validate(path)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    graph = Graph().parse(path)
    assert validate(store).results == from_path.results
    assert validate(graph).results == from_path.results
    assert validate([path]).results == from_path.results


def test_a_resource_described_in_two_graphs_is_validated_once_with_all_its_triples():
    ds = Dataset()
    agency = URIRef(BASE + "agency/mohrss")
    span = URIRef(BASE + "doc/a/text/0-4")
    g1 = ds.graph(URIRef(BASE + "graph/a"))
    g1.add((agency, RDF.type, PKG.Agency))
    g1.add((agency, SKOS.prefLabel, Literal("人力资源社会保障部", lang="zh")))
    g1.add((agency, PKG.jurisdiction, URIRef(BASE + "jurisdiction/100000")))
    g1.add((URIRef(BASE + "jurisdiction/100000"), RDF.type, PKG.Jurisdiction))
    unit = URIRef(BASE + "doc/a/text/annotation/T1")
    g1.add((unit, URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef"), agency))
    g1.add((unit, RDF.type, URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#AnnotationUnit")))
    g1.add((span, RDF.type, PKG.TextSpan))
    g2 = ds.graph(URIRef(BASE + "graph/b"))
    g2.add((agency, RDF.type, PKG.Agency))
    g2.add((agency, SKOS.prefLabel, Literal("Ministry of Human Resources and Social Security", lang="en")))
    report = validate(ds, options=ValidationOptions(sparql=False))
    assert [r for r in report.results if r.focus_node == str(agency)] == []
    # restricted to graph/b alone, the agency lacks its Chinese label, jurisdiction and the annotation naming it
    only_b = validate(ds, graphs=[BASE + "graph/b"], options=ValidationOptions(sparql=False))
    messages = sorted(r.message for r in only_b.results if r.focus_node == str(agency))
    assert len(messages) == 3 and "jurisdiction" in messages[0] and "named by" in messages[1]
    assert "in Chinese" in messages[2]


def test_sparql_constraints_are_taken_out_of_the_shapes_for_pyshacl():
    shapes = Graph().parse(DEFAULT_SHAPES)
    structural, constraints = split_shapes(shapes)
    assert not list(structural.triples((None, SH.sparql, None)))
    assert {c.constraint.removeprefix(PKGSH) for c in constraints} == {
        "SubIndicatorWithinParent", "ChildJurisdictionWithinParent", "TargetPeriodWithinPlan",
        "BasisPredatesPlan", "BasisDateUnknown", "AnchorMatchesText", "PeriodBoundsAgree", "StockAtInstant",
        "NoJoiningSpace", "RecipientNotFromReceiptForm",
    }
    anchor = next(c for c in constraints if c.constraint.endswith("AnchorMatchesText"))
    assert anchor.targets.classes == (str(PKG.TextSpan),)
    assert anchor.prefixes["nif"] == "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"


def test_sparql_constraints_keep_only_the_focus_nodes_of_their_shape(tmp_path):
    """The query runs once with $this free; only solutions whose $this is a focus node count."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:S> sh:targetClass <urn:C> ; sh:sparql <urn:K> .\n"
        "<urn:K> sh:message \"{$this} has {?x}\" ; sh:select \"SELECT $this ?x WHERE { $this ex:p ?x }\" ;\n"
        "  sh:prefixes <urn:S> . <urn:S> sh:declare [ sh:prefix \"ex\" ; sh:namespace \"urn:\" ] .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text("<urn:a> a <urn:C> ; <urn:p> 1 . <urn:b> <urn:p> 2 .\n", encoding="utf-8")
    report = validate(data, shapes, options=ValidationOptions(structural=False))
    assert [(r.focus_node, r.message) for r in report.results] == [("urn:a", "urn:a has 1")]


def test_a_query_that_does_not_project_this_is_refused(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:S> sh:targetNode <urn:a> ; sh:sparql <urn:K> .\n"
        "<urn:K> sh:select \"SELECT ?x WHERE { $this <urn:p> ?x }\" .\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="must project"):
        validate(DATA / "valid.trig", shapes, options=ValidationOptions(structural=False))


def test_malformed_sparql_constraint_is_a_validation_error(tmp_path):
    shapes = tmp_path / "bad.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:S> sh:targetNode <urn:n> ; sh:sparql <urn:C> .\n"
        "<urn:C> sh:select \"SELECT $this WHERE { $this ?p \" .\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="urn:C"):
        validate(DATA / "valid.trig", shapes)


# --------------------------------------------------------------------------------------------
# The vocabulary the shapes rely on
# --------------------------------------------------------------------------------------------


def test_vocabulary_files_conform_to_the_shapes():
    report = validate_vocabulary()
    assert report.conforms and report.results == [], report.text()


def test_unit_labels_are_printed_forms_and_belong_to_one_unit():
    units = Graph().parse(UNITS)
    owner: dict[str, URIRef] = {}
    for unit, label in [*units.subject_objects(SKOS.prefLabel), *units.subject_objects(SKOS.altLabel)]:
        if label.language != "zh":
            continue
        folded = unicodedata.normalize("NFKC", str(label)).replace(" ", "")
        assert owner.setdefault(folded, unit) == unit, (folded, unit, owner[folded])
        assert (unit, RDF.type, PKG.Unit) in units
    for printed in ("人次", "人", "个", "家", "%", "元", "所", "项", "名"):
        assert printed in owner
    assert owner["％".replace("％", "%")] == URIRef(BASE + "unit/percent")
    assert (URIRef(BASE + "unit/percent"), SKOS.altLabel, Literal("％", lang="zh")) in units


def test_ontology_terms_have_bilingual_labels_and_definitions_and_no_blank_nodes():
    onto = Graph().parse(ONTOLOGY)
    assert not [t for t in onto if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
    terms = {s for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(str(PKG))}
    assert len(terms) > 80
    for term in terms:
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in onto.objects(term, prop)}
            assert {"zh", "en"} <= langs, (term, prop, langs)


def test_ontology_declares_every_term_of_the_design():
    design = (Path(__file__).resolve().parents[2] / "docs" / "design.md").read_text(encoding="utf-8")
    used = set(re.findall(r"pkg:([A-Za-z][A-Za-z0-9]*)", design))
    onto = Graph().parse(ONTOLOGY)
    declared = {str(s).removeprefix(str(PKG)) for s in onto.subjects(RDF.type, None) if str(s).startswith(str(PKG))}
    assert used - declared == set()
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    for external in ("eli:applies", "org:subOrganizationOf", "skos:broader", "prov:wasDerivedFrom",
                     "time:hasBeginning", "nif:referenceContext", "dcterms:hasPart"):
        prefix, local = external.split(":")
        iri = next(iri for p, iri in onto.namespaces() if p == prefix) + local
        assert set(onto.objects(URIRef(iri), RDF.type)) & kinds, external
        assert onto.value(URIRef(iri), RDFS.isDefinedBy) is not None, external


@pytest.mark.parametrize("path", [DEFAULT_SHAPES, ONTOLOGY, UNITS], ids=lambda p: p.name)
def test_no_two_blank_nodes_say_the_same_thing(path):
    """The builder names blank nodes after their content (build/vocabulary.py) and refuses twins."""
    graph = Graph().parse(path)
    memo: dict[BNode, tuple] = {}

    def content(node: BNode) -> tuple:
        if node not in memo:
            memo[node] = tuple(sorted(
                (str(p), content(o) if isinstance(o, BNode) else str(o)) for p, o in graph.predicate_objects(node)
            ))
        return memo[node]

    nodes = {n for t in graph for n in (t[0], t[2]) if isinstance(n, BNode)}
    contents = [content(n) for n in nodes]
    assert len(set(contents)) == len(contents)


def test_plain_pyshacl_accepts_the_shapes_and_agrees_on_the_valid_fixture():
    """The shapes stay standard SHACL(-SPARQL): pySHACL alone, over the merged graph, agrees."""
    import pyshacl

    data = Graph()
    store = ox.Store()
    store.load(path=str(DATA / "valid.trig"), format=ox.RdfFormat.TRIG)
    data.parse(data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in store), format="nt")
    for path in DEFAULT_VOCABULARY:
        data.parse(path)
    conforms, _graph, text = pyshacl.validate(data, shacl_graph=Graph().parse(DEFAULT_SHAPES), inference="none")
    assert conforms, text


def test_report_as_turtle_is_a_shacl_validation_report():
    """`policykg validate --format turtle` prints this: parseable, with sh:conforms and one sh:result each."""
    from rdflib import Graph, Literal
    from rdflib.namespace import RDF, SH

    from policykg.kg.validation import ValidationReport, ValidationResult

    report = ValidationReport.from_results([
        ValidationResult("Violation", "https://w3id.org/policykg/doc/t-2021-1", "http://purl.org/dc/terms/title",
                         "5", "needs a title", "https://w3id.org/policykg/shapes#NoticeShape"),
        ValidationResult("Warning", "https://w3id.org/policykg/programme/x", None, None, "no kind",
                         "https://w3id.org/policykg/shapes#NamedProgramShape"),
    ])
    graph = Graph().parse(data=report.turtle(), format="turtle")
    (node,) = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert graph.value(node, SH.conforms) == Literal(False)
    assert len(list(graph.objects(node, SH.result))) == 2
    assert (None, SH.resultSeverity, SH.Violation) in graph


# --------------------------------------------------------------------------------------------
# `policykg validate`: pySHACL's exit-code contract
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("extra_shape", "code"), [
    ("", 0),  # the build conforms
    ("<urn:EveryPlan> sh:targetClass pkg:Plan ; sh:property [ sh:path <urn:missing> ; sh:minCount 1 ] .", 1),
    ("<urn:Broken> sh:targetClass pkg:Plan ; sh:sparql [ sh:select \"SELECT $this WHERE {\" ] .", 2),
])
def test_cli_exit_code_is_0_conforms_1_violation_2_error(built, monkeypatch, tmp_path, extra_shape, code):
    from click.testing import CliRunner

    from policykg import config
    from policykg.cli import main

    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "policykg-shapes.ttl").write_bytes(DEFAULT_SHAPES.read_bytes())
    (shapes / "extra.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"@prefix pkg: <{PKG}> .\n{extra_shape}\n", encoding="utf-8")
    monkeypatch.setattr(config, "SHAPES_DIR", shapes)
    monkeypatch.setenv("POLICYKG_DATA", str(built.path.parent.parent))
    result = CliRunner().invoke(main, ["validate", "--no-cache"])
    assert result.exit_code == code, result.output
    if code == 1:
        assert "Conforms: no" in result.output and "urn:missing" in result.output
