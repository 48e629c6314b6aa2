"""Plain /sparql queries answered below Flask: the request read, the query run, the answer sent.

A lookup (`SELECT ?p ?o { <iri> ?p ?o }`, server/lookup.py) costs the engine ~0.05 ms; what the web
layer spent around it was most of the 0.6 ms CPU a lookup took (issue 10, profiled with yappi):
Flask's request context, URL routing, a werkzeug response and its header passes, the after-request
hook. Around a catalogue query it cost ~0.3 ms more than the query's own reading. `SparqlLane` sits
between the front end and the Flask app and answers plain query requests itself, with the parts the
app uses: the same request decoding (server/forms.py), limits, negotiation, job, result cache and
headers, and the same execution (`sparql.execute`: the cheap lane for lookups, else admission control
and a killable query worker). Plain means: a query with at most `format`/`output` beside it, no update,
SERVICE or FROM, and no browser or conditional request. Every other request goes to the app untouched,
before anything ran; a query that fails is answered by the app's error handler.
tests/server/test_sparql_lane.py checks that both give the same responses.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.sansio.utils import get_current_url, get_host

from . import result_cache
from .app import DEFAULT_HEADERS
from .errors import HttpError, QuerySyntaxError
from .forms import parse_qsl
from .jobs import DatasetSpec, SparqlJob
from .limits import check_query_text
from .lookup import INLINE_PARAMETERS, INLINE_REQUEST_BYTES, SPARQL_PATH, is_lookup
from .media import GRAPH_FORMATS, RESULT_FORMATS, Format, format_by_name
from .query_text import analyse
from .sparql import FORM, SPARQL_QUERY, accept_choice, execute, explain_syntax_error
from .state import EXTENSION_KEY, ServerState

OK = "200 OK"
# a request whose query string or body is longer goes to the app (a catalogue query is 1-5 KB encoded)
LANE_REQUEST_BYTES = 64 << 10


class SparqlLane:
    """A WSGI app: plain /sparql queries answered here with the state of the Flask `app`, everything else
    by `downstream` (the app itself unless given)."""

    def __init__(self, app: Flask, downstream: Callable | None = None) -> None:
        self.flask = app
        self.app = downstream or app
        self.state: ServerState = app.extensions[EXTENSION_KEY]
        self.cache = result_cache.of(app)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SPARQL_PATH or "HTTP_IF_NONE_MATCH" in environ:
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        query_string = environ.get("QUERY_STRING", "")
        length = _content_length(environ)
        if method not in ("GET", "POST") or length is None or length > LANE_REQUEST_BYTES \
                or len(query_string) > LANE_REQUEST_BYTES:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # the app can read it again
        try:
            answered = self._answer(environ, method, query_string, body)
        except HttpError as error:  # the query ran and failed: the app's error page, without running it again
            return self._error(environ, error, start_response)
        if answered is None:
            environ["wsgi.input"].seek(0)
            return self.app(environ, start_response)
        headers, data = answered
        start_response(OK, headers)
        return [data]

    def _error(self, environ: dict, error: HttpError, start_response: Callable) -> Iterable[bytes]:
        """The response the app gives for `error` (its error handler and after-request headers)."""
        environ["wsgi.input"].seek(0)
        with self.flask.request_context(environ):
            response = self.flask.finalize_request(self.flask.handle_user_exception(error))
        return response(environ, start_response)

    def _answer(self, environ: dict, method: str, query_string: str,
                body: bytes) -> tuple[list[tuple[str, str]], bytes] | None:
        """The headers and body of the answer, or None when the app is to answer the request."""
        try:
            request = _read_query(environ, method, query_string, body)
        except UnicodeError:
            return None
        if request is None:
            return None
        query, format_name = request
        formats = self._formats(format_name, environ.get("HTTP_ACCEPT"))
        if formats is None:
            return None
        config = self.state.config
        lookup = len(query) <= INLINE_REQUEST_BYTES and is_lookup(query)
        if not lookup:
            text = analyse(query)
            if text.is_update or text.has_dataset_clause or text.service_targets or text.unresolved_services:
                return None  # the app refuses it or checks its SERVICE calls
        try:
            check_query_text(query, config.max_query_bytes, config.max_query_brackets)
        except HttpError:
            return None  # the app refuses it
        if lookup:
            try:
                return self._run(environ, query, *formats)
            except HttpError:
                return None  # a lookup is cheap: the app answers it again, with its error page
        try:
            return self._run(environ, query, *formats)
        except QuerySyntaxError as error:
            raise QuerySyntaxError(explain_syntax_error(query, error.message)) from error

    def _formats(self, format_name: str | None, accept: str | None) -> tuple[Format | None, Format | None] | None:
        """`sparql.choose_formats`, or None where the app redirects or refuses instead."""
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
        """As `sparql.run_query`: the result cache, else `sparql.execute`."""
        job = SparqlJob(query, DatasetSpec(), results.name if results else None, graphs.name if graphs else None,
                        self.state.config.max_result_bytes, base_iri=_base_url(environ))
        build = self.state.local.build.name
        key = result_cache.CacheKey.of(job, build)
        cached = self.cache.get(key)
        if cached is not None:
            return self._response(cached, hit=True), cached.body
        answer = execute(self.state, job, self.state.config.query_timeout, environ)
        elapsed = answer.elapsed
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


def _read_query(environ: dict, method: str, query_string: str, body: bytes) -> tuple[str, str | None] | None:
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
