"""build.emit.statement_reading: value, unit, period and aggregation of one Target or Baseline mention."""

import datetime as dt
from decimal import Decimal

import pytest

from policykg.build import normalize
from policykg.build.emit.indicators import emit_indicators
from policykg.build.emit.statement_reading import Aggregation, Amount, read_statement, statement_key
from policykg.errors import AnnotationError

PLAN = normalize.Interval(dt.date(2021, 1, 1), dt.date(2025, 12, 31))


def read(ctx, entity_id: str):
    return read_statement(ctx, ctx.doc.entities[entity_id], emit_indicators(ctx), PLAN)


def test_a_flow_target_over_the_plan_period(ctx):
    mention = read(ctx, "T24")  # 15万人次以上
    assert (mention.indicator.id, mention.period_entity.id, mention.concept) == ("T23", "T22", "subsidized-training")
    assert mention.amount == Amount(Decimal(150000), "person-time")
    assert mention.comparator == "AtLeast"
    assert mention.aggregation == Aggregation("PeriodTotal")
    assert mention.interval == PLAN  # 到2025年 starts with the plan
    assert (mention.is_target, mention.kind) == (True, "target")
    assert statement_key(ctx, mention) == f"{ctx.iris.notice}/target/subsidized-training/2021--2025"


def test_a_bare_value_takes_its_indicators_unit(ctx):
    mention = read(ctx, "T30")  # 150000 in the row 补贴性职业技能培训（人次）
    assert mention.amount == Amount(Decimal(150000), "person-time")
    assert mention.comparator == "Exactly"


def test_or_the_unit_of_another_mention_of_its_concept(doc, make_context):
    doc.entities["T24"].text = "15万以上"  # its indicator T23 has no unit; T28 (same concept) counts 人次
    assert read(make_context(doc), "T24").amount == Amount(Decimal(150000), "person-time")


def test_a_value_with_no_unit_anywhere_is_refused(doc, make_context):
    doc.entities["T27"].text = "5万"
    with pytest.raises(AnnotationError, match="has no unit and its indicator has no measuredIn Unit") as info:
        read(make_context(doc), "T27")
    assert info.value.line == 27


def test_a_stock_is_a_level_at_the_end_of_its_period(ctx):
    mention = read(ctx, "T34")  # 技能人才总量达到60万人 (kind=stock)
    assert mention.aggregation == Aggregation("Level")
    assert mention.interval == normalize.Interval(dt.date(2025, 12, 31), dt.date(2025, 12, 31))
    assert mention.amount == Amount(Decimal(600000), "person")
    assert mention.comparator == "Reach"
    assert statement_key(ctx, mention) == f"{ctx.iris.notice}/target/skilled-talent-stock/2025-12-31"


def test_reach_on_a_baseline_is_the_figure_itself(doc, make_context):
    doc.entities["T34"].type = "Baseline"
    ctx = make_context(doc)
    mention = read(ctx, "T34")
    assert (mention.comparator, mention.kind, mention.is_target) == ("Exactly", "baseline", False)
    assert statement_key(ctx, mention) == f"{ctx.iris.notice}/baseline/skilled-talent-stock/2025-12-31"


def test_a_recurring_flow_is_per_interval_with_its_own_iri(doc, make_context):
    doc.entities["T22"].notes["every"] = "P1Y"
    ctx = make_context(doc)
    mention = read(ctx, "T24")
    assert mention.aggregation == Aggregation("PerInterval", "P1Y")
    assert statement_key(ctx, mention) == f"{ctx.iris.notice}/target/subsidized-training/2021--2025-per-year"


def test_a_stock_has_no_recurrence(doc, make_context):
    doc.entities["T32"].notes["every"] = "P1Y"
    with pytest.raises(AnnotationError, match="is a stock \\(kind=stock\\): a level has no every= period") as info:
        read(make_context(doc), "T34")
    assert info.value.line == 34


@pytest.mark.parametrize("mark", ["attribute", "brackets"])
def test_a_cumulative_flow_is_refused(doc, make_context, mark):
    if mark == "attribute":
        doc.entities["T24"].attributes["Cumulative"] = True
    else:
        doc.entities["T24"].text = "〔15〕万人次"
    with pytest.raises(AnnotationError, match="printed as Cumulative .* concept subsidized-training is kind=flow"):
        read(make_context(doc), "T24")


def test_an_unreadable_value_is_an_error_at_its_line(doc, make_context):
    doc.entities["T27"].text = "若干"
    with pytest.raises(AnnotationError, match="no number at the start") as info:
        read(make_context(doc), "T27")
    assert info.value.line == 27
