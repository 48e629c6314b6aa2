"""Programme boxes (专栏) and their numbered items: IRIs by box and item number, titles read from the
text, and the groups, named programmes and duties each one names."""

from __future__ import annotations

import re

from policykg.build import iris, normalize
from policykg.build.annotations import Entity
from policykg.build.emit.context import Context
from policykg.build.emit.responsibilities import serve_and_duty
from policykg.build.emit.terms import en, typed, zh
from policykg.build.iris import DCTERMS, PKG, RDF, RDFS, XSD

ITEM_NUMBER_RE = re.compile(r"^\s*[（(]?(\d+|[一二三四五六七八九十]+)[)）.．、]")
ITEM_START_RE = re.compile(r"^\s*(?:[（(]?(?:\d+|[一二三四五六七八九十]+)[)）.．、]|专栏|——)")


def box_number(ctx: Context, program: Entity) -> int:
    try:
        return int(program.notes["box"])
    except ValueError:
        raise ctx.error(program, "box= must be a number") from None


def item_number(ctx: Context, item: Entity) -> int:
    """The n= note of a ProgramItem, else the number it is printed with (1. or （三）)."""
    if "n" in item.notes:
        return int(item.notes["n"])
    m = ITEM_NUMBER_RE.match(item.text)
    if not m:
        raise ctx.error(item, "cannot read the item number; add an n= note")
    return int(m.group(1)) if m.group(1).isdigit() else normalize.chinese_integer(m.group(1))


def item_iri(ctx: Context, item: Entity) -> str:
    boxes = ctx.doc.targets_of(item, "itemOf")
    return ctx.iris.item(box_number(ctx, boxes[0]), item_number(ctx, item))


def item_paragraph(text: str, start: int) -> str:
    """The paragraph of a box item, from its number up to the next item, box or heading (the texts wrap
    lines mid-phrase, with blank lines between), joined as a reader would: no space at a line break."""
    lines, pos = [], start
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if lines and ITEM_START_RE.match(line):
            break
        if line:
            lines.append(line)
        pos = end + 1
    return "".join(lines)


def item_title(paragraph: str) -> str:
    """The short title of a box item: the words after its number up to the first 。 (or the paragraph)."""
    body = ITEM_START_RE.sub("", paragraph, count=1).strip()
    return body.split("。", 1)[0].strip() or body


def emit_programmes(ctx: Context) -> None:
    emit_boxes(ctx)
    emit_items(ctx)
    emit_item_mentions(ctx)
    for named in ctx.doc.of_type("NamedProgram"):
        serve_and_duty(ctx, named, iris.named_programme(named.notes["id"]))


def emit_boxes(ctx: Context) -> None:
    out, d = ctx.out, ctx.iris
    for program in ctx.doc.of_type("Program"):
        node = d.box(box_number(ctx, program))
        out.add(node, RDF.type, PKG.Program)
        out.add(node, PKG.boxNumber, typed(box_number(ctx, program), XSD.integer))
        ctx.labels(node, program)
        out.add(node, PKG.inPlan, d.plan)
        out.add(d.plan, PKG.hasProgram, node)
        ctx.record(node, program)
        serve_and_duty(ctx, program, node)


def emit_items(ctx: Context) -> None:
    """Each item: its number, its short title as label, its whole paragraph as description."""
    out, d = ctx.out, ctx.iris
    for item in ctx.doc.of_type("ProgramItem"):
        node = item_iri(ctx, item)
        box = d.box(box_number(ctx, ctx.doc.targets_of(item, "itemOf")[0]))
        out.add(node, RDF.type, PKG.ProgramItem)
        out.add(node, PKG.itemNumber, typed(item_number(ctx, item), XSD.integer))
        paragraph = item_paragraph(ctx.doc.text, item.start)
        out.add(node, RDFS.label, zh(item_title(paragraph)))
        if "en" in item.notes:
            out.add(node, RDFS.label, en(item.notes["en"]))
        out.add(node, DCTERMS.description, zh(paragraph))
        out.add(node, DCTERMS.isPartOf, box)
        out.add(box, DCTERMS.hasPart, node)
        out.add(node, PKG.inPlan, d.plan)
        ctx.record(node, item)
        serve_and_duty(ctx, item, node)
    for named in ctx.doc.of_type("NamedProgram"):  # a box whose title names a programme sets that programme out
        program = ctx.containing(named, "Program")
        if program is not None:
            out.add(d.box(box_number(ctx, program)), PKG.presentsProgramme, iris.named_programme(named.notes["id"]))


def emit_item_mentions(ctx: Context) -> None:
    """A target group named inside an item is served by it; a named programme inside it is referenced."""
    for entity in ctx.doc.of_type("TargetGroup", "NamedProgram"):
        item = ctx.containing(entity, "ProgramItem")
        if item is None:
            continue
        if entity.type == "TargetGroup":
            ctx.out.add(item_iri(ctx, item), PKG.serves, iris.target_group(entity.notes["id"]))
        else:
            ctx.out.add(item_iri(ctx, item), DCTERMS.references, iris.named_programme(entity.notes["id"]))
