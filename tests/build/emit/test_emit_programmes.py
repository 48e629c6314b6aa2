"""build.emit.programmes: boxes and items named by their numbers; item titles and paragraphs from the text."""

import pyoxigraph as ox
import pytest

from policykg.build.emit.programmes import emit_programmes, item_iri, item_number, item_paragraph, item_title
from policykg.build.emit.terms import en, zh
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE

BOX_TEXT = "专栏2 技能提升\n（一）企业职工培训。\n面向全体职工，\n开展岗位培训。\n2.新型学徒制\n专栏3 其他\n"


def test_item_paragraph_joins_wrapped_lines_up_to_the_next_item():
    start = BOX_TEXT.index("（一）")
    assert item_paragraph(BOX_TEXT, start) == "（一）企业职工培训。面向全体职工，开展岗位培训。"
    assert item_paragraph(BOX_TEXT, BOX_TEXT.index("2.")) == "2.新型学徒制"  # stops at the next box


@pytest.mark.parametrize(("paragraph", "title"), [
    ("（一）企业职工培训。面向全体职工。", "企业职工培训"), ("2.新型学徒制", "新型学徒制"),
    ("——技能大赛。", "技能大赛"),
])
def test_item_title_is_the_first_sentence_without_its_number(paragraph, title):
    assert item_title(paragraph) == title


def test_item_number_is_printed_or_noted(ctx, doc):
    assert item_number(ctx, doc.entities["T36"]) == 1  # 1.农民工培训
    assert item_number(ctx, doc.entities["T41"]) == 2  # （二）高技能人才培养
    doc.entities["T41"].notes["n"] = "7"
    assert item_number(ctx, doc.entities["T41"]) == 7
    del doc.entities["T41"].notes["n"]
    doc.entities["T41"].text = "高技能人才培养"
    with pytest.raises(AnnotationError, match="cannot read the item number; add an n= note") as info:
        item_number(ctx, doc.entities["T41"])
    assert info.value.line == 41


def test_box_number_must_be_a_number(doc, make_context):
    doc.entities["T35"].notes["box"] = "一"
    ctx = make_context(doc)
    with pytest.raises(AnnotationError, match="box= must be a number") as info:
        item_iri(ctx, doc.entities["T36"])
    assert info.value.line == 35


def test_boxes_and_items(ctx, written):
    emit_programmes(ctx)
    quads, d = written(ctx.out), ctx.iris
    box = f"{d.notice}/programme/box-1"
    items = {f"{box}/item-1", f"{box}/item-2"}
    assert quads.iris(d.plan, ns.PKG.hasProgram) == {box}
    assert quads.objects(box, ns.PKG.boxNumber) == {ox.Literal("1", datatype=ox.NamedNode(str(ns.XSD.integer)))}
    assert quads.objects(box, ns.RDFS.label) == {zh("专栏1 重点群体培训"), en("Training of key groups")}
    assert quads.iris(box, ns.DCTERMS.hasPart) == items
    item = f"{box}/item-1"
    assert quads.iris(item, ns.DCTERMS.isPartOf) == {box}
    assert quads.objects(item, ns.RDFS.label) == {zh("农民工培训")}
    assert quads.objects(item, ns.DCTERMS.description) == {zh("1.农民工培训。由市人社局牵头，每年开展一次。")}
    assert quads.iris(item, ns.PKG.serves) == {BASE + "group/migrant-workers"}  # 农民工 printed inside it
    assert quads.iris(item, ns.PKG.leadAgency) == {BASE + "agency/taian-hrss"}


def test_a_named_programme_inside_an_item_is_referenced(doc, make_context, written):
    programme = doc.entities["T21"]
    item = doc.entities["T36"]
    item.fragments = ((programme.start, item.end),)  # an item whose span holds the programme's
    ctx = make_context(doc)
    emit_programmes(ctx)
    assert written(ctx.out).iris(item_iri(ctx, item), ns.DCTERMS.references) == {
        BASE + "programme/skills-upgrading-action"}
