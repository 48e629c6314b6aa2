"""Target groups and named programmes: lexicon forms (Aho-Corasick) and quoted names of new programmes."""

from __future__ import annotations

import re

from policykg.build.annotate.agencies import _automaton, longest_matches
from policykg.build.annotate.draft import Draft
from policykg.build.annotate.lexicon import Lexicon, bigrams
from policykg.build.annotate.slugs import pinyin_slug, placeholder_en

QUOTED_PROGRAMME_RE = re.compile(r"[“\"]([\u4e00-\u9fff·+]{2,16}(?:计划|行动|工程|品牌|项目|活动|大赛))[”\"]")
BLOCKING = ("Agency", "CitedDocument", "PlanTitle", "NoticeTitle", "Indicator", "Program")


def _forms_automaton(lex: Lexicon, etype: str, shortest: int):
    """The known forms of one type, built once per lexicon (a table calls this for every row)."""
    name = f"forms-{etype}"
    if name not in lex.cache:
        lex.cache[name] = _automaton([f for f in lex.all_forms(etype) if len(f) >= shortest])
    return lex.cache[name]


def _paragraph(text: str, pos: int) -> int:
    return text.count("\n", 0, pos)


def find_groups(draft: Draft, lex: Lexicon, body_start: int) -> None:
    """Known target groups, the first mention of each in a paragraph (GUIDELINES checklist 5)."""
    text = draft.shadow.text
    auto = _forms_automaton(lex, "TargetGroup", 2)
    seen: set[tuple[str, int]] = set()
    for s, e, w in longest_matches(auto, text, body_start):
        slug = lex.lookup("TargetGroup", w)
        para = _paragraph(text, s)
        if (slug, para) in seen or draft.overlaps(*draft.shadow.to_original(s, e), "Agency", "CitedDocument"):
            continue
        seen.add((slug, para))
        notes = {"id": slug}
        for note in ("en", "kind"):  # kind=organisations: a kind of organisation, not a group of people
            if value := lex.note("TargetGroup", slug, note):
                notes[note] = value
        draft.add("TargetGroup", s, e, 0.8 if len(w) > 2 else 0.6, **notes)
    _similar_groups(draft, lex, body_start, seen)


GROUP_SIMILARITY = 0.75


def _group_heads(lex: Lexicon) -> dict[str, list[tuple[str, set[str]]]]:
    """Known group forms of at least five characters by their last two (their head noun: 劳动者, 职工 …)."""
    if "group-heads" not in lex.cache:
        heads: dict[str, list[tuple[str, set[str]]]] = {}
        for form in lex.all_forms("TargetGroup"):
            if len(form) >= 5:
                heads.setdefault(form[-2:], []).append((form, bigrams(form)))
        lex.cache["group-heads"] = heads
    return lex.cache["group-heads"]


def _similar_groups(draft: Draft, lex: Lexicon, body_start: int, seen: set[tuple[str, int]]) -> None:
    """A group the corpus knows under a slightly different wording (有创业意愿和培训需求的各类劳动者 ~
    …的劳动者, 转岗员工 ~ 转岗职工 is not: the head differs): same head noun, character bigrams alike."""
    text = draft.shadow.text
    heads = _group_heads(lex)
    if not heads:
        return
    head_re = lex.cache.setdefault("group-head-re", re.compile("|".join(map(re.escape, sorted(heads)))))
    taken = bytearray(len(draft.shadow.original) + 1)  # characters already in a group, agency or title
    for span in draft.of_type("TargetGroup", "Agency", "CitedDocument"):
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    known = {slug for slug, _ in seen}
    for m in head_re.finditer(text, body_start):
        end = m.end()
        if any(taken[slice(*draft.shadow.to_original(m.start(), end))]):
            continue
        forms = heads[m.group()]
        best = None
        shortest = max(3, min(len(f) for f, _ in forms) - 3)
        for length in range(shortest, max(len(f) for f, _ in forms) + 4):
            start = end - length
            if start < body_start or not CJK_RUN_RE.fullmatch(text, start, end):
                break  # a longer candidate would hold this punctuation too
            candidate = bigrams(text[start:end])
            for form, grams in forms:
                if abs(len(form) - length) <= 3:
                    score = 2 * len(candidate & grams) / (len(candidate) + len(grams))
                    if score >= GROUP_SIMILARITY and (best is None or score > best[0]):
                        best = (score, start, form)
        if best is None:
            continue
        slug = lex.lookup("TargetGroup", best[2])
        a, b = draft.shadow.to_original(best[1], end)
        if slug in known or any(taken[a:b]):
            continue  # (a wording the corpus does not use: once per plan, for the reviewer to confirm)
        known.add(slug)
        seen.add((slug, _paragraph(text, best[1])))
        notes = {"id": slug}
        for note in ("en", "kind"):
            if value := lex.note("TargetGroup", slug, note):
                notes[note] = value
        if draft.add("TargetGroup", best[1], end, 0.5, **notes) is not None:
            taken[a:b] = b"\x01" * (b - a)


CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")


def find_programmes(draft: Draft, lex: Lexicon, body_start: int) -> None:
    """Known named programmes, and new quoted names ending in 计划/行动/工程/品牌 … (new slug, draft en=)."""
    text = draft.shadow.text
    auto = _forms_automaton(lex, "NamedProgram", 3)
    seen: set[tuple[str, int]] = set()
    found = [(s, e, lex.lookup("NamedProgram", w), 0.8) for s, e, w in longest_matches(auto, text, body_start)]
    for m in QUOTED_PROGRAMME_RE.finditer(text, body_start):
        if not any(s <= m.start(1) < e for s, e, _, _ in found):
            found.append((m.start(1), m.end(1), None, 0.5))
    for s, e, slug, conf in sorted(found):
        para = _paragraph(text, s)
        if draft.overlaps(*draft.shadow.to_original(s, e), *BLOCKING):
            continue
        notes: dict[str, str] = {}
        if slug is None:
            name = text[s:e]
            slug = lex.lookup("NamedProgram", name) or pinyin_slug(name)
            notes["en"] = lex.note("NamedProgram", slug, "en") or placeholder_en(slug)
            draft.unresolved.append(f"new programme {name} → {slug}")
        elif en := lex.note("NamedProgram", slug, "en"):
            notes["en"] = en
        if (slug, para) in seen:
            continue
        seen.add((slug, para))
        draft.add("NamedProgram", s, e, conf, id=slug, **notes)


def find_groups_in(draft: Draft, lex: Lexicon, start: int, end: int) -> list:
    """Known target groups inside shadow[start:end] (an indicator name such as 农民工参加职业技能培训)."""
    auto = _forms_automaton(lex, "TargetGroup", 2)
    spans = []
    for s, e, w in longest_matches(auto, draft.shadow.text, start, end):
        slug = lex.lookup("TargetGroup", w)
        notes = {"id": slug}
        if en := lex.note("TargetGroup", slug, "en"):
            notes["en"] = en
        if (span := draft.add("TargetGroup", s, e, 0.8, **notes)) is not None:
            spans.append(span)
    return spans


SERVES_CUE_RE = re.compile(r"面向|对象|针对|帮助|扶持|为[^，。；]{0,12}提供")


def link_served_groups(draft: Draft) -> None:
    """`serves`: the groups named inside a box title or an item's span; the groups in a named programme's
    own name, in the item it opens, or in its sentence when that addresses them (面向…, …为培训对象, 针对…)."""
    groups = draft.of_type("TargetGroup")
    for holder in draft.of_type("Program", "ProgramItem"):
        for group in groups:
            if holder.start <= group.start and group.end <= holder.end:
                draft.relate("serves", holder, group)
    items = draft.of_type("ProgramItem")
    for named in draft.of_type("NamedProgram"):
        for group in groups:  # 农村转移劳动力等职业技能提升计划: the group in its own name
            if named.start <= group.start and group.end <= named.end:
                draft.relate("serves", named, group)
        # an item that opens with the programme's name (1. 青年专项技能培训计划。…) is that programme's measure
        for item in items:
            if item.start <= named.start <= item.start + 4:
                for group in groups:
                    if item.start <= group.start and group.end <= item.end:
                        draft.relate("serves", named, group)
    shadow = draft.shadow
    for named in draft.of_type("NamedProgram"):
        # the sentence on the shadow: simplified characters (對象 → 对象), hard-wrapped lines joined
        s, e = shadow.from_original(named.start), shadow.from_original(named.end)
        start = max(shadow.text.rfind(c, 0, s) for c in "。；\n") + 1
        ends = [i for i in (shadow.text.find(c, e) for c in "。；\n") if i >= 0]
        end = min(ends) if ends else len(shadow.text)
        if not SERVES_CUE_RE.search(shadow.text, start, end):
            continue
        o_start = shadow.index[start] if start < len(shadow.index) else len(shadow.original)
        o_end = shadow.index[end - 1] + 1 if end > 0 else 0
        for group in groups:
            if o_start <= group.start and group.end <= o_end:
                draft.relate("serves", named, group)
