"""normalize: quantities, units, periods and dates as printed in Chinese plans."""

import datetime as dt
from decimal import Decimal

import pytest

from policykg.build.normalize import (
    chinese_integer,
    document_number,
    five_year_plan,
    most_specific,
    read_date,
    read_number,
    read_period,
    read_quantity,
    read_recurrence,
    read_unit,
    recurrence_slug,
)
from policykg.errors import NormalizationError

UNITS = {"人次": "person-time", "人": "person", "个": "item", "%": "percent", "家": "establishment", "元": "yuan"}


@pytest.mark.parametrize(
    ("quote", "comparator", "value", "unit", "bracketed"),
    [
        ("≥7500 万", "AtLeast", "75000000", None, False),
        ("≥ 500", "AtLeast", "500", None, False),
        ("150万人次以上", "AtLeast", "1500000", "person-time", False),
        ("〔17.7〕", "Exactly", "17.7", None, True),
        ("≥ [380]", "AtLeast", "380", None, True),
        ("25%以上", "AtLeast", "25", "percent", False),
        ("不少于 3 个", "AtLeast", "3", "item", False),
        ("近1亿人次", "Nearly", "100000000", "person-time", False),
        ("约5万人", "Approximately", "50000", "person", False),
        ("达到565万人", "Reach", "5650000", "person", False),
        ("力争达到300家", "Reach", "300", "establishment", False),
        ("达到25%以上", "AtLeast", "25", "percent", False),
        ("累计150万人次", "Exactly", "1500000", "person-time", False),
        ("超过3000万人次", "MoreThan", "30000000", "person-time", False),
        ("6.7万人次以上", "AtLeast", "67000", "person-time", False),
        ("不超过40%", "AtMost", "40", "percent", False),
        ("１０００亿元", "Exactly", "100000000000", "yuan", False),
        ("二十家", "Exactly", "20", "establishment", False),
        ("100余家", "MoreThan", "100", "establishment", False),
    ],
)
def test_read_quantity(quote, comparator, value, unit, bracketed):
    q = read_quantity(quote, UNITS)
    assert (q.comparator, q.value, q.unit, q.bracketed) == (comparator, Decimal(value), unit, bracketed)


def test_most_specific_comparator_of_a_restated_value():
    assert most_specific({"Exactly", "AtLeast"}) == "AtLeast"
    assert most_specific({"Exactly", "Reach"}) == "Reach"
    assert most_specific({"Reach", "AtLeast"}) == "AtLeast"
    assert most_specific({"AtLeast", "AtMost"}) is None


def test_contradictory_comparators_are_refused():
    with pytest.raises(NormalizationError, match="contradictory"):
        read_quantity("不超过100以上", UNITS)


def test_unknown_unit_names_the_units_file():
    with pytest.raises(NormalizationError, match="units.ttl"):
        read_quantity("5类", UNITS)


def test_unit_with_multiplier():
    assert read_unit("万人次", UNITS) == (Decimal(10000), "person-time")
    assert read_unit("万", UNITS) == (Decimal(10000), None)


@pytest.mark.parametrize(("text", "n"), [("十七", 17), ("二十五", 25), ("一千二百", 1200), ("二〇二二", 2022),
                                         ("十", 10), ("三万五千", 35000)])
def test_chinese_integer(text, n):
    assert chinese_integer(text) == n


def test_read_number_full_width_and_separators():
    assert read_number("１，２００.５") == Decimal("1200.5")


@pytest.mark.parametrize(("numeral", "start"), [("十四", 2021), ("十三", 2016), ("一", 1953), ("三", 1966)])
def test_five_year_plans(numeral, start):
    interval = five_year_plan(numeral)
    assert (interval.start, interval.end) == (dt.date(start, 1, 1), dt.date(start + 4, 12, 31))


@pytest.mark.parametrize(
    ("quote", "notes", "slug"),
    [
        ("2021—2025 年", {}, "2021--2025"),
        ("2021-2025年", {}, "2021--2025"),
        ("“十四五”时期", {}, "2021--2025"),
        ("2021年", {}, "2021--2021"),
        ("五年来", {"start": "2016", "end": "2020"}, "2016--2020"),
        ("年底前", {"start": "2021", "end": "2021-12-31"}, "2021--2021"),
        ("“十三五”期末", {"start": "2020"}, "2020--2020"),
    ],
)
def test_read_period(quote, notes, slug):
    assert read_period(quote, notes).slug == slug


def test_up_to_a_year_starts_with_the_plan():
    assert read_period("到 2025 年", default_start=dt.date(2021, 1, 1)).slug == "2021--2025"
    assert read_period("2025 年").slug == "2025--2025"


def test_relative_period_needs_notes():
    with pytest.raises(NormalizationError, match="start= and end="):
        read_period("五年来")


@pytest.mark.parametrize(
    ("quote", "date"),
    [
        ("2022年6月10日", dt.date(2022, 6, 10)),
        ("二〇二二年四月九日", dt.date(2022, 4, 9)),
        ("5月10日前", dt.date(2021, 5, 10)),
        ("6月底前", dt.date(2021, 6, 30)),
        ("年底前", dt.date(2021, 12, 31)),
        ("2021年12月底前", dt.date(2021, 12, 31)),
    ],
)
def test_read_date(quote, date):
    assert read_date(quote, default_year=2021) == date


def test_date_without_year_needs_a_default():
    with pytest.raises(NormalizationError, match="no year"):
        read_date("5月10日前")


@pytest.mark.parametrize(("every", "slug"), [("P1Y", "per-year"), ("P2Y", "every-2-years"), ("P6M", "every-6-months")])
def test_recurrence(every, slug):
    assert read_recurrence({"every": every}) == every
    assert recurrence_slug(every) == slug


def test_no_recurrence_without_the_note():
    assert read_recurrence({"start": "2021"}) is None


@pytest.mark.parametrize("bad", ["1Y", "P0Y", "P1W", "每年", "P1Y2M"])
def test_bad_recurrence_is_refused(bad):
    with pytest.raises(NormalizationError, match="ISO 8601 duration"):
        read_recurrence({"every": bad})


@pytest.mark.parametrize("printed, number", [
    ("人社部发〔2021〕102号", "人社部发〔2021〕102号"),
    ("鲁政办字[2021]58號", "鲁政办字〔2021〕58号"),
    ("临政办发（2022）１２号", "临政办发〔2022〕12号"),
    ("辽人社 〔 2021 〕 9 号", "辽人社〔2021〕9号"),
    ("泰政办发【2021】3号", "泰政办发〔2021〕3号"),
    ("泰政办字（２０１９）５９号", "泰政办字〔2019〕59号"),
    ("鲁政发 〔2021〕 5号", "鲁政发〔2021〕5号"),
])
def test_document_number_takes_the_standard_form(printed, number):
    assert document_number(printed) == number
