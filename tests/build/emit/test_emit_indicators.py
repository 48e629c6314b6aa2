"""build.emit.indicators: one indicator per concept and plan; mentions agree on whom they count."""

import pytest

from policykg.build.annotations import Relation
from policykg.build.emit.indicators import emit_indicators, unit_of
from policykg.build.emit.terms import en, zh
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE


def test_indicators_and_concepts(ctx, written):
    concept_of = emit_indicators(ctx)
    assert concept_of == {"T23": "subsidized-training", "T28": "subsidized-training",
                          "T25": "migrant-worker-training", "T33": "skilled-talent-stock"}
    quads, d = written(ctx.out), ctx.iris
    assert quads.iris(d.plan, ns.PKG.hasIndicator) == {d.indicator(c) for c in concept_of.values()}
    subsidised = d.indicator("subsidized-training")
    assert quads.objects(subsidised, ns.RDFS.label) == {zh("补贴性职业技能培训"),
                                                        en("Subsidised vocational skills training")}
    assert quads.objects(subsidised, ns.SKOS.altLabel) == set()  # both mentions read alike
    assert quads.iris(subsidised, ns.PKG.unit) == {BASE + "unit/person-time"}  # from the table mention
    assert quads.iris(subsidised, ns.PKG.measures) == {BASE + "indicator/subsidized-training"}
    migrant = d.indicator("migrant-worker-training")
    assert quads.iris(migrant, ns.PKG.partOf) == {subsidised}
    assert quads.iris(migrant, ns.PKG.concerns) == {BASE + "group/migrant-workers"}
    assert quads.iris(BASE + "indicator/skilled-talent-stock", ns.PKG.measureKind) == {str(ns.PKG.Stock)}
    assert quads.iris(BASE + "indicator/subsidized-training", ns.PKG.measureKind) == {str(ns.PKG.Flow)}
    assert quads.iris(BASE + "indicator/subsidized-training", ns.SKOS.inScheme) == {BASE + "scheme/indicators"}


def test_other_wordings_are_alternative_labels(doc, make_context, written):
    doc.entities["T28"].text = "补贴性培训"
    ctx = make_context(doc)
    emit_indicators(ctx)
    node = ctx.iris.indicator("subsidized-training")
    assert written(ctx.out).objects(node, ns.SKOS.altLabel) == {zh("补贴性培训")}


def test_mentions_must_concern_the_same_groups(doc, make_context):
    doc.entities["T37"].notes["id"] = "rural-workers"
    doc.relations += [Relation("R98", "concerns", "T23", "T26", 98), Relation("R99", "concerns", "T28", "T37", 99)]
    ctx = make_context(doc)
    with pytest.raises(AnnotationError, match=r"concerns rural-workers but T23 \(line 23\) of the same indicator "
                                              "subsidized-training concerns migrant-workers") as info:
        emit_indicators(ctx)
    assert info.value.line == 28


def test_a_mention_naming_no_group_agrees_with_any(doc, make_context):
    doc.relations.append(Relation("R98", "concerns", "T23", "T26", 98))  # the table row T28 names none
    assert emit_indicators(make_context(doc))["T28"] == "subsidized-training"


def test_unit_of_scales_and_refuses_unknown_units(ctx, doc):
    unit = doc.entities["T29"]
    assert unit_of(ctx, unit) == (1, "person-time")
    unit.text = "万人次"
    assert unit_of(ctx, unit) == (10000, "person-time")
    unit.text = "家"
    with pytest.raises(AnnotationError, match="unknown unit '家'") as info:
        unit_of(ctx, unit)
    assert info.value.line == 29
