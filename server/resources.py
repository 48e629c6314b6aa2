"""Linked data: every IRI under the project namespace, dereferenced with content negotiation.

`/x` serves the IRI `iri_base + "x"` as HTML for browsers and as Turtle, JSON-LD, N-Triples or
RDF/XML for machines (by Accept, or by a file-extension suffix: `/x.ttl`). A DocumentText's page is
the document view: the full text with every annotated span marked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from policykg.kg.namespaces import INFERRED_GRAPH, NIF, PKG
from policykg.kg.prefixed_names import compact

from .errors import HttpError, NotAcceptable, ResourceNotFound
from .markup import legislation_jsonld
from .media import (
    HTML_PAGE,
    RESOURCE_FORMATS,
    Format,
    format_by_extension,
    negotiate,
    offered_media_types,
)
from .rdf import engine_prefixes, graph_from_ntriples, once_per_vocabulary, serialize_graph, vocabulary_jsonld_context
from .state import state
from .views import Labels, href, segments, span_anchor

bp = Blueprint("resources", __name__)

TEXT_TYPES = {str(PKG.DocumentText), str(NIF.Context)}
RDF_TYPE = str(RDF.type)


@bp.route("/context.jsonld")
def jsonld_context_document() -> Response:
    """The JSON-LD @context that every JSON-LD description refers to (at iri_base + context.jsonld)."""
    import json

    body = json.dumps(vocabulary_jsonld_context(state().vocabulary()), ensure_ascii=False, indent=2)
    return Response(body, content_type="application/ld+json; charset=utf-8")


@bp.route("/<path:path>", methods=["GET"])
def serve_resource(path: str) -> Response:
    iri, fmt = resolve(path)
    if fmt.name == "html":
        return _located(_html(iri), iri, fmt, path)
    body = _description(iri, fmt)
    return _located(_negotiated(Response(body, content_type=fmt.content_type), iri), iri, fmt, path)


def _description(iri: str, fmt: Format) -> bytes:
    """The resource's description in `fmt`, written by the engine where it writes the format."""
    if fmt.name != "jsonld":
        if not isinstance(fmt.engine, ox.RdfFormat):
            raise ValueError(f"{fmt.label or fmt.name} is not an RDF graph format")
        body = state().read("description", iri, fmt.media_type, engine_prefixes(fmt.engine))
    else:
        body = state().read("description_ntriples", iri)
    if not body:
        raise ResourceNotFound(f"No resource has the IRI <{iri}>.", iri)
    if fmt.name == "jsonld":
        # compacted by rdflib with the context; the context's stable IRI under the configured base, not the
        # host of this request
        return serialize_graph(graph_from_ntriples(body), fmt, state().config.iri_base + "context.jsonld",
                               vocabulary_jsonld_context(state().vocabulary()))
    return body


def _located(response: Response, iri: str, fmt: Format, path: str) -> Response:
    """A representation chosen by Accept names itself (Content-Location: the IRI's .ext variant);
    the IRI answers 200 rather than 303, as docs/design.md records."""
    if state().config.iri_base + path == iri:  # negotiated, not asked for by suffix
        response.headers["Content-Location"] = f"{href(iri)}.{fmt.extension}"
    return response


def resolve(path: str) -> tuple[str, Format]:
    """The IRI a path names and the format to answer in (suffix first, then Accept)."""
    base = state().config.iri_base
    try:
        ox.NamedNode(base + path)
    except ValueError as exc:
        raise ResourceNotFound(f"<{base + path}> is not a valid IRI: {exc}", "") from exc
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension:
        by_suffix = format_by_extension(extension, RESOURCE_FORMATS)
        if by_suffix is not None:
            return base + stem, by_suffix
    fmt = negotiate(request.headers.get("Accept"), RESOURCE_FORMATS)
    if fmt is None:
        raise NotAcceptable(f"<{base + path}> is available as " + offered_media_types(RESOURCE_FORMATS))
    return base + path, fmt


def _negotiated(response: Response, iri: str) -> Response:
    """Headers every conneg'd resource response carries: Vary and links to the other variants."""
    local = href(iri)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{local}.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"' for fmt in RESOURCE_FORMATS
    )
    return response


def _html(iri: str) -> Response:
    kind = state().read("page_kind", iri)
    if not kind["described"] and not kind["is_graph"]:
        raise ResourceNotFound(f"No resource has the IRI <{iri}>.", iri)
    if TEXT_TYPES & set(kind["types"]):
        page = document_page(iri)
    else:
        page = resource_page(state().read("describe_resource", iri), kind["is_graph"])
    return _negotiated(Response(page, content_type=HTML_PAGE.content_type), iri)


# -- resource page ------------------------------------------------------------------------------


@dataclass
class Value:
    term: dict
    inferred: bool
    graph: str


@dataclass
class PropertyRow:
    iri: str
    values: list[Value] = field(default_factory=list)


@dataclass
class PageLabels(Labels):
    """`Labels` whose fallback to the vocabulary graph is a table made once per build (`vocabulary_labels`)
    instead of a walk of the rdflib graph for each label a page shows: the same answers."""

    fallback: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, iri: str, lang: str) -> str:
        values = self.found.get(iri, {}).get(lang)
        if values:
            return values[0]
        return self.fallback.get(iri, {}).get(lang, "")


def _vocabulary_labels(vocabulary: Graph) -> dict[str, dict[str, str]]:
    """What `Labels.get` finds in the vocabulary graph: by IRI and language tag, the first rdfs:label
    in that language, else the first skos:prefLabel (in the graph's order)."""
    table: dict[str, dict[str, str]] = {}
    for predicate in (RDFS.label, SKOS.prefLabel):
        for subject in dict.fromkeys(vocabulary.subjects(predicate, None)):
            if isinstance(subject, URIRef):
                for label in vocabulary.objects(subject, predicate):
                    language = getattr(label, "language", None)
                    if language is not None:
                        table.setdefault(str(subject), {}).setdefault(language, str(label))
    return table


vocabulary_labels = once_per_vocabulary(_vocabulary_labels)
# a page writes the same few dozen predicates and classes as prefixed names again and again
compact_iri = functools.lru_cache(maxsize=1 << 14)(compact)


def page_labels(found: dict[str, dict[str, list[str]]]) -> PageLabels:
    """The labels a read operation found, falling back to the current build's vocabulary graph."""
    return PageLabels(found, None, vocabulary_labels(state().vocabulary()))


def resource_page(description: dict, is_graph: bool = False) -> str:
    iri = description["iri"]
    labels = page_labels(description["labels"])
    types, rows = [], {}
    for triple in description["outgoing"]:
        inferred = triple["g"] == INFERRED_GRAPH
        if triple["p"] == RDF_TYPE:
            if triple["o"]["value"] not in [t for t, _ in types]:
                types.append((triple["o"]["value"], inferred))
            continue
        row = rows.setdefault(triple["p"], PropertyRow(triple["p"]))
        row.values.append(Value(triple["o"], inferred, triple["g"]))
    incoming = [t for t in description["incoming"] if t["g"] != INFERRED_GRAPH]
    return render_template(
        "resource.html",
        markup=legislation_jsonld(description, labels, request.url_root.rstrip("/") + href(iri)),
        iri=iri,
        labels=labels,
        types=types,
        rows=sorted(rows.values(), key=lambda r: compact_iri(r.iri)),
        incoming=incoming,
        incoming_truncated=description["incoming_truncated"],
        sources=description["sources"],
        graphs=description["graphs"],
        formats=RESOURCE_FORMATS[1:],
        href=href,
        compact=compact_iri,
        span_anchor=span_anchor,
        local=href(iri),
        is_graph=is_graph,
        graph_query=f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 200",
    )


# -- document view -------------------------------------------------------------------------------


def document_page(text_iri: str) -> str:
    view = state().read("document_view", text_iri)
    if view is None:
        raise ResourceNotFound(f"<{text_iri}> has no text.", text_iri)
    focus = _focus(request.args.get("span"))
    labels = page_labels(view["labels"])
    return render_template(
        "document.html",
        iri=text_iri,
        view=view,
        labels=labels,
        pieces=segments(view["text"], view["spans"], focus),
        focus=focus,
        href=href,
        compact=compact_iri,
        span_anchor=span_anchor,
        formats=RESOURCE_FORMATS[1:],
        local=href(text_iri),
    )


def _focus(value: str | None) -> tuple[int, int] | None:
    """`span=B-E` in ASCII digits (str.isdigit also accepts "²", which int() refuses); else no focus."""
    match = re.fullmatch(r"([0-9]{1,9})-([0-9]{1,9})", value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


# -- 404 -------------------------------------------------------------------------------------------


def not_found_page(error: ResourceNotFound) -> str:
    similar = []
    if error.iri:
        try:
            similar = state().read("similar_iris", error.iri)
        except HttpError:  # the suggestions are optional; never fail the 404 itself
            similar = []
    return render_template("not_found.html", iri=error.iri, message=error.message, similar=similar, href=href)
