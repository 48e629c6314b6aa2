"""Presentation helpers shared by the HTML pages: links, compact IRIs, bilingual labels, spans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from policykg.kg.namespaces import PREFIXES

from .state import state

_NAMESPACES = sorted(((iri, prefix) for prefix, iri in PREFIXES.items()), key=lambda p: -len(p[0]))
# SPARQL 1.1 / Turtle PN_LOCAL: these characters are written with a backslash (PN_LOCAL_ESC)
_LOCAL_ESCAPES = frozenset("_~.-!$&'()*+,;=/?#@%")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def compact(iri: str) -> str:
    """The IRI as it can be pasted back into a query: `prefix:local` for an IRI in a predeclared
    namespace, with the local part escaped where SPARQL requires it (`pkgr:doc\\/x\\/plan`), else `<iri>`."""
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = sparql_local_name(iri[len(namespace):])
            if local is not None:
                return f"{prefix}:{local}"
    return f"<{iri}>"


def sparql_local_name(local: str) -> str | None:
    """`local` written as a SPARQL/Turtle PN_LOCAL (escaping `/`, `#`, … and a leading `-` or trailing
    `.`), or None when it holds a character that no escape allows (space, `<`, `"`, …)."""
    out = []
    index = 0
    while index < len(local):
        char = local[index]
        if char == "%" and _PERCENT.match(local, index):
            out.append(local[index:index + 3])
            index += 3
            continue
        first, last = index == 0, index == len(local) - 1
        if _is_pn_chars(char) and not (first and (char == "-" or _is_combining(char))):
            out.append(char)
        elif char == ":" or (char == "." and not first and not last):
            out.append(char)
        elif char in _LOCAL_ESCAPES:
            out.append("\\" + char)
        else:
            return None
        index += 1
    return "".join(out)


def _is_pn_chars(char: str) -> bool:
    """PN_CHARS of the SPARQL grammar (letters, digits, `_`, `-`, `·` and the listed Unicode ranges)."""
    code = ord(char)
    return (char.isascii() and (char.isalnum() or char in "_-")) or code == 0xB7 or any(
        low <= code <= high for low, high in _PN_RANGES)


def _is_combining(char: str) -> bool:
    return 0x300 <= ord(char) <= 0x36F or 0x203F <= ord(char) <= 0x2040


_PN_RANGES = (
    (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x300, 0x36F), (0x370, 0x37D), (0x37F, 0x1FFF),
    (0x200C, 0x200D), (0x203F, 0x2040), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF),
    (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF),
)


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
