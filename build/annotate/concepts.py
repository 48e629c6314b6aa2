"""Indicator concepts: the corpus's slug for a known wording (exact, then similar), else a new slug."""

from __future__ import annotations

from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon
from policykg.build.annotate.slugs import pinyin_slug, placeholder_en

SIMILARITY = 0.6


def indicator(draft: Draft, lex: Lexicon, start: int, end: int, confidence: float) -> Span | None:
    """An Indicator span over shadow[start:end] with its concept= (and the corpus's en= when known)."""
    name = draft.shadow.text[start:end]
    concept = lex.lookup("Indicator", name)
    if concept is None:
        concept, score = lex.similar("Indicator", name, SIMILARITY)
        confidence = min(confidence, 0.6) if concept else confidence
    notes = {}
    if concept is None:
        concept = pinyin_slug(name)
        notes["en"] = placeholder_en(concept)
        draft.unresolved.append(f"new indicator concept {name} → {concept}")
        confidence = min(confidence, 0.5)
    elif en := lex.note("Indicator", concept, "en"):
        notes["en"] = en
    return draft.add("Indicator", start, end, confidence, concept=concept, **notes)
