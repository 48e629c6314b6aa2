"""Read a Target or Baseline annotation into a typed record: what it measures, how much, in which unit,
over which period, and how the value relates to time (stock level, period total, per interval)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from policykg.build import normalize
from policykg.build.annotations import Entity
from policykg.build.emit.context import Context
from policykg.build.emit.indicators import ConceptOf, unit_of
from policykg.build.emit.periods import PlanPeriod, period_of, recurrence_of


@dataclass(frozen=True)
class Aggregation:
    """How a value relates to time: Level (a stock at an instant), PeriodTotal or PerInterval (every=) of a
    flow, or PeriodShare (a share of a flow over its period)."""

    kind: str
    every: str | None = None


class Amount(NamedTuple):
    """A value in a unit of ontology/units.ttl (万人次 already scaled to person-times)."""

    value: Decimal
    unit: str


@dataclass(frozen=True)
class StatementMention:
    """One Target or Baseline annotation as read, before mentions of one statement are merged."""

    entity: Entity  # the Target or Baseline
    indicator: Entity  # the Indicator it measures
    period_entity: Entity  # the Period it holds during
    concept: str  # the indicator's concept
    quantity: normalize.Quantity  # the value as printed, normalised
    amount: Amount  # value and unit, the indicator's unit if the value prints none
    interval: normalize.Interval  # the period (for a stock, the instant at its end)
    aggregation: Aggregation

    @property
    def is_target(self) -> bool:
        return self.entity.type == "Target"

    @property
    def kind(self) -> str:
        """target or baseline: the segment of the statement's IRI."""
        return "target" if self.is_target else "baseline"

    @property
    def comparator(self) -> str:
        """The comparator as this mention states it; 达到 on a Baseline reports the level reached: the
        figure itself, not a level still to reach."""
        if self.entity.type == "Baseline" and self.quantity.comparator == "Reach":
            return "Exactly"
        return self.quantity.comparator


SHARE_UNIT = "percent"  # ontology/units.ttl: a share; a change of a share is percentage-point


def read_statement(ctx: Context, entity: Entity, concept_of: ConceptOf, plan_period: PlanPeriod) -> StatementMention:
    indicator = ctx.doc.targets_of(entity, "measures")[0]
    period_entity = ctx.doc.targets_of(entity, "during")[0]
    with ctx.blame(entity):
        quantity = normalize.read_quantity(entity.text, ctx.units.forms)
    amount = statement_amount(ctx, entity, indicator, quantity)
    concept = concept_of[indicator.id]
    interval = period_of(ctx, period_entity, plan_period)
    aggregation = read_aggregation(ctx, entity, period_entity, quantity, concept)
    if aggregation.kind == "PeriodTotal" and amount.unit == SHARE_UNIT:
        # a share of a flow (确保60%以上用于…: of the period's funds) is a ratio over the period, never a sum
        aggregation = Aggregation("PeriodShare")
    if aggregation.kind == "Level":  # a stock: the level at the end of the period named
        interval = normalize.Interval(interval.end, interval.end)
    return StatementMention(entity, indicator, period_entity, concept, quantity, amount, interval, aggregation)


def statement_amount(ctx: Context, entity: Entity, indicator: Entity, quantity: normalize.Quantity) -> Amount:
    """Value and unit of a target: its own unit if printed, else the indicator's (万人次 scales)."""
    if quantity.unit:
        return Amount(quantity.value, quantity.unit)
    units = ctx.doc.targets_of(indicator, "measuredIn")
    if not units:
        for other in ctx.doc.of_type("Indicator"):
            if other.notes["concept"] == indicator.notes["concept"] and ctx.doc.targets_of(other, "measuredIn"):
                units = ctx.doc.targets_of(other, "measuredIn")
                break
    if not units:
        raise ctx.error(entity, "the value has no unit and its indicator has no measuredIn Unit")
    multiplier, unit = unit_of(ctx, units[0])
    return Amount((quantity.value * multiplier).normalize(), unit)


def read_aggregation(ctx: Context, entity: Entity, period_entity: Entity, quantity: normalize.Quantity,
                     concept: str) -> Aggregation:
    """Stock or flow comes from the indicator concept's kind= (GUIDELINES "Stock and flow")."""
    every = recurrence_of(ctx, period_entity)
    cumulative = bool(entity.attributes.get("Cumulative")) or quantity.bracketed
    if ctx.reg.concept_kind(concept) == "stock":
        if every:
            raise ctx.error(entity, f"concept {concept} is a stock (kind=stock): a level has no every= period")
        return Aggregation("Level")
    if cumulative:
        raise ctx.error(entity, f"a total printed as Cumulative (〔〕, 总量) is a stock, but concept {concept} is "
                                "kind=flow: fix kind= or give the value its own stock concept")
    return Aggregation("PerInterval", every) if every else Aggregation("PeriodTotal")


def time_slug(mention: StatementMention) -> str:
    """`2025-12-31` for the instant of a stock, `2021--2025` for the interval of a flow."""
    return mention.interval.end.isoformat() if mention.aggregation.kind == "Level" else mention.interval.slug


def statement_suffix(aggregation: Aggregation) -> str:
    """The IRI suffix that keeps a per-interval statement apart from a period total."""
    return "-" + normalize.recurrence_slug(aggregation.every) if aggregation.every else ""


def statement_key(ctx: Context, mention: StatementMention) -> str:
    """One statement per plan, kind, concept, period and aggregation: the IRI its mentions share."""
    return ctx.iris.statement(mention.kind, mention.concept, time_slug(mention),
                              statement_suffix(mention.aggregation))
