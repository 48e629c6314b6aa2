"""boxes: 专栏 titles and their numbered items, an item's first line cut by a page break included."""


def test_an_item_line_cut_mid_sentence_by_a_blank_line_goes_on_in_the_next(annotate):
    found = annotate("专栏 3：退役军人职业技能提升\n\n1. 退役军人培训计划。结合退役军人实际和就业愿望，开展全员适\n\n"
                     "应性培训，强化思想政治引领。\n\n2. 技能竞赛。每年举办退役军人技能竞赛。\n\n"
                     "3. 创业培训。开展创业培训\n\n（一）加强组织领导\n")
    items = {s.notes["n"]: found.draft.text_of(s) for s in found.draft.of_type("ProgramItem")}
    assert items == {
        "1": "1. 退役军人培训计划。结合退役军人实际和就业愿望，开展全员适 应性培训，强化思想政治引领。",
        "2": "2. 技能竞赛。每年举办退役军人技能竞赛。",  # ends its sentence: the next line is another item
        "3": "3. 创业培训。开展创业培训",  # a heading follows, not the rest of the line
    }
