"""All quads of one document's named graph: the emitters in order (a later one uses what an earlier
returned: the plan's period, the indicators' concepts, the statements' IRIs)."""

from __future__ import annotations

import pyoxigraph as ox

from policykg.build.annotations import AnnotatedDocument
from policykg.build.corpus import collector_paused
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
from policykg.build.emit.terms import GraphWriter, NQuadsWriter, Writer
from policykg.build.profiles import write_profiles
from policykg.build.provenance import emit_provenance
from policykg.build.registry import Registry


def emit_document(doc: AnnotatedDocument, reg: Registry, units: dict[str, str],
                  unit_labels_en: dict[str, str]) -> set[ox.Quad]:
    """All quads of one document's named graph; `units` and `unit_labels_en` are build.vocabulary's
    unit_tables (printed forms → unit id, unit id → English label)."""
    out = GraphWriter(reg.documents[doc.stem].graph)
    with collector_paused():
        _emit(doc, reg, UnitTables(units, unit_labels_en), out)
    return out.quads


def emit_document_nquads(doc: AnnotatedDocument, reg: Registry, units: dict[str, str],
                         unit_labels_en: dict[str, str]) -> bytes:
    """The quads of emit_document as an N-Quads document (UTF-8, one line per quad, the same bytes for the
    same input), at half the cost: for a caller that serialises or bulk-loads them (Store.load) anyway."""
    out = NQuadsWriter(reg.documents[doc.stem].graph)
    with collector_paused():
        _emit(doc, reg, UnitTables(units, unit_labels_en), out)
    return out.nquads()


def _emit(doc: AnnotatedDocument, reg: Registry, units: UnitTables, out: Writer) -> None:
    doc = doc.indexed()  # the emitters ask for annotations by type and relation thousands of times
    ctx = Context(doc, reg, out, units)
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
    emit_provenance(ctx.doc, ctx.iris, out.add)  # machine-drafted / reviewed annotations (annotator)
    write_profiles(doc, reg, out)  # ELI, ORG, SKOS, links
