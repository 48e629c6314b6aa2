"""Publish a build to a triple store the user already runs, over the SPARQL 1.1 Graph Store Protocol.

Each named graph of the build's dumps (policykg.nq, and inferred.nq unless left out) is sent with
`PUT <store>?graph=<name>`, which replaces that graph's content as a whole: publishing twice leaves
the same triples, never twice as many. Virtuoso (/sparql-graph-crud-auth), Fuseki (/ds/data),
GraphDB (/repositories/R/rdf-graphs/service) and Oxigraph (/store) speak it. The body is N-Triples
sent as text/turtle (a subset of Turtle that every one of them reads).

The protocol has no transaction over several graphs: when a PUT fails, the graphs already replaced
stay replaced, and the error names them and the one that failed, so that running again completes it.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import StoreError

from .store import Build
from .virtuoso import build_dumps

log = logging.getLogger(__name__)
BODY_TYPE = "text/turtle"
LOGIN_HINT = " (check the user, the password and the grants: see README, Publishing)"


@dataclass
class PublishReport:
    """Triples sent per graph and how long it took."""

    triples: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.triples.values())


def graphs_of(paths: list[Path]) -> dict[str, bytes]:
    """The N-Quads dumps as N-Triples bodies per named graph (default-graph quads are refused)."""
    triples: dict[str, list[ox.Triple]] = defaultdict(list)
    for path in paths:
        try:
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                if not isinstance(quad.graph_name, ox.NamedNode):
                    raise StoreError(f"{path}: a quad outside any named graph ({quad}); the build names every graph")
                triples[quad.graph_name.value].append(quad.triple)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"cannot read the dump {path}: {exc}") from exc
    return {name: ox.serialize(sorted(items, key=str), format=ox.RdfFormat.N_TRIPLES)
            for name, items in sorted(triples.items())}


def authorization(url: str, method: str, user: str, password: str | None, timeout: float) -> str | None:
    """The Authorization header for `method url`, answered to the server's own challenge beforehand.

    urllib answers a challenge only after sending the whole body once; Virtuoso closes the connection
    after its 401, so a large graph breaks the pipe. Asking first with an empty GET (which changes nothing)
    and sending the PUT already authorised avoids that. Digest (Virtuoso's -auth endpoints) and Basic."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout):
            return None  # no challenge: the store does not ask for a login here
    except urllib.error.HTTPError as exc:
        challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"{method} {url}: cannot reach the store: {getattr(exc, 'reason', exc)}") from None
    scheme, _, params = challenge.partition(" ")
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password or "")
    if scheme.lower() == "digest":
        handler = urllib.request.HTTPDigestAuthHandler(passwords)
        fields = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(params)))
        answer = handler.get_authorization(urllib.request.Request(url, method=method), fields)
        return f"Digest {answer}" if answer else None
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")


def check_login(url: str, user: str, password: str | None, timeout: float) -> None:
    """Refuse early, with the status, when the store does not accept the login (a 401 sent while a
    large body is still being written shows up only as a broken pipe)."""
    header = authorization(url, "HEAD", user, password, timeout)
    request = urllib.request.Request(url, method="HEAD")
    if header:
        request.add_unredirected_header("Authorization", header)
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            refused = f"HEAD {url}: {exc.code} {exc.reason}: the store refuses user {user!r}"
            raise StoreError(refused + LOGIN_HINT) from None
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"HEAD {url}: cannot reach the store: {getattr(exc, 'reason', exc)}") from None


def put_graph(store_url: str, graph: str, body: bytes, timeout: float, user: str | None = None,
              password: str | None = None) -> None:
    separator = "&" if "?" in store_url else "?"
    url = f"{store_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
    request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": BODY_TYPE})
    if user:
        header = authorization(url, "PUT", user, password, timeout)
        if header:
            request.add_unredirected_header("Authorization", header)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        hint = LOGIN_HINT if exc.code in (401, 403) else ""
        raise StoreError(f"PUT {url}: {exc.code} {exc.reason}{hint}: {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"PUT {url}: cannot reach the store: {getattr(exc, 'reason', exc)}") from None


def publish(build: Build, store_url: str, *, include_inferred: bool = True, user: str | None = None,
            password: str | None = None, timeout: float = 300.0) -> PublishReport:
    """Replace each named graph of the build in the Graph Store at `store_url`."""
    if urllib.parse.urlsplit(store_url).scheme not in ("http", "https"):
        raise StoreError(f"--to must be an http(s) URL of a Graph Store Protocol endpoint, not {store_url!r}")
    started = time.perf_counter()
    bodies = graphs_of(build_dumps(build, include_inferred=include_inferred))
    report = PublishReport()
    if user and bodies:
        check_login(f"{store_url}{'&' if '?' in store_url else '?'}"
                    f"{urllib.parse.urlencode({'graph': next(iter(bodies))})}", user, password, timeout)
    for graph, body in bodies.items():
        try:
            put_graph(store_url, graph, body, timeout, user, password)
        except StoreError as exc:
            done = ", ".join(report.triples) or "none"
            raise StoreError(f"{exc}\n(graphs already replaced: {done}; run the command again to finish)") from None
        report.triples[graph] = body.count(b"\n")
        log.info("published %s (%d triples)", graph, report.triples[graph])
    report.seconds = time.perf_counter() - started
    return report
