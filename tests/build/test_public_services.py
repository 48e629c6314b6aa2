"""CPSV-AP: named programmes of measures aimed at a group are asserted public services (build/profiles.py),
and the PublicServiceShape (shapes/policykg-shapes.ttl) refuses a public service that is not one."""

from __future__ import annotations

from pathlib import Path

import pyshacl
from rdflib import Graph
from rdflib.namespace import SH

from policykg.kg.namespaces import BASE, INFERRED_GRAPH, PREFIXES

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + (
    "PREFIX cpsv: <http://purl.org/vocab/cpsv#>\nPREFIX cvx: <http://data.europa.eu/m8g/>\n")
ROOT = Path(__file__).resolve().parents[2]


def rows(store, query: str) -> list[tuple]:
    return [tuple(term.value if term is not None else None for term in solution)
            for solution in store.query(PROLOGUE + query)]


def services(store) -> set[str]:
    found = rows(store, f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a cpsv:PublicService }}
        FILTER(?g != <{INFERRED_GRAPH}>) }}""")
    return {s.removeprefix(BASE + "programme/") for (s,) in found}


def test_programmes_aimed_at_a_group_are_asserted_public_services(store):
    found = services(store)
    # 马兰花计划 (创业培训 for people who wish to start a business), 雨露计划, 退役军人培训计划
    assert {"malanhua-plan", "yulu-plan", "veterans-training-plan"} <= found
    # a brand, an honour, a competition and a programme the texts aim at no group are not services
    assert not found & {"golden-blue-collar", "china-skills-award", "worldskills-competition", "skills-china-action",
                        "ten-strong-industries-breakthrough-action"}


def test_every_public_service_is_a_programme_of_measures_with_the_cpsv_ap_properties(store):
    bad = rows(store, f"""SELECT ?s WHERE {{ GRAPH ?g {{ ?s a cpsv:PublicService }} FILTER(?g != <{INFERRED_GRAPH}>)
        FILTER NOT EXISTS {{ GRAPH ?h {{ ?s a pkg:NamedProgram ; pkg:programmeKind pkg:ProgrammeOfMeasures ;
            dcterms:identifier ?id ; dcterms:title ?title ; dcterms:audience ?group ; pkg:serves ?group ;
            FILTER(LANG(?title) = "zh") }} }} }}""")
    assert bad == []
    # its legal resource, where it has one, is a plan that mentions it
    stray = rows(store, """SELECT ?s ?plan WHERE { GRAPH ?g { ?s cvx:hasLegalResource ?plan }
        FILTER NOT EXISTS { GRAPH ?h { ?plan a pkg:Plan , eli:LegalResource ; pkg:mentionsProgram ?s } } }""")
    assert stray == []


def test_a_plan_is_the_legal_resource_only_of_the_programmes_it_sets_out(store):
    """A 专栏 box title or a numbered item's short title names the programme; a running-text mention may
    refer to a programme that exists apart from the plan (004: 支持…参加青年实习生交流计划)."""
    legal = {(s.removeprefix(BASE + "programme/"), p) for s, p in rows(store, """SELECT ?s ?p WHERE {
        GRAPH ?g { ?s cvx:hasLegalResource ?p } }""")}
    national = BASE + "doc/renshebufa-2021-102/plan"
    assert ("youth-intern-exchange-plan", national) not in legal
    assert ("school-vocational-training-action", national) in legal  # 专栏: 院校职业技能培训行动
    titles = dict(rows(store, """SELECT ?s ?t WHERE { GRAPH ?g { ?s a cpsv:PublicService ; dcterms:title ?t } }"""))
    assert titles[BASE + "programme/malanhua-plan"] == "马兰花计划"


def test_the_audience_is_the_groups_the_plan_aims_the_programme_at(store):
    found = rows(store, """SELECT ?a WHERE { GRAPH ?g { <https://w3id.org/policykg/programme/yulu-plan>
        dcterms:audience ?a } }""")
    assert {a.removeprefix(BASE + "group/") for (a,) in found} >= {"children-of-poverty-alleviated-families"}


BRAND_AS_SERVICE = """@prefix pkg: <https://w3id.org/policykg/ontology#> . @prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix cv: <http://data.europa.eu/m8g/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
<https://example.org/p> a cpsv:PublicService , pkg:NamedProgram ; pkg:programmeKind pkg:Brand ;
    dcterms:identifier "p" ; dcterms:title "金蓝领"@zh ; dcterms:audience <https://example.org/g> ;
    cv:hasLegalResource <https://example.org/plan> ; cv:hasCompetentAuthority <https://example.org/firm> .
<https://example.org/g> a pkg:TargetGroup .
<https://example.org/plan> a eli:LegalResource .
<https://example.org/firm> a pkg:Agency .
"""


def test_the_shape_refuses_a_brand_typed_as_a_public_service_and_a_non_public_authority():
    data = Graph().parse(data=BRAND_AS_SERVICE, format="turtle")
    ontology = Graph().parse(ROOT / "ontology" / "policykg.ttl", format="turtle")
    shapes = Graph().parse(ROOT / "shapes" / "policykg-shapes.ttl", format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert not conforms
    messages = {str(m) for m in report.objects(None, SH.resultMessage)}
    about_services = {m for m in messages if "public service" in m or "PublicService" in m}
    assert any("only a named programme of measures" in m for m in about_services)
    assert any("competent authority" in m and "cv:PublicOrganisation" in m for m in about_services)
    assert len(about_services) == 2  # identifier, title, audience and legal resource are right
