"""Running-text values (Reach and gap comparators, stock vs flow), agencies (collectives, approvals, local
departments) and the duties they are given, on a small Liaoning-like plan."""

import pytest

HEAD = ("辽宁省人力资源和社会保障厅关于印发辽宁省“十四五”职业技能培训规划的通知\n\n各市人民政府：\n\n"
        "经省政府同意，现将《辽宁省“十四五”职业技能培训规划》印发给你们，请认真贯彻执行。\n\n"
        "辽宁省“十四五”职业技能培训规划\n\n")
GOALS = ("一、主要目标\n\n“十四五”期末，力争全省技能人才总量达到565万人。"
         "2021年，线上培训原则上不超过培训总学时的 40%。\n\n"
         "至“十三五”末，全省共累计组织城乡各类劳动者职业技能培训535.9万人次。"
         "五年来，全国共组织开展补贴性职业技能培训近1亿人次。围绕统筹发展和安全15项重大工程等要求，推进工作。\n\n")
DUTIES = ("二、保障措施\n\n各地要切实承担主体责任，部署和推动规划的落实。"
          "各地发展改革、教育、财政等部门要发挥各自职能作用，加大职业技能培训资源统筹、共享力度，形成工作合力。\n")


@pytest.fixture
def found(annotate):
    return annotate(HEAD + GOALS + DUTIES)


def test_reach_words_belong_to_the_value_and_a_stock_count_is_a_total(found):
    value = found.one("Target", "达到565万人")
    assert found.related(value, "measures") == ["技能人才总量"]
    assert value.attributes.get("Cumulative") is True


def test_a_comparator_apart_from_its_figure_is_a_discontinuous_value(found):
    value = found.one("Target", "不超过 40%")
    assert len(value.fragments) == 2 and found.related(value, "measures") == ["线上培训"]
    assert "Cumulative" not in value.attributes  # a share is never a total


def test_person_times_at_an_end_point_are_a_flow_over_the_five_year_plan(found):
    value = found.one("Baseline", "535.9万人次")
    assert "Cumulative" not in value.attributes
    period = [s for s in found.draft.of_type("Period") if found.draft.text_of(s) == "至“十三五”末"][0]
    assert period.notes == {"start": "2016", "end": "2020"}


def test_the_indicator_is_the_known_tail_of_the_phrase(found):
    value = found.one("Baseline", "近1亿人次")
    indicator = [b for t, a, b in found.draft.relations if a is value and t == "measures"][0]
    assert found.draft.text_of(indicator) == "开展补贴性职业技能培训"
    assert indicator.notes["concept"] == "subsidized-training"


def test_figures_of_other_plans_requirements_are_not_targets(found):
    assert not any("15项" in q for q in found.quotes("Target") + found.quotes("Baseline"))


def test_approval_names_the_consenting_agency(found):
    approval = found.one("Approval", "经省政府同意")
    agency = found.one("Agency", "省政府")
    assert found.related(approval, "approvedBy") == ["省政府"]
    assert agency.attributes["Role"] == "Approver" and agency.notes["id"] == "liaoning-government"


def test_collective_with_primary_responsibility(found):
    local = found.one("Agency", "各地")
    assert local.notes["id"] == "liaoning-local-governments" and local.attributes["Role"] == "Duty"
    assert found.related(local, "primaryFor") == ["部署和推动规划的落实"]


def test_departments_of_a_local_list_share_their_task(found):
    for name, slug in (("发展改革", "liaoning-local-drc"), ("教育", "liaoning-local-education"),
                       ("财政", "liaoning-local-finance")):
        agency = found.one("Agency", name)
        assert agency.notes["id"] == slug and agency.attributes["Role"] == "Duty"
        assert found.related(agency, "responsibleFor") == ["加大职业技能培训资源统筹、共享力度"]


def test_sources_of_money_governed_by_or_paying_for_a_task(annotate):
    found = annotate(HEAD + "二、保障措施\n\n要合理调整支出结构，统筹利用就业补助资金、失业保险基金和已有职业培训资金。"
                            "利用中央预算内投资重点支持建设一批公共实训基地。\n")
    managed = found.one("Task", "统筹利用就业补助资金、失业保险基金和已有职业培训资金")
    assert sorted(found.related(managed, "governs")) == ["失业保险基金", "就业补助资金", "已有职业培训资金"]
    assert found.one("Funding", "就业补助资金").notes["id"] == "employment-subsidy-funds"
    paid = found.one("Task", "重点支持建设一批公共实训基地")
    assert found.related(paid, "fundedBy") == ["中央预算内投资"]


def test_a_body_asked_to_play_its_part_gets_the_measure_of_its_paragraph(annotate):
    found = annotate(HEAD + "二、保障措施\n\n  (三十三)构建新型职业技能竞赛格局。广泛开展职业技能竞赛。"
                            "发挥各级就业工作领导小组作用,构建人力资源社会保障、教育、工会、妇联等共同参与的全省新型职业技能竞赛格局。\n")
    for name in ("各级就业工作领导小组", "人力资源社会保障", "教育", "妇联"):
        assert found.related(found.one("Agency", name), "responsibleFor") == ["构建新型职业技能竞赛格局"], name


def test_a_body_inside_a_box_item_after_its_subject_gets_its_own_clause(annotate):
    found = annotate(HEAD + "专栏 2 康养服务培训\n\n1.人力资源社会保障、民政、财政等部门组织开展康养服务培训。\n\n"
                            "2.健全康养服务培训标准体系。开发康养职业技能标准,支持各地将有关专项职业能力培训纳入补贴性培训目录。\n")
    subject = found.one("Agency", "民政")
    assert found.related(subject, "responsibleFor")[0].startswith("1.人力资源社会保障")
    assert found.related(found.one("Agency", "各地"), "responsibleFor") == ["将有关专项职业能力培训纳入补贴性培训目录"]
