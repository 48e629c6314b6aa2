"""build.emit (emit_document): one document's whole named graph, the same quads on every run."""

import pyoxigraph as ox
import pytest

from policykg.build.emit import emit_document, emit_document_nquads
from policykg.build.registry import build_registry
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns


def emit(doc, units):
    return emit_document(doc, build_registry([doc]), units.forms, units.english)


def by_subject_and_predicate(quads, subject: str, predicate) -> set:
    return {q.object for q in quads if q.subject.value == subject and q.predicate.value == str(predicate)}


def test_one_named_graph_with_every_part(doc, units):
    quads = emit(doc, units)
    notice = "https://w3id.org/policykg/doc/tairenshezi-2099-1"
    assert {q.graph_name for q in quads} == {ox.NamedNode("https://w3id.org/policykg/graph/tairenshezi-2099-1")}
    types = {q.object.value for q in quads if q.predicate.value == str(ns.RDF.type)}
    # front matter, agents, shared resources, indicators, statements, programmes, tasks, periods, profiles
    assert {str(ns.PKG[t]) for t in ("Notice", "Plan", "ReceiptRecord", "Approval", "Agency", "Jurisdiction",
                                      "Indicator", "IndicatorTarget", "Program", "ProgramItem", "Task", "Deadline",
                                      "Responsibility", "TargetGroup", "FundingSource", "NamedProgram")} <= types
    assert str(ns.ELI.LegalResource) in types  # build.profiles
    assert by_subject_and_predicate(quads, notice + "/plan", ns.PKG.mentionsPeriod)
    assert not [q for q in quads if q.predicate.value == str(ns.PROV.wasGeneratedBy)]  # no drafted annotation


def test_the_same_document_gives_the_same_quads(doc, units):
    assert emit(doc, units) == emit(doc, units)


def test_drafted_annotations_get_their_provenance(doc, units):
    doc.entities["T24"].notes["annotator"] = "policykg-annotate-1"
    quads = emit(doc, units)
    generated = {q.subject.value for q in quads if q.predicate.value == str(ns.PROV.wasGeneratedBy)}
    target = doc.entities["T24"]
    assert generated == {f"https://w3id.org/policykg/doc/tairenshezi-2099-1/text/{target.start}-{target.end}"}


def test_the_front_matter_is_checked_before_the_statements(doc, units):
    doc.entities["T15"].notes["juris"] = "371300"  # front matter
    doc.entities["T31"].text = "指导性"  # statements, later
    with pytest.raises(AnnotationError, match="juris=371300"):
        emit(doc, units)


def test_the_nquads_are_the_same_quads(doc, units):
    doc.entities["T24"].notes["annotator"] = "policykg-annotate-1"  # build.provenance writes through it too
    reg = build_registry([doc])
    data = emit_document_nquads(doc, reg, units.forms, units.english)
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == len(set(lines))  # one line per quad
    assert set(ox.parse(data, format=ox.RdfFormat.N_QUADS)) == emit(doc, units)
    assert emit_document_nquads(doc, reg, units.forms, units.english) == data  # in the same order


def test_an_iri_is_checked_in_nquads_as_in_quads(doc, units):
    for entity in doc.entities.values():  # a slug that the reader's checks would refuse, given after them
        if entity.notes.get("id") == "migrant-workers":
            entity.notes["id"] = "migrant workers"
    for emitter in (emit_document, emit_document_nquads):
        with pytest.raises(ValueError, match="Invalid IRI code point"):
            emitter(doc, build_registry([doc]), units.forms, units.english)
