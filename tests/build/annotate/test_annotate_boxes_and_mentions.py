"""boxes, programmes, groups, agencies, jurisdictions and citations."""


from policykg.build.annotate.resolver import AgencyResolver, Area


def test_box_and_its_numbered_items(annotate):
    found = annotate("box.txt")
    program = found.one("Program", "企业职工岗位技能提升")
    assert program.notes["box"] == "2"
    items = found.draft.of_type("ProgramItem")
    assert [(i.notes["n"], found.related(i, "itemOf")) for i in items] == [
        ("1", ["企业职工岗位技能提升"]), ("2", ["企业职工岗位技能提升"]), ("3", ["企业职工岗位技能提升"])]
    # the first line, cut mid-sentence by a blank line, goes on in the next (as corpus/001.ann has it)
    first_line = "1. 岗前培训。鼓励企业对新录用人员开展岗前培训，以企业文化、 岗位规范为主要内容。"
    assert found.draft.text_of(items[0]) == first_line
    assert found.related(items[0], "serves") == ["新录用人员"]  # the group named in the item
    assert found.related(program, "serves") == ["企业职工"]


def test_indicator_tables_are_not_programmes(annotate):
    assert annotate("table_tabs.txt").quotes("Program") == []


def test_known_groups_and_named_programmes(annotate):
    found = annotate("一、总体要求\n深入实施创业培训“马兰花计划”，面向高校毕业生、农民工开展培训，"
                     "实施“浙江工匠培育工程”。\n")
    assert {s.notes["id"] for s in found.draft.of_type("TargetGroup")} == {"college-graduates", "migrant-workers"}
    programmes = {found.draft.text_of(s): s.notes for s in found.draft.of_type("NamedProgram")}
    assert programmes["马兰花计划"]["id"] == "malanhua-plan"
    assert programmes["浙江工匠培育工程"]["en"].startswith("DRAFT")  # new: marked for review


def test_agency_resolved_against_the_documents_area(lexicon):
    shandong = AgencyResolver(lexicon, Area("370000", "山东省"))
    liaoning = AgencyResolver(lexicon, Area("210000", "辽宁省"))
    zhejiang = AgencyResolver(lexicon, Area("330000", "浙江省"))
    assert shandong.resolve("省人社厅")["id"] == "shandong-hrss"
    assert liaoning.resolve("省人社厅")["id"] == "liaoning-hrss"
    new = zhejiang.resolve("省人社厅")
    assert (new["id"], new["juris"]) == ("zhejiang-hrss", "330000")
    assert new["zh"] == "浙江省人社厅" and new["en"].startswith("DRAFT")
    assert shandong.resolve("人力资源社会保障部")["id"] == "mohrss"


def test_department_lists_are_agencies_with_duties(annotate):
    # in the frame of 各地…部门参与 a bare list names the local departments (GUIDELINES: collectives)
    found = annotate("山东省“十四五”职业技能培训规划\n\n"
                     "各地要切实承担主体责任，形成省级统筹、部门参与、市县实施的工作格局。"
                     "发展改革、教育、财政、人力资源社会保障等部门要发挥各自职能作用。\n")
    agencies = {(found.draft.text_of(s), s.notes["id"], s.attributes["Role"]) for s in found.draft.of_type("Agency")}
    assert ("财政", "shandong-local-finance", "Duty") in agencies
    assert ("人力资源社会保障", "shandong-local-hrss", "Duty") in agencies


def test_jurisdictions_by_gbt2260_name(annotate):
    found = annotate("浙江省“十四五”职业技能培训规划\n\n全省开展培训，杭州市、宁波市率先试点，杭州市先行。全国推广。\n")
    codes = [(found.draft.text_of(s), s.notes["code"]) for s in found.draft.of_type("Jurisdiction")]
    # the plan's own area from its title, then the first mention of each other jurisdiction
    assert codes == [("浙江省", "330000"), ("杭州市", "330100"), ("宁波市", "330200"), ("全国", "100000")]


def test_citations_linked_to_corpus_documents(annotate):
    found = annotate("citations.txt")
    title = found.one("CitedDocument", "“十四五”职业技能培训规划")
    number = found.one("CitedDocument", "人社部发〔2021〕102号")
    assert title.notes["doc"] == number.notes["doc"] == "004_f5df76930213c5c2"
    assert title.notes["id"] == number.notes["id"] == "doc-004"
    assert title.attributes["CiteRole"] == "BasedOn"
    other = found.one("CitedDocument", "关于推行终身职业技能培训制度的意见")
    assert other.attributes["CiteRole"] == "Cites" and "doc" not in other.notes


def test_receipt_form_people_and_offices(annotate):
    text = ("甘肃省人民政府办公厅收文办理单\n\n甘政收(上)20211260号 紧急程度: 收文时间: 2021年12月28日\n\n"
            "责任领导: 何伟\n\n送 阅: 任振鹤、石谋军, 李志勋。[秘书一处] 省人社厅、财政厅。\n")
    found = annotate(text)
    assert found.quotes("ReceiptNumber") == ["甘政收(上)20211260号"]
    assert found.one("Date", "2021年12月28日").attributes["DateRole"] == "Received"
    assert found.one("Person", "何伟").attributes["PersonRole"] == "ResponsibleLeader"
    assert {"任振鹤", "石谋军", "李志勋"} <= set(found.quotes("Person"))
    receiver = found.one("Agency", "甘肃省人民政府办公厅")
    assert receiver.attributes["Role"] == "Receiver" and receiver.notes["juris"] == "620000"
    offices = {found.draft.text_of(s): (s.notes["id"], s.attributes["Role"]) for s in found.draft.of_type("Agency")}
    # a receipt form's 送阅 list is the circulation of the receiving office's copy (GUIDELINES), [its divisions] too
    assert offices["省人社厅"] == ("gansu-hrss", "Circulation")
    assert offices["财政厅"] == ("gansu-finance", "Circulation")
    assert offices["秘书一处"][1] == "Circulation"


def test_a_group_in_another_wording_of_the_same_head_noun(annotate):
    found = annotate("一、主要措施\n\n面向有创业意愿和培训需求的各类劳动者开展创业培训。\n")
    group = found.one("TargetGroup", "有创业意愿和培训需求的各类劳动者")
    assert group.notes["id"] == "aspiring-entrepreneurs"


def test_a_programme_serves_the_groups_of_its_name_and_of_the_item_it_opens(annotate):
    found = annotate("专栏 3：重点群体培训\n\n1. “青年农民工技能提升计划”。面向退役军人、高校毕业生开展培训。\n")
    named = found.one("NamedProgram", "青年农民工技能提升计划")
    served = set(found.related(named, "serves"))
    assert {"退役军人", "高校毕业生"} <= served
    assert any("农民工" in g for g in served)


def _groups(lex, text: str) -> dict[str, str]:
    from policykg.build.annotate import annotate_text

    draft = annotate_text("一、主要措施\n\n" + text + "\n", lex)
    return {draft.text_of(s): s.notes["id"] for s in draft.of_type("TargetGroup")}


def test_a_group_named_with_a_modifier_left_out_is_the_known_group(lexicon_without):
    lex = lexicon_without("001")  # knows 职业院校青年学生 (004), not 职业院校学生
    assert "职业院校学生" not in lex.forms["TargetGroup"]
    found = _groups(lex, "探索面向技术工人、职业院校学生招录（招聘）技能岗位。")
    assert found["职业院校学生"] == "vocational-school-students" and "学生" not in found


def test_a_head_the_corpus_uses_for_the_same_group(lexicon):
    # 新录用人员 is known; 中小企业职工 / 中小企业人员 are one group's names, so 人员 and 职工 are heads of one group
    assert "新录用职工" not in lexicon.forms["TargetGroup"]
    assert _groups(lexicon, "鼓励企业对新录用职工开展岗前培训。")["新录用职工"] == "new-hires"


def test_no_close_match_for_a_generic_tail_or_the_last_conjunct_of_a_modifier_list(lexicon_without):
    lex = lexicon_without("003")  # knows 新业态新模式从业人员 (004), not Liaoning's four-part list
    found = _groups(lex, "开展新技术、新产业、新业态、新模式从业人员技能培训。加强从业人员管理。")
    assert "new-economy-workers" not in found.values() and "从业人员" not in found
