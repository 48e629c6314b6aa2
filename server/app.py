"""The Flask application: blueprints, CORS, and the one place where errors become HTTP responses."""

from __future__ import annotations

import errno
import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from policykg import __version__

from . import result_cache
from .admission import ClientShares
from .config import ServerConfig
from .errors import GraphUnavailable, HttpError, InsufficientStorage, ResourceNotFound
from .forms import FastFormRequest
from .media import HTML_PAGE, RESOURCE_FORMATS, prefers_html
from .state import install, state

log = logging.getLogger(__name__)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "Content-Type, Content-Length, Server-Timing, Link",
    "Access-Control-Max-Age": "86400",
}
# Sent with every response (issue 11 item 7): no script but this server's own files (no inline script,
# no eval), no framing, no MIME sniffing, and no full URL (which may carry a query) sent to other sites.
# Styles may be inline: the vendored editor sets them from script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

# every response carries these unless it set its own (`add_default_headers`; the SPARQL lane sets none of them)
DEFAULT_HEADERS = tuple({**CORS_HEADERS, **SECURITY_HEADERS}.items())
_DEFAULT_HEADERS = tuple((name, value, name.lower()) for name, value in DEFAULT_HEADERS)


def create_app(config: ServerConfig | None = None, shares: ClientShares | None = None) -> Flask:
    """Build the app for `config` (default: from POLICYKG_* environment variables); `shares`: the
    per-client counts of admission control when several front-end processes share them."""
    config = config or ServerConfig.from_env()
    app = Flask(__name__)
    app.request_class = FastFormRequest  # query strings and forms decoded faster (server/forms.py)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    install(app, config, shares)
    result_cache.install(app)

    from . import analysis, dataset_pages, pages, resources, sparql, vocabulary

    app.register_blueprint(pages.bp)
    app.register_blueprint(analysis.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(dataset_pages.bp)
    app.register_blueprint(vocabulary.bp)
    app.register_blueprint(resources.bp)  # last: it serves every other path as a resource IRI
    app.add_url_rule("/health", "health", health)
    app.after_request(add_default_headers)
    app.register_error_handler(HttpError, error_response)
    app.register_error_handler(HTTPException, http_error_response)
    app.register_error_handler(OSError, os_error_response)
    app.jinja_env.globals.update(version=__version__)
    return app


def health() -> Response:
    """200 when queries can run (live workers, a verified build), else 503; says which build is served.

    Never waits behind queries: the workers' state is read from the pool's bookkeeping and the
    build from the in-process store (the cheap lane); `queries` tells how full admission control is.
    """
    executor = state().executor
    report = executor.health()
    try:
        manifest = executor.build.manifest if report["ok"] else None
    except GraphUnavailable as exc:
        report.update(ok=False, problem=exc.message)
    if not report["ok"]:
        response = jsonify(status="unavailable", message=report.get("problem"), version=__version__, **report)
        response.status_code = 503
        return response
    return jsonify(
        status="ok",
        version=__version__,
        graph_version=manifest.version,
        build=report["build"],
        built_at=manifest.built_at,
        triples=manifest.triples,
        documents=len(manifest.documents),
        workers=report["workers"],
        workers_serve=report["workers_serve"],
        sandbox=report["sandbox"],
        zygote=report["zygote"],
        refused_build=report.get("refused_build"),
        queries=state().admission.snapshot(),
        result_cache=result_cache.of(current_app).snapshot(),
    )


def add_default_headers(response: Response) -> Response:
    """CORS (public read-only data: any origin may read it, without credentials) and the security
    headers, each unless the response set its own. One pass over the response's headers: werkzeug's
    `setdefault` looks a header up by raising and catching an exception, eleven times a request."""
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend([(name, value) for name, value, lower in _DEFAULT_HEADERS if lower not in present])
    return response


def os_error_response(error: OSError) -> Response:
    """A full disk is a clear, temporary 503; any other OS error stays a server error, without a traceback."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        log.error("disk full: %s", error)
        return error_response(InsufficientStorage(
            "the server's disk is full, so it cannot write the file this request needs; "
            "the operator has been told (see the log). Try again later."
        ))
    log.exception("unexpected OS error")
    return error_response(HttpError(f"the server could not complete the request: {error.strerror}"))


def error_response(error: HttpError) -> Response:
    if error.status >= 500:
        log.warning("%s: %s", error.title, error.message)
    if prefers_html(request.headers.get("Accept"), RESOURCE_FORMATS[1:]) and request.method != "POST":
        body = _error_page(error)
        response = Response(body, status=error.status, content_type=HTML_PAGE.content_type)
    else:
        text = f"{error.status} {error.title}\n\n{error.message}\n"
        response = Response(text, status=error.status, content_type="text/plain; charset=utf-8")
    response.headers.update(error.headers)
    return response


def _error_page(error: HttpError) -> str:
    if isinstance(error, ResourceNotFound):
        from .resources import not_found_page

        return not_found_page(error)
    return render_template("error.html", status=error.status, title=error.title, message=error.message)


def http_error_response(error: HTTPException) -> Response:
    """Werkzeug's own errors (405, 413, …) as readable text, keeping their headers (e.g. Allow)."""
    status = error.code or 500
    message = error.description or error.name
    if status == 413:
        message = f"the request body is larger than this endpoint's limit of {state().config.max_body_bytes} bytes"
    response = Response(
        f"{status} {error.name}\n\n{message}\n", status=status, content_type="text/plain; charset=utf-8"
    )
    for name, value in error.get_headers():
        if name.lower() == "allow":
            response.headers[name] = value
    return response
