"""专栏 boxes (Program, box=N) and their numbered items (ProgramItem, n=, itemOf)."""

from __future__ import annotations

import re

from policykg.build.annotate.draft import Draft
from policykg.build.annotate.slugs import pinyin_slug, placeholder_en

BOX_RE = re.compile(r"^[ \t]*专栏\s*(\d+)\s*[:：]?\s*(\S[^\n]*?)[ \t]*$", re.M)
ITEM_RE = re.compile(r"^[ \t]*(\d+)[.、]\s*\S", re.M)
HEADING_RE = re.compile(r"^[ \t]*(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|专栏)")


SENTENCE_END = "。；！？!?：:"


def _broken_line_rest(text: str, end: int, limit: int) -> tuple[tuple[int, int], ...]:
    """A first line cut mid-sentence by a blank line (a page break of the copy: …开展全员适 / / 应性培训，…)
    goes on in the next line, which then ends the item's span (GUIDELINES: the end of its first line)."""
    if text[end - 1:end] in SENTENCE_END or not text.startswith("\n\n", end):
        return ()
    start = end
    while start < limit and text[start] in "\n \t":
        start += 1
    stop = text.find("\n", start)
    stop = limit if stop < 0 or stop > limit else stop
    line = text[start:stop]
    if not line.strip() or ITEM_RE.match(line) or HEADING_RE.match(line) or BOX_RE.match(line):
        return ()
    while stop > start and text[stop - 1] in " \t":
        stop -= 1
    return ((start, stop),)


def find_boxes(draft: Draft) -> None:
    text = draft.shadow.text
    boxes = list(BOX_RE.finditer(text))
    for i, box in enumerate(boxes):
        title = box.group(2)
        if "指标" in title:
            continue  # indicator tables are not programmes
        program = draft.add("Program", box.start(2), box.end(2), 0.9, box=box.group(1),
                            en=placeholder_en(pinyin_slug(title)))
        limit = boxes[i + 1].start() if i + 1 < len(boxes) else len(text)
        expected = 1
        pos = box.end()
        while pos < limit:
            line_end = text.find("\n", pos + 1)
            line_end = limit if line_end < 0 or line_end > limit else line_end
            line = text[pos:line_end].strip("\n")
            if line.strip() and HEADING_RE.match(line):
                break
            m = ITEM_RE.match(text, pos if text[pos] != "\n" else pos + 1)
            if m and int(m.group(1)) == expected:
                s = m.start(1)
                e = line_end
                while e > s and text[e - 1] in " \t":
                    e -= 1
                parts = ((s, e), *_broken_line_rest(text, e, limit))
                item = draft.add_parts("ProgramItem", parts, 0.85, n=m.group(1))
                draft.relate("itemOf", item, program)
                expected += 1
            pos = line_end if line_end > pos else pos + 1
