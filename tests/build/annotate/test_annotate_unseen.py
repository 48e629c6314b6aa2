"""The annotator on plans nobody tuning it had seen (tests/data/unseen/): a city plan with Chinese numerals,
a provincial table laid one row per line with unit and year columns, a traditional-character web copy.

Each text has a hand-read answer (`<name>.json`: values with indicator, amount, unit, comparator and
period; the periods; the agencies with their roles). The draft is scored against it, precision and recall
per fixture; the floors are what the annotator reached when these tests were written.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from policykg.build.annotate import annotate_text, units
from policykg.build.normalize import read_quantity, read_unit, to_simplified

UNSEEN = Path(__file__).resolve().parents[2] / "data" / "unseen"


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(text))


def _value_facts(draft) -> list[tuple]:
    """(kind, indicator label, amount, unit, comparator, period quote, concept) of each drafted value."""
    rel: dict[int, dict[str, list]] = {}
    for rtype, a, b in draft.relations:
        rel.setdefault(id(a), {}).setdefault(rtype, []).append(b)
    table = units()
    facts = []
    for span in draft.of_type("Target", "Baseline"):
        ind = rel.get(id(span), {}).get("measures", [None])[0]
        period = rel.get(id(span), {}).get("during", [None])[0]
        if ind is None or period is None:
            continue
        q = read_quantity(draft.text_of(span).replace(" ", ""), table)
        amount, unit = q.value, q.unit
        for unit_span in rel.get(id(ind), {}).get("measuredIn", []) if unit is None else []:
            mult, unit = read_unit(draft.text_of(unit_span), table)
            amount *= mult
        comparator = "Exactly" if span.type == "Baseline" and q.comparator == "Reach" else q.comparator
        # a concept the corpus does not know gets a placeholder en= (DRAFT …): "new" in the answer
        concept = "new" if ind.notes.get("en", "").startswith("DRAFT") else ind.notes.get("concept")
        facts.append((span.type, _plain(draft.text_of(ind)), amount.normalize(), unit, comparator,
                      _plain(draft.text_of(period)), concept))
    return facts


def _matches(fact: tuple, expected: list) -> bool:
    kind, label, amount, unit, comparator, period, concept = fact
    return (kind, unit, comparator, period) == (expected[0], expected[3], expected[4], _plain(expected[5])) \
        and amount == Decimal(expected[2]).normalize() and expected[1] in label \
        and (len(expected) < 7 or expected[6] == concept)


def _scores(found: list, expected: list, same) -> tuple[float, float]:
    """(precision, recall), each found item matching at most one expected item."""
    left = list(expected)
    hits = 0
    for item in found:
        match = next((e for e in left if same(item, e)), None)
        if match is not None:
            left.remove(match)
            hits += 1
    return (hits / len(found) if found else 1.0), (hits / len(expected) if expected else 1.0)


def score(name: str, lexicon) -> dict[str, tuple[float, float]]:
    draft = annotate_text((UNSEEN / f"{name}.txt").read_text(encoding="utf-8"), lexicon)
    gold = json.loads((UNSEEN / f"{name}.json").read_text(encoding="utf-8"))
    periods = sorted({_plain(draft.text_of(s)) for s in draft.of_type("Period")})
    deadlines = sorted({_plain(draft.text_of(s)) for s in draft.of_type("Deadline")})
    agencies = sorted({(_plain(draft.text_of(s)), s.attributes.get("Role")) for s in draft.of_type("Agency")})
    return {
        "values": _scores(_value_facts(draft), gold["values"], _matches),
        "periods": _scores(periods, sorted({_plain(p) for p in gold["periods"]}), lambda a, b: a == b),
        "deadlines": _scores(deadlines, sorted({_plain(p) for p in gold["deadlines"]}), lambda a, b: a == b),
        "agencies": _scores(agencies, [tuple(a) for a in gold["agencies"]], lambda a, b: a == tuple(b)),
    }


# (precision, recall) floors reached on each fixture; before the rules these tests pin: values 0.62/0.57,
# 0.36/0.29, 0.83/0.71; periods 0.60/0.50, 1.00/0.57, 1.00/1.00. Agencies are the agencies' room's (held
# where they are: see docs/annotator.md)
FLOORS = {
    "city_plan": {"values": (1.0, 1.0), "periods": (1.0, 1.0), "deadlines": (1.0, 1.0), "agencies": (0.6, 0.54)},
    "province_table": {"values": (1.0, 1.0), "periods": (1.0, 1.0), "deadlines": (1.0, 1.0), "agencies": (0.5, 0.5)},
    "web_copy": {"values": (1.0, 1.0), "periods": (1.0, 1.0), "deadlines": (1.0, 1.0), "agencies": (0.5, 0.6)},
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_unseen_plan_scores(name, lexicon):
    got = score(name, lexicon)
    for part, (p_floor, r_floor) in FLOORS[name].items():
        precision, recall = got[part]
        assert precision >= p_floor and recall >= r_floor, (name, part, got)


# --- each rule the unseen plans needed, on a few lines of its own -------------------------------------

TAB_TABLE = ("某省“十四五”职业技能培训规划\n\n专栏1　主要指标\n指标\t单位\t2020年\t2025年\t属性\n"
             "开展补贴性职业技能培训\t万人次\t—\t≥300\t预期性\n高技能人才总量\t万人\t210\t〔260〕\t预期性\n")


@pytest.mark.parametrize("gap", ["\t", "    "])  # TABs, or runs of spaces in a copy that lost them
def test_tab_table_unit_and_year_columns(annotate, gap):
    found = annotate(TAB_TABLE.replace("\t", gap))
    training = found.one("Indicator", "开展补贴性职业技能培训")  # the first cell only
    assert found.related(training, "measuredIn") == ["万人次"]
    target = found.one("Target", "≥300")
    assert found.related(target, "during") == ["2025年"]
    assert found.one("Period", "2025年").notes == {"start": "2021", "end": "2025"}
    baseline = found.one("Baseline", "210")
    assert found.related(baseline, "measures") == ["高技能人才总量"]
    assert found.related(baseline, "during") == ["2020年"]
    assert not found.quotes("Baseline")[1:]  # a dash under 2020年 is no value


def test_chinese_numeral_with_wan_inside():
    from policykg.build.annotate.numbers import quantities

    assert [m.group() for m in quantities("在校生规模达到一万二千人。")] == ["达到一万二千人"]
    assert read_quantity("达到一万二千人", units()).value == 12000
    # place values and a unit make a quantity (五千余人); a digit alone (一个) or no unit (百万扩招) does not
    assert [m.group() for m in quantities("新增技能人才五千余人，建成一个中心，百万扩招")] == ["五千余人"]


def test_chinese_digit_year_period():
    from policykg.build.annotate.periods import period_notes, year_of

    assert period_notes("二〇二三年底", 2023, (2023, 2025)) == {"start": "2023", "end": "2023-12-31"}
    assert period_notes("到二〇二五年", 2023, (2023, 2025)) == {"start": "2023", "end": "2025"}
    assert year_of("二〇二三年底") == 2023


def test_value_due_after_the_document_year_is_a_goal(annotate):
    text = ("某省职业技能提升行动实施方案（2021—2023年）\n\n某省人社厅\n2021年7月8日\n\n"
            "一、重点工作\n2021—2023年，新建高技能人才培训基地15个。\n2019—2020年，建成培训基地8个。\n")
    found = annotate(text)
    assert found.quotes("Target") == ["15个"]


def test_bare_training_takes_the_training_named_before(annotate):
    found = annotate("一、目标\n面向高校毕业生开展就业技能培训，每年培训5万人次以上。\n")
    target = found.one("Target", "5万人次以上")
    assert found.related(target, "measures") == ["开展就业技能培训"]


@pytest.mark.parametrize(("name", "concept"), [
    ("技能人才占就业人员的比例", "skilled-share-of-employed"),  # 技能劳动者占就业人员总量的比例 in the corpus
    ("组织企业职工岗位技能培训", "enterprise-employee-training"),  # 培训企业职工
])
def test_concept_wording_variants(lexicon, name, concept):
    from policykg.build.annotate.concepts import resolve_concept

    assert resolve_concept(lexicon, name)[0] == concept


@pytest.mark.parametrize(("name", "not_concept"), [
    ("新增技能人才", "new-high-skilled-talent"),  # 高 makes another group
    ("建成市级技能大师工作室", "national-master-studios"),  # another level
    ("开展就业技能培训", "entrepreneurship-training"),  # 就业 ≠ 创业: one character of a short core
])
def test_similar_wording_of_another_thing_is_a_new_concept(lexicon, name, not_concept):
    from policykg.build.annotate.concepts import resolve_concept

    assert not (resolve_concept(lexicon, name)[0] or "").startswith(not_concept)


def test_document_number_line_under_a_long_title_is_not_a_wrapped_line():
    from policykg.build.annotate.shadow import make_shadow

    title = "湖北省人民政府关于印发湖北省“十四五”职业技能培训规划的通知\n"
    shadow = make_shadow(title + "鄂政发〔2022〕8号\n")
    assert shadow.text.count("\n") == 2
    wrapped = "全省各级人力资源社会保障部门要把职业技能培训作为就业工作的重要内容，统筹\n推进。\n"
    assert make_shadow(wrapped).text.count("\n") == 1  # a sentence wrapped by a copy is still joined


def test_five_year_period_of_a_shorter_plan_is_clipped_to_it(annotate):
    text = ("某市职业技能提升行动实施方案（2023—2025年）\n\n某市人民政府办公室\n2023年3月15日\n\n"
            "一、主要任务\n（一）加强实训基地建设。“十四五”期间新建公共实训基地3个。\n")
    found = annotate(text)
    period = found.one("Period", "“十四五”期间")
    assert period.notes["start"] == "2023" and period.notes["end"] == "2025"
    assert any("the part its plan covers" in line for line in found.draft.unresolved)


def test_rows_of_things_under_year_columns_are_levels(annotate):
    text = ("某省“十四五”职业技能培训规划\n\n专栏2　载体建设指标\n指标\t2020年\t2025年目标\t属性\n"
            "公共实训基地（个）\t12\t≥20\t约束性\n开展补贴性职业技能培训（万人次）\t150\t≥200\t预期性\n")
    found = annotate(text)
    assert found.one("Baseline", "12").attributes == {"Cumulative": True}
    assert found.one("Target", "≥20").attributes == {"Cumulative": True}
    # a row named by its action counts what is done (a flow in each year), not a level
    assert found.one("Baseline", "150").attributes == {} and found.one("Target", "≥200").attributes == {}


def test_n_years_within_and_header_unit_with_its_label(annotate):
    text = ("某省“十四五”职业技能培训规划\n\n二、主要目标\n　　五年内累计开展补贴性职业技能培训400万人次左右。\n\n"
            "专栏1　主要指标（单位：万人次）\n指标\n2025年\n属性\n开展补贴性职业技能培训\n≥400\n预期性\n")
    found = annotate(text)
    assert found.one("Period", "五年内").notes == {"start": "2021", "end": "2025"}  # not the document's year
    row = found.one("Target", "≥400")
    ind = next(i for r, v, i in found.draft.relations if r == "measures" and v is row)
    assert found.related(ind, "measuredIn") == ["万人次"]


def test_a_rate_with_its_own_level_verb_does_not_lend_its_first_word(annotate):
    found = annotate("二、主要目标\n　　到2025年，培训合格率保持在90%以上，职业技能等级认定人数年均增长10%。\n")
    assert found.related(found.one("Target", "10%"), "measures") == ["职业技能等级认定人数年均增长"]


def test_year_range_with_year_words_on_both_sides(annotate):
    found = annotate("某市职业技能提升行动实施方案（2019—2021年）\n\n某市人民政府\n2019年8月1日\n\n"
                     "一、目标任务\n　　2019年至2021年，全市共开展各类职业技能培训30万人次以上。\n")
    assert found.related(found.one("Target", "30万人次以上"), "during") == ["2019年至2021年"]
