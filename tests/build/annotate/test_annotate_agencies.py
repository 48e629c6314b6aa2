"""Agency slugs minted by the corpus's own conventions for a province the corpus does not know (Hebei):
<jurisdiction>-<function>, <jurisdiction>-local-<function> for the bodies of a 各地 frame, divisions by their
parent's slug and a learnt suffix; prefixes of jurisdictions from their English names (全国 → china)."""

import pytest

from policykg.build.annotate.lexicon import english_prefix

HEAD = ("河北省人力资源和社会保障厅关于印发河北省“十四五”职业技能培训规划的通知\n\n各市人民政府：\n\n"
        "现将《河北省“十四五”职业技能培训规划》印发给你们，请认真贯彻执行。\n\n"
        "河北省“十四五”职业技能培训规划\n\n")
BODY = ("一、重点任务\n\n1.人力资源社会保障、住房城乡建设、农业农村等部门相互配合，强化培训。\n\n"
        "二、保障措施\n\n（二十五）加强组织领导。各地要切实承担主体责任，形成省级统筹、部门参与、市县实施的工作格局。"
        "发展改革、教育、财政等部门和单位要发挥各自职能作用，加大职业技能培训资源统筹力度。\n\n"
        "河北省人力资源和社会保障厅办公室\n")


@pytest.fixture
def found(annotate):
    return annotate(HEAD + BODY)


def slugs(found, quote):
    return [s.notes["id"] for s in found.draft.of_type("Agency") if found.draft.text_of(s) == quote]


def test_a_list_after_a_local_frame_names_the_local_departments(found):
    assert slugs(found, "发展改革") == ["hebei-local-drc"]
    assert slugs(found, "财政") == ["hebei-local-finance"]
    assert found.one("Agency", "教育").notes["juris"] == "130000"


def test_a_list_without_the_frame_names_the_provinces_own_departments(found):
    assert slugs(found, "人力资源社会保障") == ["hebei-hrss"]
    assert slugs(found, "农业农村") == ["hebei-agriculture"]


def test_a_division_is_its_parents_slug_and_the_learnt_suffix(found):
    office = found.one("Agency", "河北省人力资源和社会保障厅办公室")
    assert office.notes["id"] == "hebei-hrss-office" and office.notes["parent"] == "hebei-hrss"
    assert office.notes["en"].startswith("DRAFT ")  # new: marked for review


def test_a_national_plans_local_frame_gives_china_local_slugs(annotate):
    found = annotate("关于印发“十四五”职业技能培训规划的通知\n\n“十四五”职业技能培训规划\n\n一、组织实施\n\n"
                     "各地要切实承担主体责任，形成省级统筹、部门参与、市县实施的工作格局。"
                     "人力资源社会保障、教育、财政等部门和单位要发挥各自职能作用，形成工作合力。\n")
    assert slugs(found, "人力资源社会保障") == ["china-local-hrss"]
    assert slugs(found, "教育") == ["china-local-education"]


def test_the_prefix_rule_is_learnt_from_english_names(lexicon):
    assert english_prefix("Tai'an City") == "taian" and english_prefix("Shandong Province") == "shandong"
    assert lexicon.juris_prefix["100000"] == "china"
    assert lexicon.units["办公室"] == "office"


def test_a_ministry_by_the_short_form_of_its_function(annotate):
    found = annotate(HEAD + "一、重点任务\n\n推介选用国家人社部、省人社厅遴选的培训平台。\n")
    assert found.one("Agency", "国家人社部").notes["id"] == "mohrss"  # 人社 → hrss → the ministry of hrss
    assert found.one("Agency", "省人社厅").notes["id"] == "hebei-hrss"


def test_a_collective_with_and_without_governments_is_one_body(annotate):
    found = annotate(HEAD + "一、组织实施\n\n推动各县区积极开展职业技能竞赛。\n\n"
                            "各县区政府要切实承担主体责任，部署和推动规划的落实。\n")
    assert found.one("Agency", "各县区").notes["id"] == found.one("Agency", "各县区政府").notes["id"]


def test_a_partner_named_after_huitong_shares_the_duty_and_a_bare_department_in_a_local_frame_is_local(annotate):
    found = annotate(HEAD + "一、组织实施\n\n可由各地工商联会同当地人力资源社会保障部门，统一协调开展学徒制培训。\n\n"
                            "各地要切实承担主体责任，完善人力资源社会保障部门牵头、有关部门参与的协调机制。\n")
    partner = [s for s in found.draft.of_type("Agency") if found.draft.text_of(s) == "人力资源社会保障部门"]
    assert [s.attributes["Role"] for s in partner] == ["Duty", "Duty"]
    assert {s.notes["id"] for s in partner} == {"hebei-local-hrss"}  # 当地…, and bare in a 各地 frame


def test_a_function_by_its_stem_when_the_level_suffix_is_new(lexicon_without):
    from policykg.build.annotate.resolver import AgencyResolver, Area

    lex = lexicon_without("004")  # the plans that print 发展和改革委员会 and 发展改革 (in lists), not 发展改革委
    assert "发展改革委" not in lex.functions
    assert AgencyResolver(lex, Area("130000", "河北省")).resolve("发展改革委")["id"] == "hebei-drc"


def test_a_division_suffix_composed_from_a_learnt_stem_and_level(lexicon_without):
    from policykg.build.annotate.resolver import AgencyResolver, Area

    lex = lexicon_without("003")  # knows 职业能力建设司 (…-dept) and 秘书一处 (…-div-1), not 职业能力建设处
    assert "职业能力建设处" not in lex.units
    notes = AgencyResolver(lex, Area("210000", "辽宁省")).resolve("辽宁省人力资源和社会保障厅职业能力建设处")
    assert notes["id"] == "liaoning-hrss-vocational-capacity-div" and notes["parent"] == "liaoning-hrss"


def test_each_city_in_a_citys_own_plan_names_no_body(annotate):
    head = ("泰安市人力资源和社会保障局关于印发泰安市职业技能提升行动实施方案的通知\n\n"
            "泰安市职业技能提升行动实施方案\n\n三、工作要求\n\n")
    found = annotate(head + "各市要充分认识开展活动的重要意义。各县（市、区）要结合当地产业特色开发培训项目。\n")
    assert "各市" not in found.quotes("Agency") and "各县（市、区）" in found.quotes("Agency")


def test_a_citys_localities_are_its_county_collective_and_vague_bodies_in_passing_are_no_one(annotate):
    head = ("石家庄市人力资源和社会保障局关于印发石家庄市职业技能培训规划的通知\n\n"
            "石家庄市职业技能培训规划\n\n一、组织实施\n\n")
    found = annotate(head + "各县区政府要切实承担主体责任。"
                            "各地要加强资金保障，确保资金使用经得起各有关部门的监督检查。\n")
    assert found.one("Agency", "各地").notes["id"] == found.one("Agency", "各县区政府").notes["id"]
    assert "各有关部门" not in found.quotes("Agency")


def test_a_body_named_with_geji_is_the_same_body_when_named_bare(annotate):
    found = annotate(HEAD + "一、组织实施\n\n发挥各级技能竞赛工作领导小组作用，构建竞赛格局。\n\n"
                            "在技能竞赛工作领导小组框架下，完善协调机制。\n")
    first, again = found.one("Agency", "各级技能竞赛工作领导小组"), found.one("Agency", "技能竞赛工作领导小组")
    assert again.notes["id"] == first.notes["id"] and again.attributes["Role"] == "Mentioned"
