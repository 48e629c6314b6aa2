"""Presentation helpers shared by the HTML pages: links, bilingual labels, spans (compact IRIs: kg.prefixed_names)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from .state import state


def href(iri: str) -> str:
    """Where a link to `iri` should point: this server for the project's IRIs, else the IRI."""
    local = state().local_path(iri)
    return local if local is not None else iri


@dataclass
class Labels:
    """Labels by IRI and language, from a read operation's answer and the vocabulary graph."""

    found: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    vocabulary: Graph | None = None

    def get(self, iri: str, lang: str) -> str:
        values = self.found.get(iri, {}).get(lang)
        if values:
            return values[0]
        if self.vocabulary is not None:
            for predicate in (RDFS.label, SKOS.prefLabel):
                for label in self.vocabulary.objects(URIRef(iri), predicate):
                    if getattr(label, "language", None) == lang:
                        return str(label)
        return ""

    def zh(self, iri: str) -> str:
        return self.get(iri, "zh")

    def en(self, iri: str) -> str:
        return self.get(iri, "en") or self.get(iri, "")

    def best(self, iri: str) -> str:
        return self.zh(iri) or self.en(iri)


@dataclass(frozen=True)
class Segment:
    """A stretch of document text covered by the same set of annotated spans."""

    text: str
    spans: tuple[dict, ...]
    anchors: tuple[str, ...]
    focus: bool

    @property
    def innermost(self) -> dict | None:
        return min(self.spans, key=lambda s: s["end"] - s["begin"]) if self.spans else None


def segments(text: str, spans: list[dict], focus: tuple[int, int] | None = None) -> list[Segment]:
    """Cut `text` at every span boundary; each piece knows the spans covering it."""
    cuts = sorted({0, len(text), *(s["begin"] for s in spans), *(s["end"] for s in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= end:
            continue
        covering = tuple(s for s in spans if s["begin"] <= start and s["end"] >= end)
        anchors = tuple(span_anchor(s) for s in spans if s["begin"] == start)
        inside_focus = focus is not None and focus[0] <= start and end <= focus[1]
        pieces.append(Segment(text[start:end], covering, anchors, inside_focus))
    return pieces


def span_anchor(span: dict) -> str:
    return f"span-{span['begin']}-{span['end']}"
