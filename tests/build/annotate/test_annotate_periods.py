"""periods: periods and recurrences, and the period that opens a section under its heading."""


def test_a_section_opening_period_is_annotated_without_a_value(annotate):
    found = annotate("一、规划背景\n\n“十三五”时期，全省职业技能培训大规模开展。\n\n“十四五”时期，我省开启新征程。\n")
    assert found.quotes("Period") == ["“十三五”时期"]  # the second paragraph is not under the heading
    assert found.one("Period", "“十三五”时期").notes == {"start": "2016", "end": "2020"}


def test_every_two_years_is_a_recurrence():
    from policykg.build.annotate.periods import period_notes

    assert period_notes("每两年", 2022, (2021, 2025)) == {"start": "2021", "end": "2025", "every": "P2Y"}
    assert period_notes("分年度", 2022, (2021, 2025))["every"] == "P1Y"


def test_a_recurring_activity_without_a_value_is_a_task_during_its_recurrence(annotate):
    found = annotate("“十四五”时期，我市将分年度进行首席技师评选认定，每年组织职业技能大赛市级重点赛事，推动技能提升。")
    for period, task in (("分年度", "进行首席技师评选认定"), ("每年", "组织职业技能大赛市级重点赛事")):
        assert found.related(found.one("Task", task), "during") == [period]
        assert found.one("Period", period).notes["every"] == "P1Y"


def test_a_goal_without_a_figure_due_by_an_end_point(annotate):
    found = annotate("开展从业人员安全技能实训。力争到“十四五”期末，每个工业园区都有配套的安全技能实训基地。")
    deadline = found.one("Deadline", "到“十四五”期末")
    assert deadline.notes == {"date": "2025-12-31"}
    assert found.related(deadline, "deadlineFor") == ["每个工业园区都有配套的安全技能实训基地"]
