"""The annotations a draft holds before they are written: spans (in original offsets) and relations."""

from __future__ import annotations

from dataclasses import dataclass, field

from policykg.build.annotate.shadow import Shadow


@dataclass(eq=False)
class Span:
    type: str
    fragments: tuple[tuple[int, int], ...]
    confidence: float
    notes: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str | bool] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass
class Draft:
    """Spans and relations found in one text; `add` maps shadow offsets to the original text."""

    shadow: Shadow
    spans: list[Span] = field(default_factory=list)
    relations: list[tuple[str, Span, Span]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # what a reviewer must look at
    _by_key: dict[tuple, Span] = field(default_factory=dict)
    _by_type: dict[str, list[Span]] = field(default_factory=dict)

    def add(self, etype: str, start: int, end: int, confidence: float, /, **notes: str) -> Span | None:
        """Add (or return the existing) span of `etype` over shadow[start:end]; None if it maps to nothing."""
        return self.add_parts(etype, ((start, end),), confidence, **notes)

    def add_parts(self, etype: str, parts: tuple[tuple[int, int], ...], confidence: float, /,
                  **notes: str) -> Span | None:
        """A span over several shadow ranges (不超过 … 40%: a discontinuous brat span)."""
        fragments = tuple(f for a, b in parts for f in self.shadow.fragments(a, b))
        if not fragments:
            return None
        existing = self._by_key.get((etype, fragments))
        if existing is not None:
            for k, v in notes.items():
                existing.notes.setdefault(k, v)
            return existing
        span = Span(etype, fragments, confidence, dict(notes))
        self.spans.append(span)
        self._by_key[(etype, fragments)] = span
        self._by_type.setdefault(etype, []).append(span)
        return span

    def relate(self, rtype: str, arg1: Span | None, arg2: Span | None) -> None:
        if arg1 is None or arg2 is None:
            return
        if (rtype, arg1, arg2) not in self.relations:
            self.relations.append((rtype, arg1, arg2))

    def remove(self, span: Span) -> None:
        self.spans.remove(span)
        self._by_key.pop((span.type, span.fragments), None)
        self._by_type[span.type].remove(span)
        self.relations = [r for r in self.relations if r[1] is not span and r[2] is not span]

    def of_type(self, *types: str) -> list[Span]:
        return sorted((s for s in self.spans if s.type in types), key=lambda s: s.fragments)

    def text_of(self, span: Span) -> str:
        return " ".join(self.shadow.original[a:b] for a, b in span.fragments)

    def overlaps(self, start: int, end: int, *types: str) -> bool:
        """Whether an original-offset range overlaps a span of one of `types`."""
        return any(s.start < end and start < s.end for t in types for s in self._by_type.get(t, ()))
