"""Indicator concepts: the corpus's slug for a known wording, else a new slug marked for review.

Resolution, surest first: the same printed form; the same form once a trailing count word (数, 总量,
数量) is dropped; a 其中 row's known sub-concept of its parent; the concept of a group named alone
(农民工 → migrant-worker-training); the most similar known form (character bigrams) when its head (last
character) agrees and neither form is the other with a modifier in front (高技能人才 ≠ 技能人才).
"""

from __future__ import annotations

import re

from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon, bigrams, key
from policykg.build.annotate.slugs import pinyin_slug, placeholder_en

SIMILARITY = 0.6
SAME_ACTION = 0.8
SHORT = 4  # a core this short differs in meaning by one character
COUNT_WORDS = re.compile(r"(?:总量|数量|总数|数)$")
# the verb a table row or a goal starts with is not part of what is counted (建设国家级… = 国家级…)
LEAD_VERBS = re.compile(r"^(?:建设|新建|开展|组织|举办|实施|完成|培育|创建)?(?:各类|各种)?")


CLAUSE_BREAK = "，。；：、,;:\n（）()"
# words that open an indicator phrase but are not part of it (an item number 4. too)
LEAD_WORDS = re.compile(r"^(?:\d+[.、]|全[国省市区县]|我[省市]|年内|每年|计划|预计|力争|实现|累计|共|其中|此外|同时|并|"
                        r"再|另)+")
# 培训农民工 counts the training of a group: the group's concept (农民工 → migrant-worker-training)
GROUP_VERB = re.compile(r"^(?:培训|开展培训|组织培训)")


# 职业技能培训, 职业培训, 技能培训 and 培训 name one activity in an indicator (开展补贴性培训 = 开展补贴性职业技能培训)
TRAINING_RE = re.compile(r"(?:职业技能|职业|技能)培训")


# the plans name skilled workers 技能劳动者 or 技能人才 alike, and a share of 就业人员总量 is a share of 就业人员
WORKERS_RE = re.compile(r"技能劳动者")
SHARE_OF_TOTAL_RE = re.compile(r"(?:总量|总数)(?=的?(?:比例|比重))")


# 培训企业职工 (verb–object) and 企业职工培训 name one activity
TRAIN_OBJECT_RE = re.compile(r"^培训(?P<object>[\u4e00-\u9fff]{2,8})$")


def _core(form: str) -> str:
    k = SHARE_OF_TOTAL_RE.sub("", WORKERS_RE.sub("技能人才", key(form)))
    k = TRAINING_RE.sub("培训", LEAD_VERBS.sub("", COUNT_WORDS.sub("", k)) or k)
    return TRAIN_OBJECT_RE.sub(r"\g<object>培训", k)


def known_concept(lex: Lexicon, name: str) -> str | None:
    """The concept of a name the corpus knows by its form or its core, without similarity guesses."""
    return lex.lookup("Indicator", name) or _cores(lex).get(_core(name))


def indicator_automaton(lex: Lexicon):
    """Known indicator forms (at least four characters), built once per lexicon."""
    from policykg.build.annotate.agencies import _automaton

    if "indicator" not in lex.cache:
        lex.cache["indicator"] = _automaton([f for f in lex.all_forms("Indicator") if len(f) >= 4])
    return lex.cache["indicator"]


def _cores(lex: Lexicon) -> dict[str, str]:
    if "concept-cores" not in lex.cache:
        cores: dict[str, str] = {}
        for form, counts in sorted(lex.forms.get("Indicator", {}).items()):
            cores.setdefault(_core(form), counts.most_common(1)[0][0])
        lex.cache["concept-cores"] = cores
    return lex.cache["concept-cores"]


# the items of a list inside a name (职业资格证书、职业技能等级证书或专项职业能力证书)
LIST_SEPARATOR = re.compile(r"[、或和及与/]")


def _context_cores(lex: Lexicon) -> dict[str, str]:
    """Cores of the clause before a value whose indicator the curated file names after it (全省从失业保险基金
    结余中筹集|62亿元，建立…专账资金): how a plan words the same quantity when it names it by the action."""
    if "context-cores" not in lex.cache:
        cores: dict[str, str] = {}
        for context, counts in sorted(lex.value_contexts.items()):
            clause = re.split("[" + CLAUSE_BREAK + "]", context)[-1]
            clause = clause[LEAD_WORDS.match(clause).end():] if LEAD_WORDS.match(clause) else clause
            if len(key(clause)) >= 4:
                cores.setdefault(_core(clause), counts.most_common(1)[0][0])
        lex.cache["context-cores"] = cores
    return lex.cache["context-cores"]


# a level or grade in front of the words two forms share makes another thing (新增高技能人才 ≠ 新增技能人才,
# 市级技能大师工作室 ≠ 国家级技能大师工作室)
LEVEL_RE = re.compile(r"(?:高|国家级|省级|市级|县级|区级|国家|省|市|县)$")


def _level_clash(form: str, core: str) -> bool:
    from difflib import SequenceMatcher

    common = SequenceMatcher(None, form, core, autojunk=False).find_longest_match(0, len(form), 0, len(core))
    if common.size < 3:
        return False
    levels = [LEVEL_RE.search(side[:at]) for side, at in ((form, common.a), (core, common.b))]
    return len({m.group() if m else None for m in levels}) == 2


def _similar(cores: dict[str, str], name: str) -> str | None:
    core = _core(name)
    target = bigrams(core)
    items = len(LIST_SEPARATOR.split(core))
    best, score = None, 0.0
    for form, concept in cores.items():
        if form.endswith(core) or core.endswith(form) or _level_clash(form, core):
            continue  # one is the other with a modifier in front (高技能人才 ≠ 技能人才), or another level
        if len(LIST_SEPARATOR.split(form)) != items:
            continue  # a list of another length counts other things (…或专项职业能力证书: another scope)
        grams = bigrams(form)
        s = 2 * len(target & grams) / (len(target) + len(grams))
        if form[-1:] != core[-1:] and s < SAME_ACTION:
            continue  # another head noun; a verb-final phrase (…结余中筹集 ~ …结余中拿出) only when nearly equal
        if min(len(form), len(core)) <= SHORT and s < SAME_ACTION:
            continue  # one character of four is another thing (就业培训 ≠ 创业培训)
        if s > score:
            best, score = concept, s
    return best if score >= SIMILARITY else None


def resolve_concept(lex: Lexicon, name: str, parent: str | None = None) -> tuple[str | None, float]:
    """(concept, confidence) for an indicator name; (None, 0) when the corpus has no such concept."""
    if concept := lex.lookup("Indicator", name):
        return concept, 0.9
    if concept := _cores(lex).get(_core(name)):
        return concept, 0.85
    if parent is not None and lex.children.get(parent):
        candidates = lex.children[parent]
        if len(candidates) == 1:
            return next(iter(candidates)), 0.7
    if group := lex.lookup("TargetGroup", name) or lex.lookup("TargetGroup", GROUP_VERB.sub("", name)):
        concepts = lex.group_concepts.get(group)
        if concepts and len(concepts) == 1:
            return next(iter(concepts)), 0.7
    if concept := _similar(_cores(lex), name) or _similar(_context_cores(lex), name):
        return concept, 0.6
    return None, 0.0


def indicator(draft: Draft, lex: Lexicon, start: int, end: int, confidence: float,
              parent: Span | None = None, more: tuple[tuple[int, int], ...] = ()) -> Span | None:
    """An Indicator span over shadow[start:end] (and the `more` ranges of a name split around its value:
    职工教育经费 … 用于一线职工的职业技能培训) with its concept= (and the corpus's en= when known)."""
    parts = ((start, end), *more)
    name = "".join(draft.shadow.text[a:b] for a, b in parts)
    concept, sureness = resolve_concept(lex, name, parent.notes["concept"] if parent is not None else None)
    notes = {}
    if concept is None:
        concept = pinyin_slug(name)
        notes["en"] = placeholder_en(concept)
        # every concept is a stock or a flow (GUIDELINES: stock vs flow); a new one gets a guess to review
        notes["kind"] = guess_kind(name)
        draft.unresolved.append(f"new indicator concept {name} → {concept} (kind={notes['kind']} guessed)")
        confidence = min(confidence, 0.5)
    else:
        confidence = min(confidence, sureness)
        for note in ("en", "kind"):
            if value := lex.note("Indicator", concept, note):
                notes[note] = value
        if "kind" not in notes:  # the corpus states a concept's kind once, perhaps not in what was learned
            notes["kind"] = guess_kind(name)
            draft.unresolved.append(f"indicator concept {concept}: kind={notes['kind']} guessed")
    return draft.add_parts("Indicator", parts, confidence, concept=concept, **notes)


# a stock is a level at an instant (总量, 比例, 现有 …); anything counted over a period (开展, 新增, 培训 …) a flow
_STOCK_WORDS = re.compile(r"总量|总数|总规模|比例|比重|占比|覆盖率|率$|现有|累计|存量|达到|拥有|建成.*(总|个数)")


# an activity done for or by people (农民工参加职业技能培训, 培训企业职工, …用于一线职工的职业技能培训): the groups
# named in it are whom the indicator counts (concerns); in 高技能人才数 or …高技能人才培训基地 the group names
# the counted people themselves or qualifies another thing
GROUP_ACTIVITY_RE = re.compile(r"^培训|培训$|参加|参训")


def counts_group_activity(name: str) -> bool:
    return GROUP_ACTIVITY_RE.search(name) is not None


def guess_kind(name: str) -> str:
    """stock or flow for an indicator name the corpus does not know yet (a draft, marked for review)."""
    return "stock" if _STOCK_WORDS.search(name) else "flow"
