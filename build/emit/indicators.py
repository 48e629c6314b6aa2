"""A plan's indicators (one per concept, whatever the number of mentions) and their indicator concepts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from policykg.build import iris, normalize
from policykg.build.annotations import Entity
from policykg.build.emit.context import Context
from policykg.build.emit.terms import en, zh
from policykg.build.iris import PKG, RDF, RDFS, SKOS

ConceptOf = dict[str, str]  # Indicator annotation id → its concept


def unit_of(ctx: Context, unit_entity: Entity) -> tuple[Decimal, str | None]:
    """A Unit annotation read as (multiplier, unit id): 万人次 → (10000, person-time)."""
    with ctx.blame(unit_entity):
        return normalize.read_unit(unit_entity.text, ctx.units.forms)


def emit_indicators(ctx: Context) -> ConceptOf:
    """Emit the plan's indicators (one per concept) and return entity id → concept."""
    by_concept: dict[str, list[Entity]] = defaultdict(list)
    for entity in ctx.doc.of_type("Indicator"):
        by_concept[entity.notes["concept"]].append(entity)
    concept_of: ConceptOf = {}
    for concept, mentions in sorted(by_concept.items()):
        check_concerns_agree(ctx, concept, mentions)
        emit_indicator(ctx, concept, mentions)
        emit_indicator_concept(ctx, concept)
        for mention in mentions:
            concept_of[mention.id] = concept
            emit_indicator_mention(ctx, concept, mention)
    return concept_of


def emit_indicator(ctx: Context, concept: str, mentions: list[Entity]) -> None:
    """The plan's indicator: labelled with its concept's preferred label where this plan prints it, else
    its first mention (the table row 农民工参加职业技能培训, not 培训…农民工 of a review sentence); other
    wordings as skos:altLabel."""
    out, d = ctx.out, ctx.iris
    node = d.indicator(concept)
    ident = ctx.reg.get("concept", concept)
    out.add(node, RDF.type, PKG.Indicator)
    forms = [m.reading for m in mentions]
    label = ident.label_zh if ident.label_zh in forms else forms[0]
    out.add(node, RDFS.label, zh(label))
    for other in sorted(set(forms) - {label}):
        out.add(node, SKOS.altLabel, zh(other))
    if ident.note("en"):
        out.add(node, RDFS.label, en(ident.note("en")))
    out.add(node, PKG.measures, iris.indicator_concept(concept))
    out.add(node, PKG.inPlan, d.plan)
    out.add(d.plan, PKG.hasIndicator, node)


def emit_indicator_concept(ctx: Context, concept: str) -> None:
    """The corpus-wide concept the indicator measures, a stock or a flow (its kind= note)."""
    out, node, ident = ctx.out, iris.indicator_concept(concept), ctx.reg.get("concept", concept)
    out.add(node, RDF.type, PKG.IndicatorConcept)
    out.add(node, SKOS.inScheme, iris.scheme("indicators"))
    out.add(node, PKG.measureKind, PKG.Stock if ctx.reg.concept_kind(concept) == "stock" else PKG.Flow)
    out.add(node, SKOS.prefLabel, zh(ident.label_zh))
    out.add(node, RDFS.label, zh(ident.label_zh))
    if ident.note("en"):
        out.add(node, SKOS.prefLabel, en(ident.note("en")))
        out.add(node, RDFS.label, en(ident.note("en")))


def emit_indicator_mention(ctx: Context, concept: str, mention: Entity) -> None:
    """What one mention says of its indicator: part of another, whom it concerns, its unit."""
    out, d = ctx.out, ctx.iris
    node = d.indicator(concept)
    ctx.record(node, mention)
    for parent in ctx.doc.targets_of(mention, "partOf"):
        out.add(node, PKG.partOf, d.indicator(parent.notes["concept"]))
    for group in ctx.doc.targets_of(mention, "concerns"):
        out.add(node, PKG.concerns, iris.target_group(group.notes["id"]))
    for unit_entity in ctx.doc.targets_of(mention, "measuredIn"):
        _, unit = unit_of(ctx, unit_entity)
        if unit:
            out.add(node, PKG.unit, iris.unit(unit))
        ctx.derive(node, unit_entity)


def check_concerns_agree(ctx: Context, concept: str, mentions: list[Entity]) -> None:
    """`concerns` says whom the indicator counts, as its row or phrase says (农民工参加职业培训 → 农民工); every
    mention of one indicator in a plan that names groups names the same ones. A sentence aimed at other
    groups states another indicator (or its programme 'serves' them)."""
    first: Entity | None = None
    first_groups: frozenset[str] = frozenset()
    for mention in mentions:
        groups = frozenset(g.notes["id"] for g in ctx.doc.targets_of(mention, "concerns"))
        if not groups:
            continue
        if first is None:
            first, first_groups = mention, groups
        elif groups != first_groups:
            raise ctx.error(mention, f"concerns {', '.join(sorted(groups))} but {first.id} (line {first.line}) "
                                     f"of the same indicator {concept} concerns {', '.join(sorted(first_groups))}")
