"""Standard profiles asserted in the data, not only inferred: ELI, ORG/CPOV, SKOS, shared identifiers.

Written once per document by build.emit; everything comes from the annotations and the registry:

- ELI: the notice and the plan it issues are works (eli:LegalResource) with eli:type_document,
  eli:jurisdiction, eli:passed_by (issuing agencies) and eli:is_realized_by their Chinese expression
  (eli:LegalExpression, eli:language ZHO, eli:title as printed). The plan eli:is_part_of the notice.
  The English labels are the project's, not a published translation, so there is no English
  expression. eli:id_local (build.emit) is the document number in its standard form (normalize.document_number).
- ORG/CPOV: every agency is an org:Organization; one with a jurisdiction is a cv:PublicOrganisation
  with dcterms:spatial.
- SKOS: target groups and indicator concepts are skos:Concept in their scheme.
- CPSV-AP: a named programme of measures (kind=programme) that the text aims at a group (serves) is a
  public service (cpsv:PublicService, CPSV-AP 3.2.0): dct:identifier its slug, dct:title its preferred
  label, dct:audience the groups it serves, cv:hasLegalResource the plan that sets it out, and
  cv:hasCompetentAuthority the public organisations the text makes responsible for it (leads,
  responsibleFor, primaryFor), where it names any.
- Jurisdictions: code (skos:notation), the code as Wikidata's P442 holds it (pkg:p442Code), the
  Ministry of Civil Affairs name (pkg:officialName), all from policykg.kg.divisions; a Wikidata item
  (skos:exactMatch) only where corpus/links/wikidata.tsv cites a source for it.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from policykg.build import iris
from policykg.build.annotations import AnnotatedDocument
from policykg.build.iris import CV, DCTERMS, ELI, EU_LANGUAGE, ORG, PKG, RDF, SKOS, WD
from policykg.build.normalize import fold
from policykg.build.registry import Registry, identity_key
from policykg.errors import AnnotationError
from policykg.kg import divisions

CPSV_PUBLIC_SERVICE = "http://purl.org/vocab/cpsv#PublicService"
CV_COMPETENT_AUTHORITY = "http://data.europa.eu/m8g/hasCompetentAuthority"
CV_LEGAL_RESOURCE = "http://data.europa.eu/m8g/hasLegalResource"
DUTY_RELATIONS = ("leads", "responsibleFor", "primaryFor")  # corpus/GUIDELINES.md, Relations
NATIONAL_CODE = "100000"  # the project's code for the whole country (not a GB/T 2260 division)
LINKS_FILE = Path("links") / "wikidata.tsv"
ISSUING_ROLES = ("Issuer", "CoIssuer")
NUMBER_RE = re.compile(r"〔\d{4}〕\d+号$")  # a cited document known by its number (build.emit)


@cache
def wikidata_links(corpus_dir: Path) -> dict[str, tuple[str, str]]:
    """GB/T 2260 code → (Wikidata item, source) from corpus/links/wikidata.tsv (# lines are comments)."""
    path = corpus_dir / LINKS_FILE
    if not path.exists():
        return {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t")
    return {row["code"]: (row["item"], row["source"]) for row in rows}


class _Out(Protocol):
    """Where the profiles are written: build.emit's writer of the document's graph (an IRI as a string)."""

    def add(self, s: str, p: str, o: str | ox.Literal) -> None: ...


def write_profiles(doc: AnnotatedDocument, reg: Registry, out: _Out) -> None:
    """The ELI, ORG/CPOV, SKOS and identifier triples of one document, into its named graph's writer."""
    _eli(doc, reg, out)
    _agencies(doc, reg, out)
    _concepts(doc, out)
    _public_services(doc, reg, out)
    _jurisdictions(doc, reg, out)


def _one_text(doc: AnnotatedDocument, etype: str) -> str | None:
    found = doc.of_type(etype)
    return found[0].reading if len(found) == 1 else None  # as a reader writes it (GUIDELINES: labels)


def _eli(doc: AnnotatedDocument, reg: Registry, out: _Out) -> None:
    d = reg.documents[doc.stem]
    titles = {d.notice: _one_text(doc, "NoticeTitle"), d.plan: _one_text(doc, "PlanTitle")}
    kinds = {d.notice: "notice", d.plan: "plan"}
    plan_titles = doc.of_type("PlanTitle")
    code = plan_titles[0].notes.get("juris") if len(plan_titles) == 1 else None
    issuers = sorted({iris.agency(a.notes["id"]) for a in doc.of_type("Agency")
                      if a.attributes.get("Role") in ISSUING_ROLES})
    for work, title in titles.items():
        expression = iris.expression(work)
        out.add(work, RDF.type, ELI.LegalResource)
        out.add(work, ELI.type_document, iris.document_type(kinds[work]))
        out.add(work, ELI.is_realized_by, expression)
        out.add(expression, RDF.type, ELI.LegalExpression)
        out.add(expression, ELI.realizes, work)
        out.add(expression, ELI.language, EU_LANGUAGE.ZHO)
        if title:
            out.add(expression, ELI.title, ox.Literal(title, language="zh"))
        if code:
            out.add(work, ELI.jurisdiction, iris.jurisdiction(code))
        for agency in issuers:
            out.add(work, ELI.passed_by, agency)
    for cited in doc.of_type("CitedDocument"):  # a cited work outside the corpus, known by its title
        ident = reg.get("work", cited.notes["id"])
        if ident.note("doc") or NUMBER_RE.search(fold(cited.text)):
            continue
        work, expression = iris.cited_work(ident.key), iris.expression(iris.cited_work(ident.key))
        out.add(work, ELI.is_realized_by, expression)
        out.add(expression, RDF.type, ELI.LegalExpression)
        out.add(expression, ELI.realizes, work)
        out.add(expression, ELI.language, EU_LANGUAGE.ZHO)
        # one title (ELI: eli:title 0..1 per expression): the zh= title, else the printed one;
        # the other printed forms (职业分类大典 for 中华人民共和国职业分类大典) are eli:title_alternative
        title = cited_title(ident, cited.reading)
        out.add(expression, ELI.title, ox.Literal(title, language="zh"))
        if cited.reading != title:
            out.add(expression, ELI.title_alternative, ox.Literal(cited.reading, language="zh"))
    out.add(d.plan, ELI.is_part_of, d.notice)
    out.add(d.notice, ELI.has_part, d.plan)


def cited_title(ident, printed: str) -> str:
    """The title of a cited work: its zh= note (required when the texts print it under several titles,
    corpus/GUIDELINES.md), else the title printed here."""
    return ident.note("zh") or printed


def _agencies(doc: AnnotatedDocument, reg: Registry, out: _Out) -> None:
    for entity in doc.of_type("Agency"):
        ident = reg.get("agency", entity.notes["id"])
        node = iris.agency(ident.key)
        out.add(node, RDF.type, ORG.Organization)
        juris = ident.note("juris")
        if juris:
            out.add(node, RDF.type, CV.PublicOrganisation)
            out.add(node, DCTERMS.spatial, iris.jurisdiction(juris))


def _concepts(doc: AnnotatedDocument, out: _Out) -> None:
    for entity in doc.of_type("TargetGroup"):
        key = identity_key(entity)
        out.add(iris.target_group(key[1]), RDF.type, SKOS.Concept)


def _public_services(doc: AnnotatedDocument, reg: Registry, out: _Out) -> None:
    """CPSV-AP: "a mandatory or discretionary set of activities performed … by or on behalf of a public
    organisation, publicly funded and arise from public policy". A programme of measures aimed at a group
    is one; brands, honours, competitions, platforms, institutions and campaigns are not, and neither is a
    programme the text aims at no one (an industrial or policy action such as 技能中国行动)."""
    plan = reg.documents[doc.stem].plan
    regions = _setting_out_regions(doc)
    set_out = {entity.notes["id"] for entity in doc.of_type("NamedProgram")
               if any(start <= entity.start and entity.end <= end for start, end in regions)}
    for entity in doc.of_type("NamedProgram"):
        ident = reg.get("programme", entity.notes["id"])
        groups = doc.targets_of(entity, "serves")
        if ident.note("kind") != "programme" or not groups:
            continue
        node = iris.named_programme(ident.key)
        out.add(node, RDF.type, CPSV_PUBLIC_SERVICE)
        out.add(node, DCTERMS.identifier, ox.Literal(ident.key))
        out.add(node, DCTERMS.title, ox.Literal(ident.label_zh, language="zh"))
        if ident.key in set_out:  # the plan is its legal resource only where it sets it out
            out.add(node, CV_LEGAL_RESOURCE, plan)
        for group in groups:
            out.add(node, DCTERMS.audience, iris.target_group(group.notes["id"]))
        for relation in DUTY_RELATIONS:
            for agency in doc.sources_of(entity, relation):
                if reg.get("agency", agency.notes["id"]).note("juris"):  # a cv:PublicOrganisation
                    out.add(node, CV_COMPETENT_AUTHORITY, iris.agency(agency.notes["id"]))


def _setting_out_regions(doc: AnnotatedDocument) -> list[tuple[int, int]]:
    """Where the plan sets a programme out (and is its legal resource): a 专栏 box title, or a numbered
    item's short title (up to its first 。). A mention in running text may only refer to a programme
    that exists apart from the plan (支持…参加青年实习生交流计划), so it is not enough."""
    regions = [(box.start, box.end) for box in doc.of_type("Program")]
    for item in doc.of_type("ProgramItem"):
        title_end = doc.text.find("。", item.start)
        regions.append((item.start, title_end if title_end >= 0 else len(doc.text)))
    return regions


def _jurisdictions(doc: AnnotatedDocument, reg: Registry, out: _Out) -> None:
    links = wikidata_links(doc.ann_path.parent)
    for entity in doc.of_type("Jurisdiction"):
        code = entity.notes["code"]
        node = iris.jurisdiction(code)
        out.add(node, RDF.type, SKOS.Concept)
        out.add(node, SKOS.inScheme, iris.scheme("jurisdictions"))
        out.add(node, SKOS.notation, ox.Literal(code))
        if code != NATIONAL_CODE:
            division = divisions.find(code)
            if division is None:
                raise AnnotationError(str(doc.ann_path), entity.line,
                                      f"{entity.id}: code={code} is not in the GB/T 2260 list "
                                      f"{divisions.edition().source_table} (policykg.kg.divisions)")
            out.add(node, PKG.p442Code, ox.Literal(division.p442))
            out.add(node, PKG.officialName, ox.Literal(division.name, language="zh"))
        if code in links:
            out.add(node, SKOS.exactMatch, WD[links[code][0]])
