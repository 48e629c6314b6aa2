"""The cheap lane: linked-data pages, /health and single-pattern lookups answered in this process.

The build's on-disk store is opened read-only here (reopened when `current` moves), so these
requests skip the query workers' queue and the pickling round trip. Only work whose cost the
server can bound runs here: the read operations of server/operations.py (index lookups around one
IRI) and SPARQL queries that consist of one triple pattern (`is_lookup`). Everything else goes to
the killable worker processes through admission control (server/admission.py).

`is_lookup` accepts a small sub-language whose tokens cannot contain a comment, a string or a
nested group (no `#`, no quotes, no brackets other than the one group), so the engine, which
parses the query again, reads the same single triple pattern; a query outside it just takes the
query lane.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policykg.errors import StoreError
from policykg.kg.dataset import QueryDatasets, has_merged_default_graph
from policykg.kg.store import CURRENT_LINK, Build, current_build, open_store

from .errors import GraphUnavailable, QueryFailed
from .forms import parse_qsl
from .jobs import SparqlAnswer, SparqlJob
from .operations import run_read
from .sandbox import Sandbox
from .worker import answer

log = logging.getLogger(__name__)

_NO_NAMESPACE = Sandbox(isolated=False, reason="the web process answers lookups in its own namespace")

SPARQL_PATH = "/sparql"
# builds up to this many triples are served from memory (each front-end process holds a copy)
IN_MEMORY_TRIPLES = 250_000
# the parameters a request answered in the front end's main loop may carry (see `answers_inline`)
INLINE_PARAMETERS = frozenset({"query", "format", "output"})
# a lookup is short: a request whose query string or body is longer is not even decoded in the main loop
# (it takes a request thread, where a lookup is still answered by the cheap lane). Decoding a catalogue
# query there only to find it is none cost ~0.13 ms a query, as much again as the app's own decoding
INLINE_REQUEST_BYTES = 1024

# operations whose answer depends on the build only: computed once per build
PER_BUILD_OPERATIONS = frozenset({"statistics"})

_LOOKUP_TOKEN = re.compile(
    r"""\s*(?:
        (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)
      | (?P<pname>[A-Za-z][A-Za-z0-9_\-]*:[A-Za-z0-9_][A-Za-z0-9_\-]*|[A-Za-z][A-Za-z0-9_\-]*:|:[A-Za-z0-9_\-]*)
      | (?P<word>[A-Za-z]+)
      | (?P<number>[0-9]{1,6})
      | (?P<punct>[{}.*])
    )""",
    re.VERBOSE,
)


def _lookup_tokens(query: str) -> list[tuple[str, str]] | None:
    """The query's tokens in the lookup sub-language, or None when it has any other character."""
    found, position, end = [], 0, len(query.rstrip())
    while position < end:
        match = _LOOKUP_TOKEN.match(query, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def is_lookup(query: str) -> bool:
    """`_is_lookup(query)`, remembered for the last few short queries: a lookup request is read by the
    front end's main loop, by the SPARQL lane and by the cheap lane, each with the same text."""
    if len(query) > INLINE_REQUEST_BYTES:
        return _is_lookup(query)
    return _remembered_is_lookup(query)


def _is_lookup(query: str) -> bool:
    """True for `PREFIX…* (SELECT [DISTINCT] vars|* | ASK) [WHERE] { s p o [.] } [LIMIT n] [OFFSET n]`
    where a SELECT names an IRI as subject or object, and for `CONSTRUCT { s p o } WHERE { s p o }` or
    `CONSTRUCT WHERE { s p o }` with an IRI as subject or object; such a query costs one index scan
    (a CONSTRUCT instantiates one template triple per solution of it)."""
    tokens = _lookup_tokens(query)
    if not tokens:
        return False
    position = 0

    def word(expected: str) -> bool:
        nonlocal position
        if position < len(tokens) and tokens[position][0] == "word" and tokens[position][1].upper() == expected:
            position += 1
            return True
        return False

    def group() -> list[tuple[str, str]] | None:
        """`{ s p o [.] }` at the position: its three terms (and the position moved past it)."""
        nonlocal position
        pattern = tokens[position : position + 4]
        if len(pattern) < 4 or pattern[0] != ("punct", "{"):
            return None
        terms = pattern[1:4]
        if not all(kind in ("iri", "var", "pname") or (kind, text) == ("word", "a") for kind, text in terms):
            return None
        position += 4
        if position < len(tokens) and tokens[position] == ("punct", "."):
            position += 1
        if position >= len(tokens) or tokens[position] != ("punct", "}"):
            return None
        position += 1
        return terms

    while word("PREFIX"):
        if position + 1 >= len(tokens) or tokens[position][0] != "pname" or tokens[position + 1][0] != "iri":
            return False
        position += 2
    template = None
    if word("ASK"):
        form = "ASK"
    elif word("CONSTRUCT"):
        form = "CONSTRUCT"
        if not word("WHERE"):
            template = group()
            if template is None or not word("WHERE"):
                return False
    elif word("SELECT"):
        form = "SELECT"
        word("DISTINCT") or word("REDUCED")
        if position < len(tokens) and tokens[position] == ("punct", "*"):
            position += 1
        else:
            start = position
            while position < len(tokens) and tokens[position][0] == "var":
                position += 1
            if position == start:
                return False
    else:
        return False
    if form != "CONSTRUCT":
        word("WHERE")
    terms = group()
    if terms is None:
        return False
    if template is not None and not {t for t in template if t[0] == "var"} <= set(terms):
        return False  # a template variable the pattern does not bind: leave it to the engine's rules
    for keyword in ("LIMIT", "OFFSET"):
        if word(keyword):
            if position >= len(tokens) or tokens[position][0] != "number":
                return False
            position += 1
    if position != len(tokens):
        return False
    bound_ends = [kind for kind, _ in (terms[0], terms[2]) if kind != "var"]
    return form == "ASK" or bool(bound_ends)


_remembered_is_lookup = functools.lru_cache(maxsize=256)(_is_lookup)


@functools.lru_cache(maxsize=256)  # called by the main loop only, with queries of at most INLINE_REQUEST_BYTES
def _bounded_fan_out(query: str) -> bool:
    """For a query `is_lookup` accepts: an ASK (one match ends it), or a pattern whose subject is an IRI
    (a resource's own description). `?s ?p <class>` may match every instance of a class: such a lookup
    stays in the cheap lane but takes a request thread, so that it cannot hold the main loop."""
    tokens = _lookup_tokens(query) or []
    groups = [index for index, token in enumerate(tokens) if token == ("punct", "{")]
    if not groups:
        return False
    if any(kind == "word" and text.upper() == "ASK" for kind, text in tokens[: groups[0]]):
        return True
    subject = tokens[groups[-1] + 1] if groups[-1] + 1 < len(tokens) else ("", "")
    return subject[0] in ("iri", "pname")


@dataclass
class _Opened:
    link: str
    build: Build
    store: ox.Store
    dataset: QueryDatasets | None
    cache: dict[str, Any]


class LocalStore:
    """The current build, opened read-only in this process; reopened when the `current` link moves."""

    def __init__(self, data_dir: Path, select_build: Callable[[], Build] | None = None) -> None:
        self.data_dir = Path(data_dir)
        # which build to serve when `current` moves: the query pool's choice (a verified build, or the
        # last good one while `current` is refused), so both lanes always serve the same build
        self._select = select_build or (lambda: current_build(self.data_dir))
        self._link = self.data_dir / CURRENT_LINK
        self._opened: _Opened | None = None
        self._lock = threading.Lock()

    def _current(self) -> _Opened:
        # one readlink per request instead of resolving the path: the link names builds/<digest>
        try:
            target = os.readlink(self._link)
        except OSError as exc:
            raise GraphUnavailable(f"no built graph in {self.data_dir} (run `policykg build` first)") from exc
        opened = self._opened
        if opened is not None and opened.link == target:
            return opened
        with self._lock:
            if self._opened is None or self._opened.link != target:
                self._opened = self._open(target)
            return self._opened

    def _open(self, target: str) -> _Opened:
        try:
            build = self._select()
            # a build laid out without its on-disk store (dumps only) is loaded into memory instead, and
            # so is a small one: a lookup reads it in half the time (0.05 against 0.10 ms, seed build)
            in_memory = not build.store_path.is_dir() or build.manifest.triples <= IN_MEMORY_TRIPLES
            store = open_store(build, in_memory=in_memory)
        except StoreError as exc:
            raise GraphUnavailable(str(exc)) from exc
        # a store without the merged default graph (an older layout) answers page reads only
        dataset = QueryDatasets(store) if has_merged_default_graph(store) else None
        log.info("cheap lane serving build %s", build.path.name)
        return _Opened(target, build, store, dataset, {})

    def _still_current(self, opened: _Opened) -> bool:
        try:
            return os.readlink(self._link) == opened.link
        except OSError:
            return False

    @property
    def build(self) -> Build:
        return self._current().build

    def read(self, operation: str, *args: Any) -> Any:
        """Run a read operation (server/operations.py) on the current build."""
        opened = self._current()
        if operation in PER_BUILD_OPERATIONS and not args:
            if operation not in opened.cache:
                opened.cache[operation] = self._run(opened, operation)
            return opened.cache[operation]
        return self._run(opened, operation, *args)

    @staticmethod
    def _run(opened: _Opened, operation: str, *args: Any) -> Any:
        try:
            return run_read(opened.store, operation, args)
        except ValueError as exc:
            raise QueryFailed(f"{operation} failed: {exc}") from exc

    def answers_inline(self, method: str, path: str, query_string: str, content_type: str,
                       body: bytes | None) -> bool:
        """True when a request is a /sparql lookup that `try_lookup` answers from the build already open:
        the front end may then answer it in its main loop (server/wsgi.py). This reading of the request
        only chooses the thread that runs it; the app reads the request again and decides everything.
        Conservative: any parameter besides the query and the output format, any other body, a
        build not opened yet or a query that would leave the cheap lane, and the answer is no."""
        if path != SPARQL_PATH or (body is None) or (method not in ("GET", "POST")) \
                or len(query_string) > INLINE_REQUEST_BYTES or len(body) > INLINE_REQUEST_BYTES:
            return False
        opened = self._opened
        if opened is None or opened.dataset is None or not self._still_current(opened):
            return False  # (re)opening a build is left to a request thread
        try:  # decoded as the app decodes it (server/forms.py), so both readings see the same query
            params: dict[str, list[str]] = {}
            for name, value in parse_qsl(query_string.encode("latin-1").decode("utf-8")):
                params.setdefault(name, []).append(value)
            mimetype = content_type.split(";", 1)[0].strip().lower()
            if method == "POST" and mimetype == "application/sparql-query":
                params.setdefault("query", []).append(body.decode("utf-8"))
            elif method == "POST" and mimetype == "application/x-www-form-urlencoded":
                for name, value in parse_qsl(body.decode("utf-8")):
                    params.setdefault(name, []).append(value)
            elif method == "POST" or body:
                return False
        except UnicodeError:
            return False
        queries = params.get("query", ())
        return (len(queries) == 1 and params.keys() <= INLINE_PARAMETERS
                and is_lookup(queries[0]) and _bounded_fan_out(queries[0])
                and not _NO_NAMESPACE.refuses_text(queries[0]))

    def try_lookup(self, job: SparqlJob) -> SparqlAnswer | None:
        """Answer the job here, exactly as a query worker would, when it is a lookup over the default
        dataset (see `is_lookup`); None when it must go to the query lane."""
        if job.dataset.protocol or job.dataset.query_has_dataset or not is_lookup(job.query):
            return None
        if _NO_NAMESPACE.refuses_text(job.query):
            # "service" in an IRI or a prefix: this process would refuse it (it has the host's
            # network); an isolated worker answers it instead
            return None
        opened = self._current()
        if opened.dataset is None:
            return None
        # this process has the host's network: a lookup has no SERVICE (see is_lookup), and the
        # un-isolated sandbox still refuses any query that could hold one (a second, broader guard)
        return answer(opened.dataset, job, _NO_NAMESPACE).result()
