"""Labels are names of the thing they label (corpus/GUIDELINES.md, "a span is a name of that thing"):
a group's labels never name a narrower group, an indicator's label names the measured quantity."""

from __future__ import annotations

import pytest

from policykg.kg.namespaces import BASE, INFERRED_GRAPH

SKOS = "http://www.w3.org/2004/02/skos/core#"


def labels(store, iri: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"pref": set(), "alt": set()}
    query = f"""SELECT ?p ?l WHERE {{ GRAPH ?g {{ <{iri}> ?p ?l FILTER(?p IN (<{SKOS}prefLabel>, <{SKOS}altLabel>)
        && LANG(?l) = "zh") }} FILTER(?g != <{INFERRED_GRAPH}>) }}"""
    for row in store.query(query):
        found["pref" if row["p"].value.endswith("prefLabel") else "alt"].add(row["l"].value)
    return found


@pytest.mark.parametrize(("slug", "narrower"), [
    ("graduating-students", "有创业意愿和培训需求的"),  # a condition of one item, not another name
    ("sme-employees", "产业链"),  # 产业链上下游/中下游 qualify one measure's enterprises
    ("sme-employees", "上下游"),
    ("high-risk-industry-workers", "危化企业"),  # hazardous-chemicals-workers
    ("new-economy-workers", "新技术、新产业"),  # four-new-economy-workers (Liaoning)
    ("aspiring-entrepreneurs", "具备一定创业条件"),  # qualified-aspiring-entrepreneurs (Liaoning)
    ("enterprise-employees", "本企业"),
    ("new-hires", "技能岗位"),  # 企业技能岗位新招用职工: the span is 新招用职工
])
def test_no_label_of_a_group_names_a_narrower_group(store, slug, narrower):
    found = labels(store, f"{BASE}group/{slug}")
    assert found["pref"], slug
    assert not [label for label in found["pref"] | found["alt"] if narrower in label]


def test_the_narrower_groups_have_their_own_resources(store):
    assert labels(store, f"{BASE}group/hazardous-chemicals-workers")["pref"] == {"危化企业从业人员"}
    assert labels(store, f"{BASE}group/four-new-economy-workers")["pref"] == {"新技术、新产业、新业态、新模式从业人员"}
    assert labels(store, f"{BASE}group/vocational-school-graduates")["alt"] == set()  # not a bare 毕业生


@pytest.mark.parametrize(("slug", "label"), [
    ("education-funds-share-frontline-training", "职工教育经费用于一线职工的职业技能培训"),  # not the fund
    ("poverty-labour-training", "培训贫困劳动力"),  # not the group 贫困劳动力
    ("training-classes-spot-checked", "每个县（市、区）随机抽查不同类型的培训班次"),
    ("national-occupational-standards", "制定或修订颁布国家职业标准"),
    ("project-based-training-types-per-county", "组织项目制培训"),
    ("leading-training-brands-per-city", "每个设区的市领航型职业技能培训品牌"),  # 每个设区的市…1个以上
])
def test_an_indicator_concept_is_labelled_with_the_quantity_it_measures(store, slug, label):
    assert labels(store, f"{BASE}indicator/{slug}")["pref"] == {label}


def test_abbreviated_or_descriptive_forms_are_not_the_preferred_label(store):
    assert labels(store, f"{BASE}funding/skills-upgrading-special-account")["pref"] == {"职业技能提升行动专账资金"}
    assert labels(store, f"{BASE}group/redeployed-employees")["pref"] == {"转岗职工"}


def test_a_cited_work_has_one_title_and_its_other_printed_titles_are_alternatives(store):
    query = f"""SELECT ?w (COUNT(DISTINCT ?l) AS ?labels) (COUNT(DISTINCT ?t) AS ?titles) WHERE {{ GRAPH ?g {{
        ?w a <https://w3id.org/policykg/ontology#CitedWork> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l
        FILTER(LANG(?l) = "zh") }} OPTIONAL {{ GRAPH ?h {{ ?w <http://data.europa.eu/eli/ontology#is_realized_by> ?e .
        ?e <http://data.europa.eu/eli/ontology#title> ?t }} }} FILTER(?g != <{INFERRED_GRAPH}>) }} GROUP BY ?w"""
    counts = {row["w"].value: (int(row["labels"].value), int(row["titles"].value)) for row in store.query(query)}
    assert counts and all(labels == 1 and titles <= 1 for labels, titles in counts.values()), counts
    work = f"{BASE}work/occupational-classification-dictionary"
    assert labels(store, work)["alt"] == {"职业分类大典", "国家职业分类大典"}
    alternatives = {row["t"].value for row in store.query(
        f"SELECT ?t WHERE {{ GRAPH ?g {{ <{work}/zh> <http://data.europa.eu/eli/ontology#title_alternative> ?t }} }}")}
    assert alternatives == {"职业分类大典", "国家职业分类大典"}


def test_no_chinese_label_or_title_has_a_space_between_chinese_characters(store):
    # a typesetting space (a title broken in the original layout, an issuer before a title) is not part of
    # the label a reader writes (corpus/GUIDELINES.md): 泰安市职业技能提升行动质量年活动实施方案
    query = r"""SELECT DISTINCT ?s ?l WHERE { GRAPH ?g { ?s ?p ?l FILTER(isLiteral(?l) && LANG(?l) = "zh"
        && REGEX(STR(?l), "[\u4e00-\u9fff《》“”<>（）] +[\u4e00-\u9fff《》“”<>（）]")) } }"""
    assert [(row["s"].value, row["l"].value) for row in store.query(query)] == []


def test_a_plans_indicator_is_labelled_with_the_concepts_name_where_the_plan_prints_it(store):
    # 004 prints 培训…农民工 in the review sentence before the table row 农民工参加职业技能培训
    node = f"{BASE}doc/renshebufa-2021-102/indicator/migrant-worker-training"
    query = f"""SELECT ?p ?l WHERE {{ GRAPH ?g {{ <{node}> ?p ?l FILTER(LANG(?l) = "zh") }}
        FILTER(?g != <{INFERRED_GRAPH}>) }}"""
    found = {(row["p"].value.rsplit("#", 1)[-1], row["l"].value) for row in store.query(query)}
    assert found == {("label", "农民工参加职业技能培训"), ("altLabel", "培训农民工")}


def test_a_document_graph_holds_only_the_forms_that_document_prints(store):
    """An altLabel is a printed form: 国家人社部 (printed by Tai'an's notice, 002) is a wording of
    agency/mohrss in Tai'an's graph, not in the national plan's, which never prints it."""
    graphs = {row["g"].value.rsplit("/", 1)[-1] for row in store.query(
        f'SELECT ?g WHERE {{ GRAPH ?g {{ <{BASE}agency/mohrss> <http://www.w3.org/2004/02/skos/core#altLabel> '
        f'"国家人社部"@zh }} FILTER(?g != <{INFERRED_GRAPH}>) }}')}
    assert graphs == {"tairenshezi-2021-12"}
