"""Robustness variants of a text with its gold annotations carried over by offset mapping.

Each variant edits the text (one character for another, or inserts line breaks) and maps every old
offset to its new one, so that a gold span keeps pointing at the same characters; a span that a new
line break cuts becomes a discontinuous span, as the guidelines ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Edit = tuple[int, int, str]  # (old position, old length 0 or 1, replacement)


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[int]]:
    """New text and, for every old offset 0..len(text), its new offset."""
    by_pos: dict[int, list[Edit]] = {}
    for e in edits:
        by_pos.setdefault(e[0], []).append(e)
    out: list[str] = []
    mapping: list[int] = []
    pos = 0
    for i in range(len(text) + 1):
        replaced = False
        for _, old_len, new in sorted(by_pos.get(i, []), key=lambda e: e[1]):
            if old_len == 0:
                out.append(new)
                pos += len(new)
        mapping.append(pos)
        if i == len(text):
            break
        for _, old_len, new in by_pos.get(i, []):
            if old_len == 1:
                out.append(new)
                pos += len(new)
                replaced = True
        if not replaced:
            out.append(text[i])
            pos += 1
    return "".join(out), mapping


def traditional(text: str) -> list[Edit]:
    import opencc

    conv = opencc.OpenCC("s2t")
    whole = conv.convert(text)
    if len(whole) == len(text):
        return [(i, 1, c) for i, (o, c) in enumerate(zip(text, whole, strict=True)) if o != c]
    return [(i, 1, conv.convert(o)) for i, o in enumerate(text) if len(conv.convert(o)) == 1 and conv.convert(o) != o]


def fullwidth_digits(text: str) -> list[Edit]:
    return [(i, 1, chr(ord(c) + 0xFEE0)) for i, c in enumerate(text) if "0" <= c <= "9"]


def square_brackets(text: str) -> list[Edit]:
    return [(i, 1, "[" if c == "〔" else "]") for i, c in enumerate(text) if c in "〔〕"]


def round_brackets(text: str) -> list[Edit]:
    return [(i, 1, "（" if c == "〔" else "）") for i, c in enumerate(text) if c in "〔〕"]


def cell_per_line(text: str) -> list[Edit]:
    """Indicator tables re-laid one cell per line (each TAB becomes a blank line)."""
    return [(i, 1, "\n\n") for i, c in enumerate(text) if c == "\t"]


def cells_by_spaces(text: str) -> list[Edit]:
    """Indicator tables re-laid one row per line with cells split by spaces instead of TABs."""
    return [(i, 1, "   ") for i, c in enumerate(text) if c == "\t"]


def rewrap(width: int) -> Callable[[str], list[Edit]]:
    """Lines longer than `width` broken every `width` characters (a hard-wrapped copy)."""
    def edits(text: str) -> list[Edit]:
        out = []
        for m in re.finditer(r"[^\n]+", text):
            for k in range(m.start() + width, m.end(), width):
                out.append((k, 0, "\n"))
        return out
    return edits


VARIANTS: dict[str, Callable[[str], list[Edit]]] = {
    "traditional": traditional,
    "fullwidth-digits": fullwidth_digits,
    "brackets-[]": square_brackets,
    "brackets-（）": round_brackets,
    "tables-cell-per-line": cell_per_line,
    "tables-spaces": cells_by_spaces,
    "rewrap-40": rewrap(40),
}


def carry_fragments(fragments, mapping: list[int], new_text: str) -> tuple[tuple[int, int], ...]:
    """Old fragments → new fragments, split at line breaks and stripped of spaces."""
    out = []
    for a, b in fragments:
        na, nb = mapping[a], mapping[b - 1] + 1
        pos = na
        for line in new_text[na:nb].split("\n"):
            s, e = pos, pos + len(line)
            while s < e and new_text[s] in " \t\u3000":
                s += 1
            while e > s and new_text[e - 1] in " \t\u3000":
                e -= 1
            if e > s:
                out.append((s, e))
            pos += len(line) + 1
    return tuple(out)
