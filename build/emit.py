"""Turn the annotated corpus into RDF quads: one named graph per document."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from policykg.build import normalize
from policykg.build.annotations import AnnotatedDocument, Entity
from policykg.build.provenance import emit_provenance
from policykg.build.registry import Registry, identity_key
from policykg.errors import AnnotationError, NormalizationError
from policykg.kg import iris
from policykg.kg.namespaces import DCTERMS, ELI, FOAF, NIF, ORG, PKG, PROV, RDF, RDFS, SKOS, TIME, XSD

log = logging.getLogger(__name__)

LEVELS = {"national": "National", "provincial": "Provincial", "municipal": "Municipal"}
NATURES = {"预期性": "Expected", "约束性": "Binding"}
ITEM_NUMBER_RE = re.compile(r"^\s*[（(]?(\d+|[一二三四五六七八九十]+)[)）.．、]")
COMPARATOR_SIGNS = {"AtLeast": "≥", "MoreThan": ">", "AtMost": "≤", "LessThan": "<", "Exactly": "=",
                    "Approximately": "≈"}


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def typed(value: object, datatype) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(datatype))


def decimal_literal(value) -> ox.Literal:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return typed(text, XSD.decimal)


def date_literal(value: dt.date) -> ox.Literal:
    return typed(value.isoformat(), XSD.date)


def level_of(code: str) -> str:
    """GB/T 2260: 100000 is the country, XX0000 a province, XXYY00 a prefecture-level city."""
    if code == "100000":
        return "national"
    if code.endswith("0000"):
        return "provincial"
    return "municipal"


def parent_code(code: str) -> str | None:
    if code == "100000":
        return None
    if code.endswith("0000"):
        return "100000"
    if code.endswith("00"):
        return code[:2] + "0000"
    return code[:4] + "00"


class GraphWriter:
    """Collects the quads of one named graph."""

    def __init__(self, graph: str) -> None:
        self.graph = N(graph)
        self.quads: set[ox.Quad] = set()

    def add(self, s: str | ox.NamedNode, p, o) -> None:
        s_node = s if isinstance(s, ox.NamedNode) else N(s)
        o_node = o if isinstance(o, ox.NamedNode | ox.Literal) else N(o)
        self.quads.add(ox.Quad(s_node, N(p), o_node, self.graph))


@dataclass
class Context:
    """What the emitter knows while it works through one document."""

    doc: AnnotatedDocument
    reg: Registry
    out: GraphWriter
    units: dict[str, str]
    unit_labels_en: dict[str, str]

    @property
    def iris(self) -> iris.DocumentIRIs:
        return self.reg.documents[self.doc.stem]

    def error(self, entity: Entity, message: str) -> AnnotationError:
        return AnnotationError(str(self.doc.ann_path), entity.line, f"{entity.id} ({entity.text!r}): {message}")

    def spans(self, entity: Entity) -> list[str]:
        """Emit the text-span resources of an annotation and return their IRIs."""
        result = []
        for start, end in entity.fragments:
            span = self.iris.span(start, end)
            out = self.out
            out.add(span, RDF.type, PKG.TextSpan)
            out.add(span, NIF.referenceContext, self.iris.text)
            out.add(span, NIF.beginIndex, typed(start, XSD.nonNegativeInteger))
            out.add(span, NIF.endIndex, typed(end, XSD.nonNegativeInteger))
            out.add(span, NIF.anchorOf, ox.Literal(self.doc.text[start:end]))
            out.add(span, PKG.annotationType, ox.Literal(entity.type))
            out.add(span, PKG.annotationId, ox.Literal(entity.id))
            result.append(span)
        return result

    def derive(self, resource: str, *entities: Entity) -> None:
        for entity in entities:
            for span in self.spans(entity):
                self.out.add(resource, PROV.wasDerivedFrom, span)

    def one(self, etype: str, *, required: bool = True) -> Entity | None:
        found = self.doc.of_type(etype)
        if len(found) > 1 or (required and not found):
            raise AnnotationError(str(self.doc.ann_path), None, f"needs exactly one {etype}, has {len(found)}")
        return found[0] if found else None

    def containing(self, entity: Entity, etype: str) -> Entity | None:
        """The annotation of `etype` whose span contains `entity`'s span, if any."""
        for other in self.doc.of_type(etype):
            if other.start <= entity.start and entity.end <= other.end and other.id != entity.id:
                return other
        return None


def emit_document(doc: AnnotatedDocument, reg: Registry, units: dict[str, str],
                  unit_labels_en: dict[str, str]) -> set[ox.Quad]:
    """All quads of one document's named graph."""
    ctx = Context(doc, reg, GraphWriter(reg.documents[doc.stem].graph), units, unit_labels_en)
    plan_period = _emit_notice_and_plan(ctx)
    _emit_people_and_agencies(ctx)
    _emit_citations(ctx)
    _emit_shared_resources(ctx)
    indicators = _emit_indicators(ctx)
    _emit_statements(ctx, indicators, plan_period)
    _emit_programmes(ctx)
    _emit_tasks_and_deadlines(ctx)
    emit_provenance(ctx.doc, ctx.iris, ctx.out.add)  # machine-drafted / reviewed annotations (annotator)
    return ctx.out.quads


def _emit_text(ctx: Context) -> None:
    doc, out, text = ctx.doc, ctx.out, ctx.iris.text
    out.add(text, RDF.type, NIF.Context)
    out.add(text, RDF.type, PKG.DocumentText)
    out.add(text, NIF.isString, ox.Literal(doc.text))
    out.add(text, NIF.beginIndex, typed(0, XSD.nonNegativeInteger))
    out.add(text, NIF.endIndex, typed(len(doc.text), XSD.nonNegativeInteger))
    out.add(text, PKG.sourceFile, ox.Literal(doc.stem + ".txt"))
    out.add(text, PKG.sha256, ox.Literal(hashlib.sha256(doc.text.encode("utf-8")).hexdigest()))


def _labels(ctx: Context, resource: str, entity: Entity, prop=RDFS.label) -> None:
    ctx.out.add(resource, prop, zh(entity.text))
    if "en" in entity.notes:
        ctx.out.add(resource, prop, en(entity.notes["en"]))


def emit_period(out: GraphWriter, interval: normalize.Interval) -> str:
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


def emit_duration(out: GraphWriter, iso: str) -> str:
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


def _period_of(ctx: Context, entity: Entity, default_start: dt.date | None = None) -> normalize.Interval:
    try:
        return normalize.read_period(entity.text, entity.notes, default_start)
    except NormalizationError as exc:
        raise ctx.error(entity, str(exc)) from None


def _emit_notice_and_plan(ctx: Context) -> normalize.Interval | None:
    out, d = ctx.out, ctx.iris
    _emit_text(ctx)
    number = ctx.one("DocNumber")
    out.add(d.notice, RDF.type, PKG.Notice)
    out.add(d.notice, ELI.id_local, ox.Literal(number.text))
    out.add(d.notice, PKG.text, d.text)
    out.add(d.notice, PKG.issuesPlan, d.plan)
    out.add(d.plan, PKG.issuedBy, d.notice)
    ctx.derive(d.notice, number)
    title = ctx.one("NoticeTitle")
    out.add(d.notice, ELI.title, zh(title.text))
    _labels(ctx, d.notice, title)
    ctx.derive(d.notice, title)

    plan_title = ctx.one("PlanTitle")
    out.add(d.plan, RDF.type, PKG.Plan)
    out.add(d.plan, ELI.title, zh(plan_title.text))
    _labels(ctx, d.plan, plan_title)
    ctx.derive(d.plan, plan_title)
    code = plan_title.notes["juris"]
    if not ctx.reg.has("jurisdiction", code):
        raise ctx.error(plan_title, f"juris={code} but no Jurisdiction with code={code} is annotated")
    for node in (d.notice, d.plan):
        out.add(node, PKG.jurisdiction, iris.jurisdiction(code))
    out.add(d.plan, PKG.level, PKG[LEVELS[level_of(code)]])
    periods = ctx.doc.targets_of(plan_title, "planPeriod")
    interval = None
    if len(periods) > 1:
        raise ctx.error(plan_title, "has more than one planPeriod")
    if periods:
        interval = _period_of(ctx, periods[0])
        out.add(d.plan, PKG.period, emit_period(out, interval))
        ctx.derive(d.plan, periods[0])

    for date in ctx.doc.of_type("Date"):
        role = date.attributes["DateRole"]
        try:
            value = date_literal(normalize.read_date(date.text))
        except NormalizationError as exc:
            raise ctx.error(date, str(exc)) from None
        if role == "Received":
            out.add(d.receipt, PKG.receivedOn, value)
            ctx.derive(d.receipt, date)
            continue
        prop = ELI.date_document if role == "Signed" else ELI.date_publication
        out.add(d.notice, prop, value)
        ctx.derive(d.notice, date)
    for recipient in ctx.doc.of_type("Recipient"):
        node = d.addressee(recipient.start)
        out.add(node, RDF.type, PKG.AddresseeGroup)
        out.add(node, RDFS.label, zh(recipient.text))
        out.add(d.notice, PKG.addressee, node)
        ctx.derive(node, recipient)
    for note in ctx.doc.of_type("PublicationNote"):
        out.add(d.notice, PKG.publicationNote, zh(note.text))
        ctx.derive(d.notice, note)
    for contact in ctx.doc.of_type("Contact"):
        out.add(d.notice, PKG.contactPoint, ox.Literal(contact.text))
        ctx.derive(d.notice, contact)
    receipt = ctx.one("ReceiptNumber", required=False)
    if receipt:
        out.add(d.receipt, RDF.type, PKG.ReceiptRecord)
        out.add(d.receipt, PKG.receiptNumber, ox.Literal(receipt.text))
        out.add(d.receipt, PKG.recordOf, d.notice)
        out.add(d.receipt, RDFS.label, zh(f"{receipt.text} 收文办理单"))
        out.add(d.receipt, RDFS.label, en(f"Receipt record {receipt.text}"))
        out.add(d.notice, PKG.receipt, d.receipt)
        ctx.derive(d.receipt, receipt)
    return interval


AGENCY_ROLES = {
    "Issuer": ("notice", PKG.issuer), "CoIssuer": ("notice", PKG.coIssuer),
    "Seal": ("notice", PKG.sealAgency), "Recipient": ("notice", PKG.recipientAgency),
    "Receiver": ("receipt", PKG.receivedBy), "Duty": ("plan", PKG.dutyAgency),
    "Contact": ("notice", PKG.contactAgency), "Mentioned": ("plan", PKG.mentionsAgency),
}
PERSON_ROLES = {
    "ResponsibleLeader": ("receipt", PKG.responsibleLeader),
    "AssistingLeader": ("receipt", PKG.assistingLeader),
    "Contact": ("notice", PKG.contactPerson),
}


def _emit_people_and_agencies(ctx: Context) -> None:
    d = ctx.iris
    holders = {"notice": d.notice, "plan": d.plan, "receipt": d.receipt}
    for agency in ctx.doc.of_type("Agency"):
        node = iris.agency(agency.notes["id"])
        where, prop = AGENCY_ROLES[agency.attributes["Role"]]
        ctx.out.add(holders[where], prop, node)
        ctx.derive(node, agency)
    for person in ctx.doc.of_type("Person"):
        node = iris.person(person.notes["id"])
        role = person.attributes.get("PersonRole")
        if role:
            where, prop = PERSON_ROLES[role]
            ctx.out.add(holders[where], prop, node)
        ctx.derive(node, person)


def _emit_citations(ctx: Context) -> None:
    d, out = ctx.iris, ctx.out
    for cited in ctx.doc.of_type("CitedDocument"):
        ident = ctx.reg.get("work", cited.notes["id"])
        stem = ident.note("doc")
        if stem:
            if stem not in ctx.reg.documents:
                raise ctx.error(cited, f"doc={stem} is not a corpus document")
            target = ctx.reg.documents[stem].plan
        else:
            target = iris.cited_work(ident.key)
            out.add(target, RDF.type, PKG.CitedWork)
            prop = ELI.id_local if re.search(r"〔\d{4}〕\d+号$", cited.text) else ELI.title
            out.add(target, prop, zh(cited.text) if prop == ELI.title else ox.Literal(cited.text))
            if prop == ELI.title:
                out.add(target, RDFS.label, zh(cited.text))
            if ident.note("en"):
                out.add(target, RDFS.label, en(ident.note("en")))
            ctx.derive(target, cited)
        role = ELI.based_on if cited.attributes["CiteRole"] == "BasedOn" else ELI.cites
        out.add(d.plan, role, target)
        for span in ctx.spans(cited):
            out.add(d.plan, PROV.wasDerivedFrom, span)


def _emit_shared_resources(ctx: Context) -> None:
    """Labels and links of corpus-wide resources mentioned in this document."""
    out = ctx.out
    seen: set[tuple[str, str]] = set()
    for entity in ctx.doc.entities.values():
        key = identity_key(entity)
        if key is None or key in seen or key[0] in ("work", "concept"):
            continue
        seen.add(key)
        ident = ctx.reg.get(*key)
        kind, slug = key
        if kind == "agency":
            node = iris.agency(slug)
            out.add(node, RDF.type, PKG.Agency)
            label = SKOS.prefLabel
            if ident.note("parent"):
                out.add(node, ORG.subOrganizationOf, iris.agency(ident.note("parent")))
            if ident.note("juris"):
                out.add(node, PKG.jurisdiction, iris.jurisdiction(ident.note("juris")))
        elif kind == "person":
            node = iris.person(slug)
            out.add(node, RDF.type, FOAF.Person)
            label = FOAF.name
        elif kind == "group":
            node = iris.target_group(slug)
            out.add(node, RDF.type, PKG.TargetGroup)
            out.add(node, SKOS.inScheme, iris.scheme("target-groups"))
            out.add(ctx.iris.plan, PKG.mentionsGroup, node)
            label = SKOS.prefLabel
        elif kind == "programme":
            node = iris.named_programme(slug)
            out.add(node, RDF.type, PKG.Program)
            out.add(node, RDF.type, PKG.NamedProgram)
            out.add(node, PKG.mentionedIn, ctx.iris.plan)
            out.add(ctx.iris.plan, PKG.mentionsProgram, node)
            label = SKOS.prefLabel
        else:  # jurisdiction
            node = iris.jurisdiction(slug)
            out.add(node, RDF.type, PKG.Jurisdiction)
            out.add(node, PKG.divisionCode, ox.Literal(slug))
            out.add(node, PKG.level, PKG[LEVELS[level_of(slug)]])
            parent = parent_code(slug)
            if parent and ctx.reg.has("jurisdiction", parent):
                out.add(node, PKG.parentJurisdiction, iris.jurisdiction(parent))
            label = SKOS.prefLabel
        out.add(node, label, zh(ident.label_zh))
        for alt in ident.alt_labels:
            out.add(node, SKOS.altLabel, zh(alt))
        if ident.note("en"):
            out.add(node, label, en(ident.note("en")))
        if kind in ("group", "programme", "jurisdiction", "agency"):
            out.add(node, RDFS.label, zh(ident.label_zh))
            if ident.note("en"):
                out.add(node, RDFS.label, en(ident.note("en")))
    for entity in ctx.doc.of_type("TargetGroup", "NamedProgram", "Jurisdiction"):
        key = identity_key(entity)
        make = {"group": iris.target_group, "programme": iris.named_programme,
                "jurisdiction": iris.jurisdiction}[key[0]]
        ctx.derive(make(key[1]), entity)


def _unit_of(ctx: Context, unit_entity: Entity):
    try:
        return normalize.read_unit(unit_entity.text, ctx.units)
    except NormalizationError as exc:
        raise ctx.error(unit_entity, str(exc)) from None


def _emit_indicators(ctx: Context) -> dict[str, Entity]:
    """Emit the plan's indicators (one per concept) and return entity id → concept."""
    out, d = ctx.out, ctx.iris
    by_concept: dict[str, list[Entity]] = defaultdict(list)
    for entity in ctx.doc.of_type("Indicator"):
        by_concept[entity.notes["concept"]].append(entity)
    concept_of = {}
    for concept, mentions in sorted(by_concept.items()):
        node = d.indicator(concept)
        ident = ctx.reg.get("concept", concept)
        concept_node = iris.indicator_concept(concept)
        out.add(node, RDF.type, PKG.Indicator)
        out.add(node, RDFS.label, zh(mentions[0].text))
        for other in sorted({m.text for m in mentions[1:]} - {mentions[0].text}):
            out.add(node, SKOS.altLabel, zh(other))
        if ident.note("en"):
            out.add(node, RDFS.label, en(ident.note("en")))
        out.add(node, PKG.measures, concept_node)
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasIndicator, node)
        out.add(concept_node, RDF.type, PKG.IndicatorConcept)
        out.add(concept_node, SKOS.inScheme, iris.scheme("indicators"))
        out.add(concept_node, SKOS.prefLabel, zh(ident.label_zh))
        out.add(concept_node, RDFS.label, zh(ident.label_zh))
        if ident.note("en"):
            out.add(concept_node, SKOS.prefLabel, en(ident.note("en")))
            out.add(concept_node, RDFS.label, en(ident.note("en")))
        for mention in mentions:
            concept_of[mention.id] = concept
            ctx.derive(node, mention)
            for parent in ctx.doc.targets_of(mention, "partOf"):
                out.add(node, PKG.partOf, d.indicator(parent.notes["concept"]))
            for group in ctx.doc.targets_of(mention, "concerns"):
                out.add(node, PKG.concerns, iris.target_group(group.notes["id"]))
            for unit_entity in ctx.doc.targets_of(mention, "measuredIn"):
                _, unit = _unit_of(ctx, unit_entity)
                if unit:
                    out.add(node, PKG.unit, iris.unit(unit))
                ctx.derive(node, unit_entity)
    return concept_of


def _statement_unit(ctx: Context, entity: Entity, indicator: Entity, quantity: normalize.Quantity):
    """Value and unit of a target: its own unit if printed, else the indicator's (万人次 scales)."""
    if quantity.unit:
        return quantity.value, quantity.unit
    units = ctx.doc.targets_of(indicator, "measuredIn")
    if not units:
        for other in ctx.doc.of_type("Indicator"):
            if other.notes["concept"] == indicator.notes["concept"] and ctx.doc.targets_of(other, "measuredIn"):
                units = ctx.doc.targets_of(other, "measuredIn")
                break
    if not units:
        raise ctx.error(entity, "the value has no unit and its indicator has no measuredIn Unit")
    multiplier, unit = _unit_of(ctx, units[0])
    return (quantity.value * multiplier).normalize(), unit


def _emit_statements(ctx: Context, concept_of: dict[str, str], plan_period) -> None:
    d = ctx.iris
    groups: dict[str, list[tuple]] = defaultdict(list)
    for entity in ctx.doc.of_type("Target", "Baseline"):
        indicator = ctx.doc.targets_of(entity, "measures")[0]
        period_entity = ctx.doc.targets_of(entity, "during")[0]
        try:
            quantity = normalize.read_quantity(entity.text, ctx.units)
        except NormalizationError as exc:
            raise ctx.error(entity, str(exc)) from None
        value, unit = _statement_unit(ctx, entity, indicator, quantity)
        interval = _period_of(ctx, period_entity, plan_period.start if plan_period else None)
        aggregation = _aggregation(ctx, entity, period_entity, quantity)
        kind = "target" if entity.type == "Target" else "baseline"
        concept = concept_of[indicator.id]
        suffix = _statement_suffix(aggregation)
        key = d.statement(kind, concept, interval.slug, suffix)
        groups[key].append((entity, indicator, period_entity, quantity, value, unit, interval, aggregation))
    for key, members in sorted(groups.items()):
        comparator = _shared_comparator(members)
        for i, member in enumerate(members):
            if comparator is None:  # the text states different values: keep each statement apart
                _emit_statement(ctx, f"{key}-at-{member[0].start}", concept_of, *member)
            else:  # one statement, labelled after its first mention
                _emit_statement(ctx, key, concept_of, *member, comparator=comparator, labelled=i == 0)


def _shared_comparator(members: list[tuple]) -> str | None:
    """The comparator of one target stated several times (a table cell and a sentence), or None.

    The same value and unit restated is one target; a bare table value (Exactly) yields to the
    explicit comparator of the sentence (150万 and 150万人次以上 are one ≥ target).
    """
    if len({(m[4], m[5]) for m in members}) != 1:
        return None
    explicit = {m[3].comparator for m in members} - {"Exactly"}
    if len(explicit) > 1:
        return None
    return explicit.pop() if explicit else "Exactly"


@dataclass(frozen=True)
class Aggregation:
    """How a value aggregates over its period: PeriodTotal, CumulativeTotal or PerInterval (every=)."""

    kind: str
    every: str | None = None


def _statement_suffix(aggregation: Aggregation) -> str:
    """The IRI suffix that keeps a cumulative or per-interval statement apart from a period total."""
    if aggregation.every:
        return "-" + normalize.recurrence_slug(aggregation.every)
    return "-cumulative" if aggregation.kind == "CumulativeTotal" else ""


def _aggregation(ctx: Context, entity: Entity, period_entity: Entity, quantity) -> Aggregation:
    try:
        every = normalize.read_recurrence(period_entity.notes)
    except NormalizationError as exc:
        raise ctx.error(period_entity, str(exc)) from None
    cumulative = bool(entity.attributes.get("Cumulative")) or quantity.bracketed
    if every and cumulative:
        raise ctx.error(entity, "a value cannot be both Cumulative and per interval (every= on its Period)")
    if every:
        return Aggregation("PerInterval", every)
    return Aggregation("CumulativeTotal" if cumulative else "PeriodTotal")


def _emit_statement(ctx: Context, node: str, concept_of: dict[str, str], entity: Entity, indicator: Entity,
                    period_entity: Entity, quantity, value, unit, interval, aggregation: Aggregation, *,
                    comparator: str | None = None, labelled: bool = True) -> None:
    out, d = ctx.out, ctx.iris
    concept = concept_of[indicator.id]
    is_target = entity.type == "Target"
    out.add(node, RDF.type, PKG.IndicatorTarget if is_target else PKG.Baseline)
    out.add(node, PKG.indicator, d.indicator(concept))
    comparator = comparator or quantity.comparator
    out.add(node, PKG.comparator, PKG[comparator])
    out.add(node, PKG.value, decimal_literal(value))
    out.add(node, PKG.unit, iris.unit(unit))
    out.add(node, PKG.valueText, zh(entity.text))
    out.add(node, PKG.period, emit_period(out, interval))
    out.add(node, PKG.aggregation, PKG[aggregation.kind])
    if aggregation.every:
        out.add(node, PKG.recurrence, emit_duration(out, aggregation.every))
    out.add(node, PKG.inPlan, d.plan)
    out.add(d.plan, PKG.hasTarget if is_target else PKG.hasBaseline, node)
    ctx.derive(node, entity, indicator, period_entity)
    if labelled:
        _statement_labels(ctx, node, concept, entity, indicator, value, unit, interval, comparator, aggregation)
    for nature in ctx.doc.targets_of(entity, "hasNature"):
        if nature.text not in NATURES:
            raise ctx.error(nature, f"Nature must be one of {', '.join(NATURES)}")
        out.add(node, PKG.nature, PKG[NATURES[nature.text]])
        ctx.derive(node, nature)
    item = ctx.containing(entity, "ProgramItem")
    if item is not None:
        out.add(node, PKG.inProgram, _item_iri(ctx, item))


def _statement_labels(ctx: Context, node: str, concept: str, entity: Entity, indicator: Entity, value, unit: str,
                      interval: normalize.Interval, comparator: str, aggregation: Aggregation) -> None:
    """zh: the indicator and value as printed; en: concept, comparator, normalised value, unit, period."""
    ctx.out.add(node, RDFS.label, zh(f"{indicator.text} {entity.text}"))
    concept_en = ctx.reg.get("concept", concept).note("en") or concept
    unit_en = ctx.unit_labels_en.get(unit, unit)
    kind_en = "target" if entity.type == "Target" else "baseline"
    every_en = " " + normalize.recurrence_slug(aggregation.every).replace("-", " ") if aggregation.every else ""
    ctx.out.add(node, RDFS.label, en(
        f"{concept_en} {kind_en}: {COMPARATOR_SIGNS[comparator]} {format(value, ',f')} {unit_en}{every_en}, "
        f"{interval.start.isoformat()}/{interval.end.isoformat()}"))


def _box_number(ctx: Context, program: Entity) -> int:
    try:
        return int(program.notes["box"])
    except ValueError:
        raise ctx.error(program, "box= must be a number") from None


def _item_iri(ctx: Context, item: Entity) -> str:
    boxes = ctx.doc.targets_of(item, "itemOf")
    return ctx.iris.item(_box_number(ctx, boxes[0]), _item_number(ctx, item))


def _item_number(ctx: Context, item: Entity) -> int:
    if "n" in item.notes:
        return int(item.notes["n"])
    m = ITEM_NUMBER_RE.match(item.text)
    if not m:
        raise ctx.error(item, "cannot read the item number; add an n= note")
    return int(m.group(1)) if m.group(1).isdigit() else normalize.chinese_integer(m.group(1))


def _serve_and_duty(ctx: Context, entity: Entity, node: str) -> None:
    for group in ctx.doc.targets_of(entity, "serves"):
        ctx.out.add(node, PKG.serves, iris.target_group(group.notes["id"]))
    for agency in ctx.doc.sources_of(entity, "responsibleFor"):
        ctx.out.add(node, PKG.responsibleAgency, iris.agency(agency.notes["id"]))


def _emit_programmes(ctx: Context) -> None:
    out, d = ctx.out, ctx.iris
    for program in ctx.doc.of_type("Program"):
        node = d.box(_box_number(ctx, program))
        out.add(node, RDF.type, PKG.Program)
        out.add(node, PKG.boxNumber, typed(_box_number(ctx, program), XSD.integer))
        _labels(ctx, node, program)
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasProgram, node)
        ctx.derive(node, program)
        _serve_and_duty(ctx, program, node)
    for item in ctx.doc.of_type("ProgramItem"):
        node = _item_iri(ctx, item)
        box = d.box(_box_number(ctx, ctx.doc.targets_of(item, "itemOf")[0]))
        out.add(node, RDF.type, PKG.ProgramItem)
        out.add(node, PKG.itemNumber, typed(_item_number(ctx, item), XSD.integer))
        _labels(ctx, node, item)
        out.add(node, DCTERMS.isPartOf, box)
        out.add(box, DCTERMS.hasPart, node)
        out.add(node, PKG.inPlan, d.plan)
        ctx.derive(node, item)
        _serve_and_duty(ctx, item, node)
    for entity in ctx.doc.of_type("TargetGroup", "NamedProgram"):
        item = ctx.containing(entity, "ProgramItem")
        if item is None:
            continue
        if entity.type == "TargetGroup":
            out.add(_item_iri(ctx, item), PKG.serves, iris.target_group(entity.notes["id"]))
        else:
            out.add(_item_iri(ctx, item), DCTERMS.references, iris.named_programme(entity.notes["id"]))
    for named in ctx.doc.of_type("NamedProgram"):
        _serve_and_duty(ctx, named, iris.named_programme(named.notes["id"]))


def _emit_tasks_and_deadlines(ctx: Context) -> None:
    out, d = ctx.out, ctx.iris
    signed = [e for e in ctx.doc.of_type("Date") if e.attributes["DateRole"] in ("Signed", "Received")]
    default_year = normalize.read_date(signed[0].text).year if signed else None
    for task in ctx.doc.of_type("Task"):
        node = d.task(task.start)
        out.add(node, RDF.type, PKG.Task)
        _labels(ctx, node, task)
        out.add(node, PKG.inPlan, d.plan)
        ctx.derive(node, task)
        _serve_and_duty(ctx, task, node)
        item = ctx.containing(task, "ProgramItem")
        if item is not None:
            out.add(node, PKG.inProgram, _item_iri(ctx, item))
    for deadline in ctx.doc.of_type("Deadline"):
        node = d.deadline(deadline.start)
        try:
            due = (dt.date.fromisoformat(deadline.notes["date"]) if "date" in deadline.notes
                   else normalize.read_date(deadline.text, default_year))
        except (NormalizationError, ValueError) as exc:
            raise ctx.error(deadline, str(exc)) from None
        task = ctx.doc.targets_of(deadline, "deadlineFor")[0]
        out.add(node, RDF.type, PKG.Deadline)
        out.add(node, PKG.dueDate, date_literal(due))
        out.add(node, PKG.deadlineFor, d.task(task.start))
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasDeadline, node)
        out.add(node, RDFS.label, zh(f"{deadline.text}{task.text}"))
        out.add(node, RDFS.label, en(f"Deadline {due.isoformat()}"))
        ctx.derive(node, deadline)


