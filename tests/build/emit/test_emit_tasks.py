"""build.emit.tasks: tasks with their periods; deadlines dated in the notice's year when none is printed."""

import datetime as dt

import pytest

from policykg.build import normalize
from policykg.build.emit.tasks import default_year, emit_deadlines, emit_tasks
from policykg.build.emit.terms import date_literal, en, zh
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE

PLAN = normalize.Interval(dt.date(2021, 1, 1), dt.date(2025, 12, 31))


def test_tasks(doc, make_context, written):
    item = doc.entities["T36"]
    item.fragments = ((item.start, doc.text.index("\n", item.start)),)  # item 1 spans its line
    ctx = make_context(doc)
    emit_tasks(ctx, PLAN)
    quads, d = written(ctx.out), ctx.iris
    yearly = d.task(ctx.doc.entities["T39"].start)
    assert quads.objects(yearly, ns.RDFS.label) == {zh("每年开展一次")}
    assert quads.iris(yearly, ns.PKG.period) == {BASE + "period/2021--2025"}
    assert quads.iris(yearly, ns.PKG.recurrence) == {BASE + "duration/P1Y"}
    assert quads.iris(yearly, ns.PKG.inProgram) == {f"{d.notice}/programme/box-1/item-1"}  # printed in item 1's span
    later = d.task(ctx.doc.entities["T43"].start)
    assert quads.iris(later, ns.PKG.inProgram) == set()
    assert quads.iris(later, ns.PKG.period) == set()
    assert quads.iris(later, ns.PKG.inPlan) == {d.plan}


def test_the_default_year_is_the_first_signed_or_received_date(doc, make_context):
    assert default_year(make_context(doc)) == 2022  # received 2022年1月5日, printed before the signing date
    del doc.entities["T2"]
    assert default_year(make_context(doc)) == 2099
    del doc.entities["T14"]
    assert default_year(make_context(doc)) is None


def test_deadline(ctx, written):
    emit_deadlines(ctx, {})
    quads, d = written(ctx.out), ctx.iris
    deadline, task = d.deadline(ctx.doc.entities["T42"].start), d.task(ctx.doc.entities["T43"].start)
    assert quads.objects(deadline, ns.PKG.dueDate) == {date_literal(dt.date(2022, 6, 30))}  # 6月底前
    assert quads.iris(deadline, ns.PKG.deadlineFor) == {task}
    assert quads.iris(task, ns.PKG.deadline) == {deadline}
    assert quads.iris(d.plan, ns.PKG.hasDeadline) == {deadline}
    assert quads.objects(deadline, ns.RDFS.label) == {zh("6月底前完成培训任务"), en("Deadline 2022-06-30")}


def test_a_deadline_for_a_target_points_at_its_statement(doc, make_context, written):
    relation = next(r for r in doc.relations if r.type == "deadlineFor")
    doc.relations[doc.relations.index(relation)] = type(relation)(relation.id, "deadlineFor", "T42", "T27", 0)
    ctx = make_context(doc)
    emit_deadlines(ctx, {"T27": "https://example.org/statement"})
    quads = written(ctx.out)
    assert quads.iris(ctx.iris.deadline(doc.entities["T42"].start), ns.PKG.deadlineFor) == {
        "https://example.org/statement"}
    assert quads.objects(ctx.iris.deadline(doc.entities["T42"].start), ns.RDFS.label) == {
        zh("6月底前5万人次"), en("Deadline 2022-06-30")}


def test_a_date_note_overrides_the_text(doc, make_context, written):
    doc.entities["T42"].notes["date"] = "2023-03-31"
    ctx = make_context(doc)
    emit_deadlines(ctx, {})
    assert written(ctx.out).objects(ctx.iris.deadline(doc.entities["T42"].start), ns.PKG.dueDate) == {
        date_literal(dt.date(2023, 3, 31))}


@pytest.mark.parametrize(("note", "text", "message"), [
    ("2023-02-30", None, "day is out of range"), (None, "尽快", "cannot read the date")])
def test_an_unreadable_deadline_is_an_error_at_its_line(doc, make_context, note, text, message):
    if note:
        doc.entities["T42"].notes["date"] = note
    if text:
        doc.entities["T42"].text = text
    with pytest.raises(AnnotationError, match=message) as info:
        emit_deadlines(make_context(doc), {})
    assert info.value.line == 42
