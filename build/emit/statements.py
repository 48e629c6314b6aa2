"""Targets and baselines as statements: mentions of one statement merged, each an RDF Data Cube
observation of its plan's targets or baselines, with labels, nature and programme."""

from __future__ import annotations

from collections import defaultdict

from policykg.build import iris, normalize
from policykg.build.emit.context import Context
from policykg.build.emit.indicators import ConceptOf
from policykg.build.emit.periods import PlanPeriod, emit_duration, emit_instant, emit_period
from policykg.build.emit.programmes import item_iri
from policykg.build.emit.statement_reading import StatementMention, read_statement, statement_key
from policykg.build.emit.terms import decimal_literal, en, zh
from policykg.build.iris import PKG, QB, RDF, RDFS

NATURES = {"预期性": "Expected", "约束性": "Binding"}
COMPARATOR_SIGNS = {"AtLeast": "≥", "MoreThan": ">", "AtMost": "≤", "LessThan": "<", "Exactly": "=",
                    "Reach": "reach", "Nearly": "nearly", "Approximately": "≈"}
Groups = dict[str, list[StatementMention]]  # statement IRI → the mentions that state it


def emit_statements(ctx: Context, concept_of: ConceptOf, plan_period: PlanPeriod) -> dict[str, str]:
    """Emit targets and baselines; return annotation id → statement IRI.

    One statement per plan, kind, concept, period and aggregation (corpus/GUIDELINES.md, "One target,
    several mentions"): a table cell and a sentence restating it are both derivations of it.
    """
    nodes: dict[str, str] = {}
    groups: Groups = defaultdict(list)
    for entity in ctx.doc.of_type("Target", "Baseline"):
        mention = read_statement(ctx, entity, concept_of, plan_period)
        groups[statement_key(ctx, mention)].append(mention)
    check_one_unit_per_indicator(ctx, groups)
    for key, members in sorted(groups.items()):
        comparator = shared_comparator(members)
        for i, member in enumerate(members):
            if comparator is None:  # the text states different values: keep each statement apart
                nodes[member.entity.id] = f"{key}-at-{member.entity.start}"
                emit_statement(ctx, nodes[member.entity.id], member)
            else:  # one statement, labelled after its first mention
                nodes[member.entity.id] = key
                emit_statement(ctx, key, member, comparator=comparator, labelled=i == 0)
    return nodes


def check_one_unit_per_indicator(ctx: Context, groups: Groups) -> None:
    """A plan's indicator has one unit: a sentence counting persons (25万人以上) and a table row counting
    person-times (25万, （人次）) measure different indicators (GUIDELINES "One target, several mentions")."""
    seen: dict[str, StatementMention] = {}
    for members in groups.values():
        for mention in members:
            first = seen.setdefault(mention.concept, mention)
            if first.amount.unit != mention.amount.unit:
                raise ctx.error(mention.entity, f"concept {mention.concept} is counted in {mention.amount.unit} here "
                                                f"but in {first.amount.unit} at {first.entity.id} (line "
                                                f"{first.entity.line}): one unit per indicator of a plan; "
                                                "give the other mention its own concept=")


def shared_comparator(members: list[StatementMention]) -> str | None:
    """The comparator of one target stated several times (a table cell and a sentence), or None.

    The same value and unit restated is one target; a bare table value (Exactly) yields to the
    explicit comparator of the sentence (150万 and 150万人次以上 are one ≥ target).
    """
    if len({m.amount for m in members}) != 1:
        return None
    return normalize.most_specific({m.comparator for m in members})


def emit_statement(ctx: Context, node: str, mention: StatementMention, *, comparator: str | None = None,
                   labelled: bool = True) -> None:
    out, d = ctx.out, ctx.iris
    entity, aggregation = mention.entity, mention.aggregation
    out.add(node, RDF.type, PKG.IndicatorTarget if mention.is_target else PKG.Baseline)
    out.add(node, PKG.indicator, d.indicator(mention.concept))
    comparator = comparator or mention.comparator
    out.add(node, PKG.comparator, PKG[comparator])
    out.add(node, PKG.value, decimal_literal(mention.amount.value))
    out.add(node, PKG.unit, iris.unit(mention.amount.unit))
    out.add(node, PKG.valueText, zh(entity.reading))
    if aggregation.kind == "Level":
        out.add(node, PKG.period, emit_instant(out, mention.interval.end))
    else:
        out.add(node, PKG.period, emit_period(out, mention.interval))
    out.add(node, PKG.aggregation, PKG[aggregation.kind])
    if aggregation.every:
        out.add(node, PKG.recurrence, emit_duration(out, aggregation.every))
    out.add(node, PKG.inPlan, d.plan)
    out.add(d.plan, PKG.hasTarget if mention.is_target else PKG.hasBaseline, node)
    # RDF Data Cube: each statement is an observation of its plan's targets (or baselines) data set
    dataset = statement_dataset(ctx, "targets" if mention.is_target else "baselines")
    out.add(node, RDF.type, QB.Observation)
    out.add(node, QB.dataSet, dataset)
    ctx.record(node, entity, mention.indicator, mention.period_entity)
    if labelled:
        statement_labels(ctx, node, mention, comparator)
    for nature in ctx.doc.targets_of(entity, "hasNature"):
        if normalize.fold(nature.text) not in NATURES:  # fold: 預期性 in a traditional-character text
            raise ctx.error(nature, f"Nature must be one of {', '.join(NATURES)}")
        out.add(node, PKG.nature, PKG[NATURES[normalize.fold(nature.text)]])
        ctx.derive(node, nature)
    item = ctx.containing(entity, "ProgramItem")
    if item is not None:
        out.add(node, PKG.inProgram, item_iri(ctx, item))


def statement_dataset(ctx: Context, kind: str) -> str:
    """The qb:DataSet of a plan's targets or baselines (structure pkg:StatementStructure)."""
    node = f"{ctx.iris.notice}/dataset/{kind}"
    out = ctx.out
    out.add(node, RDF.type, QB.DataSet)
    out.add(node, QB.structure, PKG.StatementStructure)
    out.add(node, PKG.inPlan, ctx.iris.plan)
    number = ctx.one("DocNumber").text
    out.add(node, RDFS.label, zh(f"{number}{'目标值' if kind == 'targets' else '基期值'}"))
    out.add(node, RDFS.label, en(f"{'Targets' if kind == 'targets' else 'Baselines'} of {number}"))
    return node


def statement_labels(ctx: Context, node: str, mention: StatementMention, comparator: str) -> None:
    """zh: the indicator and value as printed; en: concept, comparator, normalised value, unit, period."""
    entity, interval, aggregation = mention.entity, mention.interval, mention.aggregation
    ctx.out.add(node, RDFS.label, zh(f"{mention.indicator.reading}：{entity.reading}"))
    concept_en = ctx.reg.get("concept", mention.concept).note("en") or mention.concept
    unit_en = ctx.units.english.get(mention.amount.unit, mention.amount.unit)
    every_en = " " + normalize.recurrence_slug(aggregation.every).replace("-", " ") if aggregation.every else ""
    when = (f"at {interval.end.isoformat()}" if aggregation.kind == "Level"
            else f"{interval.start.isoformat()}/{interval.end.isoformat()}")
    ctx.out.add(node, RDFS.label, en(f"{concept_en} {mention.kind}: {COMPARATOR_SIGNS[comparator]} "
                                     f"{format(mention.amount.value, ',f')} {unit_en}{every_en}, {when}"))
