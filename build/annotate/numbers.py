"""Numbers and quantities as printed: Arabic, full-width (already folded by the shadow) or Chinese numerals."""

from __future__ import annotations

import re

from policykg.build import normalize

CN_NUM = "〇零一二两三四五六七八九十百千"
# 一万二千: a Chinese numeral may hold 万 inside it (the 万 of 三万人 is the multiplier group of QUANTITY_RE)
NUM = (r"(?:\d+(?:\.\d+)?|[" + CN_NUM + r"]{1,4}万[" + CN_NUM + r"]{1,5}|"
       r"[" + CN_NUM + r"]{1,6}(?:点[" + CN_NUM + r"]+)?)")
UNITS = r"(?:个百分点|万人次|万人|人次|亿元|万元|人|个|家|所|项|类|元|%|次|届|名|户|场|期|批)"
# comparator words that belong to the quoted value (GUIDELINES: `不少于 3 个`, `近1亿人次`, `≥ 500`)
# 达到/达/力争达到 (Reach) too: GUIDELINES "Comparators" puts them in the span (达到565万人); 至少不少于 is quoted
# from its 不少于 as the curated files do
PREFIX = r"(?:力争达到|达到|达|不少于|不低于|不超过|不高于|超过|至少|近|约|≥|≤|>|<)"
# a comparator separated from its figure by a few words (不超过培训总学时的 40%, 至少组织5类): a discontinuous span
GAP_RE = re.compile(r"(?P<pre>不少于|不低于|不超过|不高于|至少|最多)(?!不少于|不低于)(?P<gap>[\u4e00-\u9fff]{1,10}?)\s*"
                    r"(?P<value>\d+(?:\.\d+)?\s*[万亿]?\s*(?:个百分点|万人次|万人|人次|人|个|家|所|项|类|%|次|届|名))")
SUFFIX = r"(?:以上|以内|以下|左右)"
# 每两年举办一届…: a count done in every interval is a target however its numeral is written
RECURRENCE_BEFORE_RE = re.compile(r"每[两二三四五]?年[\u4e00-\u9fff]{0,4}$")
QUANTITY_RE = re.compile(
    r"(?P<pre>" + PREFIX + r"\s*)?[〔\[]?(?P<num>" + NUM + r")[〕\]]?\s*(?P<mult>[万亿千]?)\s*"
    r"(?P<unit>" + UNITS + r")?(?P<post>余|多)?(?:(?P<unit2>" + UNITS + r")(?!目))?\s*(?P<suf>" + SUFFIX + r")?"
)


PLACE_RE = re.compile(r"^[" + CN_NUM + r"]+[十百千][" + CN_NUM + r"]*$|^[十百千][" + CN_NUM + r"]+$")


def _counted(text: str, m: re.Match) -> bool:
    """五千余人 counts people; 十九届 (the 19th session) and “十二个着力” (a slogan in quotes) name things."""
    return (m.group("unit") or m.group("unit2")) != "届" and (text[m.start() - 1:m.start()] or " ") not in "“\"「"


def quantities(text: str, start: int = 0, end: int | None = None):
    """Quantities with a unit or a comparator (a bare number is too often a year or an item number)."""
    for m in QUANTITY_RE.finditer(text, start, len(text) if end is None else end):
        has_unit = m.group("unit") or m.group("unit2")
        if not (has_unit or m.group("mult")):
            continue
        recurring = RECURRENCE_BEFORE_RE.search(text, max(0, m.start() - 8), m.start())
        if re.fullmatch(r"[" + CN_NUM + r"]+", m.group("num")) and not (m.group("pre") or m.group("suf")) \
                and not (m.group("mult") and has_unit) and not recurring \
                and not (has_unit and PLACE_RE.search(m.group("num")) and _counted(text, m)):
            # 一个, 三类: a Chinese numeral alone is a quantity only with 万/亿 and a unit (二十万人次, not 百万扩招),
            # with place values and a unit (五千余人, 三百人), a comparator word or a recurrence
            continue
        after = text[m.end():m.end() + 1]
        if (after and after in "年月日号") or text[m.start() - 1:m.start()] == "第":
            continue
        yield m


def gap_quantities(text: str, start: int = 0, end: int | None = None):
    """不超过培训总学时的 40%: (comparator start, comparator end, value start, value end), the words between
    left out of the (discontinuous) span."""
    for m in GAP_RE.finditer(text, start, len(text) if end is None else end):
        yield m.start("pre"), m.end("pre"), m.start("value"), m.end("value")


def readable(quote: str, units: dict[str, str]) -> bool:
    """Whether the builder can read this value (one home for number reading: build.normalize)."""
    try:
        normalize.read_quantity(quote, units)
    except Exception:  # noqa: BLE001 - any NormalizationError or odd quote means "not a value"
        return False
    return True
