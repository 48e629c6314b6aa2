"""Targets and baselines in running text: 培训企业职工3万人以上, 达到25%以上, 近1亿人次 …"""

from __future__ import annotations

import re

from policykg.build.annotate.concepts import indicator
from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon
from policykg.build.annotate.numbers import quantities, readable
from policykg.build.annotate.periods import DEADLINE_RE, PERIOD_RE, add_period, is_end_point, year_of

CLAUSE_BREAK = "，。；：、,;:\n（）()"
# words that open an indicator phrase but are not part of it
LEAD_WORDS = re.compile(r"^(?:全[国省市区县]|我[省市]|年内|每年|力争|实现|累计|共|其中|此外|同时|并|再|另)+")
TAIL_WORDS = re.compile(r"(?:达到|达|超过|突破|提高到|提高至|增加到|增长到|保持在|稳定在|为|共|累计|总计|约|近)+$")
BASELINE_HINTS = ("十三五", "五年来", "以来", "已", "累计完成", "共完成", "共开展", "期间")
TARGET_HINTS = ("到20", "力争", "目标", "不少于", "以上", "每年", "年底前", "确保", "十四五", "年内")
MAX_PHRASE = 24


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


VERB_ONLY_RE = re.compile(r"(?:推进|建设|新建|培育|打造|支持|扶持|认定|举办|开展|组织|实施|完成|评选)?")
AFTER_BREAK = "，。；：,;:\n（(、"


def _phrase_after(text: str, pos: int) -> tuple[int, int] | None:
    """The counted thing after a value (推进17个 | 乡村振兴重点帮扶县职业技能培训), up to the clause end."""
    end = pos
    while end < len(text) and text[end] not in AFTER_BREAK and end - pos < MAX_PHRASE:
        end += 1
    if end - pos < 2 or end - pos >= MAX_PHRASE or not re.search(r"[\u4e00-\u9fff]{2}", text[pos:end]):
        return None
    return pos, end


def find_running_targets(draft: Draft, lex: Lexicon, units: dict[str, str], doc_year: int, plan: tuple[int, int],
                         plan_period: Span | None, body_start: int) -> None:
    text = draft.shadow.text
    for m in quantities(text, body_start):
        a, b = draft.shadow.to_original(m.start(), m.end())
        if draft.overlaps(a, b, "Target", "Baseline", "Indicator", "CitedDocument", "Date", "DocNumber"):
            continue
        quote = text[m.start():m.end()]
        if not readable(quote, units):
            continue
        phrase = _phrase(text, m.start())
        if phrase is None or VERB_ONLY_RE.fullmatch(text[phrase[0]:phrase[1]]):
            phrase = _phrase_after(text, m.end())  # 推进17个乡村振兴重点帮扶县职业技能培训: the value comes first
        if phrase is None:
            continue
        s_start, s_end = _sentence(text, m.start())
        sentence = text[s_start:s_end]
        p_start = text.rfind("\n", 0, m.start()) + 1
        # the nearest period before the value in its sentence, else in its paragraph, else the plan's period
        period = None
        for pm in PERIOD_RE.finditer(text, s_start, m.start()):
            period = pm
        if period is None:
            for pm in PERIOD_RE.finditer(text, p_start, s_start):
                period = pm
        before_year = year_of(period.group()) if period else None
        # a numbered item of a 专栏 box is a measure of the plan: its figures are targets
        aims = any(h in sentence for h in TARGET_HINTS) or draft.overlaps(a, b, "ProgramItem")
        is_baseline = (not aims and any(h in text[p_start:s_end] for h in BASELINE_HINTS)) \
            or (before_year is not None and before_year < plan[0])
        etype = "Baseline" if is_baseline else "Target"
        if etype == "Target" and not aims:
            continue  # a number in running text with no target wording is most often a description
        period_span = add_period(draft, period, doc_year, plan, 0.7) if period else plan_period
        if period_span is None:
            continue
        ind = indicator(draft, lex, *phrase, 0.7)
        value = draft.add(etype, m.start(), m.end(), 0.7)
        if ind is None or value is None:
            continue
        # a total: 累计, a stock (…总量), or any value at an end point (至“十三五”期末, “十四五”期末)
        if ("累计" in text[max(s_start, m.start() - 6):m.start()] or re.search(r"总量$|总数$", text[slice(*phrase)])
                or (period is not None and is_end_point(period.group()))):
            value.attributes["Cumulative"] = True
        draft.relate("measures", value, ind)
        draft.relate("during", value, period_span)


def find_deadlines(draft: Draft, body_start: int) -> None:
    """5月10日前 … and the task that follows (or precedes) it in the clause."""
    text = draft.shadow.text
    for m in DEADLINE_RE.finditer(text, body_start):
        after = m.end()
        while after < len(text) and text[after] in "，, ":
            after += 1
        end = after
        while end < len(text) and text[end] not in "。；;，,\n":
            end += 1
        s, e = after, min(end, after + 30)
        if e - s < 4:
            s = _clause_start(text, m.start())
            e = m.start()
        if e - s < 4:
            continue
        deadline = draft.add("Deadline", m.start(), m.end(), 0.7)
        task = draft.add("Task", s, e, 0.5)
        draft.relate("deadlineFor", deadline, task)
