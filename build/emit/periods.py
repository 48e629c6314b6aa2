"""OWL-Time resources (intervals, instants, durations) and the periods a document names."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from policykg.build import iris, normalize
from policykg.build.annotations import Entity
from policykg.build.emit.context import Context
from policykg.build.emit.terms import Writer, date_literal, en, typed, zh
from policykg.build.iris import PKG, RDF, RDFS, SKOS, TIME, XSD

PlanPeriod = normalize.Interval | None  # the plan's own period, if its title names one


def emit_period(out: Writer, interval: normalize.Interval) -> str:
    node = iris.period(interval.slug)
    out.add(node, RDF.type, TIME.ProperInterval)
    out.add(node, RDFS.label, ox.Literal(f"{interval.start.isoformat()}/{interval.end.isoformat()}"))
    out.add(node, PKG.startDate, date_literal(interval.start))
    out.add(node, PKG.endDate, date_literal(interval.end))
    for prop, day in ((TIME.hasBeginning, interval.start), (TIME.hasEnd, interval.end)):
        instant = iris.instant(day.isoformat())
        out.add(node, prop, instant)
        out.add(instant, RDF.type, TIME.Instant)
        out.add(instant, TIME.inXSDDate, date_literal(day))
    return node


def emit_instant(out: Writer, day: dt.date) -> str:
    """An OWL-Time instant: the time of a stock (a level at the end of that day)."""
    instant = iris.instant(day.isoformat())
    out.add(instant, RDF.type, TIME.Instant)
    out.add(instant, TIME.inXSDDate, date_literal(day))
    out.add(instant, PKG.startDate, date_literal(day))
    out.add(instant, PKG.endDate, date_literal(day))
    out.add(instant, RDFS.label, ox.Literal(day.isoformat()))
    return instant


def emit_duration(out: Writer, iso: str) -> str:
    """An OWL-Time duration (P2Y → 2 × time:unitYear), shared by every statement that recurs so often."""
    node = iris.duration(iso)
    n, unit = normalize.recurrence_parts(iso)
    out.add(node, RDF.type, TIME.Duration)
    out.add(node, TIME.numericDuration, typed(n, XSD.decimal))
    out.add(node, TIME.unitType, TIME["unit" + unit.capitalize()])
    out.add(node, SKOS.notation, ox.Literal(iso))
    out.add(node, RDFS.label, en(f"{n} {unit}" + ("s" if n > 1 else "")))
    out.add(node, RDFS.label, zh(f"{n}{'年' if unit == 'year' else '个月'}"))
    return node


def period_of(ctx: Context, entity: Entity, plan_period: PlanPeriod = None) -> normalize.Interval:
    """The interval of a Period annotation; a bare end year (到2025年) starts with the plan's period."""
    with ctx.blame(entity):
        return normalize.read_period(entity.text, entity.notes, plan_period.start if plan_period else None)


def recurrence_of(ctx: Context, period_entity: Entity) -> str | None:
    """The every= note of a Period as an xsd:duration (P1Y), or None."""
    with ctx.blame(period_entity):
        return normalize.read_recurrence(period_entity.notes)


def emit_periods(ctx: Context, plan_period: PlanPeriod) -> None:
    """Every annotated Period is a period of the plan's text, even one no value points at (“十三五”时期
    heading a review section): named by its annotation, mentioned by the plan."""
    for entity in ctx.doc.of_type("Period"):
        node = emit_period(ctx.out, period_of(ctx, entity, plan_period))
        ctx.identify(entity, node)
        ctx.out.add(ctx.iris.plan, PKG.mentionsPeriod, node)
