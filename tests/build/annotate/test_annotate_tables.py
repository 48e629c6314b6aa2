"""tables: rows in every layout, units in brackets, 其中 sub-rows, cumulative values, nature."""

import pytest


def _rows(found):
    rows = []
    for target in found.draft.of_type("Target"):
        indicator = found.related(target, "measures")[0]
        span = next(s for s in found.draft.of_type("Indicator") if found.draft.text_of(s) == indicator)
        rows.append((indicator, span.notes["concept"], found.draft.text_of(target), found.related(target, "during")[0],
                     found.related(target, "hasNature")[0], found.related(span, "measuredIn")[0],
                     bool(target.attributes.get("Cumulative")), found.related(span, "partOf")))
    return rows


def test_row_per_line_with_tabs(annotate):
    rows = _rows(annotate("table_tabs.txt"))
    assert rows == [
        ("开展补贴性职业技能培训", "subsidized-training", "≥ 40", "2021—2025 年", "预期性", "万人次", False, []),
        ("农民工参加职业技能培训", "migrant-worker-training", "≥ 13", "2021—2025 年", "预期性", "万人次", False,
         ["开展补贴性职业技能培训"]),
        ("高技能人才数", "high-skilled-talent-stock", "〔17.7〕", "到 2025 年", "预期性", "万人", True, []),
        ("新建公共实训基地", "new-public-training-bases", "≥ 5", "2021—2025 年", "约束性", "个", False, []),
    ]


@pytest.mark.parametrize("separator", ["  ", " ", "\t\t"])
def test_row_per_line_with_spaces(annotate, separator):
    row = separator.join(["开展补贴性职业技能培训（万人次）", "≥ 40", "预期性"])
    text = "主要指标 2021—2025 年目标 属性\n" + row + "\n"
    rows = _rows(annotate(text))
    assert [(r[0], r[2], r[4], r[5]) for r in rows] == [("开展补贴性职业技能培训", "≥ 40", "预期性", "万人次")]


def test_one_cell_per_line(annotate):
    rows = _rows(annotate("table_cells.txt"))
    assert [(r[0], r[1], r[2], r[3], r[5], r[7]) for r in rows] == [
        ("开展补贴性职业技能培训", "subsidized-training", "150万", "2021-2025年", "人次", []),
        ("农民工参加职业培训", "migrant-worker-training", "25万", "2021-2025年", "人次", ["开展补贴性职业技能培训"]),
    ]


def test_group_in_an_indicator_name(annotate):
    found = annotate("table_tabs.txt")
    indicator = found.one("Indicator", "农民工参加职业技能培训")
    assert found.related(indicator, "concerns") == ["农民工"]


def test_unit_in_the_header_row(annotate):
    text = ("主要指标\t2021—2025 年目标（万人次）\t属性\n开展补贴性职业技能培训\t≥ 40\t预期性\n"
            "新建公共实训基地（个）\t≥ 5\t约束性\n")
    rows = _rows(annotate(text))
    assert [(r[0], r[2], r[5]) for r in rows] == [("开展补贴性职业技能培训", "≥ 40", "万人次"),
                                                  ("新建公共实训基地", "≥ 5", "个")]


@pytest.mark.parametrize("total", ["〔17.7〕", "[17.7]", "【17.7】", "（17.7）", "(17.7)"])
def test_a_bracketed_total_in_any_bracket_the_builder_reads(annotate, total):
    text = "主要指标 2021—2025 年目标 属性\n高技能人才数（万人）\t" + total + "\t预期性\n"
    rows = _rows(annotate(text))
    assert [(r[0], r[2], r[5], r[6]) for r in rows] == [("高技能人才数", total, "万人", True)]


TABLE = ("主要指标 2021—2025 年目标 属性\n开展补贴性职业技能培训（人次）\t150万\t预期性\n"
         "其中：农民工参加职业培训（人次）\t25万\t预期性\n新增高技能人才（人次）\t25万\t预期性\n\n")


@pytest.mark.parametrize(("sentence", "concept"), [
    # the row of the same value whose group the sentence names: one statement (GUIDELINES: text/table pairs)
    ("“十四五”时期，加强返乡农民工等职业技能培训，开展补贴性培训25万人次。", "migrant-worker-training"),
    # the sentence's own concept has this value in the table: it keeps it
    ("“十四五”时期，开展补贴性职业技能培训150万人次以上。", "subsidized-training"),
    # two rows print the value and the sentence names no group of theirs: nothing to choose
    ("“十四五”时期，开展补贴性培训25万人次。", "subsidized-training"),
])
def test_a_sentence_stating_a_table_row_takes_its_concept(annotate, sentence, concept):
    found = annotate(TABLE + sentence)
    draft = found.draft
    text_target = [t for t in draft.of_type("Target") if not found.related(t, "hasNature")]
    assert [i.notes["concept"] for r, t, i in draft.relations if r == "measures" and t is text_target[0]] == [concept]
