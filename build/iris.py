"""Mint the project's IRIs: readable ASCII, derived from document identity and content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from pypinyin import lazy_pinyin

from policykg.errors import BuildError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE


class Terms:
    """A vocabulary whose terms (rdflib URIRefs, as `kg.namespaces` gives them) are made once each: reading
    an attribute of an rdflib namespace makes and checks a new URIRef every time, a million times in
    the emission of a few hundred documents."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:  # only for a term not read before
        if name.startswith("__"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> str:
        return getattr(self, name)


# the vocabularies the builder writes with (build.emit, build.profiles)
CV, DCTERMS, ELI, EU_LANGUAGE, FOAF, ITSRDF, NIF, ORG, PKG, PROV, QB, RDF, RDFS, SKOS, TIME, WD, XSD = (
    Terms(namespace) for namespace in (ns.CV, ns.DCTERMS, ns.ELI, ns.EU_LANGUAGE, ns.FOAF, ns.ITSRDF, ns.NIF,
                                       ns.ORG, ns.PKG, ns.PROV, ns.QB, ns.RDF, ns.RDFS, ns.SKOS, ns.TIME, ns.WD,
                                       ns.XSD))
UNIT_PREFIX = BASE + "unit/"  # the project's units (ontology/units.ttl)
DOC_NUMBER_RE = re.compile(r"^(?P<series>.+?)[〔\[［(（](?P<year>\d{4})[〕\]］)）](?P<number>\d+)号$")


def series_slug(series: str) -> str:
    """Pinyin of a document series: 人社部发 → renshebufa."""
    slug = "".join(lazy_pinyin(series)).lower()
    slug = re.sub(r"[^a-z0-9]+", "", slug)
    if not slug:
        raise BuildError(f"cannot romanise the document series {series!r}")
    return slug


def document_slug(number: str) -> str:
    """`人社部发〔2021〕102号` → `renshebufa-2021-102`."""
    m = DOC_NUMBER_RE.match(number)
    if not m:
        raise BuildError(f"document number {number!r} is not of the form 系列〔年份〕序号号")
    return f"{series_slug(m.group('series'))}-{m.group('year')}-{int(m.group('number'))}"


@dataclass(frozen=True)
class DocumentIRIs:
    """IRIs of one corpus document and of the resources minted inside it."""

    slug: str

    # made once: the emitter asks for them hundreds of thousands of times in a large build
    @cached_property
    def notice(self) -> str:
        return f"{BASE}doc/{self.slug}"

    @cached_property
    def plan(self) -> str:
        return f"{self.notice}/plan"

    @cached_property
    def text(self) -> str:
        return f"{self.notice}/text"

    @cached_property
    def graph(self) -> str:
        return f"{BASE}graph/{self.slug}"

    @cached_property
    def receipt(self) -> str:
        return f"{self.notice}/receipt"

    def span(self, start: int, end: int) -> str:
        return f"{self.text}/{start}-{end}"

    def addressee(self, start: int) -> str:
        return f"{self.notice}/addressee/{start}"

    def indicator(self, concept: str) -> str:
        return f"{self.notice}/indicator/{concept}"

    def statement(self, kind: str, concept: str, period_slug: str, suffix: str = "") -> str:
        return f"{self.notice}/{kind}/{concept}/{period_slug}{suffix}"

    def deadline(self, start: int) -> str:
        return f"{self.notice}/deadline/{start}"

    def task(self, start: int) -> str:
        return f"{self.notice}/task/{start}"

    def approval(self, start: int) -> str:
        return f"{self.notice}/approval/{start}"

    def annotation(self, ann_id: str) -> str:
        """One brat annotation (T12) of this document: a mention or the record of a statement."""
        return f"{self.text}/annotation/{ann_id}"

    def box(self, n: int) -> str:
        return f"{self.notice}/programme/box-{n}"

    def item(self, box: int, n: int) -> str:
        return f"{self.box(box)}/item-{n}"


def agency(slug: str) -> str:
    return f"{BASE}agency/{slug}"


def person(slug: str) -> str:
    return f"{BASE}person/{slug}"


def target_group(slug: str) -> str:
    return f"{BASE}group/{slug}"


def indicator_concept(slug: str) -> str:
    return f"{BASE}indicator/{slug}"


def named_programme(slug: str) -> str:
    return f"{BASE}programme/{slug}"


def funding(slug: str) -> str:
    return f"{BASE}funding/{slug}"


def jurisdiction(code: str) -> str:
    return f"{BASE}jurisdiction/{code}"


def cited_work(slug: str) -> str:
    return f"{BASE}work/{slug}"


def period(slug: str) -> str:
    return f"{BASE}period/{slug}"


def duration(iso: str) -> str:
    """An OWL-Time duration by its ISO 8601 form: duration/P1Y."""
    return f"{BASE}duration/{iso}"


def instant(date_iso: str) -> str:
    return f"{BASE}instant/{date_iso}"


def unit(slug: str) -> str:
    return UNIT_PREFIX + slug


def scheme(name: str) -> str:
    return f"{BASE}scheme/{name}"


def expression(work: str, language: str = "zh") -> str:
    """The language version (ELI LegalExpression) of a work (notice or plan): {work}/zh."""
    return f"{work}/{language}"


def document_type(slug: str) -> str:
    """A concept of the document-type scheme (the value of eli:type_document)."""
    return f"{BASE}document-type/{slug}"
