"""build.emit.statements: mentions of one statement merged; Data Cube observations with labels and nature."""

import datetime as dt

import pyoxigraph as ox
import pytest

from policykg.build import normalize
from policykg.build.emit.indicators import emit_indicators
from policykg.build.emit.statements import emit_statements
from policykg.build.emit.terms import decimal_literal, en, zh
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE

PLAN = normalize.Interval(dt.date(2021, 1, 1), dt.date(2025, 12, 31))


def emit(ctx) -> dict[str, str]:
    return emit_statements(ctx, emit_indicators(ctx), PLAN)


def test_a_sentence_and_a_table_cell_state_one_target(ctx, written):
    nodes = emit(ctx)
    key = f"{ctx.iris.notice}/target/subsidized-training/2021--2025"
    assert nodes["T24"] == nodes["T30"] == key
    assert nodes["T27"] == f"{ctx.iris.notice}/target/migrant-worker-training/2021--2025"
    assert nodes["T34"] == f"{ctx.iris.notice}/target/skilled-talent-stock/2025-12-31"
    quads = written(ctx.out)
    assert quads.iris(key, ns.PKG.comparator) == {str(ns.PKG.AtLeast)}  # 以上 wins over the bare cell
    assert quads.objects(key, ns.PKG.value) == {decimal_literal(150000)}
    assert quads.iris(key, ns.PKG.unit) == {BASE + "unit/person-time"}
    assert quads.objects(key, ns.PKG.valueText) == {zh("15万人次以上"), zh("150000")}
    assert quads.objects(key, ns.RDFS.label) == {  # labelled once, after its first mention
        zh("补贴性职业技能培训：15万人次以上"),
        en("Subsidised vocational skills training target: ≥ 150,000 person-time, 2021-01-01/2025-12-31")}
    assert quads.iris(key, ns.PKG.nature) == {str(ns.PKG.Expected)}  # from the table row
    assert quads.iris(key, ns.PKG.period) == {BASE + "period/2021--2025"}
    assert quads.iris(key, ns.PKG.aggregation) == {str(ns.PKG.PeriodTotal)}
    assert quads.iris(key, ns.PKG.indicator) == {ctx.iris.indicator("subsidized-training")}
    assert key in quads.iris(ctx.iris.plan, ns.PKG.hasTarget)
    derived = quads.iris(key, ns.PROV.wasDerivedFrom)
    for mention in ("T24", "T30", "T23", "T28", "T22"):  # values, indicators and period of both mentions
        entity = ctx.doc.entities[mention]
        assert f"{ctx.iris.text}/{entity.start}-{entity.end}" in derived


def test_a_statement_is_an_observation_of_its_plans_data_set(ctx, written):
    nodes = emit(ctx)
    quads, dataset = written(ctx.out), f"{ctx.iris.notice}/dataset/targets"
    assert quads.iris(nodes["T24"], ns.QB.dataSet) == {dataset}
    assert str(ns.QB.Observation) in quads.iris(nodes["T24"], ns.RDF.type)
    assert quads.iris(dataset, ns.QB.structure) == {str(ns.PKG.StatementStructure)}
    assert quads.objects(dataset, ns.RDFS.label) == {zh("泰人社字〔2099〕1号目标值"),
                                                     en("Targets of 泰人社字〔2099〕1号")}


def test_a_stock_is_stated_at_an_instant(ctx, written):
    node = emit(ctx)["T34"]
    quads = written(ctx.out)
    assert quads.iris(node, ns.PKG.period) == {BASE + "instant/2025-12-31"}
    assert quads.iris(node, ns.PKG.aggregation) == {str(ns.PKG.Level)}
    assert en("Skilled talent target: reach 600,000 person, at 2025-12-31") in quads.objects(node, ns.RDFS.label)


def test_different_values_stay_apart(doc, make_context, written):
    doc.entities["T30"].text = "160000"
    ctx = make_context(doc)
    nodes = emit(ctx)
    key = f"{ctx.iris.notice}/target/subsidized-training/2021--2025"
    assert nodes["T24"] == f"{key}-at-{doc.entities['T24'].start}"
    assert nodes["T30"] == f"{key}-at-{doc.entities['T30'].start}"
    quads = written(ctx.out)
    assert quads.objects(nodes["T30"], ns.PKG.value) == {decimal_literal(160000)}
    assert quads.iris(nodes["T30"], ns.PKG.comparator) == {str(ns.PKG.Exactly)}
    # each labelled after its own mention
    assert zh("补贴性职业技能培训：15万人次以上") in quads.objects(nodes["T24"], ns.RDFS.label)
    assert zh("补贴性职业技能培训：160000") in quads.objects(nodes["T30"], ns.RDFS.label)
    assert quads.objects(key, ns.PKG.value) == set()


def test_a_recurring_statement_names_its_duration(doc, make_context, written):
    doc.entities["T22"].notes["every"] = "P1Y"
    ctx = make_context(doc)
    node = emit(ctx)["T27"]
    quads = written(ctx.out)
    assert node.endswith("/2021--2025-per-year")
    assert quads.iris(node, ns.PKG.recurrence) == {BASE + "duration/P1Y"}
    assert quads.iris(node, ns.PKG.aggregation) == {str(ns.PKG.PerInterval)}
    assert en("migrant-worker-training target: = 50,000 person-time per year, 2021-01-01/2025-12-31") in \
        quads.objects(node, ns.RDFS.label)  # no en= note: the concept's key


def test_one_unit_per_indicator(doc, make_context):
    doc.entities["T29"].text = "人"  # the table row now counts persons, the sentence person-times
    with pytest.raises(AnnotationError, match=r"counted in person here but in person-time at T24 \(line 24\)") as info:
        emit(make_context(doc))
    assert info.value.line == 30


def test_nature_must_be_known(doc, make_context):
    doc.entities["T31"].text = "指导性"
    with pytest.raises(AnnotationError, match="Nature must be one of 预期性, 约束性") as info:
        emit(make_context(doc))
    assert info.value.line == 31


def test_a_target_inside_a_box_item_is_in_that_programme(doc, make_context, written):
    line = doc.entities["T24"].start - doc.text.rfind("\n", 0, doc.entities["T24"].start) - 1
    start = doc.entities["T24"].start - line
    doc.entities["T36"].fragments = ((start, doc.text.index("\n", start)),)  # item 1 spans the sentence
    ctx = make_context(doc)
    nodes = emit(ctx)
    quads = written(ctx.out)
    assert quads.iris(nodes["T24"], ns.PKG.inProgram) == {f"{ctx.iris.notice}/programme/box-1/item-1"}
    assert quads.iris(nodes["T34"], ns.PKG.inProgram) == set()


def test_baselines_have_their_own_data_set(doc, make_context, written):
    doc.entities["T34"].type = "Baseline"
    ctx = make_context(doc)
    node = emit(ctx)["T34"]
    quads = written(ctx.out)
    assert quads.iris(node, ns.RDF.type) == {str(ns.PKG.Baseline), str(ns.QB.Observation)}
    assert quads.iris(node, ns.PKG.comparator) == {str(ns.PKG.Exactly)}
    assert quads.iris(node, ns.QB.dataSet) == {f"{ctx.iris.notice}/dataset/baselines"}
    assert quads.iris(ctx.iris.plan, ns.PKG.hasBaseline) == {node}
    assert quads.objects(node, ns.PKG.value) == {ox.Literal("600000", datatype=ox.NamedNode(str(ns.XSD.decimal)))}
