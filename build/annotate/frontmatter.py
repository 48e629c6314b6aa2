"""The front matter: document number, notice title, plan title, issuers, addressees, dates, contacts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.build import normalize
from policykg.build.annotate.agencies import AGENCY_RE, ORGANISATION_RE, agency_automaton, agency_span, longest_matches
from policykg.build.annotate.citations import DOC_NUMBER_RE
from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon, key
from policykg.build.annotate.periods import FYP_NUM_RE, period_notes
from policykg.build.annotate.resolver import AgencyResolver, Area, resolve_area
from policykg.build.annotate.slugs import person_slug, pinyin_slug, placeholder_en

CN_DIGIT = "〇零一二三四五六七八九"
DATE_RE = re.compile(
    r"(?:\d{4}|[" + CN_DIGIT + r"]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
NOTICE_RE = re.compile(r"关于[^\n]*?(?:的)?(?:通知|意见|决定|函)")
NOTICE_START_RE = re.compile(r"关于印发[^\n]*$")
PUBLICATION_RE = re.compile(r"此件(?:主动)?公开(?:发布)?|此件不予公开")
RECEIPT_RE = re.compile(r"[\u4e00-\u9fff]{1,6}收\s*\([上下]\)\s*\d+号")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"(?:联系电话|电话)\s*[:：]\s*([\d\-—() ]{5,20}\d)")
CONTACT_UNIT_RE = re.compile(r"联系单位\s*[:：]\s*([^)\n]+)")
PERSON_RE = re.compile(r"(联系人|责任领导|协管领导|校核人)\s*[:：]\s*([\u4e00-\u9fff]{2,3}?)(?=\s|联系|电话|$)", re.M)
PERSON_ROLES = {"联系人": "Contact", "责任领导": "ResponsibleLeader", "协管领导": "AssistingLeader",
                "校核人": "Proofreader"}
# a web copy's editor line: 编辑:省人社厅张宇 (the editor's unit, then the name)
EDITOR_RE = re.compile(r"编辑\s*[:：]\s*(?P<unit>[\u4e00-\u9fff]{1,12}?(?:厅|局|委|办公室|办公厅|中心|处))?"
                       r"(?P<name>[\u4e00-\u9fff]{2,3})(?=\s|$)", re.M)
FRONT_LINES = 60
SOURCE_RE = re.compile(r"来源\s*[:：]\s*(?P<unit>[\u4e00-\u9fff]{2,20})(?=\s|$)", re.M)
# one named body, not a collective (各市…, 国务院各部委) or a class (省直有关单位) or a list (…、…)
ONE_BODY_RE = re.compile(r"(?!各)(?:(?!各|有关|直属|、)[\u4e00-\u9fff])+")


@dataclass
class Front:
    """What the front matter tells the rest of the annotator."""

    area: Area
    doc_year: int
    plan: tuple[int, int]
    plan_period: Span | None
    plan_title: str
    title_start: int  # shadow offset of the plan title (= body_start when there is none)
    body_start: int  # shadow offset where the plan's body begins
    number: str | None
    own_titles: set[str]


def _lines(text: str, limit: int | None = None) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out[:limit] if limit else out


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t":
        s += 1
    while e > s and text[e - 1] in " \t":
        e -= 1
    return s, e


def _notice(draft: Draft, lines: list[tuple[int, int]]) -> tuple[int, str] | None:
    """Notice title (possibly over two lines): returns (index of its last line, the plan's name)."""
    text = draft.shadow.text
    for i, (s, e) in enumerate(lines):
        m = NOTICE_RE.search(text, s, e)
        frags = []
        if m and "印发" in m.group():
            frags = [(m.start(), m.end())]
        elif (m2 := NOTICE_START_RE.search(text, s, e)) and i + 1 < len(lines):
            ns, ne = _strip(text, *lines[i + 1])
            if ne > ns and re.search(r"通知$", text[ns:ne]):
                frags = [(m2.start(), m2.end()), (ns, ne)]
        if not frags:
            continue
        span = draft.add("NoticeTitle", *frags[0], 0.9)
        if span is not None and len(frags) > 1:
            span.fragments = span.fragments + tuple(draft.shadow.fragments(*frags[1]))
        whole = "".join(text[a:b] for a, b in frags)
        name = re.search(r"印发[《“\"]?(.+?)[》”\"]?的?通知", whole)
        last = i + (len(frags) - 1)
        if span is not None:
            span.notes["en"] = placeholder_en(pinyin_slug(whole))
        return last, (name.group(1) if name else "")
    return None


def _plan_title(draft: Draft, lines: list[tuple[int, int]], after: int, name: str) -> tuple[int, int] | None:
    text = draft.shadow.text
    target = key(name)
    for s, e in lines[after + 1:]:
        s, e = _strip(text, s, e)
        line_key = key(text[s:e])
        if target and line_key == target or (not target and re.search(r"(规划|方案|计划)$", line_key)):
            return s, e
    return None


def find_front(draft: Draft, lex: Lexicon) -> Front:
    text = draft.shadow.text
    lines = _lines(text)
    head = lines[:FRONT_LINES]
    notice = _notice(draft, head)
    notice_line, plan_name = notice if notice else (0, "")
    title_pos = _plan_title(draft, lines, notice_line if notice else -1, plan_name)
    plan_title = text[title_pos[0]:title_pos[1]] if title_pos else plan_name
    area = resolve_area(key(plan_title or plan_name), lex.places)
    front_end = title_pos[0] if title_pos else (lines[min(len(lines), FRONT_LINES) - 1][1] if lines else 0)
    # document number: the first one standing on its own line in the front matter, else the first one
    numbers = [m for m in DOC_NUMBER_RE.finditer(text, 0, front_end)]
    notice_start = lines[notice_line][0] if notice else 0
    own = next((m for m in numbers if key(text[slice(*_line_of(lines, m.start()))]) == key(m.group())),
               next((m for m in numbers if m.start() < notice_start), None))
    if own is not None:
        draft.add("DocNumber", own.start(), own.end(), 0.95)
    for m in RECEIPT_RE.finditer(text, 0, front_end):
        draft.add("ReceiptNumber", m.start(), m.end(), 0.9)
    dates = list(DATE_RE.finditer(text))
    doc_year = _year(dates[0].group()) if dates else 2021
    signed = None
    for m in dates:
        line_s, line_e = _line_of(lines, m.start())
        before = text[line_s:m.start()]
        role = ("Received" if "收文" in before else "Published" if "发布" in before or "印发" in text[m.end():line_e]
                else "Signed" if m.start() < front_end and not before.strip() else None)
        if role is None and m.start() > len(text) * 0.9 and not before.strip(" 　") == before:
            role = "Published"
        if role is None:
            continue
        span = draft.add("Date", m.start(), m.end(), 0.9)
        if span is not None:
            span.attributes["DateRole"] = role
            if role == "Signed" and signed is None:
                signed, doc_year = span, _year(m.group())
    for m in PUBLICATION_RE.finditer(text, 0, max(front_end, 1)):
        draft.add("PublicationNote", m.start(), m.end(), 0.95)
    _contacts(draft, lex, text, front_end, AgencyResolver(lex, area))
    plan = _plan_years(plan_title, doc_year)
    plan_period = None
    if title_pos:
        title_span = draft.add("PlanTitle", *title_pos, 0.9, juris=area.code,
                               en=placeholder_en(pinyin_slug(plan_title)))
        if fyp := FYP_NUM_RE.search(plan_title):
            s = title_pos[0] + fyp.start()
            plan_period = draft.add("Period", s, s + 3, 0.9, **period_notes(fyp.group(), doc_year, plan))
        else:
            if ym := re.search(r"\d{4}\s*[—–\-~至]\s*\d{4}\s*年|\d{4}\s*年", text[title_pos[0]:title_pos[1] + 800]):
                s = title_pos[0] + ym.start()  # the title's own years first (…实施方案（2023—2025年）)
                plan_period = draft.add("Period", s, s + len(ym.group()), 0.6)
        draft.relate("planPeriod", title_span, plan_period)
    _issuers(draft, lex, text, lines, notice_line, front_end, area)
    _source_unit(draft, AgencyResolver(lex, area), front_end)
    own_titles = {key(plan_title), key(plan_name)}
    return Front(area, doc_year, plan, plan_period, plan_title, title_pos[0] if title_pos else 0,
                 title_pos[1] if title_pos else 0,
                 own.group() if own else None, own_titles)


def _line_of(lines: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next((s, e) for s, e in lines if s <= pos <= e)


def _year(date_text: str) -> int:
    """The year of a printed date, Arabic or Chinese numerals (二〇二二年六月十日), read as the builder reads it."""
    return normalize.read_date(re.sub(r"\s", "", date_text)).year


def _plan_years(title: str, doc_year: int) -> tuple[int, int]:
    if m := FYP_NUM_RE.search(title):
        interval = normalize.five_year_plan("十" + m.group(1))
        return interval.start.year, interval.end.year
    if m := re.search(r"(\d{4})\s*[—–\-~至]\s*(\d{4})", title):
        return int(m.group(1)), int(m.group(2))
    return doc_year, doc_year


def _contacts(draft: Draft, lex: Lexicon, text: str, front_end: int, resolver: AgencyResolver | None = None) -> None:
    for m in EMAIL_RE.finditer(text, 0, front_end):
        draft.add("Contact", m.start(), m.end(), 0.9)
    for m in PHONE_RE.finditer(text, 0, front_end):
        draft.add("Contact", m.start(1), m.end(1), 0.9)
    for m in CONTACT_UNIT_RE.finditer(text, 0, front_end):
        draft.add("Contact", m.start(1), m.end(1), 0.8)
        if resolver is not None:
            agency_span(draft, resolver, m.start(1), m.end(1), "Contact")
    for m in PERSON_RE.finditer(text):
        _person(draft, lex, m.start(2), m.end(2), PERSON_ROLES[m.group(1)])
    for m in EDITOR_RE.finditer(text, 0, front_end):
        _person(draft, lex, m.start("name"), m.end("name"), "Editor")
        if m.group("unit") and resolver is not None:  # the unit the editor works for: only named here
            agency_span(draft, resolver, m.start("unit"), m.end("unit"), "Mentioned")


def _source_unit(draft: Draft, resolver: AgencyResolver, front_end: int) -> None:
    """来源:厅职业能力建设处, a web copy's source: a unit of the issuer, which it names by the last character of
    the issuer's name (厅 of 辽宁省人力资源和社会保障厅); only mentioned."""
    issuer = next((s for s in draft.of_type("Agency") if s.attributes.get("Role") == "Issuer"), None)
    text = draft.shadow.text
    for m in SOURCE_RE.finditer(text, 0, front_end):
        unit = m.group("unit")
        if issuer is None or not ORGANISATION_RE.search(unit):
            continue
        own = draft.text_of(issuer).replace(" ", "")
        form = own + unit[1:] if unit[0] == own[-1] else unit  # 厅职业能力建设处 → the issuer's 职业能力建设处
        notes = resolver.resolve(form)
        confidence = float(notes.pop("confidence"))
        span = draft.add("Agency", m.start("unit"), m.end("unit"), confidence, **notes)
        if span is not None:
            span.attributes.setdefault("Role", "Mentioned")


def _person(draft: Draft, lex: Lexicon, start: int, end: int, role: str) -> None:
    name = draft.shadow.text[start:end]
    slug = lex.lookup("Person", name) or person_slug(name)
    en = lex.note("Person", slug, "en") or placeholder_en(slug)
    span = draft.add("Person", start, end, 0.8, id=slug, en=en)
    if span is not None:
        span.attributes["PersonRole"] = role


def _issuers(draft: Draft, lex: Lexicon, text: str, lines, notice_line: int, front_end: int, area: Area) -> None:
    """Agencies in the letterhead, title line and signature block (the first is the Issuer, 代章 a Seal),
    the receiving office of a receipt form and the offices it forwards the document to (送阅)."""
    resolver = AgencyResolver(lex, area)
    lead: list[str] = []
    recipients_done = False
    receiver: str | None = None
    for i, (s, e) in enumerate(lines):
        if s >= front_end:
            break
        line = text[s:e].strip()
        if not line or re.search(r"领导\s*[:：]|批示", line):  # a receipt form's leaders, not issuers
            continue
        if "收文" in line and "办理单" in line:
            for a, b in agencies_in(draft, lex, s, s + line.find("收文") + (len(text[s:e]) - len(text[s:e].lstrip()))):
                span = agency_span(draft, resolver, a, b, "Receiver")
                receiver = span.notes.get("juris") if span else None
            continue
        if re.match(r"送\s*阅", line):
            _forwarded_to_people(draft, lex, text, s, e)
        if re.match(r"送\s*阅", line) and receiver:
            # the receiving office's circulation: [its divisions] and the agencies after them (GUIDELINES)
            tail = max(text.rfind("]", s, e), text.rfind(":", s, e), text.rfind("：", s, e)) + 1
            local = AgencyResolver(lex, Area(receiver, ""))
            if (open_ := text.find("[", s, e)) >= 0 and open_ < tail:
                _list_agencies(draft, local, open_ + 1, tail - 1, "Circulation")
            _list_agencies(draft, local, tail, e, "Circulation")
            continue
        if not recipients_done and i > notice_line and re.search(r"[:：]$", line):
            _recipients(draft, resolver, s, e)
            recipients_done = True
            continue
        if DOC_NUMBER_RE.search(text, s, e):
            continue
        stop = text.find("关于", s, e)
        if i > notice_line and not _looks_like_signature(line) or stop == s + len(text[s:e]) - len(text[s:e].lstrip()):
            continue
        for a, b in agencies_in(draft, lex, s, stop if stop >= 0 else e):
            notes = resolver.resolve(text[a:b])
            role = "Seal" if "代章" in text[b:e] else "Issuer" if not lead or lead[0] == notes["id"] else "CoIssuer"
            if not lead:
                lead.append(notes["id"])
            agency_span(draft, resolver, a, b, role)


def agencies_in(draft: Draft, lex: Lexicon, start: int, end: int) -> list[tuple[int, int]]:
    """Agency names in shadow[start:end], cut at the original text's spaces (letterheads separate
    co-issuers by spaces only): known forms first, then the generic agency-name pattern."""
    original, shadow = draft.shadow.original, draft.shadow
    if end <= start:
        return []
    oa, ob = shadow.index[start], shadow.index[end - 1] + 1
    found = []
    for ta, tb in _tokens(original, oa, ob):
        ts, te = shadow.from_original(ta), shadow.from_original(tb)
        candidates = [(a, b) for a, b, _ in longest_matches(agency_automaton(lex), shadow.text, ts, te)]
        candidates += [(m.start(), m.end()) for m in AGENCY_RE.finditer(shadow.text, ts, te)
                       if m.end() - m.start() >= 3 and not m.group().startswith("关于")]
        last = -1
        for a, b in sorted(candidates, key=lambda c: (c[0], c[0] - c[1])):  # leftmost, then longest
            if a >= last:
                found.append((a, b))
                last = b
    return found


def _forwarded_to_people(draft: Draft, lex: Lexicon, text: str, s: int, e: int) -> None:
    """送阅: 任振鹤、石谋军, 李志勋 … [offices]: the people a receipt form forwards the document to."""
    colon = max(text.find(":", s, e), text.find("：", s, e))
    stop = min([i for i in (text.find("[", s, e), text.find("。", s, e)) if i >= 0] or [e])
    pos = colon + 1
    for part in re.split(r"([、，,;；\s])", text[colon + 1:stop]):
        a, b = pos, pos + len(part)
        pos = b
        if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", part):
            slug = lex.lookup("Person", part) or person_slug(part)
            draft.add("Person", a, b, 0.7, id=slug, en=lex.note("Person", slug, "en") or placeholder_en(slug))


def _tokens(original: str, start: int, end: int) -> list[tuple[int, int]]:
    """Space-separated tokens of original[start:end]; runs of one-character tokens (浙 江 省 教 育 厅,
    letter-spaced) are one token."""
    tokens = [(m.start() + start, m.end() + start) for m in re.finditer(r"[^\s(（)）]+", original[start:end])]
    merged: list[tuple[int, int]] = []
    for a, b in tokens:
        if merged and b - a == 1 and _single_run(original, merged[-1]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _single_run(original: str, token: tuple[int, int]) -> bool:
    """Whether a token is itself letter-spaced text (characters separated by single spaces)."""
    return all(len(part) == 1 for part in original[token[0]:token[1]].split(" "))


def _list_agencies(draft: Draft, resolver: AgencyResolver, start: int, end: int, role: str) -> None:
    text = draft.shadow.text
    pos = start
    for part in re.split(r"([、，,。；\s])", text[start:end]):
        a, b = _strip(text, pos, pos + len(part))
        pos += len(part)
        if b - a >= 2 and part not in "、，,。；":
            agency_span(draft, resolver, a, b, role)


def _looks_like_signature(line: str) -> bool:
    """A signature line holds agency names only (no sentence punctuation)."""
    return not re.search(r"[，。；,、:：]", line) and len(line) < 60


def _recipients(draft: Draft, resolver: AgencyResolver, s: int, e: int) -> None:
    """The address line's phrases; one that names a single organisation (沈抚示范区管委会, not 各市人民政府
    or 省直有关单位) is also an Agency addressee (GUIDELINES: Role Recipient)."""
    text = draft.shadow.text
    pos = s
    for part in re.split(r"([，,；;])", text[s:e]):
        a, b = _strip(text, pos, pos + len(part))
        pos += len(part)
        phrase = text[a:b].rstrip(":：")
        if len(phrase) >= 2 and part not in "，,；;":
            draft.add("Recipient", a, a + len(phrase), 0.85)
            if ONE_BODY_RE.fullmatch(phrase) and ORGANISATION_RE.search(phrase):
                agency_span(draft, resolver, a, a + len(phrase), "Recipient")
