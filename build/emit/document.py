"""All quads of one document's named graph: the emitters in order (a later one uses what an earlier
returned: the plan's period, the indicators' concepts, the statements' IRIs)."""

from __future__ import annotations

import pyoxigraph as ox

from policykg.build.annotations import AnnotatedDocument
from policykg.build.emit.agents import emit_people_and_agencies
from policykg.build.emit.citations import emit_citations
from policykg.build.emit.context import Context, UnitTables
from policykg.build.emit.front_matter import emit_approvals, emit_notice_and_plan
from policykg.build.emit.indicators import emit_indicators
from policykg.build.emit.periods import emit_periods
from policykg.build.emit.programmes import emit_programmes
from policykg.build.emit.shared_resources import emit_shared_resources
from policykg.build.emit.statements import emit_statements
from policykg.build.emit.tasks import emit_tasks_and_deadlines
from policykg.build.emit.terms import GraphWriter
from policykg.build.profiles import emit_profiles
from policykg.build.provenance import emit_provenance
from policykg.build.registry import Registry


def emit_document(doc: AnnotatedDocument, reg: Registry, units: dict[str, str],
                  unit_labels_en: dict[str, str]) -> set[ox.Quad]:
    """All quads of one document's named graph; `units` and `unit_labels_en` are build.vocabulary's
    unit_tables (printed forms → unit id, unit id → English label)."""
    graph = reg.documents[doc.stem].graph
    ctx = Context(doc, reg, GraphWriter(graph), UnitTables(units, unit_labels_en))
    plan_period = emit_notice_and_plan(ctx)
    emit_people_and_agencies(ctx)
    emit_citations(ctx)
    emit_shared_resources(ctx)
    concept_of = emit_indicators(ctx)
    statements = emit_statements(ctx, concept_of, plan_period)
    emit_programmes(ctx)
    emit_approvals(ctx)
    emit_tasks_and_deadlines(ctx, statements, plan_period)
    emit_periods(ctx, plan_period)
    emit_provenance(ctx.doc, ctx.iris, ctx.out.add)  # machine-drafted / reviewed annotations (annotator)
    return ctx.out.quads | emit_profiles(doc, reg, graph)  # ELI, ORG, SKOS, links
