"""Agencies in the text (with role and jurisdiction; names resolved by `resolver`) and jurisdictions."""

from __future__ import annotations

import re

import ahocorasick

from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import MINISTRY_SUFFIX_RE, Lexicon, key, strip_place
from policykg.build.annotate.places import NATIONAL
from policykg.build.annotate.resolver import NATIONAL_SHORT_RE, AgencyResolver, Area, national_by_function
from policykg.build.annotate.slugs import pinyin_slug, placeholder_en

# full agency names as printed in a letterhead or signature block
AGENCY_RE = re.compile(
    r"(?:中共)?[\u4e00-\u9fff]{0,8}?(?:省|市|自治区|县|区)?[\u4e00-\u9fff]{1,14}?"
    r"(?:厅|局|委员会|人民政府|领导小组|部|委|总工会|联合会|管委会|司|处|办公室|办公厅)"
    r"(?:办公室|办公厅)?(?![\u4e00-\u9fff]{0,1}[级门])"
)
# a form that names an organisation (not a bare function such as 乡村振兴, which is also a policy)
ORGANISATION_RE = re.compile(r"(?:厅|局|委员会|政府|领导小组|部|委|工会|联合会|联|管委会|司|处|办公室|办公厅|国务院|"
                             r"中央)$")
# abbreviated forms in running text: 省人社厅, 市人社局, 省教育厅 …
LOCAL_RE = re.compile(r"(?:省|市|县|区)[\u4e00-\u9fff]{0,10}?(?:厅|局|委|政府)")
DUTY_AFTER_RE = re.compile(r"^[^，。；]{0,3}?(?:牵头|负责|要(?!求|点|素)|应(?!用|对|急)|会同|按照职责)")
# A会同B…: B shares the task (会同 / 配合 / 协同 name a partner in it, not a body named in passing)
DUTY_BEFORE_RE = re.compile(r"(?:会同|配合|协同)(?:当地|各地|各级)?$")
# 发展改革、教育、财政、人力资源社会保障……等部门(和单位)要…: each function name is a department with a duty
DEPARTMENT_LIST_RE = re.compile(r"(?P<local>各地|各级|市县)?((?:[\u4e00-\u9fff]{2,10}、){2,}[\u4e00-\u9fff]{2,10}?)、?"
                                r"(?:等(?:有关)?部门|等(?:单位|多方)?共同参与)")
LOCAL_FRAME_RE = re.compile(r"各地|各级|市县实施")
HEADING_RE = re.compile(r"\n\s*(?:[(（][一二三四五六七八九十]+[)）]|\d+[.．、]|[一二三四五六七八九十]+、)")
# collectives: 各地, 各市, 各县区政府, 各级就业工作领导小组, 各相关职能部门, 各县（市、区）、功能区 (shadow: half-width)
LEVEL = r"(?:地|市|县\(市、区\)|县市区|县区|县|区|级|相关|有关)"
COLLECTIVE_RE = re.compile(
    r"各" + LEVEL + r"(?:(?![要将应把对在和与及并、，。；])[\u4e00-\u9fff]){0,8}?"
    r"(?:人民政府|政府|职能部门|部门|单位|领导小组)"
    r"|各(?:地|市|县\(市、区\)|县市区|县区)(?:、?功能区)?(?![\u4e00-\u9fff]{0,1}[级区门间]|有)")  # 各市有品牌
# an organisation of the localities printed right after 各地 (各地工商联及所属商会): a word ending like one
LOCAL_BODY_RE = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:联|会|委|团)(?=[及和与、，,])")
VAGUE_COLLECTIVE_RE = re.compile(r"各(?:有关|相关)")
ALSO_DUTY_RE = re.compile(r"、各[\u4e00-\u9fff]{1,6}?(?:要|应)")
# the words around a collective that make it only mentioned (抽调各县…的同志, 征求…各县…意见), not given a duty
MENTIONED_BEFORE_RE = re.compile(r"(?:抽调|征求|以及|和|与|及|向|对|、)$")
APPROVAL_RE = re.compile(r"经(?P<agency>[\u4e00-\u9fff]{2,12}?)(?:研究)?同意")


def _automaton(words: list[str]) -> ahocorasick.Automaton | None:
    if not words:
        return None
    auto = ahocorasick.Automaton()
    for w in words:
        auto.add_word(w, w)
    auto.make_automaton()
    return auto


def longest_matches(auto: ahocorasick.Automaton | None, text: str, start: int = 0, end: int | None = None):
    """Leftmost-longest non-overlapping matches (start, end, word) in text[start:end] (pyahocorasick's
    own iter_long, in C)."""
    if auto is None:
        return []
    stop = end if end is not None else len(text)
    return [(e - len(w) + 1, e + 1, w) for e, w in auto.iter_long(text, start, stop)]


def agency_automaton(lex: Lexicon) -> ahocorasick.Automaton | None:
    """Known agency forms (not those that are also target groups: 退役军人), built once per lexicon."""
    if "agency" not in lex.cache:
        groups = set(lex.all_forms("TargetGroup"))
        lex.cache["agency"] = _automaton([f for f in lex.all_forms("Agency")
                                          if len(f) >= 3 and f not in groups and ORGANISATION_RE.search(f)])
    return lex.cache["agency"]


def agency_span(draft: Draft, resolver: AgencyResolver, start: int, end: int, role: str,
                collective: bool | None = None) -> Span | None:
    notes = resolver.resolve(draft.shadow.text[start:end], collective)
    confidence = float(notes.pop("confidence"))
    span = draft.add("Agency", start, end, confidence, **notes)
    if span is not None:
        span.attributes.setdefault("Role", role)
    return span


def _extend(text: str, lex: Lexicon, s: int, e: int) -> tuple[int, int]:
    """A known form inside a longer name: 泰安市 + 人民政府 + 办公室; 各级 + 人力资源社会保障部 + 门."""
    if text[e - 1:e] == "部" and text[e:e + 1] == "门":
        e += 1  # …部门 is a department, not the ministry
    if m := re.match(r"办公室|办公厅", text[e:e + 3]):
        e += m.end()
    for n in range(min(s, 8), 1, -1):  # a place name right before it
        if lex.places.code_of(text[s - n:s]) is not None:
            return s - n, e
    if m := re.search(r"(?:各级|各地)$", text[max(0, s - 2):s]):
        s -= 2
    return s, e


def find_agencies(draft: Draft, lex: Lexicon, resolver: AgencyResolver, body_start: int) -> None:  # noqa: C901
    """Known agency forms anywhere in the body, and abbreviated local forms (省人社厅); role Duty or Mentioned."""
    text = draft.shadow.text
    hits = longest_matches(agency_automaton(lex), text, body_start)
    taken = [(s, e) for s, e, _ in hits]
    for m in LOCAL_RE.finditer(text, body_start):
        if strip_place(m.group()) in lex.functions and not any(s < m.end() and m.start() < e for s, e in taken):
            hits.append((m.start(), m.end(), m.group()))
    for m in NATIONAL_SHORT_RE.finditer(text, body_start):
        if national_by_function(lex, m.group()) and not any(s < m.end() and m.start() < e for s, e in taken):
            hits.append((m.start(), m.end(), m.group()))
    for s, e, _ in sorted(hits):
        s, e = _extend(text, lex, s, e)
        if draft.overlaps(*draft.shadow.to_original(s, e), "Agency", "PlanTitle", "NoticeTitle", "CitedDocument"):
            continue  # (an agency inside a cited title is part of the title)
        duty = (DUTY_AFTER_RE.match(text[e:e + 8]) or DUTY_BEFORE_RE.search(text[max(0, s - 6):s])
                or text.endswith("发挥", 0, s) and text.startswith("作用", e))  # 发挥各级…领导小组作用: its part
        role = "Duty" if duty else "Mentioned"
        agency_span(draft, resolver, s, e, role, collective=_local_body(text, s, e))
    lists = []
    for m in DEPARTMENT_LIST_RE.finditer(text, body_start):
        local = bool(m.group("local") or LOCAL_FRAME_RE.search(_frame(text, m.start())))
        parts = m.group(2).split("、")
        # the first part may carry the verb before the list (构建|人力资源社会保障、教育…): its known tail
        first = next((n for n in range(len(parts[0]), 1, -1) if _function_of(lex, parts[0][-n:])), len(parts[0]))
        pos = m.start(2) + len(parts[0]) - first
        parts[0] = parts[0][-first:]
        if sum(_function_of(lex, p) is not None for p in parts) < 2:
            continue  # 高校毕业生、农民工、退役军人等: a list of groups, not of departments
        lists.append(m.start())
        for part in parts:
            a, b = pos, pos + len(part)
            pos = b + 1
            if 2 <= len(part) <= 10 and not draft.overlaps(*draft.shadow.to_original(a, b), "Agency"):
                agency_span(draft, resolver, a, b, "Duty", collective=local)
    _find_collectives(draft, resolver, body_start, lists)
    _named_again(draft, body_start)
    find_approvals(draft, resolver, 0)


def _named_again(draft: Draft, body_start: int) -> None:
    """各级就业工作领导小组 …, later 在就业工作领导小组框架下: a body the plan has named with 各级/各地 is the same
    body when its own name comes back bare (the same slug; a duty or a mention by the words around it)."""
    text, shadow = draft.shadow.text, draft.shadow
    for span in draft.of_type("Agency"):
        s, e = shadow.from_original(span.start), shadow.from_original(span.end)
        name = text[s + 2:e] if text.startswith(("各级", "各地"), s) else ""
        if len(name) < 4 or not ORGANISATION_RE.search(name):
            continue
        for m in re.finditer(re.escape(name), text[body_start:]):
            a, b = body_start + m.start(), body_start + m.end()
            if text[max(0, a - 2):a] in ("各级", "各地", "当地") or draft.overlaps(*shadow.to_original(a, b), "Agency"):
                continue
            role = "Duty" if DUTY_AFTER_RE.match(text[b:b + 8]) else "Mentioned"
            notes = {k: v for k, v in span.notes.items() if k in ("id", "juris", "en", "zh", "parent")}
            if (again := draft.add("Agency", a, b, span.confidence, **notes)) is not None:
                again.attributes.setdefault("Role", role)


def _local_body(text: str, s: int, e: int) -> bool | None:
    """当地人力资源社会保障部门, or a bare 人力资源社会保障部门 in the frame of 各地要… (GUIDELINES: the local
    bodies, like a bare list in that frame); None: read it from the name itself (各级…)."""
    if text[max(0, s - 2):s] == "当地":
        return True
    if text.endswith("部门", s, e) and not text.startswith(("各", "省", "市", "县", "区"), s) and LOCAL_FRAME_RE.search(
            _frame(text, s)):
        return True
    return None


def _frame(text: str, pos: int) -> str:
    """What frames a list at `pos` (GUIDELINES: a bare list in the frame of 各地要…/市县实施的工作格局/发挥各级…
    作用 names the local bodies): its sentence and the one before, not across a numbered heading. Sentences,
    not lines: a hard-wrapped copy breaks lines anywhere."""
    ends = [i for i in (text.rfind(c, 0, pos) for c in "。；") if i >= 0]
    before = max((i for i in (text.rfind(c, 0, max(ends)) for c in "。；") if i >= 0), default=-1) if ends else -1
    window = text[before + 1:pos]
    cut = max((m.end() for m in HEADING_RE.finditer(window)), default=0)
    return window[cut:]


def _function_of(lex: Lexicon, form: str) -> str | None:
    k = key(form)
    return lex.functions.get(strip_place(k)) or lex.national.get(k) or lex.national.get(MINISTRY_SUFFIX_RE.sub("", k))


def _find_collectives(draft: Draft, resolver: AgencyResolver, body_start: int, lists: list[int]) -> None:
    """各地要…, 推动各县区积极开展…: the local bodies as a whole, given a duty unless only named in passing;
    各地工商联: the local bodies of that function."""
    text = draft.shadow.text
    for m in COLLECTIVE_RE.finditer(text, body_start):
        s, e = m.start(), m.end()
        function_end = next((e + n for n in range(10, 1, -1)
                             if resolver.lex.functions.get(text[e:e + n]) is not None), None)
        if function_end is None and (body := LOCAL_BODY_RE.match(text, e)):  # 各地工商联及所属商会…
            function_end = body.end()
        if function_end is not None:
            s, e = e, function_end
        if s in lists or draft.overlaps(*draft.shadow.to_original(s, e), "Agency", "CitedDocument", "Recipient"):
            continue
        if _not_below(text[s:e], resolver.area.code):
            continue
        # 各地、各部门要…: the duty of both (a collective only named in passing stands before 、，的 …)
        mentioned = (MENTIONED_BEFORE_RE.search(text[max(0, s - 2):s])
                     or text[e:e + 1] in "、，。；,;的" and not ALSO_DUTY_RE.match(text, e))
        if mentioned and VAGUE_COLLECTIVE_RE.match(text, s):
            continue  # 经得起各有关部门的监督检查: bodies named in passing by no name of their own are no one
        agency_span(draft, resolver, s, e, "Mentioned" if mentioned else "Duty", collective=True)
    _local_is_county_level(draft, resolver)


def _local_is_county_level(draft: Draft, resolver: AgencyResolver) -> None:
    """各地 in a city's plan is its counties and districts: the collective the plan names 各县区(政府) (IDS.md:
    one slug for 各县区政府 / 各县区 / 各地 of a city), when it names one; a province's 各地 stays its own."""
    area = resolver.area.code
    if area.endswith("0000") or not area.endswith("00"):
        return
    text, shadow = draft.shadow.text, draft.shadow
    spans = draft.of_type("Agency")
    county = next((a for a in spans if text.startswith("各县", shadow.from_original(a.start))), None)
    if county is None:
        return
    for span in spans:
        if text[shadow.from_original(span.start):shadow.from_original(span.end)] == "各地":
            span.notes.update({k: v for k, v in county.notes.items() if k in ("id", "juris", "en", "zh")})


def _not_below(collective: str, area: str) -> bool:
    """各市 in a city's own plan (a sentence copied from a provincial text): no city lies below the plan's area,
    so the words name no body of this plan (a county plan's 各县 likewise)."""
    level = {"各市": 2, "各县": 3}.get(collective)
    depth = 1 if area.endswith("0000") else 2 if area.endswith("00") else 3
    return level is not None and area != NATIONAL and depth >= level


def find_approvals(draft: Draft, resolver: AgencyResolver, start: int) -> None:
    """经国务院同意, 已经省政府同意: the Approval phrase and the consenting agency (Approver, approvedBy)."""
    text = draft.shadow.text
    for m in APPROVAL_RE.finditer(text, start):
        if not ORGANISATION_RE.search(m.group("agency")) and m.group("agency") not in resolver.lex.national:
            continue
        approval = draft.add("Approval", m.start(), m.end(), 0.85)
        agency = agency_span(draft, resolver, m.start("agency"), m.end("agency"), "Approver")
        if agency is not None:
            agency.attributes["Role"] = "Approver"
        draft.relate("approvedBy", approval, agency)


def jurisdiction_en(lex: Lexicon, code: str) -> str:
    """The corpus's English name of a jurisdiction, else a placeholder (the GB/T 2260 list has no English)."""
    known = lex.note("Jurisdiction", code, "en")
    return known or placeholder_en(pinyin_slug(lex.places.name_of(code) or code))


def find_jurisdictions(draft: Draft, lex: Lexicon, area: Area, title_start: int, body_start: int) -> None:
    """The place a plan's title names, then the first mention of each jurisdiction in the body (full
    names the divisions list or the corpus knows; 全国/我国, and 全省/全市 resolved against the area)."""
    text = draft.shadow.text
    if "places" not in lex.cache:
        lex.cache["places"] = _automaton([n for n, c in lex.places.by_name.items() if lex.places.names.get(c) == n])
    found: list[tuple[int, int, str, float]] = []
    for s, e, w in longest_matches(lex.cache["places"], text, title_start, body_start)[:1]:
        found.append((s, e, lex.places.code_of(w), 0.9))
    for s, e, w in longest_matches(lex.cache["places"], text, body_start):
        found.append((s, e, lex.places.code_of(w), 0.7))
    for m in re.finditer(r"全国|我国|全省|全市", text[body_start:]):
        word, s = m.group(), body_start + m.start()
        if word in ("全国", "我国"):
            found.append((s, s + 2, NATIONAL, 0.6))
        elif area.code != NATIONAL:  # 全省 in a text whose own area is unknown says nothing
            code = lex.places.province_of(area.code) if word == "全省" else area.code
            found.append((s, s + 2, code, 0.6))
    seen: set[str] = set()
    for s, e, code, confidence in sorted(found):
        if code in seen or draft.overlaps(*draft.shadow.to_original(s, e), "Agency", "CitedDocument"):
            continue
        seen.add(code)
        draft.add("Jurisdiction", s, e, confidence, code=code, en=jurisdiction_en(lex, code))
