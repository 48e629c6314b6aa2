"""Cited documents: 《…》 titles and document numbers, linked to corpus documents when they are in it."""

from __future__ import annotations

import re

from policykg.build.annotate.draft import Draft
from policykg.build.annotate.lexicon import Lexicon, key
from policykg.build.annotate.slugs import pinyin_slug, placeholder_en

DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[(［【]\s*(?:19|20)\d{2}\s*[〕\])］】]\s*\d{1,4}\s*号")
TITLE_RE = re.compile(r"《([^《》\n]{4,80})》")
BASED_ON_RE = re.compile(r"(?:根据|依据|按照)[^。；]*$")
NOT_A_DOCUMENT = ("表", "目录", "清单", "标准")


def _sentence_before(text: str, pos: int) -> str:
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos), text.rfind("；", 0, pos)) + 1
    return text[start:pos]


def corpus_document(lex: Lexicon, title: str, number: str | None) -> str | None:
    """The corpus stem of a cited document, by its number or by its (notice or plan) title."""
    if number and key(number) in lex.doc_numbers:
        return lex.doc_numbers[key(number)]
    k = key(title)
    for known, stem in lex.doc_titles.items():
        if k == known or (len(k) >= 8 and (k.endswith(known) or known.endswith(k))):
            return stem
    return None


def find_citations(draft: Draft, lex: Lexicon, own_number: str | None, own_titles: set[str], body_start: int) -> None:
    text = draft.shadow.text
    for m in TITLE_RE.finditer(text, body_start):
        title = m.group(1).strip()
        if key(title) in own_titles or title.endswith(NOT_A_DOCUMENT):
            continue
        after = text[m.end():m.end() + 24]
        num = DOC_NUMBER_RE.match(after.lstrip("(（ "))
        number_span = None
        if num and after[:1] in "(（":
            offset = m.end() + (len(after) - len(after.lstrip("(（ ")))
            number_span = (offset + num.start(), offset + num.end())
        number = text[number_span[0]:number_span[1]] if number_span else None
        stem = corpus_document(lex, title, number)
        slug = lex.lookup("CitedDocument", title) or (number and lex.lookup("CitedDocument", number))
        notes: dict[str, str] = {}
        if stem is not None:
            slug = slug or f"doc-{stem.split('_', 1)[0]}"
            notes["doc"] = stem
        if slug is None:
            slug = pinyin_slug(title)
            draft.unresolved.append(f"cited document not in the lexicon: 《{title}》 → {slug}")
        notes["en"] = lex.note("CitedDocument", slug, "en") or placeholder_en(slug)
        role = "BasedOn" if BASED_ON_RE.search(_sentence_before(text, m.start())) else "Cites"
        conf = 0.85 if stem or lex.lookup("CitedDocument", title) else 0.6
        for start, end in [(m.start(1), m.end(1))] + ([number_span] if number_span else []):
            span = draft.add("CitedDocument", start, end, conf, id=slug, **notes)
            if span is not None:
                span.attributes["CiteRole"] = role
    # numbers printed without a title
    for m in DOC_NUMBER_RE.finditer(text, body_start):
        if own_number and key(m.group()) == key(own_number):
            continue
        if draft.overlaps(*draft.shadow.to_original(m.start(), m.end()), "CitedDocument"):
            continue
        number = m.group()
        stem = corpus_document(lex, "", number)
        slug = lex.lookup("CitedDocument", number) or (f"doc-{stem.split('_', 1)[0]}" if stem else pinyin_slug(number))
        notes = {"en": lex.note("CitedDocument", slug, "en") or placeholder_en(slug)}
        if stem:
            notes["doc"] = stem
        span = draft.add("CitedDocument", m.start(), m.end(), 0.6, id=slug, **notes)
        if span is not None:
            role = "BasedOn" if BASED_ON_RE.search(_sentence_before(text, m.start())) else "Cites"
            span.attributes["CiteRole"] = role
