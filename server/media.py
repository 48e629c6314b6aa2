"""Media types the server speaks, grouped by role, and the one Accept-header negotiator.

Roles: SPARQL results (SELECT/ASK), RDF graphs (CONSTRUCT/DESCRIBE, resource descriptions), RDF
datasets (dumps) and HTML pages. Each format has one short name (also accepted in the `format`
request parameter), its media type, a file extension and aliases that clients send in Accept.
"""

from __future__ import annotations

from dataclasses import dataclass

HTML = "text/html"
ALIAS_WEIGHT = 0.5


@dataclass(frozen=True)
class Format:
    """One serialisation: `name` is what the `format` parameter and the worker use."""

    name: str
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()
    label: str = ""

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with the charset for every textual format."""
        return f"{self.media_type}; charset=utf-8"


RESULTS_JSON = Format("json", "application/sparql-results+json", "srj", ("application/json",), "JSON")
RESULTS_XML = Format(
    "xml", "application/sparql-results+xml", "srx", ("application/xml", "text/xml"), "XML"
)
RESULTS_CSV = Format("csv", "text/csv", "csv", (), "CSV")
RESULTS_TSV = Format("tsv", "text/tab-separated-values", "tsv", (), "TSV")

TURTLE = Format("turtle", "text/turtle", "ttl", ("application/x-turtle",), "Turtle")
NTRIPLES = Format("ntriples", "application/n-triples", "nt", ("text/plain",), "N-Triples")
JSONLD = Format(
    "jsonld", "application/ld+json", "jsonld", ("application/json", "application/sparql-results+json"), "JSON-LD"
)
RDFXML = Format(
    "rdfxml", "application/rdf+xml", "rdf", ("application/xml", "text/xml", "application/sparql-results+xml"),
    "RDF/XML",
)
TRIG = Format("trig", "application/trig", "trig", (), "TriG")

HTML_PAGE = Format("html", HTML, "html", ("application/xhtml+xml",), "HTML")

# Order is the server's preference when the client accepts several equally.
RESULT_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG)
RESOURCE_FORMATS: tuple[Format, ...] = (HTML_PAGE, TURTLE, JSONLD, NTRIPLES, RDFXML)

_FORMAT_PARAM_ALIASES = {
    "srj": "json", "sparql-results+json": "json", "srx": "xml", "ttl": "turtle", "nt": "ntriples",
    "n-triples": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml", "rdf+xml": "rdfxml", "rdf/xml": "rdfxml",
    "nq": "nquads", "n-quads": "nquads", "htm": "html",
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
