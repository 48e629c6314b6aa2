"""Publish a build into an OpenLink Virtuoso 7 server and query it over HTTP.

Loading goes through Virtuoso's bulk loader, driven by the `isql` command-line client:

* every named graph found in the build's N-Quads dumps is cleared first (so loading is idempotent);
* each dump is registered with `ld_dir(folder, file, default graph)` and loaded by `rdf_loader_run()`.
  For `*.nq` files the loader keeps the graph of every quad, so each triple lands in the same graph
  IRI as in the embedded Oxigraph store;
* `checkpoint` makes the load durable, and the loader's error column is checked for each file.

The bulk loader reads files on the server's side, so the dump must be in a folder listed in the
server's `DirsAllowed` (virtuoso.ini; Virtuoso 7.2 also reads anything under /tmp). When the build
folder is not, pass `staging_dir`: a folder that is, on a file system the server shares; the dumps are
copied there first.

Queries go to the server's SPARQL protocol endpoint (`/sparql`) and return the SPARQL 1.1 JSON
bindings (`[{"var": {"type": ..., "value": ...}}, ...]`).
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import StoreError
from policykg.kg.namespaces import sparql_prologue
from policykg.kg.store import Build

log = logging.getLogger(__name__)

ASSERTED_DUMP = "policykg.nq"
INFERRED_DUMP = "inferred.nq"
# graph for quads without one; the builder writes none, so nothing should ever land here
FALLBACK_GRAPH = "https://w3id.org/policykg/graph/default"
RESULTS_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class VirtuosoServer:
    """Where a Virtuoso server listens and how to log in (SQL/isql port and HTTP port)."""

    host: str = "127.0.0.1"
    isql_port: int = 1111
    http_port: int = 8890
    user: str = "dba"
    password: str = "dba"
    isql: str = "isql-vt"  # the Debian name of Virtuoso's isql client
    timeout: float = 600.0  # seconds for one isql run or one HTTP request

    @property
    def sparql_endpoint(self) -> str:
        return f"http://{self.host}:{self.http_port}/sparql"

    def __str__(self) -> str:
        return f"Virtuoso at {self.host}:{self.isql_port} (HTTP {self.http_port})"


@dataclass(frozen=True)
class LoadReport:
    """What load_build put into the server: triples per graph (as counted by Virtuoso) and the time it took."""

    graphs: dict[str, int]
    seconds: float


def _sql_string(value: str) -> str:
    """A SQL string literal (Virtuoso: single quotes doubled, backslashes literal)."""
    return "'" + value.replace("'", "''") + "'"


def _iri(value: str) -> str:
    if any(ch in value for ch in "<>\"{}|^`\\ \n"):
        raise StoreError(f"refusing to send the malformed IRI {value!r} to Virtuoso")
    return f"<{value}>"


def isql(server: VirtuosoServer, script: str, *, step: str) -> str:
    """Run SQL statements (each ending in `;`) through isql; StoreError naming `step` on any error.

    isql exits 0 even when a statement fails, so its error stream is checked as well.
    """
    command = [server.isql, f"{server.host}:{server.isql_port}", server.user, server.password,
               "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"]
    log.debug("%s: isql %s", server, step)
    try:
        done = subprocess.run(command, input=script, capture_output=True, text=True, encoding="utf-8",
                              timeout=server.timeout, check=False)
    except FileNotFoundError:
        raise StoreError(f"{server}: {step}: the isql client {server.isql!r} is not installed") from None
    except subprocess.TimeoutExpired:
        raise StoreError(f"{server}: {step}: isql did not finish within {server.timeout:.0f} s") from None
    output = done.stdout + done.stderr
    errors = [line for line in output.splitlines() if line.startswith("*** Error")]
    if done.returncode != 0 or errors:
        detail = "; ".join(errors) or output.strip()[-500:] or f"isql exit status {done.returncode}"
        raise StoreError(f"{server}: {step} failed: {detail}")
    return done.stdout


def ping(server: VirtuosoServer) -> bool:
    """True when the server accepts an isql login."""
    try:
        isql(server, "select 1;", step="ping")
    except StoreError:
        return False
    return True


def dump_graphs(path: Path) -> Counter[str]:
    """Quads per named graph in an N-Quads dump (the default graph counts under FALLBACK_GRAPH)."""
    counts: Counter[str] = Counter()
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            graph = quad.graph_name
            counts[graph.value if isinstance(graph, ox.NamedNode) else FALLBACK_GRAPH] += 1
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"cannot read the dump {path}: {exc}") from exc
    return counts


def build_dumps(build: Build, *, include_inferred: bool = True) -> list[Path]:
    names = [ASSERTED_DUMP] + ([INFERRED_DUMP] if include_inferred else [])
    paths = [build.dump(name) for name in names]
    for path in paths:
        if not path.is_file():
            raise StoreError(f"the build {build.path} has no {path.name}")
    return paths


def clear_graphs(server: VirtuosoServer, graphs: Iterable[str]) -> None:
    """Remove every triple of these graphs (missing graphs are fine)."""
    graphs = sorted(set(graphs))
    if not graphs:
        return
    # log_enable(3, 1): no transaction log, row-by-row autocommit — what Virtuoso advises for bulk deletes
    script = "log_enable(3, 1);\n" + "".join(f"SPARQL CLEAR GRAPH {_iri(g)};\n" for g in graphs)
    isql(server, script, step=f"clearing {len(graphs)} graphs")


def bulk_load(server: VirtuosoServer, files: Sequence[Path]) -> None:
    """Load N-Quads files with ld_dir + rdf_loader_run (each file must be in a DirsAllowed folder)."""
    statements = []
    for path in files:
        path = path.resolve()
        # ld_dir skips files it has already registered: forget earlier runs of the same file
        statements.append(f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {_sql_string(str(path))};")
        statements.append(f"ld_dir({_sql_string(str(path.parent))}, {_sql_string(path.name)}, "
                          f"{_sql_string(FALLBACK_GRAPH)});")
    script = "\n".join(statements) + "\nrdf_loader_run();\ncheckpoint;\n"
    try:
        isql(server, script, step="bulk loading " + ", ".join(p.name for p in files))
    except StoreError as exc:
        if "access control" in str(exc):
            raise StoreError(f"{exc} (list {', '.join(sorted({str(p.resolve().parent) for p in files}))} in "
                             "DirsAllowed of the server's virtuoso.ini, or pass staging_dir)") from None
        raise
    # the loader records a failing file in LOAD_LIST instead of raising
    names = ", ".join(_sql_string(str(p.resolve())) for p in files)
    out = isql(server, f"SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_file IN ({names});",
               step="checking the bulk loader's list")
    if out.split() != [str(len(files))]:
        raise StoreError(f"{server}: bulk loading: the server did not register all of {names} "
                         "(is their folder listed in DirsAllowed of its virtuoso.ini?)")
    out = isql(server, "SELECT ll_file || ': ' || coalesce(ll_error, sprintf('loader state %d', ll_state)) "
                       f"FROM DB.DBA.LOAD_LIST WHERE ll_file IN ({names}) AND (ll_state <> 2 OR ll_error IS NOT NULL);",
               step="checking the bulk loader's errors")
    failed = [line.strip() for line in out.splitlines() if line.strip()]
    if failed:
        raise StoreError(f"{server}: bulk loading failed: " + "; ".join(failed))


def load_build(build: Build, server: VirtuosoServer, *, include_inferred: bool = True,
               staging_dir: Path | None = None) -> LoadReport:
    """Put the build's named graphs (policykg.nq, and inferred.nq when asked) into the server.

    The graphs the dumps hold are cleared first, so running it again replaces rather than adds.
    Returns the triples per graph as Virtuoso counts them after the load.
    """
    started = time.perf_counter()
    files = build_dumps(build, include_inferred=include_inferred)
    expected: Counter[str] = Counter()
    for path in files:
        expected.update(dump_graphs(path))
    log.info("%s: loading %d graphs (%d quads) from %s", server, len(expected), expected.total(), build.path)
    if staging_dir is not None:
        staging_dir.mkdir(parents=True, exist_ok=True)
        staged = []
        for path in files:
            target = staging_dir / f"{build.path.name}-{path.name}"
            shutil.copyfile(path, target)
            staged.append(target)
        files = staged
    try:
        clear_graphs(server, expected)
        bulk_load(server, files)
    finally:
        if staging_dir is not None:
            for path in files:
                path.unlink(missing_ok=True)
    loaded = graph_counts(server, expected)
    seconds = time.perf_counter() - started
    log.info("%s: loaded %d triples in %.1f s", server, sum(loaded.values()), seconds)
    return LoadReport(loaded, seconds)


def graph_counts(server: VirtuosoServer, graphs: Iterable[str]) -> dict[str, int]:
    """Triples per graph in the server (0 for graphs it does not hold)."""
    graphs = sorted(set(graphs))
    values = " ".join(_iri(g) for g in graphs)
    rows = select(server, f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                          "GROUP BY ?g")
    counts = dict.fromkeys(graphs, 0)
    for row in rows:
        counts[row["g"]["value"]] = int(row["n"]["value"])
    return counts


def select(server: VirtuosoServer, query: str, *, default_graphs: Sequence[str] = (),
           named_graphs: Sequence[str] = (), prefixes: Mapping[str, str] | None = None,
           timeout: float | None = None) -> list[dict]:
    """Run a SELECT query over HTTP; the SPARQL JSON bindings (one dict of variable → term per solution).

    `default_graphs` / `named_graphs` are sent as the protocol's default-graph-uri / named-graph-uri
    (without them Virtuoso's default graph is the union of all its graphs).
    """
    return _request(server, query, default_graphs, named_graphs, prefixes, timeout)["results"]["bindings"]


def ask(server: VirtuosoServer, query: str, **kwargs) -> bool:
    return bool(_request(server, query, kwargs.get("default_graphs", ()), kwargs.get("named_graphs", ()),
                         kwargs.get("prefixes"), kwargs.get("timeout"))["boolean"])


def _request(server: VirtuosoServer, query: str, default_graphs: Sequence[str], named_graphs: Sequence[str],
             prefixes: Mapping[str, str] | None, timeout: float | None) -> dict:
    if prefixes:  # Virtuoso has no way to predeclare prefixes per request
        query = sparql_prologue(prefixes) + query
    fields = [("query", query)] + [("default-graph-uri", g) for g in default_graphs]
    fields += [("named-graph-uri", g) for g in named_graphs]
    body = urllib.parse.urlencode(fields).encode("utf-8")
    request = urllib.request.Request(server.sparql_endpoint, data=body, method="POST", headers={
        "Accept": RESULTS_JSON, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout or server.timeout) as response:
            payload = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()
        raise StoreError(f"{server}: SPARQL query failed (HTTP {exc.code}): {detail[:1500]}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(f"{server}: cannot reach {server.sparql_endpoint}: {exc}") from None
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise StoreError(f"{server}: the SPARQL endpoint answered with malformed JSON: {exc}") from None


def enable_federation(server: VirtuosoServer) -> None:
    """Let anonymous SPARQL users run SERVICE clauses (Virtuoso's roles for SPARQL 1.1 federation)."""
    script = ('grant SPARQL_LOAD_SERVICE_DATA to "SPARQL";\n'
              'grant SPARQL_SPONGE to "SPARQL";\n')
    try:
        isql(server, script, step="granting the SPARQL federation roles")
    except StoreError as exc:
        # granting a role twice is an error in Virtuoso ("already have role ... assigned"): that is fine
        if "already" not in str(exc):
            raise
