"""periods: periods and recurrences, and the period that opens a section under its heading."""


def test_a_section_opening_period_is_annotated_without_a_value(annotate):
    found = annotate("一、规划背景\n\n“十三五”时期，全省职业技能培训大规模开展。\n\n“十四五”时期，我省开启新征程。\n")
    assert found.quotes("Period") == ["“十三五”时期"]  # the second paragraph is not under the heading
    assert found.one("Period", "“十三五”时期").notes == {"start": "2016", "end": "2020"}


def test_every_two_years_is_a_recurrence():
    from policykg.build.annotate.periods import period_notes

    assert period_notes("每两年", 2022, (2021, 2025)) == {"start": "2021", "end": "2025", "every": "P2Y"}
    assert period_notes("分年度", 2022, (2021, 2025))["every"] == "P1Y"
