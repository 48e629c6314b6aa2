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
GAP = 4  # at most this many characters of a modifier left out or added inside a known name
GAP_SCORE = 0.9


def _group_heads(lex: Lexicon) -> dict[str, dict[int, list[tuple[str, set[str], str]]]]:
    """Known group forms of at least five characters by their last two (their head noun: 劳动者, 职工 …) and
    their length, as (form, bigrams, slug). A head the curated files use interchangeably for one group
    (新招用员工 / 新招用职工, 创业培训讲师 / 创业培训师资: two forms of one slug that differ only in it) also
    files the form under the other head."""
    if "group-heads" not in lex.cache:
        forms = [(f, lex.lookup("TargetGroup", f)) for f in lex.all_forms("TargetGroup")]
        by_body: dict[tuple[str, str], set[str]] = {}
        for form, slug in forms:
            if len(form) >= 4:
                by_body.setdefault((form[:-2], slug), set()).add(form[-2:])
        synonyms: dict[str, set[str]] = {}
        for group in by_body.values():
            for head in group:
                synonyms.setdefault(head, set()).update(group - {head})
        heads: dict[str, dict[int, list[tuple[str, set[str], str]]]] = {}
        seen: set[tuple[str, str]] = set()
        for form, slug in forms:
            if len(form) >= 5:
                for head in sorted({form[-2:]} | synonyms.get(form[-2:], set())):
                    variant = form[:-2] + head
                    if (variant, slug) not in seen:
                        seen.add((variant, slug))
                        entry = (variant, bigrams(variant), slug)
                        heads.setdefault(head, {}).setdefault(len(variant), []).append(entry)
        lex.cache["group-heads"] = heads
        # a tail that several groups share (从业人员, 人员) names no group by itself
        tails: dict[str, set[str]] = {}
        for form, slug in forms:
            for n in range(2, len(form)):
                tails.setdefault(form[-n:], set()).add(slug)
        lex.cache["group-generic"] = {tail for tail, slugs in tails.items() if len(slugs) >= 2}
        lex.cache["group-ends"] = {form[-2:] for form, _ in forms}  # 技术工人、…: the item before is a group
    return lex.cache["group-heads"]


def _gap_match(candidate: str, form: str) -> bool:
    """One is the other with a modifier of 1–GAP characters inside it left out (职业院校学生 ~ 职业院校青年学生,
    脱贫人口 ~ 脱贫享受政策人口): both keep at least two characters on each side."""
    short, long_ = sorted((candidate, form), key=len)
    gap = len(long_) - len(short)
    if not 0 < gap <= GAP or len(short) < 4:
        return False
    return any(long_.startswith(short[:i]) and long_.endswith(short[i:]) for i in range(2, len(short) - 1))


def _closest_group(text: str, start_min: int, end: int, forms) -> tuple[float, int, str] | None:
    """The best (score, start, slug) of the candidates ending at `end` against the known forms of one head
    (`forms`: by length, as `_group_heads` files them)."""
    best = None
    lengths = forms.keys()
    longest = max(lengths) + GAP
    run = CJK_TAIL_RE.search(text, max(start_min, end - longest), end)  # a candidate never holds punctuation
    for length in range(max(3, min(lengths) - GAP), min(longest, end - run.start()) + 1):
        start = end - length
        candidate = text[start:end]
        grams = bigrams(candidate)
        size, prefix = len(grams), candidate[:2]
        for n in range(length - GAP, length + GAP + 1):
            for form, form_grams, slug in forms.get(n, ()):
                score = 2 * len(grams & form_grams) / (size + len(form_grams))
                if score < GAP_SCORE and form.startswith(prefix) and _gap_match(candidate, form):
                    score = GAP_SCORE  # same start and end as a known name: surer than shared bigrams alone
                if score >= GROUP_SIMILARITY and (best is None or (score, length) > (best[0], end - best[1])):
                    best = (score, start, slug)  # (on a tie the longer name)
    return best


def _last_conjunct(lex: Lexicon, text: str, start: int) -> bool:
    """新技术、新产业、新业态、|新模式从业人员: the name after a list of bare modifiers is the last of them
    with the head they share; the group is the whole list (GUIDELINES: a qualified group that is itself the
    subject is its own group), not the known group that looks like the last conjunct."""
    if text[start - 1:start] != "、":
        return False
    before = re.split(r"[，。；、,;\s]", text[max(0, start - 12):start - 1])[-1]
    return before[-2:] not in lex.cache["group-ends"]


def _similar_groups(draft: Draft, lex: Lexicon, body_start: int, seen: set[tuple[str, int]]) -> None:
    """A group the corpus knows under a slightly different wording (有创业意愿和培训需求的各类劳动者 ~
    …的劳动者; 职业院校学生 ~ 职业院校青年学生): same head noun (or one the corpus uses for it), character
    bigrams alike or a modifier left out. It takes the place of shorter known groups inside it (学生 in
    职业院校学生, 青年 and 学生 in 职业院校青年学生), never of an agency, a title or a group reaching outside it."""
    text = draft.shadow.text
    heads = _group_heads(lex)
    if not heads:
        return
    generic = lex.cache["group-generic"]
    # overlapping (a lookahead): 能人 in 技能人才 must not hide the head 人才
    head_re = lex.cache.setdefault("group-head-re", re.compile("(?=(" + "|".join(map(re.escape, sorted(heads))) + "))"))
    taken = bytearray(len(draft.shadow.original) + 1)  # characters already in an agency or title
    for span in draft.of_type("Agency", "CitedDocument"):
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    groups = draft.of_type("TargetGroup")
    known = {slug for slug, _ in seen}
    for m in head_re.finditer(text, body_start):
        end = m.end(1)
        if any(taken[slice(*draft.shadow.to_original(m.start(1), end))]):
            continue
        best = _closest_group(text, body_start, end, heads[m.group(1)])
        if best is None or text[best[1]:end] in generic or lex.lookup("TargetGroup", text[best[1]:end]):
            continue  # (a known form is the exact matcher's: there it was a repeat in its paragraph)
        slug = best[2]
        a, b = draft.shadow.to_original(best[1], end)
        inside = [g for g in groups if a < g.end and g.start < b]
        if slug in known or any(taken[a:b]) or any(g.start <= a and g.end >= b for g in inside) or any(
                g.start < a or g.end > b for g in inside) or _last_conjunct(lex, text, best[1]):
            continue  # (a wording the corpus does not use: once per plan, for the reviewer to confirm)
        if any(g.notes.get("id") == slug for g in inside):
            continue
        for shorter in inside:  # 学生 in 职业院校学生: the longer name is the group
            draft.remove(shorter)
            groups.remove(shorter)
        known.add(slug)
        seen.add((slug, _paragraph(text, best[1])))
        notes = {"id": slug}
        for note in ("en", "kind"):
            if value := lex.note("TargetGroup", slug, note):
                notes[note] = value
        if (added := draft.add("TargetGroup", best[1], end, 0.5, **notes)) is not None:
            groups.append(added)


CJK_TAIL_RE = re.compile(r"[\u4e00-\u9fff]*$")  # (searched in a window: the CJK run ending at its end)


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
