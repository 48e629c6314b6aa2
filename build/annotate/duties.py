"""Tasks given to agencies (GUIDELINES: Task, responsibleFor, leads, primaryFor) and the groups they serve.

An agency with a duty (各地要…, 发展改革、教育…等部门要…, 由市人社局牵头…) is joined to the measure it is
given: the 专栏 item it stands in, else the first clause after it that says what to do. Clauses that only
frame the duty (切实承担主体责任, 发挥各自职能作用, 在调查研究的基础上, 根据…) are skipped; 主体责任 makes the
relation `primaryFor`, 牵头 `leads`, anything else `responsibleFor`.
"""

from __future__ import annotations

import re

from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.periods import DEADLINE_RE

CLAUSE_END = "，。；,;\n"
SENTENCE_END = "。；;\n"
# words between an agency and its task that are not part of the task
CUE_RE = re.compile(r"(?:[、和及]|以及|会同|要|应当|应|须|必须|将要|于|在)*")
# clauses that frame a duty instead of naming it
FRAME_RE = re.compile(r"主体责任|发挥.{0,12}(?:作用|职能)|(?:基础|前提)上|前提下"
                      r"|^(?:根据|按照|依据|围绕|聚焦|结合|立足|对照|针对)"
                      r"|^(?:切实|进一步)?(?:加强|强化)?(?:组织)?领导$|^各司其职$|^积极$"
                      r"|^在.{0,12}(?:前|后|时|中)$|的$|同志$")  # 在申请专账资金前, 引领…工作的
MIN_TASK, MAX_TASK = 4, 40


def _clauses(text: str, start: int, end: int):
    """(start, end) of each clause of text[start:end]."""
    pos = start
    for i in range(start, end + 1):
        if i == end or text[i] in CLAUSE_END:
            if i > pos:
                yield pos, i
            pos = i + 1


def task_range(text: str, after: int) -> tuple[int, int, bool] | None:
    """The task clause after an agency ending at `after`: (start, end, primary) where `primary` says a
    主体责任 frame came first."""
    stop = min([i for i in (text.find(c, after) for c in SENTENCE_END) if i >= 0] or [len(text)])
    primary = False
    for s, e in _clauses(text, after, stop):
        m = CUE_RE.match(text, s)
        s = m.end() if m.end() < e else s
        if d := DEADLINE_RE.match(text, s):  # 要于5月10日前汇总报送…: the task after the deadline
            s = d.end()
        if FRAME_RE.search(text[s:e]):
            primary = primary or "主体责任" in text[s:e]
            continue
        if paren := re.search(r"[(（][^()（）]*[)）]$", text[s:e]):  # 汇总报送《…》（见附件）
            e = s + paren.start()
        if MIN_TASK <= e - s <= MAX_TASK and re.search(r"[\u4e00-\u9fff]{2}", text[s:e]):
            return s, e, primary
        return None
    return None


ITEM_OPENING = 4  # an agency this close to an item's number (3.人力资源社会保障、…等部门…) is the item's subject


def _in_item(draft: Draft, agency: Span) -> Span | None:
    return next((item for item in draft.of_type("ProgramItem") if item.start <= agency.start < item.end), None)


JOINER_RE = re.compile(r"[、，,和及与]?|以及|[^，。；,;]{0,6}?(?:会同|配合)[^，。；,;]{0,4}")


def _named_together(draft: Draft, duty: list[Span]) -> list[list[Span]]:
    """Agencies with a duty, grouped when only a joiner stands between them (发展改革、教育…; 工商联…会同…)."""
    runs: list[list[Span]] = []
    for agency in duty:
        gap = draft.shadow.original[runs[-1][-1].end:agency.start].strip() if runs else None
        if gap is not None and JOINER_RE.fullmatch(gap):
            runs[-1].append(agency)
        else:
            runs.append([agency])
    return runs


# a numbered paragraph's heading: （三十三）构建新型职业技能竞赛格局。
PARAGRAPH_HEADING_RE = re.compile(r"\s*[(（][一二三四五六七八九十]+[)）]\s*(?P<heading>[^，。；,;\n]{4,40})。")


def _framed(text: str, start: int, end: int) -> bool:
    """发挥各级就业工作领导小组作用 (the body is asked to play its part) or …、妇联等共同参与 (the bodies take part
    in what the sentence builds): the body's measure is not the clause after it."""
    before = text[max(0, start - 4):start]
    return before.endswith("发挥") and text.startswith("作用", end) or text.startswith(("共同参与", "参与"), end)


def _paragraph_measure(text: str, pos: int) -> tuple[int, int] | None:
    """The heading of the numbered paragraph holding `pos`: the measure its sentences spell out."""
    start = text.rfind("\n", 0, pos) + 1
    m = PARAGRAPH_HEADING_RE.match(text, start)
    return (m.start("heading"), m.end("heading")) if m and m.end() <= pos else None


def _task_of(text: str, start: int, end: int) -> tuple[int, int, bool, bool] | None:
    """(start, end, primary, lead) of the measure given to the bodies at shadow[start:end]."""
    tail = re.match(r"(?:等(?:有关)?(?:部门|单位)(?:和单位)?|等)?", text[end:])
    end += tail.end()
    if _framed(text, start, end):
        heading = _paragraph_measure(text, start)
        return (*heading, False, False) if heading else None
    lead = text.startswith(("牵头", "负责牵头"), end)
    found = task_range(text, end + (2 if lead else 0))
    return (*found, lead) if found else None


def find_duties(draft: Draft) -> None:
    text = draft.shadow.text
    groups = draft.of_type("TargetGroup")
    duty = [a for a in draft.of_type("Agency") if a.attributes.get("Role") == "Duty"]
    for run in _named_together(draft, duty):
        # the subject of a 专栏 item is given the item; a body named later in it (…各地将…纳入…) the clause
        # after it, as outside boxes, else the item it stands in
        item = _in_item(draft, run[0])
        if item is not None and run[0].start - item.start <= ITEM_OPENING:
            for agency in run:
                draft.relate("responsibleFor", agency, item)
            continue
        outside = run
        shadow = draft.shadow
        found = _task_of(text, shadow.from_original(outside[0].start), shadow.from_original(outside[-1].end))
        if found is None:
            for agency in outside if item is not None else ():
                draft.relate("responsibleFor", agency, item)
            continue
        s, e, primary, lead = found
        task = draft.add("Task", s, e, 0.5)
        if task is None:
            continue
        for agency in outside:
            draft.relate("leads" if lead else "primaryFor" if primary else "responsibleFor", agency, task)
        for group in groups:
            if task.start <= group.start and group.end <= task.end:
                draft.relate("serves", task, group)
