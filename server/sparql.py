"""The SPARQL 1.1 Protocol endpoint at /sparql (query operation only; the store is read-only)."""

from __future__ import annotations

import functools
import logging
import re
import time
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from flask import Blueprint, Request, Response, current_app, redirect, request, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, VOID, XSD

from policykg.kg.namespaces import INFERRED_GRAPH, PREFIXES, SD

from . import result_cache
from .admission import client_address, client_disconnected
from .errors import (
    BadProtocolRequest,
    NotAcceptable,
    QuerySyntaxError,
    ServiceNotAllowed,
    UnsupportedMediaType,
    UpdateRefused,
)
from .jobs import DatasetSpec, SparqlAnswer, SparqlJob
from .limits import check_graph_iris, check_query_text, parse_timeout
from .media import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Format,
    format_by_name,
    negotiate,
    offered_media_types,
    prefers_html,
)
from .query_text import QueryText, analyse
from .rdf import serialize_graph
from .service_policy import allowed, parse_allowlist
from .state import ServerState, state

log = logging.getLogger(__name__)
bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
READ_ONLY = (
    "This endpoint is read-only: SPARQL Update operations (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, "
    "ADD, MOVE, COPY) are refused. Rebuild the graph with `policykg build` to change it."
)
TRUE_WORDS = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class AcceptChoice:
    """What one Accept header selects at /sparql."""

    html_over_graphs: bool  # a browser: the query page rather than the service description
    html_over_results: bool  # a browser: the query page rather than results
    results_format: Format | None
    graph_format: Format | None


@functools.lru_cache(maxsize=512)
def accept_choice(accept: str | None) -> AcceptChoice:
    """Content negotiation for one Accept header. It depends on the header alone and clients send few
    distinct ones, so it is remembered (boundedly) instead of parsed four times a request."""
    return AcceptChoice(prefers_html(accept, GRAPH_FORMATS), prefers_html(accept, RESULT_FORMATS),
                        negotiate(accept, RESULT_FORMATS), negotiate(accept, GRAPH_FORMATS))


@dataclass(frozen=True)
class ProtocolRequest:
    """A query request as the SPARQL 1.1 Protocol defines it (§2.1), plus the server's extras."""

    query: str | None
    dataset: DatasetSpec
    timeout: float
    format_name: str | None


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a query (GET, POST form, POST application/sparql-query) or describe the service."""
    protocol_request = read_protocol_request(request)
    if protocol_request.query is None:
        if accept_choice(request.headers.get("Accept")).html_over_graphs:
            return redirect(url_for("pages.query_page"))
        return service_description()
    if protocol_request.format_name is None and accept_choice(request.headers.get("Accept")).html_over_results:
        return redirect(url_for("pages.query_page") + "?" + urlencode({"query": protocol_request.query}))
    return run_query(protocol_request)


def run_query(protocol_request: ProtocolRequest) -> Response:
    assert protocol_request.query is not None
    text = analyse(protocol_request.query)
    if text.is_update:
        raise UpdateRefused(READ_ONLY)
    check_services(text, state().config.service_allowlist)
    results_format, graph_format = choose_formats(protocol_request.format_name)
    dataset = protocol_request.dataset
    if text.has_dataset_clause and not dataset.protocol:
        dataset = DatasetSpec(query_has_dataset=True, inference=dataset.inference)
    job = SparqlJob(
        protocol_request.query,
        dataset,
        results_format.name if results_format else None,
        graph_format.name if graph_format else None,
        state().config.max_result_bytes,
        base_iri=request.base_url,
    )
    cache = result_cache.of(current_app)
    key = result_cache.CacheKey.of(job, state().local.build.name)
    cached = cache.get(key)
    if cached is not None:
        return cache.respond(cached, request, hit=True)
    try:
        answer = execute(state(), job, protocol_request.timeout, request.environ)
    except QuerySyntaxError as exc:
        raise QuerySyntaxError(explain_syntax_error(protocol_request.query, exc.message)) from exc
    fmt = results_format if answer.kind in ("solutions", "boolean") else graph_format
    assert fmt is not None
    if state().local.build.name == key.build:  # not an answer from a build that was replaced meanwhile
        cached = cache.put(key, answer.body, fmt.content_type)
    else:
        cached = result_cache.CachedAnswer.of(answer.body, fmt.content_type)
    response = cache.respond(cached, request, hit=False)
    response.headers["Server-Timing"] = f"query;dur={answer.elapsed * 1000:.1f}"
    return response


def execute(server: ServerState, job: SparqlJob, timeout: float, environ: dict) -> SparqlAnswer:
    """A single-pattern lookup runs in this process (the cheap lane); any other query waits for a slot
    from admission control, then runs in a killable worker process (`environ`: the request's, which
    names the client and tells whether it has hung up)."""
    started = time.monotonic()
    answer = server.local.try_lookup(job)
    if answer is not None:
        return replace(answer, elapsed=time.monotonic() - started)
    disconnected = client_disconnected(environ)
    with server.admission.slot(client_address(environ), disconnected):
        # a query whose client hangs up is dropped from the queue, and stopped if already running
        return server.executor.run_sparql(job, timeout, disconnected)


def explain_syntax_error(query: str, message: str) -> str:
    """The parser's message with the offending line of the query and a caret under the column."""
    match = re.search(r"(\d+):(\d+)", message)
    text = f"The query is not valid SPARQL 1.1: {message}"
    if not match:
        return text
    line_number, column = int(match.group(1)), int(match.group(2))
    lines = query.splitlines() or [""]
    if not 1 <= line_number <= len(lines):
        return text
    line = lines[line_number - 1]
    # Oxigraph reports the column just after the token it could not accept
    caret = " " * max(0, min(column - 2, len(line))) + "^"
    return f"{text}\n\nline {line_number}, column {column}:\n    {line}\n    {caret}"


def read_protocol_request(req: Request) -> ProtocolRequest:
    """Validate the request form and collect the query, the dataset and the options."""
    if req.method == "POST":
        query, params = _read_post(req)
    else:
        if "update" in req.args:
            raise UpdateRefused(READ_ONLY)
        query, params = _single(req.args.getlist("query")), req.args
    config = state().config
    if query is not None:
        check_query_text(query, config.max_query_bytes, config.max_query_brackets)
    return ProtocolRequest(
        query=query,
        dataset=_dataset(params),
        timeout=parse_timeout(params.get("timeout"), config.query_timeout),
        format_name=_format_name(params),
    )


def _read_post(req: Request):
    mimetype = req.mimetype
    if mimetype == FORM:
        form, args = req.form, req.args
        if "update" in form or "update" in args:
            raise UpdateRefused(READ_ONLY)
        query = _single(form.getlist("query") + args.getlist("query"))
        merged = args.copy()
        for key, values in form.lists():
            merged.setlist(key, args.getlist(key) + values)
        return query, merged
    if mimetype == SPARQL_QUERY:
        if "query" in req.args:
            raise BadProtocolRequest("a direct POST carries the query in its body only, not also in `query=`")
        return _body_text(req), req.args
    if mimetype == SPARQL_UPDATE:
        raise UpdateRefused(READ_ONLY)
    raise UnsupportedMediaType(
        f"POST the query as {FORM} (query=…) or as {SPARQL_QUERY} in the body; "
        f"got Content-Type {req.content_type or '(none)'}."
    )


def _body_text(req: Request) -> str:
    charset = req.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the query must be encoded in UTF-8, not {charset}")
    try:
        return req.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadProtocolRequest(f"the request body is not valid UTF-8: {exc}") from exc


def _single(queries: list[str]) -> str | None:
    if len(queries) > 1:
        raise BadProtocolRequest("the request carries more than one query; send exactly one `query`")
    return queries[0] if queries else None


def _format_name(params) -> str | None:
    """The first non-empty `format` (Virtuoso, GraphDB) or `output` (Fuseki) value. SPARQLWrapper sends
    both, sometimes twice (`format=tsv&format=text/tab-separated-values`): the first one decides."""
    for key in ("format", "output"):
        for value in params.getlist(key):
            if value.strip():
                return value.strip()
    return None


def _dataset(params) -> DatasetSpec:
    defaults = tuple(params.getlist("default-graph-uri"))
    named = tuple(params.getlist("named-graph-uri"))
    check_graph_iris("default-graph-uri", defaults)
    check_graph_iris("named-graph-uri", named)
    inference = str(params.get("inference", "")).lower() in TRUE_WORDS
    return DatasetSpec(defaults, named, protocol=bool(defaults or named), inference=inference)


def check_services(text: QueryText, allowlist: tuple[str, ...]) -> None:
    """A friendly early 403 for SERVICE calls that obviously fall outside the allow-list.

    This is a courtesy, not the enforcement: the query workers have no network except a relay to the
    allow-listed endpoints (server/sandbox.py), whatever this reading of the text finds.
    """
    if text.unresolved_services:
        raise ServiceNotAllowed(
            f"SERVICE target {text.unresolved_services[0]} is not a fixed IRI; this endpoint only calls "
            "endpoints named in its allow-list."
        )
    endpoints = parse_allowlist(allowlist)
    for target in text.service_targets:
        if allowed(target, endpoints) is None:
            listed = ", ".join(map(str, endpoints)) if endpoints else "none configured"
            raise ServiceNotAllowed(
                f"SERVICE <{target}> is not in this endpoint's allow-list ({listed}); "
                "set POLICYKG_SERVICE_ALLOWLIST to allow it."
            )


def choose_formats(format_name: str | None) -> tuple[Format | None, Format | None]:
    """The results format and the graph format for this request (from `format` or Accept)."""
    if format_name:
        results_format = format_by_name(format_name, RESULT_FORMATS)
        graph_format = format_by_name(format_name, GRAPH_FORMATS)
        if results_format is None and graph_format is None:
            raise NotAcceptable(
                f"unknown format {format_name!r}; use one of: "
                + offered_media_types(RESULT_FORMATS + GRAPH_FORMATS)
            )
        return results_format, graph_format
    accept = request.headers.get("Accept")
    choice = accept_choice(accept)
    results_format, graph_format = choice.results_format, choice.graph_format
    if results_format is None and graph_format is None:
        raise NotAcceptable(
            f"none of the media types in Accept: {accept} is available; this endpoint serves "
            + offered_media_types(RESULT_FORMATS + GRAPH_FORMATS)
        )
    return results_format, graph_format


def service_description() -> Response:
    """SPARQL 1.1 Service Description of this endpoint, computed from the graph and the config."""
    fmt = _description_format()
    graph = describe_service(request.base_url)
    response = Response(serialize_graph(graph, fmt), content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _description_format() -> Format:
    if request.args.get("format"):
        fmt = format_by_name(request.args["format"], GRAPH_FORMATS)
    else:
        fmt = negotiate(request.headers.get("Accept"), GRAPH_FORMATS)
    if fmt is None:
        raise NotAcceptable("the service description is available as " + offered_media_types(GRAPH_FORMATS))
    return fmt


def describe_service(endpoint_url: str) -> Graph:
    stats = state().read("statistics")
    graph = Graph()
    service = URIRef(endpoint_url + "#service")
    endpoint = URIRef(endpoint_url)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(fmt.engine.iri)))
    if state().config.service_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    # the predeclared prefixes, as SHACL prefix declarations (as the SIB endpoints list theirs)
    for prefix, namespace in PREFIXES.items():
        declaration = BNode()
        graph.add((service, SH.declare, declaration))
        graph.add((declaration, RDF.type, SH.PrefixDeclaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    graph.add((service, SD.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(stats["triples"], datatype=XSD.integer)))
    for name in [*stats["graphs"], INFERRED_GRAPH]:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, SD.name, URIRef(name)))
        described = BNode()
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        count = stats["inferred_triples"] if name == INFERRED_GRAPH else stats["graph_triples"].get(name, 0)
        graph.add((described, VOID.triples, Literal(count, datatype=XSD.integer)))
    return graph
