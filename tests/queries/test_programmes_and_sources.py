"""Catalogue queries 06, 07, 10, 11, 14: programmes, issuing agencies, cited works, source quotes, agency duties.

The expectations were worked out by hand from the source texts (see catalogue.py).
"""

from __future__ import annotations

import re

from catalogue import (
    BASE,
    LIAONING,
    LINYI,
    NATIONAL,
    PLAN_FILES,
    SHANDONG,
    TAIAN,
    agency,
    corpus_text,
    query_text,
    run,
    split,
)

# --- 06 programmes ---------------------------------------------------------------------------------------------

# 专栏 N titles and the number of numbered items in each box, read from the texts
BOXES = {
    NATIONAL: {2: ("职业技能培训场地、设备共建共享行动", 5), 3: ("国家乡村振兴重点帮扶地区职业技能提升工程", 3),
               4: ("院校职业技能培训行动", 3), 5: ("产训结合建设试点行动", 3), 6: ("数字技能提升行动", 5),
               7: ("职业技能培训标准化建设工程", 3)},
    SHANDONG: {2: ("企业职工岗位技能提升", 5), 3: ("重点群体就业技能提升", 6), 4: ("创业创新培训项目", 5),
               5: ("院校职业技能培训行动", 3), 6: ("“一市一品牌”“一县一项目”建设", 2)},
    LINYI: {2: ("企业职工岗位技能提升", 5), 3: ("重点群体就业技能提升", 7), 4: ("创业创新培训项目", 5),
            5: ("院校职业技能培训行动", 3)},
    LIAONING: {2: ("农村转移劳动力等职业技能提升计划", 4), 3: ("数字技能提升行动", 3), 4: ("康养职业技能培训计划", 4),
               5: ("院校职业技能培训计划", 4), 6: ("职业技能评价扩面提质行动", 3)},
}


def test_programmes(store, built):
    rows = run(store, built, "06-programmes")
    got: dict[str, dict[int, tuple[str, int]]] = {}
    for r in rows:
        got.setdefault(r["plan"], {})[int(r["boxNumber"])] = (r["titleZh"], int(r["items"]))
    assert got == BOXES  # Tai'an's plan has no 专栏
    for plan, boxes in BOXES.items():
        text = corpus_text(PLAN_FILES[plan])
        for n, (title, _) in boxes.items():
            assert re.search(rf"专栏\s*{n}\s*[：:]?\s*{re.escape(title)}", text), (plan, n)
    box = {(r["plan"], int(r["boxNumber"])): r for r in rows}
    # 辽宁 专栏 2: 1. 农村转移劳动力、返乡农民工、脱贫劳动力 2. 青年农民工 3. 高素质农民、农村实用人才、创业致富带头人;
    # item 3: 人力资源社会保障、住房城乡建设、农业农村、乡村振兴、等部门相互配合
    liaoning2 = box[(LIAONING, 2)]
    assert split(liaoning2["groups"]) == {
        "rural-transfer-labour", "returning-migrant-workers", "poverty-alleviated-labour", "young-migrant-workers",
        "high-quality-farmers", "rural-practical-talent", "prosperity-entrepreneurship-leaders"}
    assert split(liaoning2["agencies"]) == {
        "liaoning-hrss", "liaoning-housing", "liaoning-agriculture", "liaoning-rural-revitalization"}
    # 国家 专栏 2: 为残疾人等特殊群体服务; 危化企业 从业人员安全技能实训 (workers of hazardous chemicals enterprises,
    # narrower than all high-risk industries); 农民工职业技能培训场地
    assert split(box[(NATIONAL, 2)]["groups"]) == {
        "persons-with-disabilities", "hazardous-chemicals-workers", "migrant-workers"}
    # 山东/临沂 专栏 2: 新录用人员, 骨干职工, 转移到新岗位…的职工, 职业院校专业教师 and (企业)职工
    for plan in (SHANDONG, LINYI):
        assert split(box[(plan, 2)]["groups"]) == {
            "new-hires", "key-employees", "redeployed-employees", "vocational-school-teachers", "enterprise-employees"}


# --- 07 issuing agencies --------------------------------------------------------------------------------------


def test_issuing_agencies(store, built):
    rows = run(store, built, "07-issuing-agencies")
    got: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        got.setdefault(r["number"], set()).add((r["role"], r["agency"].removeprefix(BASE + "agency/")))
    assert got == {
        # 人力资源社会保障部 教育部 发展改革委 财政部 关于印发…的通知
        "人社部发〔2021〕102号": {("issuer", "mohrss"), ("co-issuer", "moe"), ("co-issuer", "ndrc"),
                                 ("co-issuer", "mof")},
        # 山东省人力资源和社会保障厅 / 山东省发展和改革委员会 / 山东省教育厅 / 山东省财政厅
        "鲁人社发〔2022〕7号": {("issuer", "shandong-hrss"), ("co-issuer", "shandong-drc"),
                               ("co-issuer", "shandong-education"), ("co-issuer", "shandong-finance")},
        # signed 辽宁省人力资源和社会保障厅 辽宁省教育厅 辽宁省发展和改革委员会 辽宁省财政厅
        "辽人社发〔2022〕20号": {("issuer", "liaoning-hrss"), ("co-issuer", "liaoning-drc"),
                                ("co-issuer", "liaoning-education"), ("co-issuer", "liaoning-finance")},
        # 临沂市就业和农民工工作领导小组办公室 (临沂市人力资源和社会保障局代章)
        "临就办发〔2022〕1号": {("issuer", "linyi-employment-office"), ("seal", "linyi-hrss")},
        "泰人社字〔2021〕12号": {("issuer", "taian-hrss")},
    }
    signed = {r["number"]: r.get("dateSigned") for r in rows}
    assert signed == {"人社部发〔2021〕102号": None, "鲁人社发〔2022〕7号": "2022-04-09",
                      "辽人社发〔2022〕20号": "2022-06-10", "临就办发〔2022〕1号": "2022-06-10",
                      "泰人社字〔2021〕12号": "2021-04-20"}
    assert [r["role"] for r in rows if r["number"] == "人社部发〔2021〕102号"][0] == "issuer"


# --- 10 cited works -------------------------------------------------------------------------------------------


def test_cited_works_not_in_corpus(store, built):
    rows = run(store, built, "10-cited-works-not-in-corpus")
    got = {(r["work"].removeprefix(BASE + "work/"), r["relation"], r["plan"]) for r in rows}
    assert got == {
        # 本规划依据《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》编制
        ("cn-14th-fyp-outline", "based on", NATIONAL),
        # 修订《中华人民共和国职业分类大典》 (national); 发挥国家职业分类大典… (Shandong, Linyi)
        ("occupational-classification-dictionary", "cites", NATIONAL),
        ("occupational-classification-dictionary", "cites", SHANDONG),
        ("occupational-classification-dictionary", "cites", LINYI),
        # 根据《山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要》（鲁政发〔2021〕5号）…
        ("shandong-14th-fyp-outline", "based on", SHANDONG),
        # …《山东省人力资源和社会保障厅〈关于印发…人力资源和社会保障事业发展规划〉的通知》（鲁人社发〔2021〕12号）
        ("shandong-hrss-14th-fyp-notice", "based on", SHANDONG),
        # 《山东省提升全民数字素养与技能行动实施方案》; Linyi: 省、市《提升全民数字素养与技能行动实施方案》 (two plans)
        ("shandong-digital-literacy-plan", "cites", SHANDONG),
        ("shandong-digital-literacy-plan", "cites", LINYI),
        ("linyi-digital-literacy-plan", "cites", LINYI),
        ("shandong-entrepreneurship-training-textbooks", "cites", SHANDONG),
        ("shandong-entrepreneurship-training-textbooks", "cites", LINYI),
        ("shandong-public-employment-training-service-spec", "cites", SHANDONG),
        ("shandong-public-employment-training-service-spec", "cites", LINYI),
        # 依据…《辽宁省国民经济和社会发展第十四个五年规划和二○三五年远景目标纲要》
        # 《辽宁省“十四五”就业和社会保障发展规划》
        ("liaoning-14th-fyp-outline", "based on", LIAONING),
        ("liaoning-14th-fyp-employment-social-security", "based on", LIAONING),
        # 按照《山东省人力资源和社会保障厅 关于印发<…质量年活动实施方案>的通知》（鲁人社字〔2021〕32号）要求
        ("shandong-quality-year-plan", "based on", TAIAN),
        # 全面贯彻落实《泰安市人民政府办公室 关于开展职业技能提升行动的通知》（泰政办字〔2019〕59号）要求
        ("taian-skills-upgrading-action-notice", "cites", TAIAN),
    }
    numbers = {r["work"].removeprefix(BASE + "work/"): r.get("number") for r in rows}
    assert numbers["shandong-14th-fyp-outline"] == "鲁政发〔2021〕5号"
    assert numbers["shandong-hrss-14th-fyp-notice"] == "鲁人社发〔2021〕12号"
    assert numbers["shandong-quality-year-plan"] == "鲁人社字〔2021〕32号"
    assert numbers["taian-skills-upgrading-action-notice"] == "泰政办字〔2019〕59号"
    assert numbers["cn-14th-fyp-outline"] is None
    assert all(r.get("labelEn") for r in rows)


# --- 11 source quote ------------------------------------------------------------------------------------------


def test_source_quote(store, built):
    rows = run(store, built, "11-source-quote")
    text = corpus_text(PLAN_FILES[NATIONAL])
    row_start = text.index("开展补贴性职业技能培训（人次）\t≥7500 万\t预期性")
    heading = text.index("2021—2025 年目标")
    expected = [
        ("2021—2025 年", heading, "Period"),
        ("开展补贴性职业技能培训", row_start, "Indicator"),
        ("≥7500 万", text.index("≥7500 万", row_start), "Target"),
        ("预期性", text.index("预期性", row_start), "Nature"),
    ]
    assert [(r["quote"], int(r["begin"]), r["annotationType"]) for r in rows] == expected
    for r in rows:
        assert r["file"] == PLAN_FILES[NATIONAL]
        begin, end = int(r["begin"]), int(r["end"])
        assert text[begin:end] == r["quote"]
        assert r["span"] == f"{BASE}doc/renshebufa-2021-102/text/{begin}-{end}"
        assert re.fullmatch(r"T\d+", r["annotationId"])


def test_source_quote_of_another_resource(store, built):
    """The same query answers for any resource: here 临沂市人力资源和社会保障局 (seal of the Linyi notice)."""
    text = query_text("11-source-quote").replace(
        BASE + "doc/renshebufa-2021-102/target/subsidized-training/2021--2025", agency("linyi-hrss"))
    rows = run(store, built, "11-source-quote", text)
    linyi = corpus_text(PLAN_FILES[LINYI])
    assert rows
    assert {r["quote"] for r in rows} <= {"临沂市人力资源和社会保障局", "市人社局", "市人力资源社会保障局"}
    assert any(int(r["begin"]) == linyi.index("临沂市人力资源和社会保障局代章") for r in rows)
    for r in rows:
        assert linyi[int(r["begin"]):int(r["end"])] == r["quote"]


# --- 14 agency duties -----------------------------------------------------------------------------------------


def test_agency_duties(store, built):
    rows = run(store, built, "14-agency-duties")
    got: dict[str, set[str]] = {}
    for r in rows:
        got.setdefault(r["plan"], set()).add(r["agency"].removeprefix(BASE + "agency/"))
    # 人力资源社会保障、教育、发展改革、财政、工业和信息化、民政、住房城乡建设、农业农村、
    # 退役军人、应急、乡村振兴、残联等部门和单位 — after 各地要切实承担主体责任…形成省级统筹、部门参与、市县实施的
    # 工作格局: the departments of that local framework, not the ministries (china-local-*);
    # 各地要切实承担主体责任 (china-local-governments, primaryFor)
    assert got[NATIONAL] == {f"china-local-{s}" for s in (
        "hrss", "education", "drc", "finance", "industry-it", "civil-affairs", "housing", "agriculture",
        "veterans-affairs", "emergency", "rural-revitalization", "disabled-persons-federations", "governments")}
    # 各地要切实承担主体责任…部门参与: 发展改革、教育、工业和信息化、民政、司法、财政、人力资源社会保障、农业农村、
    # 商务、退役军人、应急、残联等部门 (the local framework's departments, as in the national plan);
    # 各地 (主体责任, 资金保障); 推动各市积极开展…职业技能竞赛
    assert got[SHANDONG] == {f"shandong-local-{s}" for s in (
        "drc", "education", "industry-it", "civil-affairs", "justice", "finance", "hrss", "agriculture", "commerce",
        "veterans-affairs", "emergency", "disabled-persons-federations", "governments")} | {"shandong-city-governments"}
    # 专栏2 item 3 names provincial departments; (三十三) 各级就业工作领导小组 and, in that frame, 人力资源社会保障、
    # 教育、工会、团委、妇联等共同参与 (the local ones);
    # (三十四) 各地 … 18 local departments and 各地 themselves (主体责任);
    # (十三) 各地工商联 … 会同当地人力资源社会保障部门; (三十五) 各地 (funding)
    assert got[LIAONING] == {f"liaoning-{s}" for s in (
        "hrss", "housing", "agriculture", "rural-revitalization", "employment-leading-groups",
        "local-governments")} | {f"liaoning-local-{s}" for s in (
        "hrss", "drc", "education", "industry-it", "civil-affairs", "justice", "finance", "housing", "agriculture",
        "health", "veterans-affairs", "emergency", "sasac", "rural-revitalization", "trade-unions", "youth-league",
        "womens-federations", "disabled-persons-federations", "federations-industry-commerce")}
    # 由市人社局牵头 … 开展专账资金使用互查; 各县（市、区）、功能区 … 制定改进措施 / 提出…建议 / 组织5类项目制培训 …;
    # 各级人力资源社会保障部门 … 定期调度和总结 (not the city bureau alone)
    assert got[TAIAN] == {"taian-hrss", "taian-counties-and-functional-zones", "taian-hrss-all-levels"}
    # 各县区政府要切实承担主体责任 … 各相关职能部门要各司其职 …;
    # 推动各县区积极开展…职业技能竞赛; 各地要加强…资金的保障力度
    assert got[LINYI] == {"linyi-county-governments", "linyi-relevant-departments"}
    duties = {(r["plan"], r["agency"]): int(r["duties"]) for r in rows}
    assert all(n >= 1 for n in duties.values())
    assert duties[(LIAONING, agency("liaoning-local-hrss"))] > duties[(LIAONING, agency("liaoning-local-sasac"))]
