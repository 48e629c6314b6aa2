"""Facts of the national plan (004) and Tai'an's plan (002) that the 2026-12 end-to-end read corrected.

Each expectation was worked out from the source texts (corpus/004_*.txt, corpus/002_*.txt) and fails on
the annotations before the review (issue 6: conflated resources, city-wide per-county requirements,
missing deadlines, 专栏 boxes unlinked to their same-named programmes).
"""

from __future__ import annotations

BASE = "https://w3id.org/policykg/"
PKG = BASE + "ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
NATIONAL_DOC = BASE + "doc/renshebufa-2021-102/"
TAIAN_DOC = BASE + "doc/tairenshezi-2021-12/"


def zh_labels(store, iri: str) -> set[str]:
    rows = store.query(f"""
        SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ <{iri}> ?p ?l
            FILTER (?p IN (<{SKOS}prefLabel>, <{SKOS}altLabel>) && lang(?l) = "zh") }} }}""")
    return {r["l"].value for r in rows}


def ask(store, body: str) -> bool:
    return bool(store.query(f"ASK {{ {body} }}"))


def test_malanhua_lecturer_contest_is_not_the_malanhua_plan(store):
    # 004 line 254: 持续组织全国“马兰花创业培训”讲师大赛 — a contest for lecturers, not the 马兰花计划 (line 140)
    assert not any("讲师" in label for label in zh_labels(store, BASE + "programme/malanhua-plan"))
    assert ask(store, f"""GRAPH <{BASE}graph/renshebufa-2021-102> {{
        <{NATIONAL_DOC}plan> <{PKG}mentionsProgram> <{BASE}programme/malanhua-lecturer-contest> ,
                                                   <{BASE}programme/malanhua-plan> }}""")


def test_poverty_groups_are_not_one_group(store):
    # 贫困劳动力 (the registered poor before 2021, line 64) and 脱贫家庭 (households, line 136) are not 脱贫劳动力
    labels = zh_labels(store, BASE + "group/poverty-alleviated-labour")
    assert "脱贫劳动力" in labels
    assert not labels & {"贫困劳动力", "脱贫家庭"}
    assert "贫困劳动力" in zh_labels(store, BASE + "group/labourers-in-poverty")
    assert "脱贫家庭" in zh_labels(store, BASE + "group/poverty-alleviated-households")


def test_registered_unemployed_is_not_an_alt_label_of_unemployed(store):
    # 002 line 63: 登记失业人员 is a narrower group than 失业人员
    assert "登记失业人员" not in zh_labels(store, BASE + "group/unemployed")
    assert zh_labels(store, BASE + "group/registered-unemployed") == {"登记失业人员"}


def test_taian_hrss_is_only_the_city_bureau(store):
    # 002 line 65: 各级人力资源社会保障部门要…对质量年开展情况进行定期调度和总结 — all levels, not the city bureau
    assert not any("各级" in label for label in zh_labels(store, BASE + "agency/taian-hrss"))
    rows = store.query(f"""SELECT ?agency WHERE {{ GRAPH <{BASE}graph/tairenshezi-2021-12> {{
        ?task <{PKG}responsibleAgency> ?agency ; <http://www.w3.org/2000/01/rdf-schema#label> ?l
        FILTER (str(?l) = "对质量年开展情况进行定期调度和总结") }} }}""")
    assert {r["agency"].value for r in rows} == {BASE + "agency/taian-hrss-all-levels"}
    # 由市人社局牵头 (line 39): the city bureau leads the cross-inspection
    assert ask(store, f"""GRAPH <{BASE}graph/tairenshezi-2021-12> {{
        ?task <{PKG}leadAgency> <{BASE}agency/taian-hrss> }}""")


def test_taian_per_county_requirements_are_not_city_wide(store):
    # 002 line 39: 检查组在每个县（市、区）随机抽查至少不少于 3 个…培训班次;
    # line 47: 9月底前各县（市、区）、功能区至少组织5类项目制培训 — requirements of each county, not city totals
    rows = store.query(f"""SELECT ?value ?en WHERE {{ GRAPH ?g {{
        ?t a <{PKG}IndicatorTarget> ; <{PKG}inPlan> <{TAIAN_DOC}plan> ; <{PKG}value> ?value ;
           <{PKG}indicator>/<{PKG}measures> ?concept .
        ?concept <{SKOS}prefLabel> ?en FILTER (lang(?en) = "en") }} }}""")
    per_value = {int(float(r["value"].value)): r["en"].value for r in rows}
    assert "county" in per_value[3] and "county" in per_value[5]


def test_taian_year_end_deadline_of_the_share_targets(store):
    # 002 line 31: 年底前力争实现全市技能劳动者占就业人员总量的比例达到25%以上，高技能人才…达到30%以上
    rows = store.query(f"""SELECT ?due ?task WHERE {{ GRAPH <{BASE}graph/tairenshezi-2021-12> {{
        ?d <{PKG}dueDate> ?due ; <{PKG}deadlineFor> ?t . ?t <http://www.w3.org/2000/01/rdf-schema#label> ?task
        FILTER (lang(?task) = "zh") }} }}""")
    year_end = {r["task"].value for r in rows if r["due"].value == "2021-12-31"}
    assert any("25%以上" in t and "30%以上" in t for t in year_end)


def test_national_boxes_2_to_5_are_their_named_programmes(store):
    # 专栏 2–5 carry the names of programmes the running text launches (lines 146, 148, 178, 212):
    # the box and the programme are read from the same box-title span (directly, or through a mention unit)
    for box, slug in ((2, "training-venue-sharing-action"), (3, "rural-revitalization-skills-project"),
                      (4, "school-vocational-training-action"), (5, "industry-training-integration-pilot-action")):
        assert ask(store, f"""GRAPH <{BASE}graph/renshebufa-2021-102> {{
            {{ <{NATIONAL_DOC}programme/box-{box}> ?p ?span }} UNION {{ ?span ?p <{NATIONAL_DOC}programme/box-{box}> }}
            {{ <{BASE}programme/{slug}> ?q ?span }} UNION {{ ?span ?q <{BASE}programme/{slug}> }}
            UNION {{ ?span ?q ?mention . ?mention ?r <{BASE}programme/{slug}> }}
            FILTER (STRSTARTS(STR(?span), "{NATIONAL_DOC}text/")) }}"""), (box, slug)


def test_national_funding_sources_and_primary_responsibility(store):
    # line 302–304: 统筹利用就业补助资金、失业保险基金和已有职业培训资金（含职业技能提升行动专账结余资金）…给予…补贴
    rows = store.query(f"""SELECT ?fund WHERE {{ GRAPH <{BASE}graph/renshebufa-2021-102> {{
        ?task <{PKG}fundedBy> ?fund ; <http://www.w3.org/2000/01/rdf-schema#label> ?l
        FILTER (CONTAINS(STR(?l), "生活费")) }} }}""")
    assert {r["fund"].value.removeprefix(BASE + "funding/") for r in rows} == {
        "employment-subsidy-funds", "unemployment-insurance-fund", "existing-vocational-training-funds",
        "skills-upgrading-special-account"}
    # line 298: 各地要切实承担主体责任
    assert ask(store, f"""GRAPH <{BASE}graph/renshebufa-2021-102> {{
        ?task <{PKG}primaryResponsibleAgency> <{BASE}agency/china-local-governments> }}""")
