"""Lexicons learned from the curated .ann files: printed forms → the corpus's shared slugs and labels."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policykg.build.annotate.places import NATIONAL, Places
from policykg.build.annotate.shadow import make_shadow
from policykg.build.annotations import AnnotatedDocument

QUOTES_RE = re.compile(r"[\s“”\"'‘’《》〈〉<>]")
AGENCY_SUFFIX_RE = re.compile(r"(?:部门|厅|局|委员会|委)$")
MINISTRY_SUFFIX_RE = re.compile(r"(?:部|委员会|委|总局|局|署)$")  # 财政部 → 财政 (in lists of departments)
PLACE_PREFIX_RE = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:自治区|省|市)")


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """Lexicon key of a printed form: the shadow without spaces and quotation marks."""
    return QUOTES_RE.sub("", make_shadow(text).text)


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


@dataclass
class Lexicon:
    """What the curated corpus knows, keyed by normalised printed form."""

    forms: dict[str, dict[str, Counter]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counter)))
    notes: dict[tuple[str, str], dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    juris_prefix: dict[str, str] = field(default_factory=dict)  # GB/T 2260 code → slug prefix (shandong)
    functions: dict[str, str] = field(default_factory=dict)  # 人力资源和社会保障厅 / 人社厅 → hrss
    national: dict[str, str] = field(default_factory=dict)  # 人力资源社会保障部 / 人力资源社会保障 → mohrss
    units: dict[str, str] = field(default_factory=dict)  # a division's printed suffix → slug tail (办公室 → office)
    doc_numbers: dict[str, str] = field(default_factory=dict)  # DocNumber key → corpus stem
    doc_titles: dict[str, str] = field(default_factory=dict)  # plan/notice title key → corpus stem
    places: Places = field(default_factory=Places)
    cache: dict = field(default_factory=dict)  # automata built from the lexicon, once
    children: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # concept → 其中 concepts
    group_concepts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # group → concept
    # the text before a value whose indicator is named after it (从…中筹集|62亿元，建立…专账资金) → concept
    value_contexts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def lookup(self, etype: str, text: str) -> str | None:
        """The slug most often given to this printed form, or None."""
        counts = self.forms.get(etype, {}).get(key(text))
        return counts.most_common(1)[0][0] if counts else None

    def similar(self, etype: str, text: str, threshold: float = 0.5) -> tuple[str | None, float]:
        """The slug of the most similar known form (Dice coefficient on character bigrams)."""
        target = bigrams(key(text))
        best, score = None, 0.0
        for form, counts in self.forms.get(etype, {}).items():
            grams = bigrams(form)
            s = 2 * len(target & grams) / (len(target) + len(grams))
            if s > score:
                best, score = counts.most_common(1)[0][0], s
        return (best, score) if score >= threshold else (None, score)

    def candidates(self, etype: str, text: str) -> Counter:
        """Every slug given to this printed form, with how often."""
        return self.forms.get(etype, {}).get(key(text), Counter())

    def juris_of_slug(self, slug: str) -> str | None:
        """An agency's jurisdiction: its juris= note, else the one its slug prefix stands for (liaoning-…)."""
        if found := self.note("Agency", slug, "juris"):
            return found
        prefix = slug.split("-", 1)[0]
        return next((code for code, p in self.juris_prefix.items() if p == prefix), None)

    def note(self, etype: str, slug: str, name: str) -> str | None:
        return self.notes.get((etype, slug), {}).get(name)

    def all_forms(self, etype: str) -> list[str]:
        return sorted(self.forms.get(etype, {}))


def strip_place(form: str) -> str:
    """山东省人力资源和社会保障厅 → 人力资源和社会保障厅, 省人社厅 → 人社厅 (the agency's function)."""
    return PLACE_PREFIX_RE.sub("", form, count=1)


def _learn_functions(lex: Lexicon, agencies: list[tuple[str, str, dict[str, str]]]) -> None:
    """Slug prefixes of jurisdictions (370000 → shandong) and agency functions (人社厅, 财政 → hrss, finance)."""
    for _, _, notes in agencies:
        slug, juris = notes["id"], notes.get("juris")
        if juris and juris != NATIONAL and "-" in slug:
            lex.juris_prefix.setdefault(juris, slug.split("-", 1)[0])
    _learn_prefix_rule(lex)  # (china-local-hrss: the local departments of the whole country teach hrss too)
    prefixes = set(lex.juris_prefix.values())
    votes: dict[str, Counter] = defaultdict(Counter)  # a form's function by majority (各地 → local governments)
    for _, text, notes in agencies:
        slug = notes["id"]
        juris = notes.get("juris") or lex.note("Agency", slug, "juris")
        prefix, _, function = slug.partition("-")
        if juris == NATIONAL and not key(text).startswith("各") and prefix not in prefixes:  # a ministry: 财政部
            for form in {key(text), key(notes.get("zh", text))}:
                for name in (form, MINISTRY_SUFFIX_RE.sub("", form)):
                    if len(name) >= 2:
                        lex.national.setdefault(name, slug)
        if prefix not in prefixes or not function:
            continue
        # the departments of a province and their local counterparts (各地发展改革 → <place>-local-drc) share
        # a function; whether a mention is the collective is read from the text (AgencyResolver)
        function = function.removeprefix("local-")
        for form in {text, notes.get("zh", text)}:
            rest = strip_place(key(form))
            # 财政厅 and 财政 (in lists of departments); a province's 厅 is a city's 局 (人社厅 ~ 人社局)
            level = {"厅": "局", "局": "厅"}.get(rest[-1:], "")
            shortest = 1 if rest != key(form) else 2  # 省委 → 委, 市政府 → 政府: the level is printed
            for name in (rest, AGENCY_SUFFIX_RE.sub("", rest), rest[:-1] + level if level else ""):
                if len(name) >= shortest:
                    votes[name][function] += 1
    lex.functions.update({name: counts.most_common(1)[0][0] for name, counts in votes.items()})
    _learn_units(lex, agencies)


def _learn_units(lex: Lexicon, agencies: list[tuple[str, str, dict[str, str]]]) -> None:
    """Divisions named as their parent's name plus a suffix, slugged as the parent's slug plus a tail
    (山东省人力资源和社会保障厅 + 办公室 → shandong-hrss + office): suffix → tail, by majority."""
    votes: dict[str, Counter] = defaultdict(Counter)
    parent_forms: dict[str, list[str]] = defaultdict(list)
    for form, counts in lex.forms.get("Agency", {}).items():
        for slug in counts:
            parent_forms[slug].append(form)
    for _, text, notes in agencies:
        parent, slug = notes.get("parent"), notes["id"]
        if not parent or not slug.startswith(parent + "-"):
            continue
        for form in {key(text), key(notes.get("zh", text))}:
            heads = [f for f in parent_forms[parent] if form.startswith(f) and len(f) < len(form)]
            if heads:
                votes[form[len(max(heads, key=len)):]][slug[len(parent) + 1:]] += 1
    lex.units.update({suffix: counts.most_common(1)[0][0] for suffix, counts in votes.items()})


def english_prefix(label: str) -> str:
    """Tai'an City → taian, China → china: the first word of an English name, as a slug part."""
    first = unicodedata.normalize("NFKD", label).split(" ", 1)[0]
    return re.sub(r"[^a-z0-9]", "", first.lower())


def _learn_prefix_rule(lex: Lexicon) -> None:
    """Whether the corpus forms a jurisdiction's slug prefix from its English name (Shandong Province →
    shandong), checked on every prefix the curated files show; then a jurisdiction they show only as a
    place (全国 → China → china) gets its prefix by the same rule."""
    labelled = [(code, prefix, lex.note("Jurisdiction", code, "en")) for code, prefix in lex.juris_prefix.items()]
    checked = [english_prefix(en) == prefix for _, prefix, en in labelled if en]
    if checked and all(checked):
        for (etype, code), notes in lex.notes.items():
            if etype == "Jurisdiction" and "en" in notes and english_prefix(notes["en"]):
                lex.juris_prefix.setdefault(code, english_prefix(notes["en"]))


def learn(docs: list[AnnotatedDocument]) -> Lexicon:
    """Learn forms, slugs and labels from curated documents (those without machine-drafted notes)."""
    lex = Lexicon()
    known_places: dict[str, str] = {}
    agencies: list[tuple[str, str, dict[str, str]]] = []
    for doc in docs:
        for e in doc.entities.values():
            slug = e.notes.get("id") or e.notes.get("concept") or e.notes.get("code")
            if e.type == "DocNumber":
                lex.doc_numbers[key(e.text)] = doc.stem
            elif e.type in ("NoticeTitle", "PlanTitle"):
                lex.doc_titles[key(e.text)] = doc.stem
            if slug is None:
                continue
            lex.forms[e.type][key(e.text)][slug] += 1
            if "zh" in e.notes:
                lex.forms[e.type][key(e.notes["zh"])][slug] += 1
            for name in ("en", "zh", "juris", "parent", "doc", "kind"):
                if name in e.notes:
                    lex.notes[(e.type, slug)].setdefault(name, e.notes[name])
            if e.type == "Agency":
                agencies.append((doc.stem, e.text, e.notes))
            elif e.type == "Jurisdiction" and not e.text.startswith(("全", "我")):
                known_places[e.notes.get("zh", e.text)] = slug
                known_places[e.text] = slug
        for r in doc.relations:
            a, b = doc.entities[r.arg1], doc.entities[r.arg2]
            if r.type == "partOf":
                lex.children[b.notes["concept"]][a.notes["concept"]] += 1
            elif r.type == "concerns":
                lex.group_concepts[b.notes["id"]][a.notes["concept"]] += 1
            elif r.type == "measures" and b.start > a.start and "concept" in b.notes:
                lex.value_contexts[doc.text[max(0, a.start - 30):a.start]][b.notes["concept"]] += 1
    _learn_functions(lex, agencies)
    lex.places = Places(known_places)
    return lex


def learn_from_corpus(corpus_dir: Path, exclude: set[str] | None = None) -> Lexicon:
    """Lexicon of a corpus folder, leaving out the stems in `exclude` (leave-one-out evaluation)."""
    from policykg.build.annotations import read_document, read_scheme

    scheme = read_scheme(corpus_dir / "annotation.conf")
    docs = [read_document(p, scheme) for p in sorted(corpus_dir.glob("*.txt"))
            if p.with_suffix(".ann").exists() and p.stem not in (exclude or set())]
    return learn(docs)
