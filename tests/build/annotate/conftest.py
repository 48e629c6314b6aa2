"""Shared fixtures of the annotator tests: the lexicon of the curated corpus and a draft helper."""

from pathlib import Path

import pytest

from policykg import config
from policykg.build.annotate import annotate_text, learn_from_corpus

DATA = Path(__file__).resolve().parents[2] / "data" / "annotate"


@pytest.fixture(scope="session")
def lexicon():
    return learn_from_corpus(config.CORPUS_DIR)


@pytest.fixture(scope="session")
def lexicon_without():
    """A lexicon that has not seen the curated plans named by the test (as a new plan's annotator)."""
    cache: dict = {}

    def learn(*prefixes: str):
        if prefixes not in cache:
            stems = {p.stem for p in config.CORPUS_DIR.glob("*.txt") if p.name.startswith(prefixes)}
            cache[prefixes] = learn_from_corpus(config.CORPUS_DIR, exclude=stems)
        return cache[prefixes]
    return learn


class Found:
    """A draft with lookups by type and quote."""

    def __init__(self, draft):
        self.draft = draft

    def quotes(self, etype: str) -> list[str]:
        return [self.draft.text_of(s) for s in self.draft.of_type(etype)]

    def one(self, etype: str, quote: str):
        spans = [s for s in self.draft.of_type(etype) if self.draft.text_of(s) == quote]
        assert len(spans) == 1, (etype, quote, self.quotes(etype))
        return spans[0]

    def related(self, span, rtype: str) -> list[str]:
        return [self.draft.text_of(b) for t, a, b in self.draft.relations if a is span and t == rtype]


@pytest.fixture
def annotate(lexicon):
    def run(name_or_text: str) -> Found:
        text = (DATA / name_or_text).read_text(encoding="utf-8") if name_or_text.endswith(".txt") else name_or_text
        return Found(annotate_text(text, lexicon))
    return run
