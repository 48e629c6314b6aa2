"""Lookups at /sparql answered below Flask: the request read, the cheap lane asked, the answer sent.

A lookup (`SELECT ?p ?o { <iri> ?p ?o }`, server/lookup.py) costs the engine ~0.05 ms; what the web
layer spends around it was most of the 0.6 ms CPU a lookup took (issue 10, profiled with yappi):
Flask's request context, URL routing, a werkzeug response and its header passes, the after-request
hook. `LookupLane` sits between the front end and the Flask app and answers the plain lookup requests
itself, with the same parts the app uses: the same request decoding (server/forms.py), the same
limits, negotiation, job, result cache and headers. Every other request, and any lookup it cannot
answer plainly (an error, a conditional request, a browser, a parameter besides the query and the
format), goes to the app unchanged, which then answers exactly as before. tests/server/test_lookup_lane.py
checks that both give the same responses.
"""

from __future__ import annotations

import functools
import io
import time
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.sansio.utils import get_current_url, get_host

from . import result_cache
from .app import DEFAULT_HEADERS
from .errors import HttpError
from .forms import parse_qsl
from .jobs import DatasetSpec, SparqlJob
from .limits import check_query_text
from .lookup import INLINE_PARAMETERS, INLINE_REQUEST_BYTES, SPARQL_PATH, is_lookup
from .media import GRAPH_FORMATS, RESULT_FORMATS, Format, format_by_name
from .sparql import FORM, SPARQL_QUERY, accept_choice
from .state import EXTENSION_KEY, ServerState

OK = "200 OK"


class LookupLane:
    """A WSGI app: plain /sparql lookups answered here with the state of the Flask `app`, everything else
    by `downstream` (the app itself unless given)."""

    def __init__(self, app: Flask, downstream: Callable | None = None) -> None:
        self.app = downstream or app
        self.state: ServerState = app.extensions[EXTENSION_KEY]
        self.cache = result_cache.of(app)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SPARQL_PATH or "HTTP_IF_NONE_MATCH" in environ:
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        query_string = environ.get("QUERY_STRING", "")
        length = _content_length(environ)
        if method not in ("GET", "POST") or length is None or length > INLINE_REQUEST_BYTES \
                or len(query_string) > INLINE_REQUEST_BYTES:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        if length:
            environ["wsgi.input"] = io.BytesIO(body)  # the app can read it again
        answered = self._answer(environ, method, query_string, body)
        if answered is None:
            if length:
                environ["wsgi.input"].seek(0)
            return self.app(environ, start_response)
        headers, data = answered
        start_response(OK, headers)
        return [data]

    def _answer(self, environ: dict, method: str, query_string: str,
                body: bytes) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and body of the answer, or None when the app is to answer the request."""
        try:
            request = _read_lookup(environ, method, query_string, body)
        except UnicodeError:
            return None
        if request is None:
            return None
        query, format_name = request
        formats = self._formats(format_name, environ.get("HTTP_ACCEPT"))
        if formats is None or not is_lookup(query):
            return None
        config = self.state.config
        try:
            check_query_text(query, config.max_query_bytes, config.max_query_brackets)
            return self._run(environ, query, *formats)
        except HttpError:
            return None  # the app answers the request again, with its error page

    def _formats(self, format_name: str | None, accept: str | None) -> tuple[Format | None, Format | None] | None:
        """`sparql.choose_formats` for a lookup, or None where the app redirects or refuses instead."""
        if format_name:
            results, graphs = format_by_name(format_name, RESULT_FORMATS), format_by_name(format_name, GRAPH_FORMATS)
        else:
            choice = accept_choice(accept)
            if choice.html_over_results:
                return None  # a browser: the app redirects it to the query page
            results, graphs = choice.results_format, choice.graph_format
        return None if results is None and graphs is None else (results, graphs)

    def _run(self, environ: dict, query: str, results: Format | None,
             graphs: Format | None) -> tuple[list[tuple[str, str]], bytes] | None:
        """As `sparql.run_query` for a lookup: the result cache, else the cheap lane."""
        job = SparqlJob(query, DatasetSpec(), results.name if results else None, graphs.name if graphs else None,
                        self.state.config.max_result_bytes, base_iri=_base_url(environ))
        build = self.state.local.build.name
        key = result_cache.CacheKey.of(job, build)
        cached = self.cache.get(key)
        if cached is not None:
            return self._response(cached, hit=True), cached.body
        started = time.monotonic()
        answer = self.state.local.try_lookup(job)
        if answer is None:
            return None
        elapsed = time.monotonic() - started
        fmt = results if answer.kind in ("solutions", "boolean") else graphs
        assert fmt is not None  # the worker's code raised NotAcceptable otherwise
        if self.state.local.build.name == key.build:
            cached = self.cache.put(key, answer.body, fmt.content_type)
        else:
            cached = result_cache.CachedAnswer.of(answer.body, fmt.content_type)
        headers = self._response(cached, hit=False)
        headers.append(("Server-Timing", f"query;dur={elapsed * 1000:.1f}"))
        return headers, cached.body

    def _response(self, entry: result_cache.CachedAnswer, *, hit: bool) -> list[tuple[str, str]]:
        headers = self.cache.headers(entry, hit=hit)
        headers.append(("Content-Length", str(len(entry.body))))
        headers.extend(DEFAULT_HEADERS)
        return headers


def _content_length(environ: dict) -> int | None:
    """The body's length (0 without one); None when the header is not a plain number."""
    value = environ.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isdigit() else None


def _read_lookup(environ: dict, method: str, query_string: str, body: bytes) -> tuple[str, str | None] | None:
    """The query and the `format`/`output` value of a request that carries nothing else, decoded as the
    app decodes it (`sparql.read_protocol_request`); None for any other request."""
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(query_string.encode("latin-1").decode("utf-8")):
        params.setdefault(name, []).append(value)
    if method == "POST":
        mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if mimetype == FORM:
            for name, value in parse_qsl(body.decode("utf-8")):
                params.setdefault(name, []).append(value)
        elif mimetype == SPARQL_QUERY and environ.get("CONTENT_TYPE", "").strip().lower() == SPARQL_QUERY \
                and "query" not in params:
            params["query"] = [body.decode("utf-8")]
        else:
            return None
    elif body:
        return None
    queries = params.get("query", ())
    if len(queries) != 1 or not params.keys() <= INLINE_PARAMETERS:
        return None
    return queries[0], _format_name(params)


def _format_name(params: dict[str, list[str]]) -> str | None:
    """As `sparql._format_name`: the first non-empty `format`, else `output` value."""
    for key in ("format", "output"):
        for value in params.get(key, ()):
            if value.strip():
                return value.strip()
    return None


def _base_url(environ: dict) -> str:
    """`request.base_url` as werkzeug computes it from the environ (scheme, host, script root, path)."""
    return _current_url(environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST"),
                        environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
                        environ.get("SCRIPT_NAME") or "", environ.get("PATH_INFO") or "")


@functools.lru_cache(maxsize=64)
def _current_url(scheme: str, host_header: str | None, server_name: str | None, server_port: str | None,
                 script_name: str, path_info: str) -> str:
    """werkzeug's Request(environ).base_url (`_get_server`, `get_host`, root_path, path), remembered:
    clients send few distinct hosts."""
    server = None
    if server_name is not None:
        try:
            port: int | None = int(server_port) if server_port is not None else None
        except ValueError:
            port = None
        server = (server_name, port)
    host = get_host(scheme, host_header, server)
    root_path = script_name.encode("latin-1").decode(errors="replace").rstrip("/")
    path = "/" + path_info.encode("latin-1").decode(errors="replace").lstrip("/")
    return get_current_url(scheme, host, root_path, path)
