"""Targets and baselines in running text: 培训企业职工3万人以上, 达到25%以上, 近1亿人次 …"""

from __future__ import annotations

import re

from policykg.build.annotate.agencies import longest_matches
from policykg.build.annotate.concepts import (
    CLAUSE_BREAK,
    LEAD_WORDS,
    counts_group_activity,
    indicator,
    indicator_automaton,
    known_concept,
)
from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon
from policykg.build.annotate.mentions import find_groups_in
from policykg.build.annotate.numbers import gap_quantities, quantities, readable
from policykg.build.annotate.periods import (
    DEADLINE_RE,
    PERIOD_RE,
    RECURRENCE_RE,
    add_period,
    goal_deadlines,
    is_end_point,
    year_of,
)
from policykg.build.annotate.tables import adopt_row_concepts

# a body's decision or requirement that introduces the measured action (国务院决定|从…中拿出1000亿元)
DECISION_RE = re.compile(r"^[^，。；]{0,12}?(?:决定|要求|规定)(?=[\u4e00-\u9fff]{4})")
TAIL_WORDS = re.compile(r"(?:达到|达|超过|突破|提高到|提高至|增加到|增长到|保持在|稳定在|为|共|累计|总计|约|近|"
                        r"原则上)+$")
BASELINE_HINTS = ("十三五", "五年来", "以来", "已", "累计完成", "共完成", "共开展", "期间")
TARGET_HINTS = ("到20", "力争", "目标", "不少于", "以上", "每年", "年底前", "确保", "十四五", "年内", "不超过", "至少")
MAX_PHRASE = 24
# where a measured thing starts inside a longer phrase (就业重点群体等|开展补贴性培训, 全省|技能人才总量)
PHRASE_START_RE = re.compile(r"(?<=[等的中省市国县区])|(?=开展|组织|培训|新增|新建|建设|获取|取得|参加|完成|举办|认定)")
# a value inside a clause that recalls other plans' requirements (…15项重大工程等要求) is not this plan's
REQUIREMENT_END_RE = re.compile(r"[^，。；,;]{0,12}(?:等|的)?(?:要求|部署)(?=[，。；,;]|$)")


def _clause_start(text: str, pos: int) -> int:
    i = pos
    while i > 0 and text[i - 1] not in CLAUSE_BREAK:
        i -= 1
    return i


def _sentence(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind(c, 0, pos) for c in "。；\n") + 1
    ends = [i for i in (text.find(c, pos) for c in "。；\n") if i >= 0]
    return a, min(ends) if ends else len(text)


def _phrase(text: str, pos: int) -> tuple[int, int] | None:
    """The indicator phrase before a value: back to the clause start, without lead words and verbs."""
    start = _clause_start(text, pos)
    end = pos
    chunk = text[start:end]
    if m := PERIOD_RE.search(chunk):
        if m.end() < len(chunk):
            start += m.end()
            chunk = text[start:end]
    if decision := DECISION_RE.match(chunk):
        start += decision.end()
        chunk = text[start:end]
    lead = LEAD_WORDS.match(chunk)
    if lead:
        start += lead.end()
    tail = TAIL_WORDS.search(text[start:end])
    if tail:
        end = start + tail.start()
    while start < end and text[start] in " 　\t“”":
        start += 1
    while end > start and text[end - 1] in " 　\t“”":
        end -= 1
    if end - start < 2 or end - start > MAX_PHRASE or not re.search(r"[\u4e00-\u9fff]{2}", text[start:end]):
        return None
    return start, end


VERB_ONLY_RE = re.compile(r"(?:(?:推进|建设|新建|培育|打造|支持|扶持|认定|举办|开展|组织|实施|完成|评选|制定|修订|颁布|"
                          r"确保|保证|用于)[或和、]?)*")
# verbs that make what is counted (制定…标准, 建设…基地: kept in the indicator around the value), unlike those
# of events counted as themselves (举办一届…大赛) or of support (推进/支持/确保 …)
ACTION_ONLY_RE = re.compile(r"(?:(?:建设|新建|培育|打造|认定|制定|修订|颁布)[或和、]?)+")
BRAND_RE = re.compile(r"[“\"][^”\"，。；\n]{2,12}[”\"](?=[\u4e00-\u9fff]{4})")
AFTER_BREAK = "，。；：,;:\n（(、"


def _phrase_after(text: str, pos: int) -> tuple[int, int] | None:
    """The counted thing after a value (推进17个 | 乡村振兴重点帮扶县职业技能培训), up to the clause end; a quoted
    brand in front (60项|“技能兴鲁”|职业技能大赛…赛事) is the programme's name, not the counted thing's."""
    if brand := BRAND_RE.match(text, pos):
        pos = brand.end()
    end = pos
    while end < len(text) and text[end] not in AFTER_BREAK and end - pos < MAX_PHRASE:
        end += 1
    if end - pos < 2 or end - pos >= MAX_PHRASE or not re.search(r"[\u4e00-\u9fff]{2}", text[pos:end]):
        return None
    return pos, end


def _known_tail(lex: Lexicon, text: str, start: int, end: int) -> tuple[int, int]:
    """The longest tail of a phrase that names a concept the corpus knows (组织|开展补贴性职业技能培训), cut
    where a measured thing can start; the phrase itself when none does."""
    if known_concept(lex, text[start:end]):
        return start, end
    for m in PHRASE_START_RE.finditer(text, start + 1, end - 2):
        if known_concept(lex, text[m.start():end]):
            return m.start(), end
    return start, end


def _known_before(lex: Lexicon, text: str, s_start: int, pos: int, values: list[int]) -> tuple[int, int] | None:
    """确保60%以上…: the value's verb names nothing, so the nearest known indicator earlier in the sentence
    (职工教育经费), provided no other value stands between them."""
    after = max([v for v in values if s_start <= v < pos], default=s_start)
    found = None
    for s, e, _ in longest_matches(indicator_automaton(lex), text, after, pos):
        found = (s, e)
    return found


def _funding_automaton(lex: Lexicon):
    """Known money sources (职工教育经费), built once per lexicon."""
    from policykg.build.annotate.agencies import _automaton

    if "funding" not in lex.cache:
        lex.cache["funding"] = _automaton([f for f in lex.all_forms("Funding") if len(f) >= 4])
    return lex.cache["funding"]


def _share_whole(lex: Lexicon, text: str, s_start: int, v_start: int, after: tuple[int, int]) -> tuple[int, int] | None:
    """…提取职工教育经费，确保60%以上用于一线职工的职业技能培训: a share spent on something (用于…) is a share of
    the amount the sentence names before the value's clause; the indicator is both parts (GUIDELINES: a
    discontinuous span around the value). The whole is the longest clause tail that makes a known concept
    with the use, else the last known money source before the value."""
    w_end = _clause_start(text, v_start) - 1
    while w_end > s_start and text[w_end - 1] in " \t":
        w_end -= 1
    if w_end - s_start < 2:
        return None
    use = text[after[0]:after[1]]
    for a in range(max(s_start, w_end - MAX_PHRASE), w_end - 1):
        if known_concept(lex, text[a:w_end] + use):
            return a, w_end
    found = longest_matches(_funding_automaton(lex), text, s_start, w_end)
    return found[-1][:2] if found else None


def _values(text: str, body_start: int) -> list[tuple[tuple[tuple[int, int], ...], int, int]]:
    """(shadow parts, start, end) of each candidate value: comparator-gap forms first, then plain quantities."""
    out = [(((ps, pe), (vs, ve)), ps, ve) for ps, pe, vs, ve in gap_quantities(text, body_start)]
    covered = [(a, b) for _, a, b in out]
    for m in quantities(text, body_start):
        if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in covered):
            out.append((((m.start(), m.end()),), m.start(), m.end()))
    return sorted(out, key=lambda v: v[1])


def _indicator_ranges(lex: Lexicon, text: str, parts: tuple[tuple[int, int], ...], s_start: int,
                      starts: list[int]) -> tuple[tuple[int, int], ...] | None:
    """The shadow ranges of a value's indicator: one phrase, or the parts of a name split around the value
    (GUIDELINES: Indicator spans)."""
    v_start, v_end = parts[0][0], parts[-1][1]
    gap = (parts[0][1], parts[1][0]) if len(parts) == 2 else None
    after = _phrase_after(text, v_end)
    if gap and after and VERB_RE.fullmatch(text[gap[0]:gap[1]].strip()):
        return gap, after  # 至少|组织|5类|项目制培训: the verb between comparator and figure, and what follows
    phrase = _phrase(text, v_start)
    if phrase and after and ACTION_ONLY_RE.fullmatch(text[phrase[0]:phrase[1]]):
        return phrase, after  # 制定或修订颁布|250 个|国家职业标准: the act counted and its object
    if phrase is None or VERB_ONLY_RE.fullmatch(text[phrase[0]:phrase[1]]):
        # 确保60%以上 (the indicator named before), 推进17个乡村振兴…培训 (named after the value)
        phrase = _known_before(lex, text, s_start, v_start, starts) or after
    if phrase is None:
        return None
    phrase = _known_tail(lex, text, *phrase)
    if text[phrase[0]:phrase[1]] == "培训" and (named := _named_training(text, s_start, phrase[0])):
        phrase = named  # 开展就业技能培训，每年培训5万人次以上: the training named before in the sentence
    if text.startswith("用于", phrase[0]) and (share_of := _share_whole(lex, text, s_start, v_start, phrase)):
        return share_of, phrase
    if verb := _elided_verb(text, phrase[0], s_start):
        return verb, phrase
    return (phrase,)


NAMED_TRAINING_RE = re.compile(r"(?:开展|组织)[\u4e00-\u9fff]{1,12}?培训")


def _named_training(text: str, s_start: int, pos: int) -> tuple[int, int] | None:
    """The last 开展…培训 phrase before pos in the sentence, the training a bare 培训 stands for."""
    found = list(NAMED_TRAINING_RE.finditer(text, s_start, pos))
    return found[-1].span() if found else None


LEVEL_VERB_RE = re.compile(r"保持在|稳定在|提高到|提高至|增加到|增长到|提升到|提升至")
LIST_ITEM = 10  # the most characters before the figure of one item of a list of values (农民工超过4000万人次)
VERB_RE = re.compile(r"培训|开展|组织|举办|新增|新建|建设|培育|认定|评选|完成")


def _elided_verb(text: str, start: int, s_start: int) -> tuple[int, int] | None:
    """其中，培训企业职工超过3000万人次，农民工超过4000万人次: the verb of a list's first item governs the
    items after it, whose names it completes (GUIDELINES: 培训 belongs to each item's span)."""
    if VERB_RE.match(text, start) or start - _clause_start(text, start) > 0:
        return None
    end = start - 1
    while end > s_start and text[end] in "，,":
        clause = _clause_start(text, end)
        figure = re.search(r"\d", text[clause:end])
        if figure is None:
            return None  # the clause before holds no value: not a list of values
        if verb := VERB_RE.match(text, clause):
            # 培训合格率保持在90%: a clause with its own level verb names a rate, not a list item's object
            own_verb = LEVEL_VERB_RE.search(text, verb.end(), clause + figure.start())
            return verb.span() if figure.start() - verb.end() <= LIST_ITEM and not own_verb else None
        if figure.start() > LIST_ITEM:
            return None  # a clause of its own, not a short item of the list
        end = clause - 1
    return None


def find_running_targets(draft: Draft, lex: Lexicon, units: dict[str, str], doc_year: int, plan: tuple[int, int],
                         plan_period: Span | None, body_start: int) -> None:
    text = draft.shadow.text
    values = _values(text, body_start)
    starts = [v[1] for v in values]
    done: list[tuple[int, Span]] = []  # (start, indicator) of the values found so far
    for parts, v_start, v_end in values:
        a, b = draft.shadow.to_original(v_start, v_end)
        if draft.overlaps(a, b, "Target", "Baseline", "Indicator", "CitedDocument", "Date", "DocNumber"):
            continue
        quote = " ".join(text[p:q] for p, q in parts)
        if not readable(quote, units) or REQUIREMENT_END_RE.match(text, v_end):
            continue
        s_start, s_end = _sentence(text, v_start)
        ranges = _indicator_ranges(lex, text, parts, s_start, starts)
        if ranges is None:
            continue
        sentence = text[s_start:s_end]
        p_start = text.rfind("\n", 0, v_start) + 1
        # the nearest period before the value in its sentence, else in its paragraph, else the plan's period
        period = _last_period(text, s_start, v_start) or _last_period(text, p_start, s_start, own=False)
        before_year = year_of(period.group()) if period else None
        # a numbered item of a 专栏 box is a measure of the plan: its figures are targets
        # a value due in a year after the document's own (2021—2023年，新建… in a 2021 plan) is a goal too
        aims = any(h in sentence for h in TARGET_HINTS) or draft.overlaps(a, b, "ProgramItem") \
            or RECURRENCE_RE.search(sentence) is not None or _future(period, s_start, doc_year)
        is_baseline = (not aims and any(h in text[p_start:s_end] for h in BASELINE_HINTS)) \
            or (before_year is not None and before_year < plan[0])
        etype = "Baseline" if is_baseline else "Target"
        if etype == "Target" and not aims:
            continue  # a number in running text with no target wording is most often a description
        ind = indicator(draft, lex, *ranges[0], 0.7, more=ranges[1:])
        if ind is None:
            continue
        _concerns(draft, lex, ind, ranges)
        if (whole_ind := _part_of(text, v_start, done)) is not None and whole_ind is not ind:
            draft.relate("partOf", ind, whole_ind)
        done.append((v_start, ind))
        cumulative = _is_total(text, quote, v_start, ind, period)
        # 至“十三五”末 … 535.9万人次: person-times are a flow, counted over the whole five-year plan to that point
        whole = period is not None and is_end_point(period.group()) and not cumulative
        period_span = add_period(draft, period, doc_year, plan, 0.7, point=not whole, clip=etype == "Target") \
            if period else plan_period
        value = draft.add_parts(etype, parts, 0.7)
        if period_span is None or value is None:
            continue
        if cumulative:
            value.attributes["Cumulative"] = True
        draft.relate("measures", value, ind)
        draft.relate("during", value, period_span)
        if period is not None and period.group().endswith("前") and not DEADLINE_RE.fullmatch(period.group()):
            # 年底前力争实现…25%以上: the period is also the target's deadline (GUIDELINES: Time)
            draft.relate("deadlineFor", draft.add("Deadline", period.start(), period.end(), 0.7), value)
    adopt_row_concepts(draft, units)


def _future(period: re.Match | None, s_start: int, doc_year: int) -> bool:
    """Whether the sentence's own period ends after the year the document was issued."""
    years = re.findall(r"\d{4}", period.group()) if period is not None and period.start() >= s_start else []
    return bool(years) and int(years[-1]) > doc_year


def _part_of(text: str, v_start: int, done: list[tuple[int, Span]]) -> Span | None:
    """…培训近1亿人次；其中，培训企业职工超过3000万人次，农民工…: a value after 其中 in the sentence counts a part
    of the indicator of the value before 其中 (GUIDELINES: partOf only where 其中 is printed)."""
    mark = text.rfind("其中", 0, v_start)
    if mark < 0 or "。" in text[mark:v_start] or "\n" in text[mark:v_start]:
        return None
    before = [ind for pos, ind in done if pos < mark and "。" not in text[pos:mark] and "\n" not in text[pos:mark]]
    return before[-1] if before else None


def _concerns(draft: Draft, lex: Lexicon, ind: Span, ranges: tuple[tuple[int, int], ...]) -> None:
    """The groups an activity indicator names (培训 农民工 → 农民工), unless another mention of its concept
    already names others (the builder wants every mention of one indicator to name the same groups)."""
    text = draft.shadow.text
    if not counts_group_activity("".join(text[a:b] for a, b in ranges)):
        return
    named = {frozenset(g.notes["id"] for r, s, g in draft.relations if r == "concerns" and s is other)
             for other in draft.of_type("Indicator") if other.notes["concept"] == ind.notes["concept"]} - {frozenset()}
    groups = find_groups_in(draft, lex, *ranges[-1])  # (not in 职工教育经费, the amount a share is of)
    if groups and (not named or named == {frozenset(g.notes["id"] for g in groups)}):
        for group in groups:
            draft.relate("concerns", ind, group)


def _last_period(text: str, start: int, end: int, own: bool = True) -> re.Match | None:
    """The last period or deadline (9月底前 … 至少组织5类: the value is due by then) in text[start:end]; in an
    earlier sentence (`own=False`) not a recurrence, which holds for its own sentence only (每年组织…)."""
    found = [m for regex in (PERIOD_RE, DEADLINE_RE) for m in regex.finditer(text, start, end)
             if own or not RECURRENCE_RE.fullmatch(m.group())]
    return max(found, key=lambda m: (m.end(), m.end() - m.start()), default=None)


def _is_total(text: str, quote: str, v_start: int, ind: Span, period: re.Match | None) -> bool:
    """A value that is a level reached (GUIDELINES: Cumulative): bracketed; or a count (not a share, not
    person-times, which are always a flow) of a stock concept (技能人才总量), or at an end point (至…期末),
    or after 累计."""
    if re.search(r"[〔\[]", quote):
        return True
    if "%" in quote or "百分点" in quote or "人次" in quote:
        return False
    return (ind.notes.get("kind") == "stock" or "累计" in text[max(0, v_start - 6):v_start]
            or (period is not None and is_end_point(period.group())))


def find_deadlines(draft: Draft, body_start: int) -> None:
    """5月10日前 … and the task that follows it (past the agency that is given it, 各县…要…) or precedes it."""
    from policykg.build.annotate.duties import task_range

    text = draft.shadow.text
    for m in DEADLINE_RE.finditer(text, body_start):
        after = m.end()
        while after < len(text) and text[after] in "，, ":
            after += 1
        for agency in draft.of_type("Agency"):  # 5月10日前，各县（市、区）功能区要…
            if draft.shadow.from_original(agency.start) == after:
                after = draft.shadow.from_original(agency.end)
        found = task_range(text, after)
        if found is not None:
            s, e = found[0], found[1]
        else:
            s, e = _clause_start(text, m.start()), m.start()
        if e - s < 4:
            continue
        deadline = draft.add("Deadline", m.start(), m.end(), 0.7)
        task = draft.add("Task", s, e, 0.5)
        draft.relate("deadlineFor", deadline, task)
    goal_deadlines(draft, body_start)
