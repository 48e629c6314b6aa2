"""The agency resolver: a printed agency name → (slug, juris, en, parent), read against the document's area
with what the curated corpus teaches (forms, functions, ministries, division suffixes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.build.annotate.lexicon import AGENCY_SUFFIX_RE, MINISTRY_SUFFIX_RE, Lexicon, key, strip_place
from policykg.build.annotate.places import NATIONAL, Places, short_name
from policykg.build.annotate.slugs import pinyin_slug, placeholder_en

NATIONAL_HINT = ("国务院", "国家", "中华人民共和国", "中央", "党中央", "全国")
# a ministry by its function's short form (国家人社部): 国家 + a function the corpus knows + a ministry suffix
NATIONAL_SHORT_RE = re.compile(r"国家(?P<function>[\u4e00-\u9fff]{2,8}?)(?:总局|部|委|局|署)")
COLLECTIVE_GOVERNMENT_RE = re.compile(r"(?<=.{2})(?:人民政府|政府)$")


@dataclass
class Area:
    """The area a document covers: its GB/T 2260 code and name (山东省 → 370000)."""

    code: str
    name: str


def resolve_area(title: str, places: Places) -> Area:
    """The jurisdiction a plan covers, from the first place name in its title; national otherwise."""
    best: tuple[int, str, str] | None = None
    for name, code in places.by_name.items():
        pos = title.find(name)
        if pos >= 0 and (best is None or (pos, -len(name)) < (best[0], -len(best[1]))):
            best = (pos, name, code)
    if best is None:
        return Area(NATIONAL, "全国")
    return Area(best[2], places.name_of(best[2]) or best[1])


class AgencyResolver:
    """Turns a printed agency name into (slug, juris, en, parent, confidence), using the document's area."""

    def __init__(self, lex: Lexicon, area: Area) -> None:
        self.lex, self.area = lex, area

    def _prefix(self, code: str) -> str:
        if code in self.lex.juris_prefix:
            return self.lex.juris_prefix[code]
        name = self.lex.places.name_of(code) or self.area.name
        return pinyin_slug(short_name(name))

    def juris_of(self, form: str) -> str:
        if code := self.lex.places.prefix_code(form):
            return code
        if form.startswith("省") and self.area.code != NATIONAL:
            return self.lex.places.province_of(self.area.code)
        if form.startswith(("市", "县", "区")) and self.area.code != NATIONAL:
            return self.area.code
        if form.startswith(NATIONAL_HINT) or form.endswith("部") or self.area.code == NATIONAL:
            return NATIONAL
        return self.area.code

    def _division(self, form: str) -> dict[str, str] | None:
        """山东省人力资源和社会保障厅办公室: a division the corpus names by its parent and a learnt suffix."""
        for suffix, tail in division_suffixes(self.lex):
            if form.endswith(suffix) and len(form) > len(suffix):
                parent = self.resolve(form[:-len(suffix)], collective=False)
                if float(parent["confidence"]) >= 0.75:  # a parent the corpus knows, or knows the function of
                    slug = f"{parent['id']}-{tail}"
                    en = self.lex.note("Agency", slug, "en")
                    return {"id": slug, "juris": parent["juris"], "parent": parent["id"],
                            "en": en or placeholder_en(slug), "confidence": "0.7"}
        return None

    def _is_function(self, form: str) -> bool:
        """A bare function (教育, 人力资源社会保障部门), not an organisation's own name (各县区政府)."""
        return form in self.lex.functions or form in self.lex.national

    def _function(self, form: str) -> str | None:
        """The function of a form, as printed (财政厅) or by its stem when that level's suffix is new to the
        corpus (发展改革委: the corpus has 发展和改革委员会 and 发展改革 in lists)."""
        found = self.lex.functions.get(form)
        if found is None and AGENCY_SUFFIX_RE.search(form):
            found = self.lex.functions.get(AGENCY_SUFFIX_RE.sub("", form))
        return found

    def _names_place(self, form: str) -> bool:
        return self.lex.places.prefix_code(form) is not None

    def resolve(self, form: str, collective: bool | None = None) -> dict[str, str]:
        """`collective`: the mention names the local bodies of a function (各地发展改革…部门), not one body."""
        k = key(form)
        juris = self.juris_of(k)
        confidence = 0.9
        if collective is None:
            collective = k.startswith(("各", "当地"))  # 当地人力资源社会保障部门: the local departments
        # the known agency of this form in this jurisdiction (省人社厅 in a Shandong plan is Shandong's)
        k = re.sub(r"^(?:各级|各地|当地|有关|相关)", "", k) or k
        if k.endswith("部门") and len(k) > 3:  # 人力资源社会保障部门 → the area's human resources department
            k = k[:-2]
        counts = self.lex.candidates("Agency", k)
        same = [s for s, _ in counts.most_common() if self.lex.juris_of_slug(s) in (juris, None)]
        # 教育 in 各地发展改革、教育…部门 is the local departments, in 发展改革、教育…部门 the province's own:
        # neither takes the other's slug (a collective of a function the corpus has not seen gets a new one)
        same = [slug for slug in same if ("-local-" in slug) == collective or not self._is_function(k)]
        slug = same[0] if same else None
        if slug is None and counts and self._names_place(k):
            slug = counts.most_common(1)[0][0]
        if slug is None and juris == NATIONAL and not collective:
            slug = (self.lex.national.get(k) or self.lex.national.get(MINISTRY_SUFFIX_RE.sub("", k))
                    or national_by_function(self.lex, k))
        if slug is None and (division := self._division(k)) is not None:
            return division
        if slug is None:
            function = self._function(strip_place(k))
            if function is not None and (juris != NATIONAL or collective):  # 全国各地…部门: china-local-…
                local = "local-" if collective and not function.startswith("local-") else ""
                slug, confidence = f"{self._prefix(juris)}-{local}{function}", 0.75
            elif juris != NATIONAL or collective:  # a collective keeps the corpus's `local-` part
                # 各县区政府 and 各县区 are one collective (the governments of that level): one slug
                bare = COLLECTIVE_GOVERNMENT_RE.sub("", k) if k.startswith("各") else k
                name = pinyin_slug(strip_place(bare) or bare, "local" if collective and not k.startswith("各") else "")
                slug, confidence = f"{self._prefix(juris)}-{name}", 0.5
            else:
                slug, confidence = pinyin_slug(k), 0.5
        notes = {"id": slug, "juris": self.lex.note("Agency", slug, "juris") or juris}
        en = self.lex.note("Agency", slug, "en")
        notes["en"] = en or placeholder_en(slug)
        for name in ("zh", "parent"):
            if value := self.lex.note("Agency", slug, name):
                notes[name] = value
        if en is None and k.startswith(("省", "市", "县", "区")):
            full = (self.lex.places.name_of(juris) or "") + k[1:]
            if full != k:
                notes["zh"] = full
        notes["confidence"] = str(confidence)
        return notes


def division_suffixes(lex: Lexicon) -> list[tuple[str, str]]:
    """The learnt division suffixes (办公室 → office, 职业能力建设司 → vocational-capacity-dept), then the ones
    composed from their parts: a suffix is a stem and a level character (司, 处 …) and its slug tail the stem's
    words and the level's word (秘书一处 → secretariat-div-1: 处 → div), so 职业能力建设处 → vocational-capacity-div."""
    if "division-suffixes" not in lex.cache:
        stems: dict[str, str] = {}
        levels: dict[str, str] = {}
        for suffix, tail in lex.units.items():
            words = [w for w in tail.split("-") if not w.isdigit()]
            if len(suffix) >= 3 and len(words) >= 2:  # (a one-word tail has no stem apart from its level)
                levels.setdefault(suffix[-1], words[-1])
                if not re.search(r"[一二三四五六七八九十\d]$", suffix[:-1]):
                    stems.setdefault(suffix[:-1], "-".join(words[:-1]))
        composed = [(stem + level, f"{stem_tail}-{level_tail}") for stem, stem_tail in stems.items()
                    for level, level_tail in levels.items() if stem + level not in lex.units]
        lex.cache["division-suffixes"] = list(lex.units.items()) + composed
    return lex.cache["division-suffixes"]


def national_by_function(lex: Lexicon, form: str) -> str | None:
    """国家人社部 → mohrss: the ministry whose printed name (人力资源社会保障部) has the function that the
    short form names (人社 → hrss), both as the curated files teach them."""
    m = NATIONAL_SHORT_RE.fullmatch(form)
    function = lex.functions.get(m.group("function")) if m else None
    if function is None:
        return None
    if "national-by-function" not in lex.cache:
        by_function: dict[str, set[str]] = {}
        for name, slug in lex.national.items():
            if (f := lex.functions.get(name)) is not None:
                by_function.setdefault(f, set()).add(slug)
        lex.cache["national-by-function"] = {f: next(iter(s)) for f, s in by_function.items() if len(s) == 1}
    return lex.cache["national-by-function"].get(function)
