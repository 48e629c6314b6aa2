"""targets: values in running text with their indicator, period, comparator words and numerals."""


def _facts(found, etype):
    out = []
    for value in found.draft.of_type(etype):
        out.append((found.related(value, "measures")[0], found.draft.text_of(value), found.related(value, "during")[0]))
    return out


def test_targets_in_running_text(annotate):
    found = annotate("running.txt")
    assert _facts(found, "Target") == [
        ("开展补贴性职业技能培训", "不少于５００万人次", "“十四五”时期"),
        ("农民工参加职业技能培训", "150万人次以上", "“十四五”时期"),
        ("技能人才总量", "约1亿人", "到2025年"),
        ("组织职业技能大赛省级重点赛事", "不少于六十项", "每年"),
    ]
    assert found.one("Period", "每年").notes["every"] == "P1Y"
    assert found.one("Target", "约1亿人").attributes.get("Cumulative") is True


def test_baselines_are_historical_figures(annotate):
    found = annotate("running.txt")
    assert _facts(found, "Baseline") == [("开展补贴性职业技能培训", "近600万人次", "“十三五”时期")]
    assert found.one("Period", "“十三五”时期").notes == {"start": "2016", "end": "2020"}


def test_deadline_and_its_task(annotate):
    found = annotate("running.txt")
    deadline = found.one("Deadline", "6月底前")
    assert found.related(deadline, "deadlineFor") == ["报送培训计划"]


def test_a_year_or_item_number_is_not_a_value(annotate):
    found = annotate("到2025年，第3项任务完成。2021年3月启动。")
    assert found.quotes("Target") == [] and found.quotes("Baseline") == []
