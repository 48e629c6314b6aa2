"""build.emit.citations: a cited number or title; a corpus document by its plan; BasedOn is eli:applies."""

import pyoxigraph as ox
import pytest

from policykg.build.emit.citations import emit_citations
from policykg.build.emit.terms import en, zh
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE


def test_cited_works(ctx, written):
    emit_citations(ctx)
    quads, plan = written(ctx.out), ctx.iris.plan
    by_number, by_title = BASE + "work/mohrss-2021-102", BASE + "work/shandong-skills-plan"
    assert quads.iris(plan, ns.ELI.applies) == {by_number}  # 依据: BasedOn
    assert quads.iris(plan, ns.ELI.cites) == {by_title}
    assert quads.objects(by_number, ns.ELI.id_local) == {ox.Literal("人社部发〔2021〕102号")}
    assert quads.objects(by_number, ns.RDFS.label) == set()
    assert quads.objects(by_title, ns.RDFS.label) == {zh("山东省技能兴鲁行动方案"), en("Shandong skills action plan")}
    assert quads.iris(by_title, ns.RDF.type) == {str(ns.PKG.CitedWork)}
    assert quads.iris(ctx.iris.annotation("T18"), ns.ITSRDF.taIdentRef) == {by_number}


def test_a_corpus_document_is_cited_by_its_plan(doc, make_context, written):
    doc.entities["T19"].notes["doc"] = "notice"  # this document's own stem: a corpus document
    ctx = make_context(doc)
    emit_citations(ctx)
    quads = written(ctx.out)
    assert quads.iris(ctx.iris.plan, ns.ELI.cites) == {ctx.iris.plan}
    assert quads.iris(BASE + "work/shandong-skills-plan", ns.RDF.type) == set()


def test_doc_note_must_name_a_corpus_document(doc, make_context):
    doc.entities["T19"].notes["doc"] = "999_missing"
    with pytest.raises(AnnotationError, match="doc=999_missing is not a corpus document") as info:
        emit_citations(make_context(doc))
    assert info.value.line == 19
