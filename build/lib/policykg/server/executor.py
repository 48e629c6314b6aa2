"""Queries run in a pool of worker processes that can be killed when they overrun their time limit.

pyoxigraph cannot cancel a running query, so each query goes to a worker process that holds the
current build in memory. The web process waits for the answer with a deadline; past it, the worker
is killed (SIGKILL, which frees its CPU at once) and a fresh one is started in the background,
while the other workers go on serving other clients. Answers come back already serialised.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from policykg.errors import StoreError
from policykg.kg.store import CURRENT_LINK, Build, current_build

from .errors import (
    GraphUnavailable,
    NotAcceptable,
    QueryFailed,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    ServerError,
    ServiceBusy,
)

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 180.0


@dataclass(frozen=True)
class DatasetSpec:
    """The RDF dataset of one request (SPARQL 1.1 Protocol §2.1.4 and the server's defaults).

    Without `protocol` graphs and without FROM in the query, the default graph is the union of all
    asserted graphs (the document graphs and graph/vocabulary) — plus graph/inferred when
    `inference` is set — and every named graph is available to GRAPH.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    protocol: bool = False
    query_has_dataset: bool = False
    inference: bool = False


@dataclass(frozen=True)
class SparqlJob:
    query: str
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    results_format: str | None = "json"
    graph_format: str | None = "turtle"
    max_result_bytes: int = 256 << 20
    base_iri: str | None = None


@dataclass(frozen=True)
class ReadJob:
    """A named read operation from policykg.kg.query.READ_OPERATIONS."""

    operation: str
    args: tuple = ()


@dataclass(frozen=True)
class SparqlAnswer:
    kind: str  # "solutions", "boolean" or "graph"
    format: str
    body: bytes
    elapsed: float = 0.0


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    build_path: Path


_ERRORS: dict[str, type[ServerError]] = {
    "syntax": QuerySyntaxError,
    "not_acceptable": NotAcceptable,
    "too_large": ResultTooLarge,
    "failed": QueryFailed,
}


class QueryExecutor:
    """A pool of `size` query worker processes over the current build of `data_dir`."""

    def __init__(self, data_dir: Path, size: int = 2, start_method: str = "spawn") -> None:
        self.data_dir = Path(data_dir)
        self.size = max(1, size)
        self._context = multiprocessing.get_context(start_method)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._started = False
        self._closed = False
        self._build: Build | None = None

    # -- public API -------------------------------------------------------------------------

    @property
    def build(self) -> Build:
        """The build being served (re-read when the `current` link moves)."""
        self._refresh_build()
        assert self._build is not None
        return self._build

    def start(self) -> None:
        """Start the workers now rather than on the first query (GraphUnavailable without a build)."""
        self._ensure_started()

    def run_sparql(self, job: SparqlJob, timeout: float) -> SparqlAnswer:
        started = time.monotonic()
        answer = self._call(job, timeout)
        return SparqlAnswer(answer.kind, answer.format, answer.body, time.monotonic() - started)

    def read(self, operation: str, *args: Any, timeout: float = 30.0) -> Any:
        return self._call(ReadJob(operation, args), timeout)

    def close(self) -> None:
        """Stop every worker (used on shutdown)."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            _stop(worker)

    # -- pool management --------------------------------------------------------------------

    def _refresh_build(self) -> None:
        link = (self.data_dir / CURRENT_LINK).resolve()
        if self._build is not None and self._build.path == link:
            return
        try:
            build = current_build(self.data_dir)
        except StoreError as exc:
            raise GraphUnavailable(str(exc)) from exc
        if self._build is not None:
            log.info("serving new build %s", build.path.name)
        self._build = build

    def _ensure_started(self) -> None:
        if self._started:
            return
        with self._start_lock:
            if self._started:
                return
            if self._closed:
                raise ServiceBusy("the server is shutting down")
            self._refresh_build()
            starters = [threading.Thread(target=self._add_worker, daemon=True) for _ in range(self.size)]
            for thread in starters:
                thread.start()
            for thread in starters:
                thread.join()
            if self._idle.qsize() == 0:
                raise GraphUnavailable(f"no query worker could load the build in {self.data_dir}")
            self._started = True

    def _add_worker(self) -> None:
        try:
            worker = self._spawn(self.build)
        except ServerError as exc:
            log.error("query worker failed to start: %s", exc)
            return
        with self._lock:
            if self._closed:
                _stop(worker)
                return
            self._workers.add(worker)
        self._idle.put(worker)

    def _spawn(self, build: Build) -> _Worker:
        parent_conn, child_conn = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main,
            args=(child_conn, str(build.path), build.manifest),
            name="policykg-query-worker",
            daemon=True,
        )
        process.start()
        child_conn.close()
        worker = _Worker(process, parent_conn, build.path)
        if not parent_conn.poll(STARTUP_TIMEOUT):
            _stop(worker)
            raise GraphUnavailable(f"query worker did not load {build.path} in {STARTUP_TIMEOUT:.0f} s")
        try:
            status, detail = parent_conn.recv()
        except EOFError:
            status, detail = "failed", "the worker exited while loading the graph"
        if status != "ready":
            _stop(worker)
            raise GraphUnavailable(f"query worker cannot load {build.path}: {detail}")
        log.debug("query worker %s ready (%s quads)", process.pid, detail)
        return worker

    def _replace_later(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        _stop(worker)
        threading.Thread(target=self._add_worker, daemon=True, name="policykg-respawn").start()

    def _checkout(self, deadline: float) -> _Worker:
        self._ensure_started()
        self._refresh_build()
        while True:
            remaining = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, remaining))
            except queue.Empty as exc:
                raise ServiceBusy(
                    "every query worker stayed busy for the whole time limit; try again shortly"
                ) from exc
            if worker.build_path == self.build.path and worker.process.is_alive():
                return worker
            self._replace_later(worker)  # a new build appeared or the worker died

    def _call(self, job: SparqlJob | ReadJob, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        worker = self._checkout(deadline)
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                log.warning("query stopped after %.1f s; replacing worker %s", timeout, worker.process.pid)
                self._replace_later(worker)
                raise QueryTimeout(
                    f"The query ran longer than its time limit of {timeout:g} s and was stopped. "
                    "Narrow it down (LIMIT, more specific patterns) and try again."
                )
            message = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._replace_later(worker)
            raise QueryFailed(f"the query worker died while running the query: {exc}") from exc
        self._idle.put(worker)
        return _unwrap(message)


def _unwrap(message: tuple) -> Any:
    status, payload = message[0], message[1]
    if status == "ok":
        return payload
    error = _ERRORS.get(status, QueryFailed)
    raise error(payload)


def _stop(worker: _Worker) -> None:
    try:
        worker.conn.close()
    except OSError:
        pass
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(timeout=5)


# -- worker process -------------------------------------------------------------------------


def worker_main(conn: Connection, build_path: str, manifest: dict) -> None:
    """Entry point of a query worker: load the build into memory, then answer jobs until EOF."""
    from .worker import serve_jobs  # imported in the child only

    _exit_with_parent()
    serve_jobs(conn, Build(Path(build_path), manifest))


def _exit_with_parent(poll_seconds: float = 1.0) -> None:
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
