"""build.emit.shared_resources: each corpus-wide resource typed, labelled and linked once per graph."""

import pyoxigraph as ox
import pytest

from policykg.build.emit.shared_resources import DESCRIBE, IRI_OF_KIND, emit_shared_resources
from policykg.build.emit.terms import en, zh
from policykg.build.registry import IDENTIFIED
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE

AGENCY = BASE + "agency/taian-hrss"


def test_every_registry_kind_is_described_here_or_elsewhere():
    kinds = {kind for kind, _ in IDENTIFIED.values()}
    assert set(DESCRIBE) == set(IRI_OF_KIND) == kinds - {"work", "concept"}


def test_agency(ctx, written):
    emit_shared_resources(ctx)
    quads = written(ctx.out)
    assert quads.iris(AGENCY, ns.RDF.type) == {str(ns.PKG.Agency)}
    assert quads.iris(AGENCY, ns.PKG.jurisdiction) == {BASE + "jurisdiction/370900"}
    # printed as 泰安市人力资源和社会保障局 (Issuer) and 市人社局 (Duty): one of each, the longer preferred
    assert quads.objects(AGENCY, ns.SKOS.prefLabel) == {zh("泰安市人力资源和社会保障局"),
                                                        en("Tai'an Human Resources and Social Security Bureau")}
    assert quads.objects(AGENCY, ns.SKOS.altLabel) == {zh("市人社局")}
    assert quads.objects(AGENCY, ns.RDFS.label) == quads.objects(AGENCY, ns.SKOS.prefLabel)
    assert quads.objects(AGENCY, ns.ORG.subOrganizationOf) == set()


def test_a_division_is_an_organisational_unit_of_its_parent(doc, make_context, written):
    doc.entities["T3"].text = "省财政厅预算处"  # a 处 of the department
    doc.entities["T3"].notes.update(id="shandong-finance-budget", parent="shandong-finance")
    ctx = make_context(doc)
    emit_shared_resources(ctx)
    quads, node = written(ctx.out), BASE + "agency/shandong-finance-budget"
    assert quads.iris(node, ns.RDF.type) == {str(ns.PKG.Agency), str(ns.ORG.OrganizationalUnit)}
    assert quads.iris(node, ns.ORG.unitOf) == {BASE + "agency/shandong-finance"}
    assert quads.iris(node, ns.ORG.subOrganizationOf) == {BASE + "agency/shandong-finance"}


def test_person_has_a_foaf_name_and_no_rdfs_label(ctx, written):
    emit_shared_resources(ctx)
    quads, person = written(ctx.out), BASE + "person/wang-ming"
    assert quads.iris(person, ns.RDF.type) == {str(ns.FOAF.Person)}
    assert quads.objects(person, ns.FOAF.name) == {zh("王明"), en("Wang Ming")}
    assert quads.objects(person, ns.RDFS.label) == set()


def test_group_funding_and_programme_are_mentioned_by_the_plan(ctx, written):
    emit_shared_resources(ctx)
    quads, plan = written(ctx.out), ctx.iris.plan
    group, fund, programme = (BASE + "group/migrant-workers", BASE + "funding/employment-subsidy-fund",
                              BASE + "programme/skills-upgrading-action")
    assert quads.iris(plan, ns.PKG.mentionsGroup) == {group}
    assert quads.iris(group, ns.RDF.type) == {str(ns.PKG.TargetGroup)}
    assert quads.iris(group, ns.SKOS.inScheme) == {BASE + "scheme/target-groups"}
    assert quads.iris(plan, ns.PKG.mentionsFunding) == {fund}
    assert quads.iris(fund, ns.SKOS.inScheme) == {BASE + "scheme/funding-sources"}
    assert quads.iris(plan, ns.PKG.mentionsProgram) == {programme}
    assert quads.iris(programme, ns.PKG.programmeKind) == {str(ns.PKG.Campaign)}
    assert quads.iris(programme, ns.RDF.type) == {str(ns.PKG.Program), str(ns.PKG.NamedProgram)}
    # each mention names its resource; the two 农民工 mentions name one group
    for mention, node in (("T26", group), ("T37", group), ("T44", fund), ("T21", programme)):
        assert quads.iris(ctx.iris.annotation(mention), ns.ITSRDF.taIdentRef) == {node}


def test_organisations_are_a_category_not_a_target_group(doc, make_context, written):
    for mention in ("T26", "T37"):
        doc.entities[mention].notes["kind"] = "organisations"
    ctx = make_context(doc)
    emit_shared_resources(ctx)
    assert written(ctx.out).iris(BASE + "group/migrant-workers", ns.RDF.type) == {str(ns.PKG.OrganisationCategory)}


def test_jurisdictions_with_level_and_annotated_parent(ctx, written):
    emit_shared_resources(ctx)
    quads, city, province = written(ctx.out), BASE + "jurisdiction/370900", BASE + "jurisdiction/370000"
    assert quads.objects(city, ns.PKG.divisionCode) == {ox.Literal("370900")}
    assert quads.iris(city, ns.PKG.level) == {str(ns.PKG.Municipal)}
    assert quads.iris(city, ns.PKG.parentJurisdiction) == {province}
    assert quads.iris(province, ns.PKG.level) == {str(ns.PKG.Provincial)}
    assert quads.iris(province, ns.PKG.parentJurisdiction) == set()  # 100000 is not annotated here


def test_unknown_programme_kind_is_refused(doc, make_context):
    doc.entities["T21"].notes["kind"] = "festival"
    with pytest.raises(AnnotationError, match="kind='festival' of a NamedProgram must be one of brand") as info:
        emit_shared_resources(make_context(doc))
    assert info.value.line == 21


def test_unknown_division_code_is_refused(doc, make_context):
    doc.entities["T20"].notes["code"] = "379999"
    with pytest.raises(AnnotationError, match="379999") as info:
        emit_shared_resources(make_context(doc))
    assert info.value.line == 20
