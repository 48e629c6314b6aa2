"""Corpus-wide resources a document mentions (agencies, people, target groups, funding sources, named
programmes, jurisdictions): their types, labels and links, written into each graph that mentions them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import pyoxigraph as ox

from policykg.build import iris
from policykg.build.annotations import Entity
from policykg.build.emit.context import Context
from policykg.build.emit.levels import level_term, parent_code
from policykg.build.emit.terms import en, zh
from policykg.build.iris import FOAF, ORG, PKG, RDF, RDFS, SKOS
from policykg.build.registry import Identity, identity_key
from policykg.errors import UnknownDivisionError

# kind= of a NamedProgram (corpus/GUIDELINES.md) → the concept of the pkg:ProgrammeKinds scheme
PROGRAMME_KINDS = {"programme": "ProgrammeOfMeasures", "competition": "Competition", "honour": "Honour",
                   "brand": "Brand", "platform": "Platform", "institution": "Institution", "campaign": "Campaign"}
DIVISION_RE = re.compile(r"(司|处|办公室|科|室)$")
# registry kind → the IRI of a resource of that kind, from its key
IRI_OF_KIND: dict[str, Callable[[str], str]] = {
    "agency": iris.agency, "person": iris.person, "group": iris.target_group, "funding": iris.funding,
    "programme": iris.named_programme, "jurisdiction": iris.jurisdiction,
}
# kinds the builder describes elsewhere: cited works (citations), indicator concepts (indicators)
DESCRIBED_ELSEWHERE = ("work", "concept")
# mentions that name their resource (itsrdf:taIdentRef) here; agencies and people are named by agents
MENTION_TYPES = ("TargetGroup", "NamedProgram", "Jurisdiction", "Funding")


class Mentioned(NamedTuple):
    """One shared resource as this document mentions it: the annotation, the identity, the IRI."""

    entity: Entity
    ident: Identity
    node: str


def emit_shared_resources(ctx: Context) -> None:
    """Labels and links of corpus-wide resources mentioned in this document."""
    printed: dict[tuple[str, str], set[str]] = {}  # identity → the forms this document prints
    first: list[Entity] = []  # the first mention of each identity, in file order
    for entity in ctx.doc.entities.values():
        key = identity_key(entity)
        if key is None or key[0] in DESCRIBED_ELSEWHERE:
            continue
        if key not in printed:
            printed[key] = set()
            first.append(entity)
        printed[key].add(entity.reading)
    for entity in first:
        kind, slug = key = identity_key(entity)
        mentioned = Mentioned(entity, ctx.reg.get(kind, slug), IRI_OF_KIND[kind](slug))
        DESCRIBE[kind](ctx, mentioned)
        emit_names(ctx, mentioned, FOAF.name if kind == "person" else SKOS.prefLabel, rdfs_label=kind != "person",
                   printed_here=printed[key])
    for entity in ctx.doc.of_type(*MENTION_TYPES):
        kind, slug = identity_key(entity)
        ctx.identify(entity, IRI_OF_KIND[kind](slug))


def emit_names(ctx: Context, mentioned: Mentioned, label: str, *, rdfs_label: bool, printed_here: set[str]) -> None:
    """The preferred label (zh, and en= if given), the other printed forms as skos:altLabel, and
    rdfs:label for every kind but people (foaf:name is theirs)."""
    out, node, ident = ctx.out, mentioned.node, mentioned.ident
    label_zh, label_en = zh(ident.label_zh), ident.note("en")
    out.add(node, label, label_zh)
    # a document's graph holds the forms this document prints (`printed_here`): an altLabel is a printed
    # form, and 国家人社部 printed by one notice is not a wording of the others (the merge has every form)
    for alt in ident.alt_labels:
        if alt in printed_here:
            out.add(node, SKOS.altLabel, zh(alt))
    if label_en:
        out.add(node, label, en(label_en))
    if rdfs_label:
        out.add(node, RDFS.label, label_zh)
        if label_en:
            out.add(node, RDFS.label, en(label_en))


def describe_agency(ctx: Context, mentioned: Mentioned) -> None:
    out, node, ident = ctx.out, mentioned.node, mentioned.ident
    out.add(node, RDF.type, PKG.Agency)
    if ident.note("parent"):
        out.add(node, ORG.subOrganizationOf, iris.agency(ident.note("parent")))
        if DIVISION_RE.search(ident.label_zh):  # 司, 处, 办公室: a division of its parent (W3C ORG)
            out.add(node, RDF.type, ORG.OrganizationalUnit)
            out.add(node, ORG.unitOf, iris.agency(ident.note("parent")))
    if ident.note("juris"):
        out.add(node, PKG.jurisdiction, iris.jurisdiction(ident.note("juris")))


def describe_person(ctx: Context, mentioned: Mentioned) -> None:
    ctx.out.add(mentioned.node, RDF.type, FOAF.Person)


def describe_group(ctx: Context, mentioned: Mentioned) -> None:
    out, node = ctx.out, mentioned.node
    organisations = mentioned.ident.note("kind") == "organisations"
    out.add(node, RDF.type, PKG.OrganisationCategory if organisations else PKG.TargetGroup)
    out.add(node, SKOS.inScheme, iris.scheme("target-groups"))
    out.add(ctx.iris.plan, PKG.mentionsGroup, node)


def describe_funding(ctx: Context, mentioned: Mentioned) -> None:
    out, node = ctx.out, mentioned.node
    out.add(node, RDF.type, PKG.FundingSource)
    out.add(node, SKOS.inScheme, iris.scheme("funding-sources"))
    out.add(ctx.iris.plan, PKG.mentionsFunding, node)


def describe_programme(ctx: Context, mentioned: Mentioned) -> None:
    out, node, kind = ctx.out, mentioned.node, mentioned.ident.note("kind")
    out.add(node, RDF.type, PKG.Program)
    out.add(node, RDF.type, PKG.NamedProgram)
    out.add(node, PKG.mentionedIn, ctx.iris.plan)
    out.add(ctx.iris.plan, PKG.mentionsProgram, node)
    if kind:
        if kind not in PROGRAMME_KINDS:
            raise ctx.error(mentioned.entity, f"kind={kind!r} of a NamedProgram must be one of "
                                              f"{', '.join(sorted(PROGRAMME_KINDS))}")
        out.add(node, PKG.programmeKind, PKG[PROGRAMME_KINDS[kind]])


def describe_jurisdiction(ctx: Context, mentioned: Mentioned) -> None:
    out, node, code = ctx.out, mentioned.node, mentioned.ident.key
    out.add(node, RDF.type, PKG.Jurisdiction)
    out.add(node, PKG.divisionCode, ox.Literal(code))
    with ctx.blame(mentioned.entity, UnknownDivisionError):
        out.add(node, PKG.level, level_term(code))
        parent = parent_code(code)
    if parent and ctx.reg.has("jurisdiction", parent):
        out.add(node, PKG.parentJurisdiction, iris.jurisdiction(parent))


DESCRIBE: dict[str, Callable[[Context, Mentioned], None]] = {
    "agency": describe_agency, "person": describe_person, "group": describe_group,
    "funding": describe_funding, "programme": describe_programme, "jurisdiction": describe_jurisdiction,
}
