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


def test_a_share_spent_on_something_is_a_share_of_the_amount_named_before(annotate):
    found = annotate("“十四五”期间，督促企业依法足额提取职工教育经费，确保70%以上用于新技术新工艺的技能培训。")
    target = found.one("Target", "70%以上")
    # a discontinuous indicator around the value: the money (a known source) and what the share is spent on
    assert found.related(target, "measures") == ["职工教育经费 用于新技术新工艺的技能培训"]


def test_a_known_share_concept_is_found_across_the_clause_break(annotate):
    found = annotate("到2025年，企业提取职工教育经费，确保60%以上用于一线职工的职业技能培训。")
    indicator = found.one("Indicator", "职工教育经费 用于一线职工的职业技能培训")
    assert indicator.notes["concept"] == "education-funds-share-frontline-training"


def test_a_count_for_every_interval_is_a_target_even_in_chinese_numerals(annotate):
    found = annotate("每两年举办一届全省农民工职业技能大赛。每三年开展一次检查。")
    target = found.one("Target", "一届")
    assert found.related(target, "measures") == ["全省农民工职业技能大赛"]
    assert found.one("Period", "每两年").notes["every"] == "P2Y"


def test_a_decision_before_the_action_is_not_part_of_the_indicator(annotate):
    found = annotate("“十三五”时期，2019年，国务院决定从失业保险基金结余中拿出1000亿元组织实施职业技能提升行动。")
    baseline = found.one("Baseline", "1000亿元")
    assert found.related(baseline, "measures") == ["从失业保险基金结余中拿出"]



def test_a_year_end_period_is_also_the_deadline_of_its_targets(annotate):
    found = annotate("2021年，年底前力争实现全市技能劳动者占就业人员总量的比例达到25%以上，"
                     "高技能人才占技能劳动者的比例达到30%以上。")
    deadline = found.one("Deadline", "年底前")
    assert found.related(deadline, "deadlineFor") == ["达到25%以上", "达到30%以上"]


def test_the_verb_of_a_list_of_values_completes_each_item(annotate):
    found = annotate("“十三五”时期，全省共开展培训近500万人次；其中，培训企业职工超过300万人次，农民工超过150万人次，"
                     "残疾人超过9万人次。")
    assert [found.related(found.one("Baseline", q), "measures") for q in ("超过150万人次", "超过9万人次")] == [
        ["培训 农民工"], ["培训 残疾人"]]
    assert found.one("Indicator", "培训 农民工").notes["concept"] == "migrant-worker-training"


def test_a_clause_of_its_own_does_not_take_the_verb_of_the_clause_before(annotate):
    found = annotate("2021年，开展补贴性职业技能培训6.7万人次以上，"
                     "年底前力争实现高技能人才占技能劳动者的比例达到30%以上。")
    assert found.related(found.one("Target", "达到30%以上"), "measures") == ["高技能人才占技能劳动者的比例"]


def test_verbs_around_the_value_that_make_the_counted_thing_belong_to_the_indicator(annotate):
    found = annotate("到2025年，制定或修订颁布 120 个地方职业标准；9月底前各县至少组织5类项目制培训；"
                     "每年组织不少于30项“技能兴省”职业技能大赛省级重点赛事。")
    assert found.related(found.one("Target", "120 个"), "measures") == ["制定或修订颁布 地方职业标准"]
    assert found.related(found.one("Target", "至少 5类"), "measures") == ["组织 项目制培训"]
    assert found.related(found.one("Target", "不少于30项"), "measures") == ["职业技能大赛省级重点赛事"]



def test_values_after_qizhong_are_parts_and_an_activity_concerns_its_group(annotate):
    found = annotate("“十三五”时期，全省共开展补贴性职业技能培训近500万人次；其中，培训企业职工超过300万人次，"
                     "农民工超过150万人次。全省技能人才总量超过900万人，高技能人才超过200万人。")
    whole = "开展补贴性职业技能培训"
    for part, group in (("培训企业职工", "企业职工"), ("培训 农民工", "农民工")):
        assert found.related(found.one("Indicator", part), "partOf") == [whole]
        assert found.related(found.one("Indicator", part), "concerns") == [group]
    # a new sentence without 其中; 高技能人才 is counted itself, not an activity for the group
    assert found.related(found.one("Indicator", "高技能人才"), "partOf") == []
    assert found.related(found.one("Indicator", "高技能人才"), "concerns") == []


def test_chinese_numerals_with_wan_and_a_unit_are_values_but_not_bare_slogans(annotate):
    found = annotate("“十三五”时期，全省累计培训退役军人二十万人次。实施高职百万扩招。")
    assert found.quotes("Baseline") == ["二十万人次"] and found.quotes("Target") == []


def test_a_recurrence_in_an_earlier_sentence_is_not_the_period_of_a_value(annotate):
    found = annotate("到2025年，每年组织省级技能大赛不少于五十项。确保60%以上用于一线职工的职业技能培训，力争实现。")
    assert found.related(found.one("Target", "不少于五十项"), "during") == ["每年"]
    assert found.related(found.one("Target", "60%以上"), "during") == ["到2025年"]
