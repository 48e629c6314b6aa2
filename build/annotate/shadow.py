"""A normalised shadow of a text for matching, with a map from every shadow character to the original.

Matching happens on the shadow (simplified characters, half-width forms, no letter-spacing, no pinyin
glosses, no CR); every span found is mapped back so that offsets always point into the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from policykg.build.normalize import to_simplified

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# pinyin glosses that some web copies insert after a character: 辦發(fā), 职(zhí)
PINYIN_GLOSS_RE = re.compile(r"(?<=[" + CJK + r"])[(（]([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń]{1,7})[)）]")
TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜń")
UNIT_AFTER_NUMBER = set("万亿千百人个家所项类元%年月日次名")
SPACE = " \t\u3000\u00a0"
# ○ (a circle) is often typed for 〇 in years such as 二○三五
CHAR_MAP = {"○": "〇", "\u3000": " ", "\u00a0": " ", "．": ".", "－": "-"}


# full-width ASCII forms → ASCII; the ideographic space and a few look-alikes (str.translate: one C pass)
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {ord(k): v for k, v in CHAR_MAP.items()}


@dataclass
class Shadow:
    """`text` is the normalised shadow; `index[i]` is the original offset of shadow character i."""

    original: str
    text: str
    index: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Shadow span → original span (tight: no surrounding white space)."""
        a, b = self.index[start], self.index[end - 1] + 1
        while a < b and self.original[a] in SPACE:
            a += 1
        while b > a and self.original[b - 1] in SPACE:
            b -= 1
        return a, b

    def from_original(self, pos: int) -> int:
        """The shadow offset of the first kept character at or after original offset `pos`."""
        return bisect_left(self.index, pos)

    def fragments(self, start: int, end: int) -> list[tuple[int, int]]:
        """Original fragments of a shadow span, split at line breaks (brat spans never cross one)."""
        a, b = self.to_original(start, end)
        parts, pos = [], a
        for line in self.original[a:b].split("\n"):
            s, e = pos, pos + len(line)
            while s < e and self.original[s] in SPACE + "\r":
                s += 1
            while e > s and self.original[e - 1] in SPACE + "\r":
                e -= 1
            if e > s:
                parts.append((s, e))
            pos += len(line) + 1
        return parts


ROW_END_RE = re.compile(r"(?:预期性|约束性)\s*$")  # an indicator table row ends in its nature cell
CJK_CHAR_RE = re.compile(r"[" + CJK + r"]")
WRAP_MIN = 30  # a line at least this long that breaks mid-sentence was wrapped by a copy, not by its author
NOT_A_CONTINUATION = re.compile(
    r"\s*(?:\d+[.、]|[(][一二三四五六七八九十\d]+[)]|[一二三四五六七八九十]+、|专栏|其中|注[:：]|$|"
    # a document number on its own line (鄂政发〔2022〕8号) under a long notice title
    r"[\u4e00-\u9fff]{1,10}[〔\[(［【]\s*\d{4}\s*[〕\])］】]\s*\d{1,4}\s*号\s*$)")
# a heading that ends a title (…的通知, …规划) is not a sentence wrapped onto the next line
TITLE_END_RE = re.compile(r"(?:通知|意见|决定|规划|方案|办法)\s*$")


def _join_wrapped_lines(chars: list[str], keep: list[bool]) -> None:
    """Drop a single line break inside a paragraph (a hard-wrapped copy) from the shadow; tables, lists,
    headings and blank-line paragraphs keep theirs."""
    text = "".join(chars)
    for m in re.finditer(r"(?<=[^\n])\n(?:[ \t]*\n)?(?=[^\n])", text):
        i = m.start()
        line_start = text.rfind("\n", 0, i) + 1
        previous = text[line_start:i]
        following = text[m.end():text.find("\n", m.end()) if text.find("\n", m.end()) >= 0 else len(text)]
        if m.end() - i > 1:  # a blank line inside a word (a page break of the copy: 创业创新带|头人)
            inside_word = CJK_CHAR_RE.match(previous[-1:]) and CJK_CHAR_RE.match(following[:1])
            if inside_word and _continues(previous, following) and not following.rstrip().endswith((":", "：")):
                keep[i:m.end()] = [False] * (m.end() - i)  # (not before an address line: 各市人民政府：)
            continue
        # a table row broken before its cells: a long line without cells, then the rest of the row
        # (or broken inside its cells: the two parts hold the row's two TABs between them)
        wrapped_row = (ROW_END_RE.search(following) and "\t" in following and not ROW_END_RE.search(previous)
                       and len(previous.strip()) >= WRAP_MIN
                       and ("\t" not in previous or previous.count("\t") + following.count("\t") == 2)
                       ) or (re.search(r"预期性|约束性", previous[-2:] + following[:2])  # 预|期性: a cell cut
                             and not ROW_END_RE.search(previous))
        if wrapped_row or _continues(previous, following):
            keep[i] = False


def _continues(previous: str, following: str) -> bool:
    """Whether `following` goes on with the sentence of a long `previous` line (not a table row, heading,
    list item or a line that ends a sentence)."""
    return (len(previous.strip()) >= WRAP_MIN and "\t" not in previous + following and "  " not in previous.strip()
            and not previous.rstrip().endswith(("。", "；", "：", ":")) and not ROW_END_RE.search(previous)
            and not TITLE_END_RE.search(previous) and not NOT_A_CONTINUATION.match(following))


SPACE_IN_NAME_RE = re.compile(r"(?<=[" + CJK + r"]) (?=[" + CJK + r"])")
SPACE_IN_NUMBER_RE = re.compile(r"(?<=\d) (?=[\d" + "".join(sorted(UNIT_AFTER_NUMBER)) + r"])")


def make_shadow(original: str) -> Shadow:
    chars_text = to_simplified(original).translate(HALF_WIDTH)
    keep = [c != "\r" for c in chars_text]
    for m in PINYIN_GLOSS_RE.finditer(chars_text):
        if any(c in TONE_MARKS for c in m.group(1)):
            keep[m.start():m.end()] = [False] * (m.end() - m.start())
    # a single space between two CJK characters (浙 江 省) or inside a number (200 万, 以 上) is dropped;
    # a gloss removed just before the space counts as not there (辦(bàn) 發)
    glossless = "".join(c if k else "" for c, k in zip(chars_text, keep, strict=True))
    positions = [i for i, k in enumerate(keep) if k]
    for regex in (SPACE_IN_NAME_RE, SPACE_IN_NUMBER_RE):
        for m in regex.finditer(glossless):
            keep[positions[m.start()]] = False
    chars = list(chars_text)
    _join_wrapped_lines(chars, keep)
    index = [i for i, k in enumerate(keep) if k]
    text = "".join(chars[i] for i in index)
    return Shadow(original, text, index)
