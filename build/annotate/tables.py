"""Indicator tables in the layouts the corpus shows and the common others.

A row is (name, value, nature): on one line with cells split by tabs or spaces, or one cell per line.
Names carry their unit in brackets (（万人次）), 其中 marks a sub-row, 〔〕/[]/【】/（） a cumulative total.
"""

from __future__ import annotations

import re

from policykg.build.annotate.concepts import counts_group_activity, indicator
from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon, key
from policykg.build.annotate.mentions import find_groups_in
from policykg.build.annotate.periods import period_notes

NATURE = r"(?:预期性|约束性)"
# a cumulative total is bracketed as the builder reads it: 〔17.7〕, [380], 【17.7】 or (17.7) in a value cell
VALUE = (r"(?:[≥≤><]=?|不少于|不低于|不超过)?[ \t]*[〔\[【(]?[ \t]*\d[\d.,]*[ \t]*[〕\]】)]?[ \t]*[万亿]?"
         r"(?:人次|人|个|家|所|项|类|%)?(?:以上|以内)?")
ROW_RE = re.compile(r"^[ \t]*(?P<name>\S.*?)[ \t]*(?P<value>" + VALUE + r")[ \t]*(?P<nature>" + NATURE + r")[ \t]*$",
                    re.M)
NATURE_LINE_RE = re.compile(r"^[ \t]*(" + NATURE + r")[ \t]*$", re.M)
VALUE_LINE_RE = re.compile(r"^[ \t]*(" + VALUE + r")[ \t]*$")
UNIT_RE = re.compile(r"\((万?人次|万?人|个|家|所|项|类|%|万元|亿元)\)\s*$")
# 目标（万人次） or 主要指标（单位：万人次）
HEADER_UNIT_RE = re.compile(r"\((?:单位[:：]\s*)?(万?人次|万?人|个|家|所|项|类|%|万元|亿元)\)")
SUB_RE = re.compile(r"^(?:\d+[.、]\s*)?其中[:：]\s*")
NUMBER_RE = re.compile(r"^\d+[.、]\s*")
HEAD_PERIOD_RE = re.compile(r"\d{4}\s*[—–\-~至]\s*\d{4}\s*年")
NOTE_PERIOD_RE = re.compile(r"注[:：][^\n]*?(到\s*\d{4}\s*年)")


def _rows(text: str) -> list[tuple[tuple[int, int], tuple[int, int], tuple[int, int]]]:
    rows = []
    matches = []
    for nature in re.finditer(NATURE, text):  # only lines that end in a nature cell can be rows
        start = text.rfind("\n", 0, nature.start()) + 1
        if (m := ROW_RE.match(text, start)) and m.start("nature") == nature.start():
            matches.append(m)
    for m in matches:
        if not re.search(r"\d", m.group("value")):
            continue
        rows.append(((m.start("name"), m.end("name")), (m.start("value"), m.end("value")),
                     (m.start("nature"), m.end("nature"))))
    taken = {r[2][0] for r in rows}
    for m in NATURE_LINE_RE.finditer(text):  # one cell per line: name, value, nature on successive lines
        if m.start(1) in taken:
            continue
        prev = [ln for ln in _previous_lines(text, m.start(), 2)]
        if len(prev) == 2 and VALUE_LINE_RE.match(text[prev[0][0]:prev[0][1]]):
            (vs, ve), (ns, ne) = prev
            vm = VALUE_LINE_RE.match(text[vs:ve])
            rows.append(((ns, ne), (vs + vm.start(1), vs + vm.end(1)), (m.start(1), m.end(1))))
    return sorted(rows)


def _previous_lines(text: str, pos: int, n: int):
    """The n non-empty lines before pos, nearest first, as stripped (start, end)."""
    end = text.rfind("\n", 0, pos)
    while n and end > 0:
        start = text.rfind("\n", 0, end) + 1
        s, e = start, end
        while s < e and text[s] in " \t":
            s += 1
        while e > s and text[e - 1] in " \t":
            e -= 1
        if e > s:
            yield s, e
            n -= 1
        end = start - 1


def find_tables(draft: Draft, lex: Lexicon, doc_year: int, plan: tuple[int, int], plan_period: Span | None) -> None:
    text = draft.shadow.text
    rows = _rows(text)
    if not rows:
        return
    head = text.rfind("主要指标", 0, rows[0][0][0])
    period = plan_period
    if head >= 0 and (pm := HEAD_PERIOD_RE.search(text, head, rows[0][0][0])):
        period = draft.add("Period", pm.start(), pm.end(), 0.9)
    # a unit printed once in the header (目标（万人次）) applies to every row that prints none
    header_unit = HEADER_UNIT_RE.search(text, head, rows[0][0][0]) if head >= 0 else None
    note = NOTE_PERIOD_RE.search(text, rows[-1][2][1], rows[-1][2][1] + 300)
    total_period = None
    if note:
        total_period = draft.add("Period", note.start(1), note.end(1), 0.8,
                                 **period_notes(note.group(1), doc_year, plan))
    parent: Span | None = None
    for (ns, ne), (vs, ve), (rs, re_) in rows:
        header = _header_cells(text, ns)
        name = text[ns:ne]
        sub = SUB_RE.match(name)
        if sub:
            ns += sub.end()
        elif (num := NUMBER_RE.match(name)):
            ns += num.end()
        columns = _cells(text, ns, ne) if CELL_GAP_RE.search(text, ns, ne) else []
        if columns:  # 指标\t单位\t2020年\t2025年\t属性: the name is the first cell only
            ne = columns[0][1]
        name = text[ns:ne]
        unit_m = UNIT_RE.search(name)
        cut = name.find("(")
        ind_end = ns + (cut if cut > 0 else len(name))
        ind = indicator(draft, lex, ns, ind_end, 0.9, parent if sub else None)
        if ind is None:
            continue
        if unit_m:
            unit = draft.add("Unit", ns + unit_m.start(1), ns + unit_m.end(1), 0.9)
            draft.relate("measuredIn", ind, unit)
        elif header_unit and not re.search(r"[%人个家所项类万亿]", text[vs:ve]):
            unit = draft.add("Unit", header_unit.start(1), header_unit.end(1), 0.8)
            draft.relate("measuredIn", ind, unit)
        row_period, levels = _column_cells(draft, ind, columns, header, vs, doc_year, plan) if columns else (None, [])
        target = draft.add("Target", vs, ve, 0.9)
        nature = draft.add("Nature", rs, re_, 0.95)
        if target is None:
            continue
        cumulative = bool(re.search(r"[〔\[【(]", text[vs:ve]))
        if levels and not ACTION_RE.match(name):
            # 公共实训基地 12 | ≥20 under 2020年 | 2025年: the things there are at each date, levels (a stock)
            cumulative = True
            for value in levels:
                value.attributes["Cumulative"] = True
        if cumulative:
            target.attributes["Cumulative"] = True
        draft.relate("measures", target, ind)
        draft.relate("during", target, total_period if cumulative and total_period else row_period or period)
        draft.relate("hasNature", target, nature)
        if sub and parent is not None:
            draft.relate("partOf", ind, parent)
        elif not sub:
            parent = ind
        if counts_group_activity(text[ns:ind_end]):
            for group in find_groups_in(draft, lex, ns, ind_end):
                draft.relate("concerns", ind, group)


# a row named by an action (开展…培训, 新增…) counts what is done in each year; one named by a thing counts
# what there is
ACTION_RE = re.compile(r"(?:其中[:：])?(?:开展|组织|举办|实施|完成|新增|新建|建设|培训|培育|认定|评选|参加|获取|取得)")
UNIT_CELL_RE = re.compile(r"万?人次|万?人|个|家|所|项|类|%|万元|亿元")
YEAR_CELL_RE = re.compile(r"(?:\d{4}\s*[—–\-~至]\s*)?(\d{4})\s*年(?:目标|底|末)?")


# cells are split by TABs or by a run of spaces (a single space is a stray one inside a name or number)
CELL_GAP_RE = re.compile(r"[ ]*\t[ \t]*|[ ]{2,}")


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of text[start:end], each without its surrounding spaces."""
    cells, pos = [], start
    for gap in [*CELL_GAP_RE.finditer(text, start, end), None]:
        cell_end = gap.start() if gap else end
        s, e = pos, cell_end
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if e > s:
            cells.append((s, e))
        pos = gap.end() if gap else end
    return cells


def _header_cells(text: str, row_start: int) -> list[tuple[int, int]]:
    """The cells of the heading line above a row of a tab-laid table (指标\t单位\t2020年\t2025年\t属性): the
    nearest line with cells that is not itself a row (one ending in its nature cell)."""
    line_end = text.rfind("\n", 0, row_start)
    while line_end > 0:
        line_start = text.rfind("\n", 0, line_end) + 1
        line = text[line_start:line_end]
        if line.strip() and not re.search(NATURE + r"[ \t]*$", line):
            return _cells(text, line_start, line_end) if CELL_GAP_RE.search(line.strip()) else []
        line_end = line_start - 1
    return []


def _column_cells(draft: Draft, ind: Span, cells: list[tuple[int, int]], header: list[tuple[int, int]],
                  value_start: int, doc_year: int, plan: tuple[int, int]) -> tuple[Span | None, list[Span]]:
    """The cells between a row's name and its target: a unit column (单位: 万人次) and values under a year
    heading before the plan (2020年: the baseline); returns the Period of the target's own column heading
    and the baselines found."""
    text = draft.shadow.text
    row = cells + [(value_start, value_start)]
    column = {cell: header[i] for i, cell in enumerate(row) if len(header) >= len(row) + 1 and i < len(header)}

    def heading(cell: tuple[int, int]) -> tuple[tuple[int, int], int] | None:
        head = column.get(cell)
        m = YEAR_CELL_RE.fullmatch(text[head[0]:head[1]]) if head else None
        return (head, int(m.group(1))) if m else None

    def period(head: tuple[int, int], year: int) -> Span | None:
        # a target column (2025年) covers the plan up to that year; a past one (2020年) is that year
        start = year if year < plan[0] else min(plan[0], year)
        return draft.add("Period", head[0], head[1], 0.8, start=str(start), end=str(year))

    baselines = []
    for cell in cells[1:]:
        quote = text[cell[0]:cell[1]]
        if UNIT_CELL_RE.fullmatch(quote):
            draft.relate("measuredIn", ind, draft.add("Unit", cell[0], cell[1], 0.9))
        elif re.fullmatch(VALUE, quote) and re.search(r"\d", quote) and (past := heading(cell)) and past[1] <= doc_year:
            value = draft.add("Baseline", cell[0], cell[1], 0.8)
            draft.relate("measures", value, ind)
            draft.relate("during", value, period(*past))
            baselines.append(value)
    own = heading(row[-1])
    return (period(*own) if own else None), [b for b in baselines if b is not None]


def _amount(draft: Draft, value: Span, ind: Span, units: dict[str, str]) -> tuple | None:
    """(number, unit id) of a value, its unit read from the value or from the indicator's row heading."""
    from policykg.build.normalize import read_quantity, read_unit
    from policykg.errors import NormalizationError

    try:
        q = read_quantity(draft.text_of(value).replace(" ", ""), units)
        number, unit = q.value, q.unit
        if unit is None:
            for unit_span in (t for r, s, t in draft.relations if r == "measuredIn" and s is ind):
                mult, unit = read_unit(draft.text_of(unit_span), units)
                number = number * mult
    except NormalizationError:
        return None
    return (number.normalize(), unit) if unit else None


def _sentence_of(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in "。；;\n") + 1
    ends = [i for i in (text.find(c, pos) for c in "。；;\n") if i >= 0]
    return text[start:min(ends, default=len(text))]


def adopt_row_concepts(draft: Draft, units: dict[str, str]) -> None:
    """A sentence and a table row with the same value and unit state one target (GUIDELINES: text/table
    pairs). When a running-text target's concept has table rows of other values, but exactly one row of
    another concept prints its value and unit (开展补贴性培训25万人次 in the box of the migrant workers' plan,
    the row 农民工参加职业培训 25万 (人次)), the sentence states that row's target and takes its concept; of
    several such rows, the one whose group (concerns) the sentence names."""
    nature = {id(v) for r, v, _ in draft.relations if r == "hasNature"}
    measures = [(v, i) for r, v, i in draft.relations if r == "measures" and v.type == "Target"]
    rows: dict[tuple, set[str]] = {}
    groups: dict[str, set[str]] = {}  # row concept → the names of the groups it concerns
    row_amounts: dict[str, set[tuple]] = {}
    row_notes: dict[str, dict[str, str]] = {}
    for value, ind in measures:
        if id(value) in nature and (amount := _amount(draft, value, ind, units)):
            rows.setdefault(amount, set()).add(ind.notes["concept"])
            row_amounts.setdefault(ind.notes["concept"], set()).add(amount)
            row_notes.setdefault(ind.notes["concept"], ind.notes)
            groups.setdefault(ind.notes["concept"], set()).update(
                key(draft.text_of(g)) for r, s, g in draft.relations if r == "concerns" and s is ind)
    uses = [id(i) for _, i in measures]
    for value, ind in measures:
        concept = ind.notes["concept"]
        if id(value) in nature or concept not in row_amounts or uses.count(id(ind)) != 1:
            continue
        amount = _amount(draft, value, ind, units)
        paired = rows.get(amount, set()) - {concept}
        if len(paired) > 1:
            sentence = _sentence_of(draft.shadow.text, draft.shadow.from_original(value.start))  # (re-wrapped too)
            paired = {row for row in paired if any(name in sentence for name in groups[row])}
        if amount not in row_amounts[concept] and len(paired) == 1:
            row = paired.pop()
            ind.notes.update({k: v for k, v in row_notes[row].items() if k in ("concept", "en", "kind")})
            draft.unresolved.append(f"{draft.text_of(value)} ({draft.text_of(ind)}) takes the concept {row} of the "
                                    f"table row with the same value")
