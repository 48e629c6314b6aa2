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
from policykg.build.profiles import NATIONAL_CODE, emit_profiles
from policykg.build.provenance import emit_provenance
from policykg.build.registry import Registry, identity_key
from policykg.errors import AnnotationError, NormalizationError, UnknownDivisionError
from policykg.kg import divisions, iris
from policykg.kg.namespaces import DCTERMS, ELI, FOAF, ITSRDF, NIF, ORG, PKG, PROV, QB, RDF, RDFS, SKOS, TIME, XSD

log = logging.getLogger(__name__)

LEVELS = {"national": "National", "provincial": "Provincial", "municipal": "Municipal"}
NATURES = {"预期性": "Expected", "约束性": "Binding"}
# kind= of a NamedProgram (corpus/GUIDELINES.md) → the concept of the pkg:ProgrammeKinds scheme
PROGRAMME_KINDS = {"programme": "ProgrammeOfMeasures", "competition": "Competition", "honour": "Honour",
                   "brand": "Brand", "platform": "Platform", "institution": "Institution", "campaign": "Campaign"}
DIVISION_RE = re.compile(r"(司|处|办公室|科|室)$")
ITEM_NUMBER_RE = re.compile(r"^\s*[（(]?(\d+|[一二三四五六七八九十]+)[)）.．、]")
COMPARATOR_SIGNS = {"AtLeast": "≥", "MoreThan": ">", "AtMost": "≤", "LessThan": "<", "Exactly": "=",
                    "Reach": "reach", "Nearly": "nearly", "Approximately": "≈"}


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
    """national for 100000 (the whole country), provincial for a province, municipal below, as the
    GB/T 2260 list (policykg.kg.divisions) records the division's level."""
    if code == NATIONAL_CODE:
        return "national"
    return "provincial" if divisions.get(code).level is divisions.Level.PROVINCE else "municipal"


def parent_code(code: str) -> str | None:
    """The division above in the GB/T 2260 list (a province's parent is the country, 100000)."""
    if code == NATIONAL_CODE:
        return None
    parent = divisions.parent(code)
    return parent.code if parent else NATIONAL_CODE


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
        """Emit the text spans of an annotation and its NIF annotation unit; return the spans' IRIs.

        One span may carry several annotations (an Indicator and a TargetGroup on 贫困劳动力): each is
        its own nif:AnnotationUnit with its brat ID and type, so neither loses which is which.
        """
        result = []
        unit = self.iris.annotation(entity.id)
        out = self.out
        out.add(unit, RDF.type, NIF.AnnotationUnit)
        out.add(unit, PKG.annotationType, ox.Literal(entity.type))
        out.add(unit, PKG.annotationId, ox.Literal(entity.id))
        for start, end in entity.fragments:
            span = self.iris.span(start, end)
            out.add(span, RDF.type, PKG.TextSpan)
            out.add(span, NIF.referenceContext, self.iris.text)
            out.add(span, NIF.beginIndex, typed(start, XSD.nonNegativeInteger))
            out.add(span, NIF.endIndex, typed(end, XSD.nonNegativeInteger))
            out.add(span, NIF.anchorOf, ox.Literal(self.doc.text[start:end]))
            out.add(span, NIF.annotationUnit, unit)
            result.append(span)
        return result

    def derive(self, resource: str, *entities: Entity) -> None:
        """A statement or record read from these annotations: prov:wasDerivedFrom each of their spans."""
        for entity in entities:
            for span in self.spans(entity):
                self.out.add(resource, PROV.wasDerivedFrom, span)

    def identify(self, entity: Entity, resource: str) -> None:
        """The annotation names `resource` (itsrdf:taIdentRef, as NIF 2.1 annotation units do). For a
        mention of a real-world thing (agency, person, place, group, programme, fund) this is the only
        link: the thing is not derived from the text."""
        self.spans(entity)
        self.out.add(self.iris.annotation(entity.id), ITSRDF.taIdentRef, resource)

    def record(self, resource: str, entity: Entity, *others: Entity) -> None:
        """A record read from its own annotation `entity` (and from `others`): identified and derived."""
        self.identify(entity, resource)
        self.derive(resource, entity, *others)

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
    statements = _emit_statements(ctx, indicators, plan_period)
    _emit_programmes(ctx)
    _emit_approvals(ctx)
    _emit_tasks_and_deadlines(ctx, statements, plan_period)
    _emit_periods(ctx, plan_period)
    emit_provenance(ctx.doc, ctx.iris, ctx.out.add)  # machine-drafted / reviewed annotations (annotator)
    return ctx.out.quads | emit_profiles(doc, reg, reg.documents[doc.stem].graph)  # ELI, ORG, SKOS, links


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
    ctx.out.add(resource, prop, zh(entity.reading))
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


def emit_instant(out: GraphWriter, day: dt.date) -> str:
    """An OWL-Time instant: the time of a stock (a level at the end of that day)."""
    instant = iris.instant(day.isoformat())
    out.add(instant, RDF.type, TIME.Instant)
    out.add(instant, TIME.inXSDDate, date_literal(day))
    out.add(instant, PKG.startDate, date_literal(day))
    out.add(instant, PKG.endDate, date_literal(day))
    out.add(instant, RDFS.label, ox.Literal(day.isoformat()))
    return instant


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
    # identifiers in simplified characters (號 → 号), so one number matches its traditional-character copies
    out.add(d.notice, ELI.id_local, ox.Literal(normalize.to_simplified(number.text)))
    out.add(d.notice, PKG.text, d.text)
    out.add(d.notice, PKG.issuesPlan, d.plan)
    out.add(d.plan, PKG.issuedBy, d.notice)
    ctx.record(d.notice, number)
    title = ctx.one("NoticeTitle")
    _labels(ctx, d.notice, title)
    ctx.record(d.notice, title)

    plan_title = ctx.one("PlanTitle")
    out.add(d.plan, RDF.type, PKG.Plan)
    _labels(ctx, d.plan, plan_title)
    ctx.record(d.plan, plan_title)
    code = plan_title.notes["juris"]
    if not ctx.reg.has("jurisdiction", code):
        raise ctx.error(plan_title, f"juris={code} but no Jurisdiction with code={code} is annotated")
    for node in (d.notice, d.plan):
        out.add(node, PKG.jurisdiction, iris.jurisdiction(code))
    try:
        out.add(d.plan, PKG.level, PKG[LEVELS[level_of(code)]])
    except UnknownDivisionError as exc:
        raise ctx.error(plan_title, str(exc)) from None
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
            ctx.record(d.receipt, date)
            continue
        prop = ELI.date_document if role == "Signed" else ELI.date_publication
        out.add(d.notice, prop, value)
        ctx.record(d.notice, date)
    for recipient in ctx.doc.of_type("Recipient"):
        node = d.addressee(recipient.start)
        out.add(node, RDF.type, PKG.AddresseeGroup)
        out.add(node, RDFS.label, zh(recipient.reading))
        out.add(d.notice, PKG.addressee, node)
        ctx.record(node, recipient)
    for note in ctx.doc.of_type("PublicationNote"):
        out.add(d.notice, PKG.publicationNote, zh(note.text))
        ctx.record(d.notice, note)
    for contact in ctx.doc.of_type("Contact"):
        out.add(d.notice, PKG.contactPoint, ox.Literal(contact.text))
        ctx.record(d.notice, contact)
    receipt = ctx.one("ReceiptNumber", required=False)
    if receipt:
        out.add(d.receipt, RDF.type, PKG.ReceiptRecord)
        out.add(d.receipt, PKG.receiptNumber, ox.Literal(normalize.to_simplified(receipt.text)))
        out.add(d.receipt, PKG.recordOf, d.notice)
        out.add(d.receipt, RDFS.label, zh(f"{receipt.text}收文办理单"))
        out.add(d.receipt, RDFS.label, en(f"Receipt record {receipt.text}"))
        out.add(d.notice, PKG.receipt, d.receipt)
        ctx.record(d.receipt, receipt)
    return interval


AGENCY_ROLES = {
    "Issuer": ("notice", PKG.issuer), "CoIssuer": ("notice", PKG.coIssuer),
    "Seal": ("notice", PKG.sealAgency), "Recipient": ("notice", PKG.recipientAgency),
    "Circulation": ("receipt", PKG.circulatedTo), "Approver": ("plan", PKG.approvedBy),
    "Receiver": ("receipt", PKG.receivedBy), "Duty": ("plan", PKG.dutyAgency),
    "Contact": ("notice", PKG.contactAgency), "Mentioned": ("plan", PKG.mentionsAgency),
}
PERSON_ROLES = {
    "ResponsibleLeader": ("receipt", PKG.responsibleLeader),
    "AssistingLeader": ("receipt", PKG.assistingLeader),
    "Contact": ("notice", PKG.contactPerson),
    "Circulation": ("receipt", PKG.circulatedTo),
    "Editor": ("notice", PKG.editor),
    "Proofreader": ("notice", PKG.proofreader),
}


def receipt_form_region(doc: AnnotatedDocument) -> tuple[int, int] | None:
    """Where the receipt form printed on a received copy lies: from the start of the text to the
    notice's first own line (its number, title, or issuers printed after the form's last entry)."""
    receipt = doc.of_type("ReceiptNumber")
    if not receipt:
        return None
    form = [e.start for e in doc.entities.values()
            if e.type == "ReceiptNumber" or e.attributes.get("DateRole") == "Received"
            or e.attributes.get("PersonRole") in ("ResponsibleLeader", "AssistingLeader")
            or e.attributes.get("Role") in ("Receiver", "Circulation")]
    own = [e.start for e in doc.of_type("DocNumber", "NoticeTitle")]
    own += [e.start for e in doc.of_type("Agency")
            if e.attributes.get("Role") in ("Issuer", "CoIssuer") and e.start > max(form)]
    notice_start = min(own, default=len(doc.text))
    if receipt[0].start < notice_start:
        return 0, notice_start
    return doc.text.rfind("\n", 0, receipt[0].start) + 1, len(doc.text)


def _check_recipients(ctx: Context) -> None:
    """A notice's addressees are those of its own text; a receipt form's 送阅 list is Circulation."""
    region = receipt_form_region(ctx.doc)
    if region is None:
        return
    for agency in ctx.doc.of_type("Agency"):
        if agency.attributes["Role"] == "Recipient" and region[0] <= agency.start < region[1]:
            raise ctx.error(agency, "an addressee of the notice cannot come from the receipt form "
                                    f"(characters {region[0]}-{region[1]}); give it Role Circulation")


def _emit_people_and_agencies(ctx: Context) -> None:
    d = ctx.iris
    _check_recipients(ctx)
    holders = {"notice": d.notice, "plan": d.plan, "receipt": d.receipt}
    for agency in ctx.doc.of_type("Agency"):
        node = iris.agency(agency.notes["id"])
        where, prop = AGENCY_ROLES[agency.attributes["Role"]]
        ctx.out.add(holders[where], prop, node)
        ctx.identify(agency, node)
    for person in ctx.doc.of_type("Person"):
        node = iris.person(person.notes["id"])
        role = person.attributes.get("PersonRole")
        if role:
            where, prop = PERSON_ROLES[role]
            ctx.out.add(holders[where], prop, node)
        ctx.identify(person, node)


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
            # a printed title goes on the work's expression (build.profiles), the number on the work
            if re.search(r"〔\d{4}〕\d+号$", normalize.fold(cited.text)):
                out.add(target, ELI.id_local, ox.Literal(normalize.to_simplified(cited.reading)))
            else:
                out.add(target, RDFS.label, zh(cited.reading))
            if ident.note("en"):
                out.add(target, RDFS.label, en(ident.note("en")))
        # 依据/根据 a higher plan: ELI's eli:applies ("conforms with", e.g. a local act with a national one);
        # eli:based_on is "empowered by" an enabling act, which none of the cited plans is
        role = ELI.applies if cited.attributes["CiteRole"] == "BasedOn" else ELI.cites
        out.add(d.plan, role, target)
        ctx.identify(cited, target)  # a mention of the cited work, which is not derived from this text


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
                if DIVISION_RE.search(ident.label_zh):  # 司, 处, 办公室: a division of its parent (W3C ORG)
                    out.add(node, RDF.type, ORG.OrganizationalUnit)
                    out.add(node, ORG.unitOf, iris.agency(ident.note("parent")))
            if ident.note("juris"):
                out.add(node, PKG.jurisdiction, iris.jurisdiction(ident.note("juris")))
        elif kind == "person":
            node = iris.person(slug)
            out.add(node, RDF.type, FOAF.Person)
            label = FOAF.name
        elif kind == "group":
            node = iris.target_group(slug)
            organisations = ident.note("kind") == "organisations"
            out.add(node, RDF.type, PKG.OrganisationCategory if organisations else PKG.TargetGroup)
            out.add(node, SKOS.inScheme, iris.scheme("target-groups"))
            out.add(ctx.iris.plan, PKG.mentionsGroup, node)
            label = SKOS.prefLabel
        elif kind == "funding":
            node = iris.funding(slug)
            out.add(node, RDF.type, PKG.FundingSource)
            out.add(node, SKOS.inScheme, iris.scheme("funding-sources"))
            out.add(ctx.iris.plan, PKG.mentionsFunding, node)
            label = SKOS.prefLabel
        elif kind == "programme":
            node = iris.named_programme(slug)
            out.add(node, RDF.type, PKG.Program)
            out.add(node, RDF.type, PKG.NamedProgram)
            out.add(node, PKG.mentionedIn, ctx.iris.plan)
            out.add(ctx.iris.plan, PKG.mentionsProgram, node)
            if ident.note("kind"):
                if ident.note("kind") not in PROGRAMME_KINDS:
                    raise ctx.error(entity, f"kind={ident.note('kind')!r} of a NamedProgram must be one of "
                                            f"{', '.join(sorted(PROGRAMME_KINDS))}")
                out.add(node, PKG.programmeKind, PKG[PROGRAMME_KINDS[ident.note("kind")]])
            label = SKOS.prefLabel
        else:  # jurisdiction
            node = iris.jurisdiction(slug)
            out.add(node, RDF.type, PKG.Jurisdiction)
            out.add(node, PKG.divisionCode, ox.Literal(slug))
            try:
                out.add(node, PKG.level, PKG[LEVELS[level_of(slug)]])
                parent = parent_code(slug)
            except UnknownDivisionError as exc:
                raise ctx.error(entity, str(exc)) from None
            if parent and ctx.reg.has("jurisdiction", parent):
                out.add(node, PKG.parentJurisdiction, iris.jurisdiction(parent))
            label = SKOS.prefLabel
        out.add(node, label, zh(ident.label_zh))
        for alt in ident.alt_labels:
            out.add(node, SKOS.altLabel, zh(alt))
        if ident.note("en"):
            out.add(node, label, en(ident.note("en")))
        if kind in ("group", "programme", "jurisdiction", "agency", "funding"):
            out.add(node, RDFS.label, zh(ident.label_zh))
            if ident.note("en"):
                out.add(node, RDFS.label, en(ident.note("en")))
    for entity in ctx.doc.of_type("TargetGroup", "NamedProgram", "Jurisdiction", "Funding"):
        key = identity_key(entity)
        make = {"group": iris.target_group, "programme": iris.named_programme,
                "jurisdiction": iris.jurisdiction, "funding": iris.funding}[key[0]]
        ctx.identify(entity, make(key[1]))


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
        _check_concerns_agree(ctx, concept, mentions)
        node = d.indicator(concept)
        ident = ctx.reg.get("concept", concept)
        concept_node = iris.indicator_concept(concept)
        out.add(node, RDF.type, PKG.Indicator)
        out.add(node, RDFS.label, zh(mentions[0].reading))
        for other in sorted({m.reading for m in mentions[1:]} - {mentions[0].reading}):
            out.add(node, SKOS.altLabel, zh(other))
        if ident.note("en"):
            out.add(node, RDFS.label, en(ident.note("en")))
        out.add(node, PKG.measures, concept_node)
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasIndicator, node)
        out.add(concept_node, RDF.type, PKG.IndicatorConcept)
        out.add(concept_node, SKOS.inScheme, iris.scheme("indicators"))
        out.add(concept_node, PKG.measureKind, PKG.Stock if ctx.reg.concept_kind(concept) == "stock" else PKG.Flow)
        out.add(concept_node, SKOS.prefLabel, zh(ident.label_zh))
        out.add(concept_node, RDFS.label, zh(ident.label_zh))
        if ident.note("en"):
            out.add(concept_node, SKOS.prefLabel, en(ident.note("en")))
            out.add(concept_node, RDFS.label, en(ident.note("en")))
        for mention in mentions:
            concept_of[mention.id] = concept
            ctx.record(node, mention)
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


def _check_concerns_agree(ctx: Context, concept: str, mentions: list[Entity]) -> None:
    """`concerns` says whom the indicator counts, as its row or phrase says (农民工参加职业培训 → 农民工); every
    mention of one indicator in a plan that names groups names the same ones. A sentence aimed at other
    groups states another indicator (or its programme 'serves' them)."""
    first: tuple[frozenset[str], Entity] | None = None
    for mention in mentions:
        groups = frozenset(g.notes["id"] for g in ctx.doc.targets_of(mention, "concerns"))
        if not groups:
            continue
        if first is None:
            first = (groups, mention)
        elif groups != first[0]:
            raise ctx.error(mention, f"concerns {', '.join(sorted(groups))} but {first[1].id} (line {first[1].line}) "
                                     f"of the same indicator {concept} concerns {', '.join(sorted(first[0]))}")


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


def _emit_statements(ctx: Context, concept_of: dict[str, str], plan_period) -> dict[str, str]:
    """Emit targets and baselines; return annotation id → statement IRI.

    One statement per plan, kind, concept, period and aggregation (corpus/GUIDELINES.md, "One target,
    several mentions"): a table cell and a sentence restating it are both derivations of it.
    """
    d = ctx.iris
    nodes: dict[str, str] = {}
    groups: dict[str, list[tuple]] = defaultdict(list)
    for entity in ctx.doc.of_type("Target", "Baseline"):
        indicator = ctx.doc.targets_of(entity, "measures")[0]
        period_entity = ctx.doc.targets_of(entity, "during")[0]
        try:
            quantity = normalize.read_quantity(entity.text, ctx.units)
        except NormalizationError as exc:
            raise ctx.error(entity, str(exc)) from None
        value, unit = _statement_unit(ctx, entity, indicator, quantity)
        concept = concept_of[indicator.id]
        interval = _period_of(ctx, period_entity, plan_period.start if plan_period else None)
        aggregation = _aggregation(ctx, entity, period_entity, quantity, concept)
        if aggregation.kind == "Level":  # a stock: the level at the end of the period named
            interval = normalize.Interval(interval.end, interval.end)
        kind = "target" if entity.type == "Target" else "baseline"
        key = d.statement(kind, concept, _time_slug(interval, aggregation), _statement_suffix(aggregation))
        groups[key].append((entity, indicator, period_entity, quantity, value, unit, interval, aggregation))
    _check_one_unit_per_indicator(ctx, groups)
    for key, members in sorted(groups.items()):
        comparator = _shared_comparator(members)
        for i, member in enumerate(members):
            if comparator is None:  # the text states different values: keep each statement apart
                nodes[member[0].id] = f"{key}-at-{member[0].start}"
                _emit_statement(ctx, nodes[member[0].id], concept_of, *member)
            else:  # one statement, labelled after its first mention
                nodes[member[0].id] = key
                _emit_statement(ctx, key, concept_of, *member, comparator=comparator, labelled=i == 0)
    return nodes


def _check_one_unit_per_indicator(ctx: Context, groups: dict[str, list[tuple]]) -> None:
    """A plan's indicator has one unit: a sentence counting persons (25万人以上) and a table row counting
    person-times (25万, （人次）) measure different indicators (GUIDELINES "One target, several mentions")."""
    seen: dict[str, tuple[str, Entity]] = {}
    for members in groups.values():
        for entity, indicator, *_rest in members:
            unit = _rest[3]
            concept = indicator.notes["concept"]
            first = seen.setdefault(concept, (unit, entity))
            if first[0] != unit:
                raise ctx.error(entity, f"concept {concept} is counted in {unit} here but in {first[0]} at "
                                        f"{first[1].id} (line {first[1].line}): one unit per indicator of a plan; "
                                        "give the other mention its own concept=")


def _time_slug(interval: normalize.Interval, aggregation: Aggregation) -> str:
    """`2025-12-31` for the instant of a stock, `2021--2025` for the interval of a flow."""
    return interval.end.isoformat() if aggregation.kind == "Level" else interval.slug


def _shared_comparator(members: list[tuple]) -> str | None:
    """The comparator of one target stated several times (a table cell and a sentence), or None.

    The same value and unit restated is one target; a bare table value (Exactly) yields to the
    explicit comparator of the sentence (150万 and 150万人次以上 are one ≥ target).
    """
    if len({(m[4], m[5]) for m in members}) != 1:
        return None
    return normalize.most_specific({_comparator(m[0], m[3]) for m in members})


def _comparator(entity: Entity, quantity: normalize.Quantity) -> str:
    """达到 on a Baseline reports the level reached: the figure itself, not a level still to reach."""
    if entity.type == "Baseline" and quantity.comparator == "Reach":
        return "Exactly"
    return quantity.comparator


@dataclass(frozen=True)
class Aggregation:
    """How a value relates to time: Level (a stock at an instant), PeriodTotal or PerInterval (every=)."""

    kind: str
    every: str | None = None


def _statement_suffix(aggregation: Aggregation) -> str:
    """The IRI suffix that keeps a per-interval statement apart from a period total."""
    return "-" + normalize.recurrence_slug(aggregation.every) if aggregation.every else ""


def _aggregation(ctx: Context, entity: Entity, period_entity: Entity, quantity, concept: str) -> Aggregation:
    """Stock or flow comes from the indicator concept's kind= (GUIDELINES "Stock and flow")."""
    try:
        every = normalize.read_recurrence(period_entity.notes)
    except NormalizationError as exc:
        raise ctx.error(period_entity, str(exc)) from None
    cumulative = bool(entity.attributes.get("Cumulative")) or quantity.bracketed
    if ctx.reg.concept_kind(concept) == "stock":
        if every:
            raise ctx.error(entity, f"concept {concept} is a stock (kind=stock): a level has no every= period")
        return Aggregation("Level")
    if cumulative:
        raise ctx.error(entity, f"a total printed as Cumulative (〔〕, 总量) is a stock, but concept {concept} is "
                                "kind=flow: fix kind= or give the value its own stock concept")
    return Aggregation("PerInterval", every) if every else Aggregation("PeriodTotal")


def _emit_statement(ctx: Context, node: str, concept_of: dict[str, str], entity: Entity, indicator: Entity,
                    period_entity: Entity, quantity, value, unit, interval, aggregation: Aggregation, *,
                    comparator: str | None = None, labelled: bool = True) -> None:
    out, d = ctx.out, ctx.iris
    concept = concept_of[indicator.id]
    is_target = entity.type == "Target"
    out.add(node, RDF.type, PKG.IndicatorTarget if is_target else PKG.Baseline)
    out.add(node, PKG.indicator, d.indicator(concept))
    comparator = comparator or _comparator(entity, quantity)
    out.add(node, PKG.comparator, PKG[comparator])
    out.add(node, PKG.value, decimal_literal(value))
    out.add(node, PKG.unit, iris.unit(unit))
    out.add(node, PKG.valueText, zh(entity.reading))
    if aggregation.kind == "Level":
        out.add(node, PKG.period, emit_instant(out, interval.end))
    else:
        out.add(node, PKG.period, emit_period(out, interval))
    out.add(node, PKG.aggregation, PKG[aggregation.kind])
    if aggregation.every:
        out.add(node, PKG.recurrence, emit_duration(out, aggregation.every))
    out.add(node, PKG.inPlan, d.plan)
    out.add(d.plan, PKG.hasTarget if is_target else PKG.hasBaseline, node)
    # RDF Data Cube: each statement is an observation of its plan's targets (or baselines) data set
    dataset = _statement_dataset(ctx, "targets" if is_target else "baselines")
    out.add(node, RDF.type, QB.Observation)
    out.add(node, QB.dataSet, dataset)
    ctx.record(node, entity, indicator, period_entity)
    if labelled:
        _statement_labels(ctx, node, concept, entity, indicator, value, unit, interval, comparator, aggregation)
    for nature in ctx.doc.targets_of(entity, "hasNature"):
        if normalize.fold(nature.text) not in NATURES:  # fold: 預期性 in a traditional-character text
            raise ctx.error(nature, f"Nature must be one of {', '.join(NATURES)}")
        out.add(node, PKG.nature, PKG[NATURES[normalize.fold(nature.text)]])
        ctx.derive(node, nature)
    item = ctx.containing(entity, "ProgramItem")
    if item is not None:
        out.add(node, PKG.inProgram, _item_iri(ctx, item))


def _statement_dataset(ctx: Context, kind: str) -> str:
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


def _statement_labels(ctx: Context, node: str, concept: str, entity: Entity, indicator: Entity, value, unit: str,
                      interval: normalize.Interval, comparator: str, aggregation: Aggregation) -> None:
    """zh: the indicator and value as printed; en: concept, comparator, normalised value, unit, period."""
    ctx.out.add(node, RDFS.label, zh(f"{indicator.reading}：{entity.reading}"))
    concept_en = ctx.reg.get("concept", concept).note("en") or concept
    unit_en = ctx.unit_labels_en.get(unit, unit)
    kind_en = "target" if entity.type == "Target" else "baseline"
    every_en = " " + normalize.recurrence_slug(aggregation.every).replace("-", " ") if aggregation.every else ""
    when = (f"at {interval.end.isoformat()}" if aggregation.kind == "Level"
            else f"{interval.start.isoformat()}/{interval.end.isoformat()}")
    ctx.out.add(node, RDFS.label, en(
        f"{concept_en} {kind_en}: {COMPARATOR_SIGNS[comparator]} {format(value, ',f')} {unit_en}{every_en}, {when}"))


def _box_number(ctx: Context, program: Entity) -> int:
    try:
        return int(program.notes["box"])
    except ValueError:
        raise ctx.error(program, "box= must be a number") from None


def _item_iri(ctx: Context, item: Entity) -> str:
    boxes = ctx.doc.targets_of(item, "itemOf")
    return ctx.iris.item(_box_number(ctx, boxes[0]), _item_number(ctx, item))


ITEM_START_RE = re.compile(r"^\s*(?:[（(]?(?:\d+|[一二三四五六七八九十]+)[)）.．、]|专栏|——)")


def item_paragraph(text: str, start: int) -> str:
    """The paragraph of a box item, from its number up to the next item, box or heading (the texts wrap
    lines mid-phrase, with blank lines between), joined as a reader would: no space at a line break."""
    lines, pos = [], start
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if lines and ITEM_START_RE.match(line):
            break
        if line:
            lines.append(line)
        pos = end + 1
    return "".join(lines)


def item_title(paragraph: str) -> str:
    """The short title of a box item: the words after its number up to the first 。 (or the paragraph)."""
    body = ITEM_START_RE.sub("", paragraph, count=1).strip()
    return body.split("。", 1)[0].strip() or body


def _item_number(ctx: Context, item: Entity) -> int:
    if "n" in item.notes:
        return int(item.notes["n"])
    m = ITEM_NUMBER_RE.match(item.text)
    if not m:
        raise ctx.error(item, "cannot read the item number; add an n= note")
    return int(m.group(1)) if m.group(1).isdigit() else normalize.chinese_integer(m.group(1))


# relation → (property of the measure for the agency, org:Role of the qualified pkg:Responsibility);
# every one of them also gives the plain pkg:responsibleAgency
DUTY_RELATIONS = {"responsibleFor": (None, PKG.ParticipantRole), "leads": (PKG.leadAgency, PKG.LeadRole),
                  "primaryFor": (PKG.primaryResponsibleAgency, PKG.PrimaryResponsibilityRole)}


def _serve_and_duty(ctx: Context, entity: Entity, node: str) -> None:
    for group in ctx.doc.targets_of(entity, "serves"):
        ctx.out.add(node, PKG.serves, iris.target_group(group.notes["id"]))
    for relation, (prop, role) in DUTY_RELATIONS.items():
        for agency in ctx.doc.sources_of(entity, relation):
            agency_node = iris.agency(agency.notes["id"])
            ctx.out.add(node, PKG.responsibleAgency, agency_node)
            if prop is not None:
                ctx.out.add(node, prop, agency_node)
            # the qualified relation (W3C ORG style): which agency holds which role for this measure
            digest = hashlib.sha256(f"{node} {agency_node}".encode()).hexdigest()[:12]
            qualified = f"{ctx.iris.notice}/responsibility/{digest}"
            ctx.out.add(qualified, RDF.type, PKG.Responsibility)
            ctx.out.add(qualified, PKG.responsibilityOf, node)
            ctx.out.add(qualified, PKG.agent, agency_node)
            ctx.out.add(qualified, PKG.role, role)
            ctx.out.add(node, PKG.responsibility, qualified)
    for fund in ctx.doc.targets_of(entity, "fundedBy"):
        ctx.out.add(node, PKG.fundedBy, iris.funding(fund.notes["id"]))
    for fund in ctx.doc.targets_of(entity, "governs"):
        ctx.out.add(node, PKG.concernsFunding, iris.funding(fund.notes["id"]))


def _emit_programmes(ctx: Context) -> None:
    out, d = ctx.out, ctx.iris
    for program in ctx.doc.of_type("Program"):
        node = d.box(_box_number(ctx, program))
        out.add(node, RDF.type, PKG.Program)
        out.add(node, PKG.boxNumber, typed(_box_number(ctx, program), XSD.integer))
        _labels(ctx, node, program)
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasProgram, node)
        ctx.record(node, program)
        _serve_and_duty(ctx, program, node)
    for item in ctx.doc.of_type("ProgramItem"):
        node = _item_iri(ctx, item)
        box = d.box(_box_number(ctx, ctx.doc.targets_of(item, "itemOf")[0]))
        out.add(node, RDF.type, PKG.ProgramItem)
        out.add(node, PKG.itemNumber, typed(_item_number(ctx, item), XSD.integer))
        paragraph = item_paragraph(ctx.doc.text, item.start)
        out.add(node, RDFS.label, zh(item_title(paragraph)))
        if "en" in item.notes:
            out.add(node, RDFS.label, en(item.notes["en"]))
        out.add(node, DCTERMS.description, zh(paragraph))
        out.add(node, DCTERMS.isPartOf, box)
        out.add(box, DCTERMS.hasPart, node)
        out.add(node, PKG.inPlan, d.plan)
        ctx.record(node, item)
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


def _emit_periods(ctx: Context, plan_period) -> None:
    """Every annotated Period is a period of the plan's text, even one no value points at (“十三五”时期
    heading a review section): named by its annotation, mentioned by the plan."""
    for entity in ctx.doc.of_type("Period"):
        interval = _period_of(ctx, entity, plan_period.start if plan_period else None)
        node = emit_period(ctx.out, interval)
        ctx.identify(entity, node)
        ctx.out.add(ctx.iris.plan, PKG.mentionsPeriod, node)


def _emit_approvals(ctx: Context) -> None:
    """经国务院同意: the plan was issued with the consent of a higher body."""
    out, d = ctx.out, ctx.iris
    for approval in ctx.doc.of_type("Approval"):
        node = d.approval(approval.start)
        agency = ctx.doc.targets_of(approval, "approvedBy")[0]
        out.add(node, RDF.type, PKG.Approval)
        out.add(node, PKG.approvingAgency, iris.agency(agency.notes["id"]))
        out.add(node, PKG.approves, d.plan)
        out.add(d.plan, PKG.approval, node)
        out.add(node, RDFS.label, zh(approval.reading))
        out.add(node, RDFS.label, en(f"Approval by {ctx.reg.get('agency', agency.notes['id']).note('en')}"))
        ctx.record(node, approval)


def _emit_tasks_and_deadlines(ctx: Context, statements: dict[str, str], plan_period) -> None:
    out, d = ctx.out, ctx.iris
    signed = [e for e in ctx.doc.of_type("Date") if e.attributes["DateRole"] in ("Signed", "Received")]
    default_year = normalize.read_date(signed[0].text).year if signed else None
    for task in ctx.doc.of_type("Task"):
        node = d.task(task.start)
        out.add(node, RDF.type, PKG.Task)
        _labels(ctx, node, task)
        out.add(node, PKG.inPlan, d.plan)
        ctx.record(node, task)
        _serve_and_duty(ctx, task, node)
        for period_entity in ctx.doc.targets_of(task, "during"):
            interval = _period_of(ctx, period_entity, plan_period.start if plan_period else None)
            out.add(node, PKG.period, emit_period(out, interval))
            try:
                every = normalize.read_recurrence(period_entity.notes)
            except NormalizationError as exc:
                raise ctx.error(period_entity, str(exc)) from None
            if every:
                out.add(node, PKG.recurrence, emit_duration(out, every))
            ctx.derive(node, period_entity)
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
        out.add(node, RDF.type, PKG.Deadline)
        out.add(node, PKG.dueDate, date_literal(due))
        subjects = ctx.doc.targets_of(deadline, "deadlineFor")
        for subject in subjects:
            target = statements[subject.id] if subject.type == "Target" else d.task(subject.start)
            out.add(node, PKG.deadlineFor, target)
            out.add(target, PKG.deadline, node)
        task = subjects[0]
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasDeadline, node)
        out.add(node, RDFS.label, zh(f"{deadline.reading}{task.reading}"))
        out.add(node, RDFS.label, en(f"Deadline {due.isoformat()}"))
        ctx.record(node, deadline)


