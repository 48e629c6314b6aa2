"""The media types the server speaks and the one Accept-header negotiator.

The RDF and SPARQL-results formats are defined once in policykg.kg.formats (the CLI and the query
workers use them too); this module adds HTML pages and the server's offers by role: SPARQL results
(SELECT/ASK), RDF graphs (CONSTRUCT/DESCRIBE) and resource descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass

from policykg.kg.formats import (
    GRAPH_FORMATS,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESULT_FORMATS,
    RESULTS_CSV,
    RESULTS_JSON,
    RESULTS_TSV,
    RESULTS_XML,
    TRIG,
    TURTLE,
    Format,
)

__all__ = [
    "GRAPH_FORMATS", "HTML_PAGE", "JSONLD", "NTRIPLES", "RDFXML", "RESOURCE_FORMATS", "RESULT_FORMATS",
    "RESULTS_CSV", "RESULTS_JSON", "RESULTS_TSV", "RESULTS_XML", "TRIG", "TURTLE", "Format", "MediaRange",
    "format_by_extension", "format_by_name", "negotiate", "offered_media_types", "parse_accept", "prefers_html",
]

ALIAS_WEIGHT = 0.5

HTML_PAGE = Format("html", "text/html", "html", None, ("application/xhtml+xml",), "HTML")
# Order is the server's preference when the client accepts several equally.
RESOURCE_FORMATS: tuple[Format, ...] = (HTML_PAGE, TURTLE, JSONLD, NTRIPLES, RDFXML)

_FORMAT_PARAM_ALIASES = {
    "srj": "json", "sparql-results+json": "json", "srx": "xml", "ttl": "turtle", "nt": "ntriples",
    "n-triples": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml", "rdf+xml": "rdfxml", "rdf/xml": "rdfxml",
    "htm": "html",
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 when it does not match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != main:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped, a bad q counts as 0."""
    ranges: list[MediaRange] = []
    for item in (header or "").split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        if not main or not sub:
            continue
        ranges.append(MediaRange(main, sub, _quality(parts[1:])))
    return ranges


def _quality(params: list[str]) -> float:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return min(1.0, max(0.0, float(value.strip())))
            except ValueError:
                return 0.0
    return 1.0


def _offer_quality(ranges: list[MediaRange], fmt: Format) -> float:
    """q of the most specific range matching the format's media type. An alias counts only when named
    exactly (so `text/*` does not select SPARQL XML results through `text/xml`) and at half weight,
    so that it never beats a format the client names itself."""
    best_rank, best_q = 0, 0.0
    for media_range in ranges:
        rank = media_range.matches(fmt.media_type)
        if rank > best_rank:
            best_rank, best_q = rank, media_range.q
    if best_rank == 3:
        return best_q
    alias_q = max((r.q for r in ranges for alias in fmt.aliases if r.matches(alias) == 3), default=0.0)
    return max(best_q, alias_q * ALIAS_WEIGHT)


def negotiate(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer the client prefers; the first offer when Accept is absent; None when none is acceptable."""
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if accept is None or not accept.strip() else None
    best: Format | None = None
    best_q = 0.0
    for fmt in offers:
        q = _offer_quality(ranges, fmt)
        if q > best_q:
            best, best_q = fmt, q
    return best


def prefers_html(accept: str | None, offers: tuple[Format, ...]) -> bool:
    """True when the client ranks text/html strictly above every format in `offers` (a browser)."""
    ranges = parse_accept(accept)
    html_q = _offer_quality(ranges, HTML_PAGE)
    return html_q > 0 and all(_offer_quality(ranges, fmt) < html_q for fmt in offers)


# `format=` names whose meaning depends on the query form, as Virtuoso, Fuseki and GraphDB read them:
# `xml` is SPARQL XML results for SELECT/ASK and RDF/XML for a graph, `json` is SPARQL JSON results or
# JSON-LD, `n3` (which SPARQLWrapper sends) is answered with Turtle, a subset of N3.
_GRAPH_PARAM_ALIASES = {"xml": "rdfxml", "json": "jsonld", "n3": "turtle", "text/n3": "turtle",
                        "text/rdf+n3": "turtle"}


def format_by_name(name: str, offers: tuple[Format, ...]) -> Format | None:
    """The offer named by a `format` parameter: a short name, an extension or a media type."""
    key = name.strip().lower()
    key = _FORMAT_PARAM_ALIASES.get(key, key)
    if not any(fmt in RESULT_FORMATS for fmt in offers):
        key = _GRAPH_PARAM_ALIASES.get(key, key)
    for fmt in offers:
        if key in (fmt.name, fmt.extension, fmt.media_type):
            return fmt
    for fmt in offers:
        if key in fmt.aliases:
            return fmt
    return None


def format_by_extension(extension: str, offers: tuple[Format, ...]) -> Format | None:
    """The offer whose file extension is `extension` (without the dot)."""
    return next((fmt for fmt in offers if fmt.extension == extension.lower()), None)


def offered_media_types(offers: tuple[Format, ...]) -> str:
    """Human-readable list for 406 messages."""
    return ", ".join(f"{fmt.media_type} (format={fmt.name})" for fmt in offers)
