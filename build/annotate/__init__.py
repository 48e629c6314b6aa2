"""Machine annotator: drafts brat annotations of a new plan text in the corpus's own scheme.

Every job has its module: `shadow` (normalised text + offset map), `lexicon` (what the curated corpus
knows), `frontmatter`, `numbers`, `tables`, `targets`, `periods`, `boxes`, `agencies`, `mentions`,
`citations`, `writer`. `annotate_text` runs them in an order where earlier, surer findings (front
matter, tables) block later, vaguer ones (running text) from claiming the same characters.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from policykg.build.annotate import agencies, boxes, citations, duties, frontmatter, funding, mentions, tables, targets
from policykg.build.annotate.draft import Draft, Span
from policykg.build.annotate.lexicon import Lexicon, learn, learn_from_corpus
from policykg.build.annotate.periods import find_recurring_tasks, find_section_periods
from policykg.build.annotate.shadow import make_shadow
from policykg.build.annotate.slugs import placeholder_en
from policykg.build.annotate.writer import ANNOTATOR, to_brat

__all__ = ["ANNOTATOR", "Draft", "Lexicon", "annotate_text", "learn", "learn_from_corpus", "to_brat", "units"]
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def units() -> dict[str, str]:
    """Printed unit labels → unit ids, from ontology/units.ttl (the builder's own table)."""
    from policykg import config
    from policykg.build.vocabulary import unit_tables

    return unit_tables(config.ONTOLOGY_DIR / "units.ttl")[0]


def annotate_text(text: str, lex: Lexicon) -> Draft:
    """Draft the annotations of one text; offsets in the result point into `text` itself."""
    draft = Draft(make_shadow(text))
    front = frontmatter.find_front(draft, lex)
    body = front.body_start
    tables.find_tables(draft, lex, front.doc_year, front.plan, front.plan_period)
    boxes.find_boxes(draft)
    citations.find_citations(draft, lex, front.number, front.own_titles, body)
    resolver = agencies.AgencyResolver(lex, front.area)
    agencies.find_agencies(draft, lex, resolver, body)
    targets.find_running_targets(draft, lex, units(), front.doc_year, front.plan, front.plan_period, body)
    targets.find_deadlines(draft, body)
    find_recurring_tasks(draft, front.doc_year, front.plan, body)
    mentions.find_programmes(draft, lex, body)
    mentions.find_groups(draft, lex, body)
    agencies.find_jurisdictions(draft, lex, front.area, front.title_start, body)
    mentions.link_served_groups(draft)
    duties.find_duties(draft)
    funding.find_funding(draft, lex, body)
    _drop_incomplete(draft)
    _parents_declared(draft, lex)
    find_section_periods(draft, front.doc_year, front.plan, body)
    _harmonise(draft)
    _totals_are_stocks(draft, lex)
    _one_unit_per_concept(draft, lex)
    _list_new_identities(draft)
    if not draft.of_type("DocNumber"):
        draft.unresolved.append("no document number found (the builder needs exactly one DocNumber)")
    return draft


def _drop_incomplete(draft: Draft) -> None:
    """Leave out what the builder would refuse: a value without its indicator or period, a lone task."""
    needs = {"Target": ("measures", "during"), "Baseline": ("measures", "during"), "ProgramItem": ("itemOf",),
             "Deadline": ("deadlineFor",)}
    changed = True
    while changed:
        changed = False
        have: dict[int, list[str]] = {}
        for rtype, arg1, _ in draft.relations:
            have.setdefault(id(arg1), []).append(rtype)
        for span in list(draft.spans):
            # one Deadline may be the deadline of several targets and tasks (GUIDELINES: Time)
            if any(not 1 <= have.get(id(span), []).count(rel) <= (9 if rel == "deadlineFor" else 1)
                   for rel in needs.get(span.type, ())):
                draft.unresolved.append(f"dropped {span.type} {draft.text_of(span)!r}: incomplete")
                draft.remove(span)
                changed = True
        linked = {id(r[1]) for r in draft.relations} | {id(r[2]) for r in draft.relations}
        for span in list(draft.spans):
            if span.type in ("Indicator", "Period", "Task", "Nature", "Unit") and id(span) not in linked:
                draft.remove(span)
                changed = True


def _parents_declared(draft: Draft, lex: Lexicon) -> None:
    """A division's parent= must name an agency the corpus or this draft declares (the builder makes the
    division org:subOrganizationOf it, and SHACL wants an Agency there): a parent minted from the name
    alone (市委办公室 → <city>-party-committee) is left for the reviewer instead."""
    declared = {slug for etype, slug in lex.notes if etype == "Agency"}
    declared |= {span.notes.get("id") for span in draft.of_type("Agency")}
    for span in draft.of_type("Agency"):
        parent = span.notes.get("parent")
        if parent and parent not in declared:
            del span.notes["parent"]
            draft.unresolved.append(f"{draft.text_of(span)!r}: its parent {parent} is not an agency of the corpus or "
                                    "of this text; add parent= when reviewing")


SHARED_NOTES = ("en", "zh", "parent", "juris", "doc")  # the builder's registry wants them equal per slug
IDENTITY = {"Agency": "id", "Person": "id", "TargetGroup": "id", "NamedProgram": "id", "Indicator": "concept",
            "Jurisdiction": "code", "CitedDocument": "id"}


def _totals_are_stocks(draft: Draft, lex: Lexicon) -> None:
    """A value printed as a total (Cumulative: 〔〕, 总量, 累计) is a level, so its concept must be a stock
    (GUIDELINES: stock vs flow). When the indicator's concept is a flow, the value measures a second
    Indicator annotation on the same span whose concept is the stock `<concept>-total`, as the curated
    corpus does for Liaoning's existing training bases; the reviewer finds it listed."""
    stocks: dict[int, Span] = {}
    for index, (rtype, value, indicator) in enumerate(list(draft.relations)):
        if rtype != "measures" or not value.attributes.get("Cumulative") or indicator.notes.get("kind") != "flow":
            continue
        stock = stocks.get(id(indicator))
        if stock is None:
            concept = indicator.notes["concept"] + "-total"
            notes = {"concept": concept, "kind": "stock",
                     "en": lex.note("Indicator", concept, "en") or placeholder_en(concept)}
            stock = Span("Indicator", indicator.fragments, min(indicator.confidence, 0.5), notes)
            draft.spans.append(stock)
            stocks[id(indicator)] = stock
            draft.unresolved.append(f"total {draft.text_of(value)} of a flow: measured by the stock concept {concept}")
            for other, source, target in list(draft.relations):  # the row's unit and group hold for the stock too
                if source is indicator and other in ("measuredIn", "concerns"):
                    draft.relate(other, stock, target)
        draft.relations[index] = ("measures", value, stock)


def _value_unit(draft: Draft, value: Span, indicator: Span) -> str | None:
    """The unit id a value is counted in: printed with it, or in its indicator's row heading (measuredIn)."""
    from policykg.build.normalize import read_quantity, read_unit
    from policykg.errors import NormalizationError

    table = units()
    try:
        unit = read_quantity(draft.text_of(value).replace(" ", ""), table).unit
        if unit is None:
            printed = [t for r, s, t in draft.relations if r == "measuredIn" and s is indicator]
            unit = read_unit(draft.text_of(printed[0]), table)[1] if printed else None
    except NormalizationError:
        return None
    return unit


def _one_unit_per_concept(draft: Draft, lex: Lexicon) -> None:
    """A plan's indicator concept has one unit (GUIDELINES: text/table pairs): a sentence counting persons
    (25万人以上) and a table row counting person-times (25万) are two concepts. The values in a second
    unit measure a second Indicator annotation, concept `<concept>-<unit>`, listed for the reviewer."""
    first_unit: dict[str, str] = {}
    split: dict[tuple[int, str], Span] = {}
    for index, (rtype, value, indicator) in enumerate(list(draft.relations)):
        if rtype != "measures" or indicator.type != "Indicator":
            continue
        unit = _value_unit(draft, value, indicator)
        concept = indicator.notes.get("concept")
        if unit is None or concept is None or first_unit.setdefault(concept, unit) == unit:
            continue
        other = split.get((id(indicator), unit))
        if other is None:
            new_concept = f"{concept}-{unit.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}s".lower().replace("_", "-")
            notes = {"concept": new_concept, "kind": indicator.notes.get("kind", "flow"),
                     "en": lex.note("Indicator", new_concept, "en") or placeholder_en(new_concept)}
            other = Span("Indicator", indicator.fragments, min(indicator.confidence, 0.5), notes)
            draft.spans.append(other)
            split[(id(indicator), unit)] = other
            draft.unresolved.append(f"{draft.text_of(value)} is counted in another unit than {concept}: "
                                    f"measured by {new_concept}")
        draft.relations[index] = ("measures", value, other)


def _harmonise(draft: Draft) -> None:
    """Every mention of one slug carries the shared notes of its first mention (a reviewer sees a
    disagreement listed in `unresolved` rather than a build error)."""
    first: dict[tuple[str, str], dict[str, str]] = {}
    for span in draft.of_type(*IDENTITY):
        ident = (span.type, span.notes[IDENTITY[span.type]])
        shared = first.setdefault(ident, {k: span.notes[k] for k in SHARED_NOTES if k in span.notes})
        for k in SHARED_NOTES:
            if k in span.notes and k in shared and span.notes[k] != shared[k]:
                draft.unresolved.append(f"{span.type} {ident[1]}: {k}={span.notes[k]} differs from {shared[k]}; "
                                        f"kept {shared[k]}")
                span.notes[k] = shared[k]
            elif k in span.notes and k not in shared:
                shared[k] = span.notes[k]


def _list_new_identities(draft: Draft) -> None:
    """Every slug the corpus does not know yet (its en= is a DRAFT placeholder), once, for the reviewer."""
    seen = {line for line in draft.unresolved}
    for span in draft.of_type(*IDENTITY):
        if span.notes.get("en", "").startswith("DRAFT "):
            line = f"new {span.type} {span.notes[IDENTITY[span.type]]} ({draft.text_of(span)}): give en="
            if not any(span.notes[IDENTITY[span.type]] in known for known in seen):
                draft.unresolved.append(line)
                seen.add(line)
