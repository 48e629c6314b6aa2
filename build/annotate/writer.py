"""Write a draft as brat standoff in the corpus scheme, each annotation with its confidence and origin."""

from __future__ import annotations

from policykg import __version__
from policykg.build.annotate.draft import Draft, Span

ANNOTATOR = f"policykg-annotate-{__version__}"
# note keys written first, in this order (the rest alphabetically)
NOTE_ORDER = ("id", "concept", "code", "box", "n", "en", "zh", "juris", "parent", "doc", "start", "end", "every",
              "date")


def _note_text(span: Span) -> str:
    notes = dict(span.notes)
    notes["annotator"] = ANNOTATOR
    notes["confidence"] = f"{span.confidence:.2f}"
    ordered = [k for k in NOTE_ORDER if k in notes] + sorted(k for k in notes if k not in NOTE_ORDER)
    return "; ".join(f"{k}={notes[k].replace(';', ',')}" for k in ordered)


def to_brat(draft: Draft) -> str:
    """The draft as the text of a .ann file (IDs in text order; byte-identical for the same input)."""
    text = draft.shadow.original
    spans = sorted(draft.spans, key=lambda s: (s.fragments, s.type))
    ids = {id(s): f"T{i}" for i, s in enumerate(spans, 1)}
    lines = []
    for span in spans:
        offsets = ";".join(f"{a} {b}" for a, b in span.fragments)
        quote = " ".join(text[a:b] for a, b in span.fragments)
        lines.append(f"{ids[id(span)]}\t{span.type} {offsets}\t{quote}")
    n = 0
    for span in spans:
        for name, value in sorted(span.attributes.items()):
            n += 1
            lines.append(f"A{n}\t{name} {ids[id(span)]}" + ("" if value is True else f" {value}"))
    relations = sorted(((t, ids[id(a)], ids[id(b)]) for t, a, b in draft.relations),
                       key=lambda r: (int(r[1][1:]), r[0], int(r[2][1:])))
    for i, (rtype, a, b) in enumerate(relations, 1):
        lines.append(f"R{i}\t{rtype} Arg1:{a} Arg2:{b}")
    for i, span in enumerate(spans, 1):
        lines.append(f"#{i}\tAnnotatorNotes {ids[id(span)]}\t{_note_text(span)}")
    return "\n".join(lines) + "\n"
