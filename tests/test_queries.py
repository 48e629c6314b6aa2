"""The research queries in queries/*.rq, run against the real build of the corpus.

Every expectation below was worked out by hand from the source texts (corpus/*.txt), not from the
annotations: the indicator tables (专栏 1) of the national, Shandong, Linyi and Liaoning plans, the
running text of the Tai'an plan, the notice headers and signatures, the 专栏 boxes, the lists of
departments in the 组织保障 sections and the 《》/〔〕号 citations. Where a query's answer differs
from the text, the test fails: the annotation is what needs fixing, not the expectation.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg import config
from policykg.kg.query_runner import select_rows

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
QUERY_FILES = sorted(QUERIES_DIR.glob("*.rq"))

BASE = "https://w3id.org/policykg/"
PKG = BASE + "ontology#"
NATIONAL = BASE + "doc/renshebufa-2021-102/plan"
SHANDONG = BASE + "doc/lurenshefa-2022-7/plan"
LIAONING = BASE + "doc/liaorenshefa-2022-20/plan"
LINYI = BASE + "doc/linjiubanfa-2022-1/plan"
TAIAN = BASE + "doc/tairenshezi-2021-12/plan"
PLAN_FILES = {
    NATIONAL: "004_f5df76930213c5c2.txt",
    SHANDONG: "001_84cd6972a9a5ce06.txt",
    LIAONING: "003_818e747891e234f7.txt",
    LINYI: "000_efd6f1e3e697da64.txt",
    TAIAN: "002_8402b0486c431577.txt",
}

HEADER_RE = re.compile(
    r"\A# title: (?P<title>\S.*)\n"
    r"# title@zh: (?P<title_zh>\S.*)\n"
    r"(?P<description>(?:# description: \S.*\n)+)"
    r"(?P<description_zh>(?:# description@zh: \S.*\n)+)"
    r"\n(?P<query>(?:PREFIX|SELECT|CONSTRUCT|ASK|DESCRIBE)[\s\S]*)\Z"
)
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def concept(slug: str) -> str:
    return f"{BASE}indicator/{slug}"


def group(slug: str) -> str:
    return f"{BASE}group/{slug}"


def agency(slug: str) -> str:
    return f"{BASE}agency/{slug}"


def work(slug: str) -> str:
    return f"{BASE}work/{slug}"


def query_text(name: str) -> str:
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def run(store, built, name: str, text: str | None = None) -> list[dict[str, str]]:
    return select_rows(store, text if text is not None else query_text(name))


def corpus_text(file_name: str) -> str:
    return (config.CORPUS_DIR / file_name).read_text(encoding="utf-8")


def split(value: str | None, separator: str = ", ") -> set[str]:
    return set(value.split(separator)) if value else set()


# --- every file: header and syntax ---------------------------------------------------------------------------


def test_at_least_twelve_queries():
    assert len(QUERY_FILES) >= 12


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_header_and_syntax(path: Path):
    text = path.read_text(encoding="utf-8")
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.rq", path.name)
    match = HEADER_RE.match(text)
    assert match, f"{path.name}: header must be title, title@zh, description…, description@zh…, blank line"
    assert CJK_RE.search(match["title_zh"]) and CJK_RE.search(match["description_zh"])
    query = match["query"]
    assert "ORDER BY" in query
    # parses on its own, without the project's predeclared prefixes (other SPARQL clients run these files)
    results = ox.Store().query(text)
    assert isinstance(results, ox.QuerySolutions)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_runs_on_the_build(store, built, path: Path):
    assert run(store, built, path.stem), f"{path.name} returns no rows"


# --- 01 plan hierarchy ----------------------------------------------------------------------------------------


def test_plan_hierarchy(store, built):
    rows = run(store, built, "01-plan-hierarchy")
    got = {r["plan"]: (r["level"].removeprefix(PKG), r["jurisdiction"].removeprefix(BASE + "jurisdiction/"),
                       r.get("parentJurisdiction", "").removeprefix(BASE + "jurisdiction/"),
                       r.get("parentPlan"), r.get("basedOnPlan"), r.get("start"), r.get("end"), r["number"])
           for r in rows}
    assert len(rows) == 5
    assert got == {
        NATIONAL: ("National", "100000", "", None, None, "2021-01-01", "2025-12-31", "人社部发〔2021〕102号"),
        SHANDONG: ("Provincial", "370000", "100000", NATIONAL, NATIONAL, "2021-01-01", "2025-12-31",
                   "鲁人社发〔2022〕7号"),
        LIAONING: ("Provincial", "210000", "100000", NATIONAL, NATIONAL, "2021-01-01", "2025-12-31",
                   "辽人社发〔2022〕20号"),
        # 临沂: 根据《山东省“十四五”职业技能培训规划》（鲁人社发〔2022〕7号）
        LINYI: ("Municipal", "371300", "370000", SHANDONG, SHANDONG, "2021-01-01", "2025-12-31",
                "临就办发〔2022〕1号"),
        # 泰安: a 2021 质量年 plan, based on a Shandong notice that is not in the corpus
        TAIAN: ("Municipal", "370900", "370000", SHANDONG, None, "2021-01-01", "2021-12-31", "泰人社字〔2021〕12号"),
    }
    assert [r["plan"] for r in rows][0] == NATIONAL
    assert {r["plan"] for r in rows[3:]} == {LINYI, TAIAN}


def test_plan_hierarchy_jurisdiction_names(store, built):
    """The preferred Chinese name of each plan's area is its full GB/T 2260 name, not a form such as 全国 or 全市."""
    rows = run(store, built, "01-plan-hierarchy")
    assert {r["plan"]: r["jurisdictionLabel"] for r in rows} == {
        NATIONAL: "中华人民共和国", SHANDONG: "山东省", LIAONING: "辽宁省", LINYI: "临沂市", TAIAN: "泰安市",
    }


# --- 02 indicator cascade -------------------------------------------------------------------------------------


def cascade(store, built, slug: str) -> dict[str, tuple[Decimal, str | None, Decimal | None]]:
    text = query_text("02-indicator-cascade")
    if slug != "subsidized-training":
        text = text.replace(concept("subsidized-training"), concept(slug))
    rows = run(store, built, "02-indicator-cascade", text)
    assert all(r["concept"] == concept(slug) for r in rows)
    result = {}
    for r in rows:
        if r["unit"] != BASE + "unit/person-time" and slug != "high-skilled-talent-stock":
            continue
        key = r["plan"]
        assert key not in result, f"two rows for {key}"
        share = Decimal(r["shareOfParentPercent"]) if "shareOfParentPercent" in r else None
        result[key] = (Decimal(r["value"]), r.get("parentPlan"), share)
    return result


def test_cascade_subsidized_training(store, built):
    rows = run(store, built, "02-indicator-cascade")
    assert [r["level"].removeprefix(PKG) for r in rows] == ["National", "Provincial", "Provincial",
                                                             "Municipal", "Municipal"]
    # 专栏 1: 全国 ≥7500 万, 山东 ≥ 500 万人次, 临沂 ≥ 40 万人次, 辽宁 150万; 泰安 (2021 only) 6.7万人次以上
    assert cascade(store, built, "subsidized-training") == {
        NATIONAL: (Decimal(75000000), None, None),
        SHANDONG: (Decimal(5000000), NATIONAL, Decimal("6.67")),
        LIAONING: (Decimal(1500000), NATIONAL, Decimal(2)),
        LINYI: (Decimal(400000), SHANDONG, Decimal(8)),
        TAIAN: (Decimal(67000), None, None),  # a 2021 target: no 2021 target of Shandong to compare with
    }
    liaoning = next(r for r in rows if r["plan"] == LIAONING)
    assert "150万" in split(liaoning["valueText"], " / ")
    taian = next(r for r in rows if r["plan"] == TAIAN)
    assert (taian["start"], taian["end"]) == ("2021-01-01", "2021-12-31")


def test_cascade_any_concept(store, built):
    # 新增取得职业资格证书或职业技能等级证书: 4000 万 / 200 万 / 75万. Linyi's 10 万 also counts 专项职业能力证书
    # (新增取得职业资格证书、职业技能等级证书或专项职业能力证书): another measure, not compared with Shandong's
    assert cascade(store, built, "new-certificates") == {
        NATIONAL: (Decimal(40000000), None, None),
        SHANDONG: (Decimal(2000000), NATIONAL, Decimal(5)),
        LIAONING: (Decimal(750000), NATIONAL, Decimal("1.88")),
    }
    assert cascade(store, built, "new-certificates-incl-special-ability") == {LINYI: (Decimal(100000), None, None)}
    # 其中：农民工参加职业技能培训: 3000 万 / 150 万 / 13 万 / 25万
    assert cascade(store, built, "migrant-worker-training") == {
        NATIONAL: (Decimal(30000000), None, None),
        SHANDONG: (Decimal(1500000), NATIONAL, Decimal(5)),
        LIAONING: (Decimal(250000), NATIONAL, Decimal("0.83")),
        LINYI: (Decimal(130000), SHANDONG, Decimal("8.67")),
    }
    # 其中：新增高技能人才 (人次): 800 万 / 50 万 / 2.5 万 / 25万
    assert cascade(store, built, "new-high-skilled-talent") == {
        NATIONAL: (Decimal(8000000), None, None),
        SHANDONG: (Decimal(500000), NATIONAL, Decimal("6.25")),
        LIAONING: (Decimal(250000), NATIONAL, Decimal("3.13")),
        LINYI: (Decimal(25000), SHANDONG, Decimal(5)),
    }
    # 高技能人才数 (到 2025 年总量): 山东 [380] 万人, 临沂 〔17.7〕 万人, 辽宁 146.5万人; no national target
    assert cascade(store, built, "high-skilled-talent-stock") == {
        SHANDONG: (Decimal(3800000), None, None),
        LIAONING: (Decimal(1465000), None, None),
        LINYI: (Decimal(177000), SHANDONG, Decimal("4.66")),
    }


# --- 03 targets by nature -------------------------------------------------------------------------------------

# Every row of the four indicator tables (all 预期性): (plan, concept, value)
TABLE_TARGETS = {
    (NATIONAL, "subsidized-training", 75000000), (NATIONAL, "migrant-worker-training", 30000000),
    (NATIONAL, "new-certificates", 40000000), (NATIONAL, "new-high-skilled-talent", 8000000),
    (NATIONAL, "new-public-training-bases", 200),
    (SHANDONG, "subsidized-training", 5000000), (SHANDONG, "migrant-worker-training", 1500000),
    (SHANDONG, "golden-blue-collar-training", 100000), (SHANDONG, "new-apprenticeship-training", 100000),
    (SHANDONG, "entrepreneurship-training", 1000000), (SHANDONG, "high-skilled-talent-stock", 3800000),
    (SHANDONG, "new-certificates", 2000000), (SHANDONG, "new-high-skilled-talent", 500000),
    (SHANDONG, "new-public-training-bases", 200), (SHANDONG, "national-high-skill-training-bases", 20),
    (SHANDONG, "national-master-studios", 20),
    (LINYI, "subsidized-training", 400000), (LINYI, "migrant-worker-training", 130000),
    (LINYI, "golden-blue-collar-training", 4000), (LINYI, "new-apprenticeship-training", 6000),
    (LINYI, "entrepreneurship-training", 80000), (LINYI, "high-skilled-talent-stock", 177000),
    (LINYI, "new-certificates-incl-special-ability", 100000), (LINYI, "new-high-skilled-talent", 25000),
    (LINYI, "qilu-master-workstations", 5),
    (LIAONING, "subsidized-training", 1500000), (LIAONING, "migrant-worker-training", 250000),
    (LIAONING, "new-apprenticeship-training", 50000), (LIAONING, "new-certificates", 750000),
    (LIAONING, "new-high-skilled-talent", 250000), (LIAONING, "national-high-skill-training-bases", 20),
    (LIAONING, "provincial-training-demo-bases", 50), (LIAONING, "national-master-studios", 20),
    (LIAONING, "provincial-master-workstations", 50),
}
# Tai'an's 2021 targets, all in running text (no attribute)
TAIAN_TARGETS = {
    ("subsidized-training", 67000),  # 开展补贴性职业技能培训6.7万人次以上
    ("skilled-share-of-employed", 25),  # 技能劳动者占就业人员总量的比例达到25%以上
    ("high-skilled-share-of-skilled", 30),  # 高技能人才占技能劳动者的比例达到30%以上
    ("training-classes-spot-checked", 3),  # 随机抽查至少不少于 3 个不同类型的培训班次
    ("new-self-evaluation-enterprises", 50),  # 新增规模以上技能人才自主评价企业 50 家
    ("enterprise-employee-training", 30000),  # 培训企业职工 3 万人以上
    ("online-share-of-training-hours", 40),  # 线上培训原则上不超过培训总学时的 40%
    # 各县（市、区）、功能区至少组织5类项目制培训 (per county, not city-wide)
    ("project-based-training-types-per-county", 5),
}


def test_targets_by_nature(store, built):
    rows = run(store, built, "03-targets-by-nature")
    by_nature: dict[str, set] = {}
    for r in rows:
        key = (r["plan"], r["concept"].removeprefix(BASE + "indicator/"), Decimal(r["value"]))
        by_nature.setdefault(r.get("nature", "").removeprefix(PKG), set()).add(key)
    assert by_nature["Expected"] == {(p, c, Decimal(v)) for p, c, v in TABLE_TARGETS}
    # no plan prints 约束性 anywhere
    assert not any("约束性" in corpus_text(f) for f in PLAN_FILES.values())
    assert "Binding" not in by_nature
    not_stated = by_nature[""]
    assert {(c, v) for p, c, v in not_stated if p == TAIAN} == {(c, Decimal(v)) for c, v in TAIAN_TARGETS}
    assert {(p, c, v) for p, c, v in not_stated if p == SHANDONG} == {
        (SHANDONG, "education-funds-share-frontline-training", Decimal(60)),  # 确保60%以上用于一线职工
        (SHANDONG, "leading-training-brands-per-city", Decimal(1)),  # 每个设区的市培育和打造 1 个以上
        (SHANDONG, "provincial-key-skills-competitions", Decimal(60)),  # 每年组织不少于60项
    }
    assert {(p, c, v) for p, c, v in not_stated if p == NATIONAL} == {
        (NATIONAL, "national-occupational-standards", Decimal(250)),  # 制定或修订颁布 250 个国家职业标准
        (NATIONAL, "rural-revitalization-skills-competitions", Decimal(1)),  # 每两年举办一届
    }
    labels = {r["natureZh"] for r in rows}
    assert labels == {"预期性 (expected)", "未标注 (not stated)"}


# --- 04, 05 target groups -------------------------------------------------------------------------------------


def test_target_groups_per_plan(store, built):
    rows = run(store, built, "04-target-groups-per-plan")
    plans_of: dict[str, set[str]] = {}
    for r in rows:
        plans_of.setdefault(r["group"], set()).add(r["plan"])
    # 退役军人: national, Shandong, Liaoning and Linyi plans; not in the Tai'an text
    assert plans_of[group("veterans")] == {NATIONAL, SHANDONG, LIAONING, LINYI}
    # 长江流域禁捕退捕渔民 appears only in the national text
    assert plans_of[group("yangtze-fishers")] == {NATIONAL}
    # 康养 (health and elderly care) workers: Liaoning's 专栏 4 only
    assert plans_of[group("care-workers")] == {LIAONING}
    # 登记失业人员 (Tai'an), 失业人员 (national, Liaoning); not in the Shandong or Linyi texts
    assert plans_of[group("unemployed")] == {NATIONAL, LIAONING, TAIAN}
    # 农民工 is named in the national, Shandong, Liaoning and Linyi plans
    assert plans_of[group("migrant-workers")] == {NATIONAL, SHANDONG, LIAONING, LINYI}
    assert {r["plan"] for r in rows} == set(PLAN_FILES)
    assert all(r.get("groupZh") and r.get("groupEn") for r in rows)
    ranks = {"National": 1, "Provincial": 2, "Municipal": 3}
    order = [ranks[r["level"].removeprefix(PKG)] for r in rows]
    assert order == sorted(order)


def test_local_only_target_groups(store, built):
    rows = run(store, built, "05-local-only-target-groups")
    # 手造从业者 / “山东手造·产自临沂”从业人员 (Linyi); no national or provincial text mentions 手造
    # 登记失业人员 (Tai'an) is a narrower group than 失业人员 and no national or provincial text names it
    assert {(r["group"], r["plan"]) for r in rows} == {
        (group("handicraft-workers"), LINYI), (group("registered-unemployed"), TAIAN)}
    assert not any("手造" in corpus_text(PLAN_FILES[p]) for p in (NATIONAL, SHANDONG, LIAONING))
    assert "手造" in corpus_text(PLAN_FILES[LINYI])


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


# --- 08 cumulative vs period ----------------------------------------------------------------------------------


def test_cumulative_vs_period(store, built):
    rows = run(store, built, "08-cumulative-vs-period-targets")
    # stocks are levels at an instant (GUIDELINES "Stock and flow"): the end of the period they name
    stock_targets = {(r["plan"], r["concept"].removeprefix(BASE + "indicator/"), Decimal(r["value"]), r["start"],
                      r["end"]) for r in rows if r["kind"] == "target" and r["aggregation"] == PKG + "Level"}
    assert stock_targets == {
        (SHANDONG, "high-skilled-talent-stock", Decimal(3800000), "2025-12-31", "2025-12-31"),  # ≥ [380]
        (LINYI, "high-skilled-talent-stock", Decimal(177000), "2025-12-31", "2025-12-31"),  # 〔17.7〕
        (LIAONING, "skilled-talent-stock", Decimal(5650000), "2025-12-31", "2025-12-31"),  # 总量达到565万人
        (LIAONING, "high-skilled-talent-stock", Decimal(1465000), "2025-12-31", "2025-12-31"),  # 达到146.5万人
        (LIAONING, "self-evaluation-enterprises", Decimal(300), "2025-12-31", "2025-12-31"),  # “十四五”期末 …达到300家
        (LIAONING, "social-training-evaluation-orgs", Decimal(300), "2025-12-31", "2025-12-31"),
        # 年底前力争实现全市技能劳动者占就业人员总量的比例达到25%以上 / 高技能人才…30%以上
        (TAIAN, "skilled-share-of-employed", Decimal(25), "2021-12-31", "2021-12-31"),
        (TAIAN, "high-skilled-share-of-skilled", Decimal(30), "2021-12-31", "2021-12-31"),
    }
    # 全省累计开展各类补贴性职业技能培训150万人次以上: 累计开展 is a sum over the period, a flow
    period_targets = {(r["plan"], r["concept"]) for r in rows
                      if r["kind"] == "target" and r["aggregation"] == PKG + "PeriodTotal"}
    assert (LIAONING, concept("subsidized-training")) in period_targets
    # 每年组织不少于60项“技能兴鲁”职业技能大赛; 每两年举办一届全国乡村振兴职业技能大赛
    per_interval = {(r["plan"], r["every"], Decimal(r["value"]))
                    for r in rows if r["aggregation"] == PKG + "PerInterval"}
    assert per_interval == {(SHANDONG, "P1Y", Decimal(60)), (NATIONAL, "P2Y", Decimal(1))}
    assert all("every" not in r for r in rows if r["aggregation"] != PKG + "PerInterval")
    # stocks at the end of 十三五 are levels at 2020-12-31, nationally and in Liaoning alike
    baselines = {(r["plan"], r["concept"].removeprefix(BASE + "indicator/"), Decimal(r["value"])):
                 (r["aggregation"], r["start"], r["end"]) for r in rows if r["kind"] == "baseline"}
    at_2020 = (PKG + "Level", "2020-12-31", "2020-12-31")
    assert baselines[(LIAONING, "skilled-talent-stock", Decimal(4900000))] == at_2020
    assert baselines[(LIAONING, "high-skilled-talent-stock", Decimal(1215000))] == at_2020
    assert baselines[(NATIONAL, "skilled-talent-stock", Decimal(200000000))] == at_2020
    assert baselines[(NATIONAL, "high-skilled-talent-stock", Decimal(50000000))] == at_2020
    assert baselines[(LIAONING, "national-high-skill-training-bases-total", Decimal(28))] == at_2020
    # 五年来，全国共组织开展补贴性职业技能培训近1亿人次: a five-year sum
    assert baselines[(NATIONAL, "subsidized-training", Decimal(100000000))][0] == PKG + "PeriodTotal"
    assert baselines[(LIAONING, "subsidized-training", Decimal(1491000))][0] == PKG + "PeriodTotal"
    # no stock is given an interval, no flow an instant
    assert all((r["start"] == r["end"]) == (r["aggregation"] == PKG + "Level") for r in rows)


# --- 09 deadlines ---------------------------------------------------------------------------------------------


def test_deadlines(store, built):
    rows = run(store, built, "09-deadlines")
    assert [(r["dueDate"], r["plan"]) for r in rows] == [
        ("2021-05-10", TAIAN),  # 5月10日前 … 提出本地职业培训学时及补贴标准调整的建议
        ("2021-05-10", TAIAN),  # 要于5月10日前汇总报送《项目制培训情况统计表》
        ("2021-09-30", TAIAN),  # 9月底前 … 至少组织5类项目制培训
        # 年底前力争实现…比例达到25%以上…达到30%以上: the deadline of the task and of its two targets
        ("2021-12-31", TAIAN), ("2021-12-31", TAIAN), ("2021-12-31", TAIAN),
        ("2025-12-31", NATIONAL),  # 力争到“十四五”期末，每个化工园区都有配套服务的化工安全技能实训基地
    ]
    tasks = [r["taskZh"] for r in rows]
    assert any("项目制培训情况统计表" in t for t in tasks[:2])
    assert any("学时" in t for t in tasks[:2])
    assert "项目制培训" in tasks[2]
    year_end = sorted(tasks[3:6])
    assert "技能劳动者占就业人员总量的比例达到25%以上" in year_end[0]  # the task as printed (力争实现…)
    assert year_end[1:] == ["技能劳动者占就业人员总量的比例：达到25%以上", "高技能人才占技能劳动者的比例：达到30%以上"]
    assert "化工" in tasks[6]
    for r in rows:
        if "：" not in r["taskZh"]:  # a task's label is its quote; a target's is indicator：value
            assert r["taskZh"] in corpus_text(PLAN_FILES[r["plan"]])


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


# --- 12 shared indicator concepts -----------------------------------------------------------------------------


def test_shared_indicator_concepts(store, built):
    rows = run(store, built, "12-shared-indicator-concepts")
    plans = {r["concept"].removeprefix(BASE + "indicator/"): int(r["plans"]) for r in rows}
    # 开展补贴性职业技能培训: all five plans (Tai'an: 开展补贴性职业技能培训6.7万人次以上)
    assert plans["subsidized-training"] == 5
    # in the national, Shandong, Linyi and Liaoning tables
    for slug in ("migrant-worker-training", "new-high-skilled-talent"):
        assert plans[slug] == 4
    # 新增取得职业资格证书或职业技能等级证书: national, Shandong, Liaoning; Linyi's row also counts 专项职业能力证书
    assert plans["new-certificates"] == 3
    assert "new-certificates-incl-special-ability" not in plans
    # 企业新型学徒制培训: Shandong, Linyi and Liaoning tables (not in the national table)
    assert plans["new-apprenticeship-training"] == 3
    # 金蓝领培训 and 创业培训 rows: Shandong and Linyi only
    assert plans["golden-blue-collar-training"] == 2
    assert plans["entrepreneurship-training"] == 2
    assert all(n > 1 for n in plans.values())
    assert [int(r["plans"]) for r in rows] == sorted((int(r["plans"]) for r in rows), reverse=True)
    subsidized = next(r for r in rows if r["concept"] == concept("subsidized-training"))
    assert split(subsidized["jurisdictions"]) == {"China", "Shandong Province", "Liaoning Province", "Linyi City",
                                                  "Tai'an City"}


# --- 13 baselines vs targets ----------------------------------------------------------------------------------


def test_baselines_vs_targets(store, built):
    rows = run(store, built, "13-baselines-vs-targets")
    got = {(r["plan"], r["concept"].removeprefix(BASE + "indicator/")):
           (Decimal(r["baselineValue"]), Decimal(r["targetValue"]), r.get("ratio")) for r in rows
           if r["unit"] != BASE + "unit/person" or "stock" in r["concept"]}
    # 五年来 … 近1亿人次 → ≥7500 万; 农民工超过4000万人次 → ≥3000 万
    assert got[(NATIONAL, "subsidized-training")] == (Decimal(100000000), Decimal(75000000), "0.75")
    assert got[(NATIONAL, "migrant-worker-training")] == (Decimal(40000000), Decimal(30000000), "0.75")
    # 辽宁: 补贴性培训149.1万人次 → 150万; 技能人才总量 490万 → 565万; 高技能人才 121.5万 → 146.5万
    assert got[(LIAONING, "subsidized-training")][:2] == (Decimal(1491000), Decimal(1500000))
    assert Decimal(got[(LIAONING, "subsidized-training")][2]) == Decimal("1.01")
    assert got[(LIAONING, "skilled-talent-stock")][:2] == (Decimal(4900000), Decimal(5650000))
    assert Decimal(got[(LIAONING, "skilled-talent-stock")][2]) == Decimal("1.15")
    assert got[(LIAONING, "high-skilled-talent-stock")][:2] == (Decimal(1215000), Decimal(1465000))
    # 国家级高技能人才培训基地28家 (the bases that exist, a stock) and 建设 20 个 (bases to build, a flow) are
    # different indicator concepts (GUIDELINES "Stock and flow"): no baseline/target pair is made of them
    assert not {k for k in got if k[0] == LIAONING and ("bases" in k[1] or "studios" in k[1]
                                                         or "workstations" in k[1])}


# --- 14 agency duties -----------------------------------------------------------------------------------------


def test_agency_duties(store, built):
    rows = run(store, built, "14-agency-duties")
    got: dict[str, set[str]] = {}
    for r in rows:
        got.setdefault(r["plan"], set()).add(r["agency"].removeprefix(BASE + "agency/"))
    # 人力资源社会保障、教育、发展改革、财政、工业和信息化、民政、住房城乡建设、农业农村、
    # 退役军人、应急、乡村振兴、残联等部门; 各地要切实承担主体责任 (china-local-governments, primaryFor)
    assert got[NATIONAL] == {"mohrss", "moe", "ndrc", "mof", "miit", "mca", "mohurd", "mara", "mva", "mem", "nrra",
                             "cdpf", "china-local-governments"}
    # 发展改革、教育、工业和信息化、民政、司法、财政、人力资源社会保障、农业农村、商务、退役军人、应急、残联等部门;
    # 各地 (主体责任, 资金保障); 推动各市积极开展…职业技能竞赛
    assert got[SHANDONG] == {f"shandong-{s}" for s in (
        "drc", "education", "industry-it", "civil-affairs", "justice", "finance", "hrss", "agriculture", "commerce",
        "veterans-affairs", "emergency", "disabled-federation", "local-governments", "city-governments")}
    # 专栏2 item 3 and (三十三) name provincial departments; (三十三) 各级就业工作领导小组;
    # (三十四) 各地 … 18 local departments and 各地 themselves (主体责任);
    # (十三) 各地工商联 … 会同当地人力资源社会保障部门; (三十五) 各地 (funding)
    assert got[LIAONING] == {f"liaoning-{s}" for s in (
        "hrss", "education", "housing", "agriculture", "rural-revitalization", "trade-union", "youth-league",
        "womens-federation", "employment-leading-groups", "local-governments")} | {f"liaoning-local-{s}" for s in (
        "hrss", "drc", "education", "industry-it", "civil-affairs", "justice", "finance", "housing", "agriculture",
        "health", "veterans-affairs", "emergency", "sasac", "rural-revitalization", "trade-unions", "youth-league",
        "womens-federations", "disabled-federations", "federations-industry-commerce")}
    # 由市人社局牵头 … 开展专账资金使用互查; 各县（市、区）、功能区 … 制定改进措施 / 提出…建议 / 组织5类项目制培训 …;
    # 各级人力资源社会保障部门 … 定期调度和总结 (not the city bureau alone)
    assert got[TAIAN] == {"taian-hrss", "taian-counties-and-functional-zones", "taian-hrss-all-levels"}
    # 各县区政府要切实承担主体责任 … 各相关职能部门要各司其职 …;
    # 推动各县区积极开展…职业技能竞赛; 各地要加强…资金的保障力度
    assert got[LINYI] == {"linyi-county-governments", "linyi-relevant-departments"}
    duties = {(r["plan"], r["agency"]): int(r["duties"]) for r in rows}
    assert all(n >= 1 for n in duties.values())
    assert duties[(LIAONING, agency("liaoning-local-hrss"))] > duties[(LIAONING, agency("liaoning-local-sasac"))]
