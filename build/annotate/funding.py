"""Sources of money (GUIDELINES: Funding, fundedBy, governs), by the forms the curated corpus knows.

A source inside a task's own words is what the duty is about (统筹利用就业补助资金… → `governs`); a source
that a clause uses for what follows it (利用中央预算内投资 | 重点支持建设…, 在职工教育经费和安全生产费用预算中 |
足额安排…) pays for that task (`fundedBy`, the task drafted when it is not there yet).
"""

from __future__ import annotations

import re

from policykg.build.annotate.agencies import _automaton, longest_matches
from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon

USE_BEFORE_RE = re.compile(r"(?:利用|通过|使用|从|在|由)$")
# what stands between the sources and the task they pay for
BETWEEN_RE = re.compile(r"(?:[、和及与]|以及)")
AFTER_RE = re.compile(r"(?:等)?(?:预算)?(?:中|内)?(?:列支|安排)?[，,]?")
CLAUSE_END = "，。；,;\n"
MIN_TASK, MAX_TASK = 4, 40


def _funding(draft: Draft, lex: Lexicon, s: int, e: int) -> Span | None:
    slug = lex.lookup("Funding", draft.shadow.text[s:e])
    notes = {"id": slug}
    if en := lex.note("Funding", slug, "en"):
        notes["en"] = en
    return draft.add("Funding", s, e, 0.7, **notes)


def find_funding(draft: Draft, lex: Lexicon, body_start: int) -> None:
    text = draft.shadow.text
    auto = lex.cache.get("funding")
    if auto is None:
        auto = lex.cache["funding"] = _automaton([f for f in lex.all_forms("Funding") if len(f) >= 4])
    hits = longest_matches(auto, text, body_start)
    tasks = [(t, draft.shadow.from_original(t.start), draft.shadow.from_original(t.end)) for t in draft.of_type("Task")]
    i = 0
    while i < len(hits):
        s, e, _ = hits[i]
        inside = next((t for t, ts, te in tasks if ts <= s and e <= te), None)
        if inside is not None:
            draft.relate("governs", inside, _funding(draft, lex, s, e))
            i += 1
            continue
        if not USE_BEFORE_RE.search(text[max(0, s - 2):s]):
            _governing_clause(draft, lex, s, e)
            i += 1
            continue
        run = [hits[i]]  # 就业补助资金、失业保险基金和…: one list of sources
        while i + 1 < len(hits) and BETWEEN_RE.fullmatch(text[run[-1][1]:hits[i + 1][0]]):
            i += 1
            run.append(hits[i])
        start = AFTER_RE.match(text, run[-1][1]).end()
        end = start
        while end < len(text) and text[end] not in CLAUSE_END:
            end += 1
        if MIN_TASK <= end - start <= MAX_TASK:
            task = draft.add("Task", start, end, 0.5)
            for fs, fe, _ in run:
                draft.relate("fundedBy", task, _funding(draft, lex, fs, fe))
        else:  # 统筹利用就业补助资金、失业保险基金…。: nothing follows, the clause is about the money
            for fs, fe, _ in run:
                _governing_clause(draft, lex, fs, fe)
        i += 1


def _governing_clause(draft: Draft, lex: Lexicon, s: int, e: int) -> None:
    """督促企业依法足额提取职工教育经费, 规范…专账资金管理使用: a clause whose verb acts on the money itself."""
    text = draft.shadow.text
    start = s
    while start > 0 and text[start - 1] not in CLAUSE_END:
        start -= 1
    end = e
    while end < len(text) and text[end] not in CLAUSE_END:
        end += 1
    while start < s and text[start] in " \t":
        start += 1
    if s - start >= 2 and MIN_TASK <= end - start <= MAX_TASK and GOVERNING_VERB_RE.match(text, start):
        draft.relate("governs", draft.add("Task", start, end, 0.5), _funding(draft, lex, s, e))


# verbs of raising, keeping, using or checking money (GUIDELINES: governs)
GOVERNING_VERB_RE = re.compile(r"(?:进一步|切实|依法|严格)?(?:统筹|督促|规范|加强|压实|落实|开展|提取|筹集|建立"
                               r"|管好|用好|审核|监管|检查)")
