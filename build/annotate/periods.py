"""Periods (2021—2025 年, “十四五”时期, 到2025年, 年底前, 每年) and deadlines (5月10日前, 6月底前)."""

from __future__ import annotations

import re

from policykg.build import normalize
from policykg.build.annotate.draft import Draft, Span

# a year in Chinese digits (二〇二三年) reads as its Arabic form (2023年)
YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})"
CN_YEAR_RE = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")
FYP = r"(?:至|截至|到)?[“\"]?十[一二三四五六七八九]五[”\"]?(?:时期|期间|期末|末)?"
PERIOD_RE = re.compile(
    r"\d{4}\s*年?\s*[—–\-~至到]\s*\d{4}\s*年|" + FYP + r"|(?:到|至|截至)\s*" + YEAR + r"\s*年(?:底|末)?|"
    + YEAR + r"\s*年(?:底|末)?(?![\d一二三四五六七八九十]{1,2}月)|年底前|[一二三四五两\d]年内|年内|"
    r"每[两二三四五]?年|分年度|五年来"
)
DEADLINE_RE = re.compile(r"(?:\d{4}\s*年)?\d{1,2}\s*月(?:\d{1,2}\s*日|底|末)?(?:之前|以前|前)")
FYP_NUM_RE = re.compile(r"十([一二三四五六七八九])五")
RECURRENCE_RE = re.compile(r"每([两二三四五])?年|分年度")


def period_notes(quote: str, doc_year: int, plan: tuple[int, int], point: bool = True) -> dict[str, str] | None:
    """start=/end=/every= notes a period needs when its text alone does not give both bounds; `point=False`
    reads 至“十三五”末 as the whole five-year plan up to that point (for a flow counted over it)."""
    text = arabic_years(normalize.fold(quote))
    if text != normalize.fold(quote) and (years := re.findall(r"\d{4}", text)):
        # the builder reads no Chinese-digit year: both bounds are given (二〇二三年底 → 2023 … 2023-12-31)
        last = f"{years[-1]}-12-31" if re.search(r"年(?:底|末)", text) else years[-1]
        start = min(plan[0], int(years[0])) if re.match(r"(到|至|截至)", text) else int(years[0])
        return {"start": str(start), "end": last}
    if m := FYP_NUM_RE.search(text):
        interval = normalize.five_year_plan("十" + m.group(1))
        if point and text.endswith(("期末", "末")):  # a point: the last year of the five-year plan
            return {"start": str(interval.end.year), "end": str(interval.end.year)}
        return {"start": str(interval.start.year), "end": str(interval.end.year)}
    if DEADLINE_RE.fullmatch(text):  # 9月底前: from the start of the year to that day
        due = normalize.read_date(re.sub(r"(?:之|以)?前$", "", text), doc_year)
        return {"start": str(due.year), "end": due.isoformat()}
    if m := re.fullmatch(r"([一二三四五两\d])年内", text):  # 五年内: the first N years of the plan
        years = int(m.group(1)) if m.group(1).isdigit() else normalize.chinese_integer(m.group(1))
        return {"start": str(plan[0]), "end": str(plan[0] + years - 1)}
    if text in ("年底前", "年内"):
        return {"start": str(doc_year), "end": f"{doc_year}-12-31" if text == "年底前" else str(doc_year)}
    if m := RECURRENCE_RE.fullmatch(text):  # 每年, 分年度 (year by year), 每两年
        years = normalize.chinese_integer(m.group(1)) if m.group(1) else 1
        return {"start": str(plan[0]), "end": str(plan[1]), "every": f"P{years}Y"}
    if text == "五年来":
        return {"start": str(plan[0] - 5), "end": str(plan[0] - 1)}
    if re.match(r"(到|至|截至)", text):
        year = re.search(r"\d{4}", text).group()
        return {"start": str(min(plan[0], int(year))), "end": year}
    return {}


def arabic_years(text: str) -> str:
    """二〇二三年 → 2023年 (same length: offsets stay valid)."""
    return CN_YEAR_RE.sub(lambda m: str(normalize.chinese_integer(m.group())), text)


def add_period(draft: Draft, m: re.Match, doc_year: int, plan: tuple[int, int], conf: float = 0.8,
               point: bool = True, clip: bool = False) -> Span | None:
    """`clip`: a target's “十四五”期间 in a plan for 2023—2025 is the part of it the plan covers (a target's
    period may not reach outside its plan's), flagged for review."""
    notes = period_notes(m.group(), doc_year, plan, point)
    if notes is None:
        return None
    if clip and "start" in notes and int(notes["start"][:4]) < plan[0] <= int(notes["end"][:4]):
        notes["start"] = str(plan[0])
        draft.unresolved.append(f"period {m.group()} read as {plan[0]}–{notes['end']}, the part its plan covers")
    return draft.add("Period", m.start(), m.end(), conf, **notes)


def is_end_point(quote: str) -> bool:
    """至“十三五”期末, 截至2020年底: a value then is a stock reached by that point (Cumulative)."""
    text = normalize.fold(quote)
    return text.startswith(("至", "截至")) or text.endswith(("期末", "末", "底"))


def year_of(quote: str) -> int | None:
    m = re.search(r"(\d{4})", arabic_years(quote))
    return int(m.group(1)) if m else None


# a paragraph that opens with a five-year plan's period right under a heading (一、规划背景 / （二）发展目标
# → “十四五”时期，…): the period the section reviews or aims at, annotated though no value points at it
SECTION_PERIOD_RE = re.compile(r"^[ \t]*(?P<period>[“\"]?十[一二三四五六七八九]五[”\"]?(?:时期|期间))[，,]", re.M)
HEADING_LINE_RE = re.compile(r"[ \t]*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
                             r"[^。，,；;]{2,20}[ \t]*$")


def find_section_periods(draft: Draft, doc_year: int, plan: tuple[int, int], body_start: int) -> None:
    """“十三五”时期 opening the review section, “十四五”时期 opening the goals (GUIDELINES: Time: every Period
    annotation is a period of the graph, even when no value points at it)."""
    text = draft.shadow.text
    for m in SECTION_PERIOD_RE.finditer(text, body_start):
        line_end = text.rfind("\n", 0, m.start())
        previous = text[text.rfind("\n", 0, max(0, line_end - 1)) + 1:max(0, line_end)].strip("\n")
        while not previous.strip() and line_end > 0:  # blank lines between heading and paragraph
            line_end = text.rfind("\n", 0, line_end)
            previous = text[text.rfind("\n", 0, max(0, line_end)) + 1:max(0, line_end)]
        if HEADING_LINE_RE.fullmatch(previous):
            draft.add("Period", m.start("period"), m.end("period"), 0.7,
                      **period_notes(m.group("period"), doc_year, plan))


# 力争到“十四五”期末，每个化工园区都有…: a goal without a figure, due by an end point
GOAL_DEADLINE_RE = re.compile(r"(?<=力争)(?P<due>(?:到|至)\s*(?:[“\"]?十[一二三四五六七八九]五[”\"]?期?末|"
                              r"\d{4}\s*年(?:底|末)?))[，,](?P<goal>[^，。；,;\n\d]{4,40})(?=[。；;\n])")


def goal_deadlines(draft: Draft, body_start: int) -> None:
    """A Deadline (date= its last day: the builder cannot read an end point) for the goal clause that follows
    it, a Task; goals with a figure are targets (find_running_targets)."""
    text = draft.shadow.text
    for m in GOAL_DEADLINE_RE.finditer(text, body_start):
        fyp = FYP_NUM_RE.search(m.group("due"))
        year = normalize.five_year_plan("十" + fyp.group(1)).end.year if fyp else year_of(m.group("due"))
        deadline = draft.add("Deadline", m.start("due"), m.end("due"), 0.6, date=f"{year}-12-31")
        draft.relate("deadlineFor", deadline, draft.add("Task", m.start("goal"), m.end("goal"), 0.5))


# the action done in every interval (每年|组织…大赛, 分年度|进行…评选认定): a verb starts it
RECURRING_ACTION_RE = re.compile(r"(?:组织|开展|举办|进行|实施|评选|认定|选拔|召开|发布|评估)"
                                 r"[^，。；,;:：\n]{2,40}?(?=[，。；,;\n])")


def find_recurring_tasks(draft: Draft, doc_year: int, plan: tuple[int, int], body_start: int) -> None:
    """每年组织“劳动之星”职业技能大赛… (GUIDELINES: Time): a recurring activity without a value is a Task
    during a Period 每年 / 分年度 / 每两年 with every= and the plan's start and end."""
    text = draft.shadow.text
    for m in RECURRENCE_RE.finditer(text, body_start):
        action = RECURRING_ACTION_RE.match(text, m.end())
        if action is None or re.search(r"\d", action.group()):
            continue  # 每年组织不少于60项…: a value, the target's own period
        a, b = draft.shadow.to_original(m.start(), action.end())
        if draft.overlaps(a, b, "Target", "Baseline", "Task"):
            continue
        period = draft.add("Period", m.start(), m.end(), 0.7, **period_notes(m.group(), doc_year, plan))
        draft.relate("during", draft.add("Task", action.start(), action.end(), 0.6), period)
