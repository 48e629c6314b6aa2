"""build.emit.context: every fact is tied to its text spans; errors name the file, line and annotation."""

import pyoxigraph as ox
import pytest

from policykg.build.emit.terms import en, zh
from policykg.errors import AnnotationError, NormalizationError
from policykg.kg import namespaces as ns


def test_spans_are_nif_strings_of_the_text_with_one_unit_per_annotation(ctx, written):
    target = ctx.doc.entities["T24"]  # 15万人次以上
    (span,) = ctx.spans(target)
    assert span == f"{ctx.iris.notice}/text/{target.start}-{target.end}"
    quads = written(ctx.out)
    assert quads.objects(span, ns.NIF.anchorOf) == {ox.Literal("15万人次以上")}
    assert quads.objects(span, ns.NIF.beginIndex) == {ox.Literal(str(target.start), datatype=ox.NamedNode(
        str(ns.XSD.nonNegativeInteger)))}
    unit = f"{ctx.iris.notice}/text/annotation/T24"
    assert quads.iris(span, ns.NIF.annotationUnit) == {unit}
    assert quads.objects(unit, ns.PKG.annotationType) == {ox.Literal("Target")}
    assert quads.objects(unit, ns.PKG.annotationId) == {ox.Literal("T24")}


def test_two_annotations_on_one_span_keep_their_own_units(ctx, written):
    ctx.spans(ctx.doc.entities["T25"])  # Indicator 农民工培训
    ctx.spans(ctx.doc.entities["T26"])  # TargetGroup 农民工, inside it
    quads = written(ctx.out)
    assert quads.subjects(ns.PKG.annotationType, "Indicator") == {f"{ctx.iris.notice}/text/annotation/T25"}
    assert quads.subjects(ns.PKG.annotationType, "TargetGroup") == {f"{ctx.iris.notice}/text/annotation/T26"}


def test_record_identifies_and_derives_identify_only_names(ctx, written):
    ctx.record("https://example.org/record", ctx.doc.entities["T4"])
    ctx.identify(ctx.doc.entities["T16"], "https://example.org/place")
    quads = written(ctx.out)
    number = ctx.doc.entities["T4"]
    assert quads.iris("https://example.org/record", ns.PROV.wasDerivedFrom) == {
        f"{ctx.iris.notice}/text/{number.start}-{number.end}"}
    assert quads.iris(f"{ctx.iris.notice}/text/annotation/T4", ns.ITSRDF.taIdentRef) == {"https://example.org/record"}
    assert quads.iris(f"{ctx.iris.notice}/text/annotation/T16", ns.ITSRDF.taIdentRef) == {"https://example.org/place"}
    assert quads.objects("https://example.org/place", ns.PROV.wasDerivedFrom) == set()


def test_error_names_the_file_line_and_annotation(ctx):
    error = ctx.error(ctx.doc.entities["T24"], "wrong")
    assert error.path.endswith("notice.ann") and error.line == 24
    assert "T24 ('15万人次以上'): wrong" in str(error)


def test_blame_turns_a_reading_error_into_an_annotation_error(ctx):
    with pytest.raises(AnnotationError, match="T17 .*cannot read") as info:
        with ctx.blame(ctx.doc.entities["T17"]):
            raise NormalizationError("cannot read it")
    assert info.value.line == 17
    with pytest.raises(KeyError):  # other failures are not the annotation's fault
        with ctx.blame(ctx.doc.entities["T17"]):
            raise KeyError("x")


def test_one_requires_exactly_one(ctx, doc):
    assert ctx.one("DocNumber").id == "T4"
    assert ctx.one("Baseline", required=False) is None
    with pytest.raises(AnnotationError, match="needs exactly one Baseline, has 0"):
        ctx.one("Baseline")
    with pytest.raises(AnnotationError, match="needs exactly one Date, has 2"):
        ctx.one("Date", required=False)


def test_containing_finds_the_enclosing_annotation(ctx):
    group = ctx.doc.entities["T37"]  # 农民工 inside item 1
    assert ctx.containing(group, "ProgramItem").id == "T36"
    assert ctx.containing(ctx.doc.entities["T43"], "ProgramItem") is None  # a task after the box
    assert ctx.containing(ctx.doc.entities["T36"], "ProgramItem") is None  # not itself


def test_labels_are_the_reading_and_the_en_note(ctx, written):
    ctx.labels("https://example.org/box", ctx.doc.entities["T35"])
    assert written(ctx.out).objects("https://example.org/box", ns.RDFS.label) == {
        zh("专栏1 重点群体培训"), en("Training of key groups")}
