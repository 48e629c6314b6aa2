"""Turn quoted values into normalised data: 7500万 → 75000000, 2021—2025 年 → an interval, comparators."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import opencc

from policykg.errors import NormalizationError

CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000), "百": Decimal(100)}

# Comparator words, longest first so that 不少于 wins over 少于; values are ontology local names
# (corpus/GUIDELINES.md, "Comparators"). None marks a word that states no comparison (累计, 共, 总量).
BOUNDS = ("AtLeast", "MoreThan", "AtMost", "LessThan")
QUALIFIERS = ("Reach", "Nearly", "Approximately")
PREFIX_COMPARATORS = [
    ("力争达到", "Reach"), ("力争", "Reach"),
    ("至少不少于", "AtLeast"), ("不少于", "AtLeast"), ("不低于", "AtLeast"), ("至少", "AtLeast"),
    ("不超过", "AtMost"), ("不高于", "AtMost"), ("不多于", "AtMost"), ("最多", "AtMost"),
    ("超过", "MoreThan"), ("多于", "MoreThan"), ("高于", "MoreThan"), ("大于", "MoreThan"),
    ("少于", "LessThan"), ("低于", "LessThan"), ("小于", "LessThan"),
    ("≥", "AtLeast"), (">=", "AtLeast"), ("≤", "AtMost"), ("<=", "AtMost"),
    (">", "MoreThan"), ("<", "LessThan"), ("接近", "Nearly"), ("将近", "Nearly"), ("近", "Nearly"),
    ("大约", "Approximately"), ("约", "Approximately"),
    ("达到", "Reach"), ("达", "Reach"), ("累计", None), ("共", None), ("总量", None),
]
SUFFIX_COMPARATORS = [("以上", "AtLeast"), ("以下", "AtMost"), ("以内", "AtMost"), ("左右", "Approximately"),
                      ("余", "MoreThan"), ("多", "MoreThan")]
BRACKETS = [("〔", "〕"), ("[", "]"), ("【", "】"), ("(", ")")]
DASHES = "—–~至到-"


@dataclass(frozen=True)
class Quantity:
    """A normalised value: comparator, number, unit (an id of ontology/units.ttl), bracketed total."""

    comparator: str
    value: Decimal
    unit: str | None
    bracketed: bool


@dataclass(frozen=True)
class Interval:
    """A closed interval of calendar dates."""

    start: dt.date
    end: dt.date

    @property
    def slug(self) -> str:
        """`2021--2025` for whole years, else `2021-01-01--2021-05-10`."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            return f"{self.start.year}--{self.end.year}"
        return f"{self.start.isoformat()}--{self.end.isoformat()}"


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified, character for character, so that an offset into the result is an offset
    into `text` (OpenCC's phrase table may turn one character into two: that character is kept as printed)."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


# GB/T 9704-2012 (党政机关公文格式) §7.2.4: the year of a document number is put in 六角括号 〔〕; copies
# print it in [] 【】 （） () ［］. The identifier takes the standard form; the span keeps the printed one.
_DOCUMENT_NUMBER_YEAR = re.compile(r"[〔\[【（(［]\s*(\d{4})\s*[〕\]】）)］]")


def document_number(text: str) -> str:
    """A document number as an identifier: simplified characters, ASCII digits, no spaces, the year in
    〔〕 (人社部发[2021]102號 → 人社部发〔2021〕102号)."""
    folded = "".join(fold(to_simplified(text)).split())
    return _DOCUMENT_NUMBER_YEAR.sub(r"〔\1〕", folded, count=1)


def fold(text: str) -> str:
    """Simplified characters (萬 → 万, 號 → 号), NFKC (full-width digits and signs to ASCII), without
    spaces, keeping 〔〕 and Chinese quotes: the form every value, date and number is read from."""
    return "".join(unicodedata.normalize("NFKC", ch) if ch not in "〔〕“”" else ch
                   for ch in to_simplified(text)).replace(" ", "")


def chinese_integer(text: str) -> int:
    """Read a Chinese numeral such as 十七, 二十五, 一千二百, 二〇二二 (digit by digit)."""
    if not text:
        raise NormalizationError("empty numeral")
    if all(ch in CN_DIGITS for ch in text):
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        elif ch in CN_LARGE_UNITS:
            total += (section + (digit or 0)) * CN_LARGE_UNITS[ch]
            section, digit = 0, None
        else:
            raise NormalizationError(f"{text!r} is not a Chinese numeral")
    return total + section + (digit or 0)


def read_number(text: str) -> Decimal:
    """Arabic (with full-width forms and thousands separators) or Chinese numerals."""
    folded = fold(text).replace(",", "")
    try:
        return Decimal(folded)
    except InvalidOperation:
        pass
    try:
        return Decimal(chinese_integer(folded))
    except NormalizationError:
        raise NormalizationError(f"{text!r} is not a number") from None


# 一万二千: a Chinese numeral with 万 inside it is one number (the 万 of 三万人 stays the multiplier)
CN_DIGITS_RUN = r"[〇零○一二两三四五六七八九十百千]+"
NUMBER_RE = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?|" + CN_DIGITS_RUN + r"(?:万" + CN_DIGITS_RUN + r")?")


def _strip_comparators(text: str) -> tuple[str, list[str]]:
    found = []
    changed = True
    while changed:
        changed = False
        for word, name in PREFIX_COMPARATORS:
            if text.startswith(word):
                text, changed = text[len(word):], True
                if name:
                    found.append(name)
                break
        for word, name in SUFFIX_COMPARATORS:
            if text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)], True
                found.append(name)
                break
    return text, found


def _combine(names: list[str], quote: str) -> str:
    """One comparator from the words found: a bound (≥, 以上 …) wins over a qualifier (达到, 近, 约);
    a figure with no comparator word is Exactly. `达到25%以上` is AtLeast."""
    bounds = {n for n in names if n in BOUNDS}
    qualifiers = {n for n in names if n in QUALIFIERS}
    for found in (bounds, qualifiers):
        if len(found) > 1:
            raise NormalizationError(f"{quote!r} has contradictory comparators {sorted(found)}")
        if found:
            return found.pop()
    return "Exactly"


def most_specific(comparators: set[str]) -> str | None:
    """The comparator of one value stated several times (a table cell and a sentence), or None if they
    disagree: a bound wins over a qualifier, and both over a bare figure (Exactly)."""
    for rank in (BOUNDS, QUALIFIERS):
        found = comparators & set(rank)
        if len(found) > 1:
            return None
        if found:
            return found.pop()
    return "Exactly"


def read_unit(text: str, units: dict[str, str]) -> tuple[Decimal, str | None]:
    """A unit as printed (万人次, %, 个) → (multiplier, unit id); `units` maps printed labels to ids."""
    folded = fold(text)
    multiplier = Decimal(1)
    while folded[:1] in MULTIPLIERS and folded not in units:
        multiplier *= MULTIPLIERS[folded[0]]
        folded = folded[1:]
    if not folded:
        return multiplier, None
    if folded not in units:
        known = ", ".join(sorted(units))
        raise NormalizationError(f"unknown unit {text!r} (known units: {known}; add it to ontology/units.ttl)")
    return multiplier, units[folded]


def read_quantity(quote: str, units: dict[str, str]) -> Quantity:
    """Read a target or baseline as printed, e.g. `≥7500 万`, `150万人次以上`, `〔17.7〕`, `25%以上`."""
    text = fold(quote)
    text, names = _strip_comparators(text)
    bracketed = False
    for left, right in BRACKETS:
        inner = text.find(left)
        if inner >= 0 and text.find(right, inner) > inner:
            close = text.find(right, inner)
            text = text[:inner] + text[inner + 1: close] + text[close + 1:]
            bracketed = True
            break
    text, more = _strip_comparators(text)
    match = NUMBER_RE.search(text)
    if not match or match.start() != 0:
        raise NormalizationError(f"no number at the start of {quote!r}")
    value = read_number(match.group())
    rest = text[match.end():]
    # 100余家, 3000多万人: 余/多 after the number or its multiplier means "more than"
    for i in (0, 1):
        if rest[i:i + 1] in ("余", "多") and (i == 0 or rest[:1] in MULTIPLIERS):
            rest = rest[:i] + rest[i + 1:]
            names.append("MoreThan")
            break
    multiplier, unit = read_unit(rest, units) if rest else (Decimal(1), None)
    return Quantity(_combine(names + more, quote), (value * multiplier).normalize(), unit, bracketed)


FYP_RE = re.compile(r"[“\"]?([一二三四五六七八九十]+)五[”\"]?")
YEAR_RANGE_RE = re.compile(r"(\d{4})年?[" + DASHES + r"](\d{4})年?")
YEAR_RE = re.compile(r"(\d{4})年")


def five_year_plan(numeral: str) -> Interval:
    """The Nth Five-Year Plan period (十四五 → 2021–2025); the 3rd began in 1966 after 1963–65."""
    n = chinese_integer(numeral)
    start = 1953 + 5 * (n - 1) if n < 3 else 1966 + 5 * (n - 3)
    return Interval(dt.date(start, 1, 1), dt.date(start + 4, 12, 31))


def _bound(value: str, *, end: bool) -> dt.date:
    if re.fullmatch(r"\d{4}", value):
        return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise NormalizationError(f"{value!r} is neither YYYY nor YYYY-MM-DD") from None


def read_period(
    quote: str, notes: dict[str, str] | None = None, default_start: dt.date | None = None
) -> Interval:
    """A period as printed (2021—2025 年, “十四五”时期, 到2025年, 2021年), or from start=/end= notes.

    `到 2025 年` (up to a year) starts at `default_start`, the beginning of the plan's own period.
    """
    notes = notes or {}
    text = fold(quote)
    interval: Interval | None = None
    if m := YEAR_RANGE_RE.search(text):
        interval = Interval(dt.date(int(m.group(1)), 1, 1), dt.date(int(m.group(2)), 12, 31))
    elif m := FYP_RE.search(text):
        interval = five_year_plan(m.group(1))
    elif m := YEAR_RE.search(text):
        year = int(m.group(1))
        start = dt.date(year, 1, 1)
        if text.startswith(("到", "至", "截至")) and default_start and default_start < start:
            start = default_start
        interval = Interval(start, dt.date(year, 12, 31))
    if "start" in notes or "end" in notes:
        if interval is None and not ("start" in notes and "end" in notes):
            raise NormalizationError(f"period {quote!r} needs both start= and end= notes")
        start = _bound(notes["start"], end=False) if "start" in notes else interval.start
        end = _bound(notes["end"], end=True) if "end" in notes else interval.end
        interval = Interval(start, end)
    if interval is None:
        raise NormalizationError(f"cannot read the period {quote!r}; add start= and end= notes")
    if interval.start > interval.end:
        raise NormalizationError(f"period {quote!r} ends before it starts")
    return interval


RECURRENCE_RE = re.compile(r"P([1-9]\d*)([YM])")


def read_recurrence(notes: dict[str, str]) -> str | None:
    """The `every=` note of a period (每年 → P1Y, 每两年 → P2Y) as an xsd:duration, or None."""
    value = notes.get("every")
    if value is None:
        return None
    if not RECURRENCE_RE.fullmatch(value):
        raise NormalizationError(f"every={value!r} must be an ISO 8601 duration in years or months (P1Y, P2Y, P6M)")
    return value


def recurrence_parts(duration: str) -> tuple[int, str]:
    """P2Y → (2, "year"), P6M → (6, "month")."""
    m = RECURRENCE_RE.fullmatch(duration)
    assert m is not None, duration
    return int(m.group(1)), {"Y": "year", "M": "month"}[m.group(2)]


def recurrence_slug(duration: str) -> str:
    """P1Y → per-year, P2Y → every-2-years, P1M → per-month, P6M → every-6-months."""
    n, unit = recurrence_parts(duration)
    return f"per-{unit}" if n == 1 else f"every-{n}-{unit}s"


DATE_RE = re.compile(
    r"(?:(?P<y>\d{4}|[〇零○一二三四五六七八九]{4})年)?(?:(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})月)?"
    r"(?:(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})[日号]|(?P<eom>底|末))?"
)


def _int(value: str) -> int:
    return int(value) if value.isdigit() else chinese_integer(value)


def read_date(quote: str, default_year: int | None = None) -> dt.date:
    """A printed date (2022年6月10日, 二〇二二年四月九日, 5月10日前, 6月底前, 年底前) as a calendar date."""
    text = fold(quote)
    text = re.sub(r"(之前|以前|前)$", "", text)
    if text in ("年底", "年末"):
        text = "12月底"
    m = DATE_RE.fullmatch(text)
    if not m or not (m.group("m") or m.group("y")):
        raise NormalizationError(f"cannot read the date {quote!r}")
    if m.group("y"):
        year = _int(m.group("y"))
    elif default_year is not None:
        year = default_year
    else:
        raise NormalizationError(f"the date {quote!r} has no year and none can be inferred")
    month = _int(m.group("m")) if m.group("m") else 12
    # a month or year without a day (6月底前, 年底前) means its last day
    day = _int(m.group("d")) if m.group("d") else calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise NormalizationError(f"{quote!r} is not a valid date") from None
