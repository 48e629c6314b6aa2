"""Catalogue queries 01–05, 08, 09, 12, 13: plans, indicator cascades, targets, groups, periods,
deadlines, shared concepts, baselines.

The expectations were worked out by hand from the source texts (see catalogue.py).
"""

from __future__ import annotations

from decimal import Decimal

from catalogue import (
    BASE,
    LIAONING,
    LINYI,
    NATIONAL,
    PKG,
    PLAN_FILES,
    SHANDONG,
    TAIAN,
    concept,
    corpus_text,
    group,
    query_text,
    run,
    split,
)

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
