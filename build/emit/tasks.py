"""Tasks a plan sets (with their periods and recurrence) and the deadlines set for tasks and targets."""

from __future__ import annotations

import datetime as dt

from policykg.build import normalize
from policykg.build.emit.context import Context
from policykg.build.emit.periods import PlanPeriod, emit_duration, emit_period, period_of, recurrence_of
from policykg.build.emit.programmes import item_iri
from policykg.build.emit.responsibilities import serve_and_duty
from policykg.build.emit.terms import date_literal, en, zh
from policykg.build.iris import PKG, RDF, RDFS


def emit_tasks_and_deadlines(ctx: Context, statements: dict[str, str], plan_period: PlanPeriod) -> None:
    emit_tasks(ctx, plan_period)
    emit_deadlines(ctx, statements)


def emit_tasks(ctx: Context, plan_period: PlanPeriod) -> None:
    out, d = ctx.out, ctx.iris
    for task in ctx.doc.of_type("Task"):
        node = d.task(task.start)
        out.add(node, RDF.type, PKG.Task)
        ctx.labels(node, task)
        out.add(node, PKG.inPlan, d.plan)
        ctx.record(node, task)
        serve_and_duty(ctx, task, node)
        for period_entity in ctx.doc.targets_of(task, "during"):
            out.add(node, PKG.period, emit_period(out, period_of(ctx, period_entity, plan_period)))
            every = recurrence_of(ctx, period_entity)
            if every:
                out.add(node, PKG.recurrence, emit_duration(out, every))
            ctx.derive(node, period_entity)
        item = ctx.containing(task, "ProgramItem")
        if item is not None:
            out.add(node, PKG.inProgram, item_iri(ctx, item))


def default_year(ctx: Context) -> int | None:
    """The year of the notice (signed, else received): a deadline printed without one (6月底前) is in it."""
    signed = [e for e in ctx.doc.of_type("Date") if e.attributes["DateRole"] in ("Signed", "Received")]
    return normalize.read_date(signed[0].text).year if signed else None


def emit_deadlines(ctx: Context, statements: dict[str, str]) -> None:
    """Each Deadline: its due date, and the tasks or targets (by their statement IRI) it is set for."""
    out, d = ctx.out, ctx.iris
    year = default_year(ctx)
    for deadline in ctx.doc.of_type("Deadline"):
        node = d.deadline(deadline.start)
        with ctx.blame(deadline, ValueError):
            due = (dt.date.fromisoformat(deadline.notes["date"]) if "date" in deadline.notes
                   else normalize.read_date(deadline.text, year))
        out.add(node, RDF.type, PKG.Deadline)
        out.add(node, PKG.dueDate, date_literal(due))
        subjects = ctx.doc.targets_of(deadline, "deadlineFor")
        for subject in subjects:
            target = statements[subject.id] if subject.type == "Target" else d.task(subject.start)
            out.add(node, PKG.deadlineFor, target)
            out.add(target, PKG.deadline, node)
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasDeadline, node)
        out.add(node, RDFS.label, zh(f"{deadline.reading}{subjects[0].reading}"))
        out.add(node, RDFS.label, en(f"Deadline {due.isoformat()}"))
        ctx.record(node, deadline)
