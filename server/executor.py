"""Queries run in a pool of worker processes that can be killed when they overrun their time limit.

pyoxigraph cannot cancel a running query, so each query goes to a worker process that holds the
current build in memory. The web process waits for the answer with a deadline; past it, the worker
is killed (SIGKILL, which frees its CPU at once) while the other workers go on serving other clients.
Answers come back already serialised.

The pool keeps itself full: a monitor thread notices every worker that dies, whatever killed it
(time limit, memory limit, crash, recycling), and spawn attempts retry with back-off, each loading
the build that is current and verified at that moment (`serving build`). A build whose artefacts
differ from its manifest is refused; the pool keeps serving the last good one. `health()` says how
many workers are alive, which build they serve and whether queries can run.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from policykg.kg.manifest import Manifest
from policykg.kg.store import Build

from .admission import POLL_SECONDS, never_disconnected
from .errors import (
    GraphUnavailable,
    NotAcceptable,
    QueryCancelled,
    QueryFailed,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    ServerError,
    ServiceBusy,
    ServiceFailed,
    ServiceNotAllowed,
)
from .jobs import DatasetSpec, ReadJob, SparqlAnswer, SparqlJob, WorkerSettings
from .served_build import ServedBuild

__all__ = ["DatasetSpec", "QueryExecutor", "ReadJob", "SparqlAnswer", "SparqlJob", "WorkerSettings"]

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 180.0
MAX_BACKOFF = 5.0
MONITOR_INTERVAL = 0.5


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    build_path: Path
    info: dict = field(default_factory=dict)


_ERRORS: dict[str, type[ServerError]] = {
    "syntax": QuerySyntaxError,
    "not_acceptable": NotAcceptable,
    "too_large": ResultTooLarge,
    "service_refused": ServiceNotAllowed,
    "service_failed": ServiceFailed,
    "failed": QueryFailed,
}


class QueryExecutor:
    """A pool of `size` query worker processes over the current build of `data_dir`."""

    def __init__(self, data_dir: Path, size: int = 2, start_method: str = "spawn",
                 settings: WorkerSettings | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.size = max(1, size)
        self.settings = settings or WorkerSettings()
        self._context = multiprocessing.get_context(start_method)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._closing = threading.Event()
        self._workers: set[_Worker] = set()
        self._pending = 0
        self._spawn_failures = 0
        self._last_spawn_error: str | None = None
        self._started = False
        self._served = ServedBuild(self.data_dir)
        # at interpreter exit multiprocessing SIGTERMs its daemonic children; stop first, so that the
        # pool does not take their deaths for failures and start new workers while Python shuts down
        atexit.register(_close_if_alive, weakref.ref(self))

    # -- public API -------------------------------------------------------------------------

    @property
    def build(self) -> Build:
        """The build being served: `current` if it verifies, else the last good one (GraphUnavailable if none)."""
        return self._served.current()

    def start(self) -> None:
        """Start the workers now rather than on the first query (GraphUnavailable without a build)."""
        self._ensure_started()

    def run_sparql(self, job: SparqlJob, timeout: float,
                   disconnected: Callable[[], bool] = never_disconnected) -> SparqlAnswer:
        """Run `job` in a worker; `disconnected` tells whether the client has hung up (checked every
        POLL_SECONDS while the query runs: its worker is then killed, as at the time limit)."""
        started = time.monotonic()
        answer = self._call(job, timeout, disconnected)
        return SparqlAnswer(answer.kind, answer.format, answer.body, time.monotonic() - started)

    def read(self, operation: str, *args: Any, timeout: float = 30.0) -> Any:
        return self._call(ReadJob(operation, args), timeout)

    def health(self) -> dict:
        """Live workers, the build they serve, and whether a query can run now (`ok`)."""
        if not self._started and not self._closing.is_set():
            try:
                self._ensure_started()
            except ServerError:
                pass
        with self._lock:
            live = [w for w in self._workers if w.process.is_alive()]
            pending = self._pending
        try:
            build: Build | None = self._served.current()
            problem = None
        except GraphUnavailable as exc:
            build, problem = None, exc.message
        serving = sorted({w.build_path.name for w in live})
        report: dict[str, Any] = {
            # a pool that is refilling without a failed start (workers just killed by timeouts or hang-ups)
            # still runs queries: they wait a moment for the next worker, within their time limit
            "ok": build is not None and (bool(live) or (pending > 0 and self._spawn_failures == 0)),
            "workers": {"live": len(live), "size": self.size, "starting": pending},
            "build": build.name if build else None,
            "workers_serve": serving,
            "sandbox": sorted({w.info.get("sandbox", "?") for w in live}),
        }
        if problem:
            report["problem"] = problem
        elif not live and not report["ok"]:
            report["problem"] = self._last_spawn_error or "no query worker is running"
        if self._served.refused is not None:
            report["refused_build"] = self._served.refused
        return report

    def close(self) -> None:
        """Stop every worker (used on shutdown)."""
        self._closing.set()
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            _stop(worker)

    # -- pool management --------------------------------------------------------------------

    def _ensure_started(self) -> None:
        if self._started:
            return
        with self._start_lock:
            if self._started:
                return
            if self._closing.is_set():
                raise ServiceBusy("the server is shutting down")
            build = self._served.current()
            starters = [threading.Thread(target=self._start_one, args=(build,), daemon=True)
                        for _ in range(self.size)]
            for thread in starters:
                thread.start()
            for thread in starters:
                thread.join()
            if self._idle.qsize() == 0:
                raise GraphUnavailable(
                    f"no query worker could load the build in {self.data_dir}: {self._last_spawn_error}")
            self._started = True
            threading.Thread(target=self._monitor, daemon=True, name="policykg-pool-monitor").start()
            self._refill()

    def _start_one(self, build: Build) -> None:
        try:
            self._admit(self._spawn(build))
        except (ServerError, OSError, RuntimeError) as exc:
            self._last_spawn_error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            log.error("query worker failed to start: %s", self._last_spawn_error)

    def _admit(self, worker: _Worker) -> None:
        with self._lock:
            if self._closing.is_set():
                _stop(worker)
                return
            self._workers.add(worker)
        self._idle.put(worker)

    def _refill(self) -> None:
        """Start a spawner for every missing worker (each retries with back-off until it succeeds)."""
        if self._closing.is_set():
            return
        with self._lock:
            missing = self.size - len(self._workers) - self._pending
            self._pending += max(0, missing)
        for _ in range(missing):
            threading.Thread(target=self._spawn_until_ready, daemon=True, name="policykg-respawn").start()

    def _spawn_until_ready(self) -> None:
        worker = None
        try:
            while not self._closing.is_set():
                try:
                    worker = self._spawn(self._served.current())
                    break
                except (ServerError, OSError, RuntimeError) as exc:
                    self._spawn_failures += 1
                    self._last_spawn_error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                    delay = min(MAX_BACKOFF, 0.25 * 2 ** min(self._spawn_failures, 8))
                    log.error("query worker failed to start (retrying in %.1f s): %s", delay,
                              self._last_spawn_error)
                    self._closing.wait(delay)
        finally:
            with self._lock:
                self._pending -= 1
                if worker is not None and not self._closing.is_set():
                    self._workers.add(worker)  # in the same step, so that _refill never over-counts
                    self._spawn_failures = 0
                    admitted = True
                else:
                    admitted = False
        if worker is not None:
            if admitted:
                self._idle.put(worker)
            else:
                _stop(worker)

    def _monitor(self) -> None:
        """Notice dead workers (any cause) and idle workers of an old build, and refill the pool."""
        while not self._closing.is_set():
            self._retire_stale_idle()
            with self._lock:
                workers = list(self._workers)
            sentinels = {w.process.sentinel: w for w in workers}
            if sentinels:
                ready = multiprocessing.connection.wait(list(sentinels), timeout=MONITOR_INTERVAL)
            else:
                ready = []
                self._closing.wait(MONITOR_INTERVAL)
            for sentinel in ready:
                self._forget(sentinels[sentinel])  # type: ignore[index]
            self._refill()

    def _retire_stale_idle(self) -> None:
        """Replace idle workers that hold another build than the one to serve (a rebuild happened)."""
        try:
            serving = self._served.current().path
        except ServerError:
            return
        idle = []
        while True:
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in idle:
            if worker.build_path == serving:
                self._idle.put(worker)
            else:
                self._retire(worker)

    def _forget(self, worker: _Worker) -> None:
        """Drop a dead worker from the pool. Its connection is left to whoever holds the worker: closing
        it here, under a request thread waiting on it, would leave that thread waiting until its deadline."""
        with self._lock:
            known = worker in self._workers
            self._workers.discard(worker)
        if known and not self._closing.is_set():
            worker.process.join(1)
            code = worker.process.exitcode
            log.warning("query worker %s ended (%s); starting another", worker.process.pid, _describe_exit(code))

    def _spawn(self, build: Build) -> _Worker:
        parent_conn, child_conn = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main,
            args=(child_conn, str(build.path), build.manifest, self.settings),
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
        except (EOFError, OSError):
            status, detail = "failed", f"the worker exited while loading the graph ({_describe_exit(None)})"
        if status == "corrupt":
            _stop(worker)
            self._served.refuse(build.path, detail)
            raise GraphUnavailable(detail)
        if status != "ready":
            _stop(worker)
            raise GraphUnavailable(f"query worker cannot load {build.path}: {detail}")
        worker.info = detail
        if detail.get("sandbox") == "none":
            log.error("query worker %s runs WITHOUT network isolation (%s): every query that could contain "
                      "SERVICE is refused", process.pid, detail.get("sandbox_reason"))
        log.debug("query worker %s ready: %s", process.pid, detail)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        _stop(worker)
        self._refill()

    def _checkout(self, deadline: float) -> _Worker:
        self._ensure_started()
        serving = self._served.current().path
        while True:
            remaining = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, remaining))
            except queue.Empty as exc:
                raise ServiceBusy(
                    "every query worker stayed busy for the whole time limit; try again shortly"
                ) from exc
            with self._lock:
                known = worker in self._workers
            if known and worker.build_path == serving and worker.process.is_alive():
                return worker
            self._retire(worker)  # a new build appeared or the worker died

    def _call(self, job: SparqlJob | ReadJob, timeout: float,
              disconnected: Callable[[], bool] = never_disconnected) -> Any:
        deadline = time.monotonic() + timeout
        worker = self._checkout(deadline)
        try:
            worker.conn.send(job)
            outcome = _wait_for_answer(worker.conn, deadline, disconnected)
            if outcome == "gone":
                log.info("client hung up; stopping its query and replacing worker %s", worker.process.pid)
                self._retire(worker)
                raise QueryCancelled("the client disconnected while its query ran; the query was stopped")
            if outcome == "late":
                log.warning("query stopped after %.1f s; replacing worker %s", timeout, worker.process.pid)
                self._retire(worker)
                raise QueryTimeout(
                    f"The query ran longer than its time limit of {timeout:g} s and was stopped. "
                    "Narrow it down (LIMIT, more specific patterns) and try again."
                )
            notes = worker.conn.recv()
            message = worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker.process.join(5)  # the pipe closed: the process is exiting (an abort may take a moment)
            code = worker.process.exitcode
            self._retire(worker)
            raise QueryFailed(self._death_message(worker, code)) from exc
        if notes.get("retire"):
            log.info("recycling query worker %s: resident memory grew by %d MiB", worker.process.pid,
                     notes.get("grown", 0) >> 20)
            self._retire(worker)
        else:
            self._idle.put(worker)
        return _unwrap(message, worker)

    def _death_message(self, worker: _Worker, code: int | None) -> str:
        limit = worker.info.get("memory_limit")
        # code None: the pool's monitor may have reaped the process first; an abort is still the likely cause
        if code is None or code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL):
            return (
                f"The query worker stopped while running this query ({_describe_exit(code)}): most likely the "
                f"query needed more memory than a query worker may use ({(limit or 0) >> 20} MiB) or nested "
                "too deeply. The worker was replaced; simplify the query (LIMIT, fewer joins, no ORDER BY "
                "over large products) and try again."
            )
        return f"the query worker died while running the query ({_describe_exit(code)}); it was replaced"


def _wait_for_answer(conn: Connection, deadline: float, disconnected: Callable[[], bool]) -> str:
    """"ready" once the worker has answered, "late" past the deadline, "gone" when the client hung up."""
    if disconnected is never_disconnected:  # nothing to watch: one wait, as before
        return "ready" if conn.poll(max(0.0, deadline - time.monotonic())) else "late"
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "late"
        if conn.poll(min(POLL_SECONDS, remaining)):
            return "ready"
        if disconnected():
            return "gone"


def _close_if_alive(ref: weakref.ReferenceType) -> None:
    executor = ref()
    if executor is not None:
        executor.close()


def _unwrap(message: tuple, worker: _Worker | None = None) -> Any:
    """The payload of an ("ok", payload) answer, or the error it reports (`worker`: who answered)."""
    status, payload = message[0], message[1]
    if status == "ok":
        return payload
    if status == "memory":
        limit = (worker.info.get("memory_limit") if worker else 0) or 0
        raise QueryFailed(f"{payload} ({limit >> 20} MiB); simplify the query and try again")
    error = _ERRORS.get(status, QueryFailed)
    raise error(payload)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running or unknown exit"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _stop(worker: _Worker) -> None:
    try:
        worker.conn.close()
    except OSError:
        pass
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(timeout=5)


# -- worker process -------------------------------------------------------------------------


def worker_main(conn: Connection, build_path: str, manifest: Manifest, settings: WorkerSettings) -> None:
    """Entry point of a query worker: leave the network, load the build, then answer jobs until EOF."""
    from .sandbox import enter  # imported in the child only

    # an allocation past the memory limit aborts the worker: at once, without a backtrace that
    # itself needs memory (RUST_BACKTRACE=1 made a worker hang there until its time limit)
    os.environ["RUST_BACKTRACE"] = "0"
    sandbox = enter(settings.service_allowlist)  # first: no thread may exist yet
    from .worker import serve_jobs

    _exit_with_parent()
    serve_jobs(conn, Build(Path(build_path), manifest), sandbox, settings)


def _exit_with_parent(poll_seconds: float = 1.0) -> None:
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
