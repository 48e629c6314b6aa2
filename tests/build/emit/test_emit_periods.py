"""build.emit.periods: OWL-Time intervals, instants and durations named by their values."""

import datetime as dt

import pyoxigraph as ox
import pytest

from policykg.build import normalize
from policykg.build.emit.periods import emit_duration, emit_instant, emit_period, emit_periods, period_of, recurrence_of
from policykg.build.emit.terms import GraphWriter, date_literal, en, zh
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE

PLAN = normalize.Interval(dt.date(2021, 1, 1), dt.date(2025, 12, 31))


def test_period_is_a_proper_interval_between_two_instants(written):
    out = GraphWriter("https://example.org/g")
    node = emit_period(out, PLAN)
    assert node == BASE + "period/2021--2025"
    quads = written(out)
    assert quads.iris(node, ns.RDF.type) == {str(ns.TIME.ProperInterval)}
    assert quads.iris(node, ns.TIME.hasBeginning) == {BASE + "instant/2021-01-01"}
    assert quads.iris(node, ns.TIME.hasEnd) == {BASE + "instant/2025-12-31"}
    assert quads.objects(node, ns.PKG.endDate) == {date_literal(dt.date(2025, 12, 31))}
    assert quads.objects(BASE + "instant/2025-12-31", ns.TIME.inXSDDate) == {date_literal(dt.date(2025, 12, 31))}


def test_instant_is_its_own_start_and_end():
    out = GraphWriter("https://example.org/g")
    node = emit_instant(out, dt.date(2025, 12, 31))
    objects = {(q.predicate.value, q.object) for q in out.quads if q.subject.value == node}
    assert (str(ns.PKG.startDate), date_literal(dt.date(2025, 12, 31))) in objects
    assert (str(ns.PKG.endDate), date_literal(dt.date(2025, 12, 31))) in objects
    assert (str(ns.RDFS.label), ox.Literal("2025-12-31")) in objects


@pytest.mark.parametrize(("iso", "n", "unit", "label_en", "label_zh"), [
    ("P1Y", "1", "unitYear", "1 year", "1年"), ("P2Y", "2", "unitYear", "2 years", "2年"),
    ("P6M", "6", "unitMonth", "6 months", "6个月"),
])
def test_duration(iso, n, unit, label_en, label_zh):
    out = GraphWriter("https://example.org/g")
    node = emit_duration(out, iso)
    assert node == BASE + "duration/" + iso
    objects = {(q.predicate.value, q.object) for q in out.quads}
    assert (str(ns.TIME.numericDuration), ox.Literal(n, datatype=ox.NamedNode(str(ns.XSD.decimal)))) in objects
    assert (str(ns.TIME.unitType), ox.NamedNode(str(ns.TIME[unit]))) in objects
    assert {o for p, o in objects if p == str(ns.RDFS.label)} == {en(label_en), zh(label_zh)}


def test_period_up_to_a_year_starts_with_the_plan(ctx):
    up_to = ctx.doc.entities["T22"]  # 到2025年
    assert period_of(ctx, up_to, PLAN) == PLAN
    assert period_of(ctx, up_to, None) == normalize.Interval(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_unreadable_period_is_an_error_at_its_line(ctx):
    entity = ctx.doc.entities["T40"]  # 每年, read from its start=/end= notes
    assert period_of(ctx, entity) == PLAN
    del entity.notes["start"], entity.notes["end"]
    with pytest.raises(AnnotationError, match="cannot read the period") as info:
        period_of(ctx, entity)
    assert info.value.line == 40


def test_recurrence(ctx):
    assert recurrence_of(ctx, ctx.doc.entities["T40"]) == "P1Y"
    assert recurrence_of(ctx, ctx.doc.entities["T22"]) is None
    ctx.doc.entities["T40"].notes["every"] = "yearly"
    with pytest.raises(AnnotationError, match="every='yearly'"):
        recurrence_of(ctx, ctx.doc.entities["T40"])


def test_every_period_annotation_is_mentioned_by_the_plan(ctx, written):
    emit_periods(ctx, PLAN)
    quads = written(ctx.out)
    # 2021—2025年, 到2025年 (twice, with the plan's start) and 每年 (start=2021; end=2025) are one period
    assert quads.iris(ctx.iris.plan, ns.PKG.mentionsPeriod) == {BASE + "period/2021--2025"}
    for entity in ("T17", "T22", "T32", "T40"):
        assert quads.iris(ctx.iris.annotation(entity), ns.ITSRDF.taIdentRef) == {BASE + "period/2021--2025"}
