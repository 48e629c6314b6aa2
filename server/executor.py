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

Rooms: this module is the pool; server/worker_handle.py starts, watches and stops one worker process;
server/worker.py runs inside it; server/jobs.py holds the messages between them. A worker answers a
failed job with a typed `Failure` and goes on serving: only a kill (time limit, hang-up), the memory
cap or a crash ends it, and the client whose query was running is told which.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.connection
import pickle
import queue
import threading
import time
import weakref
from collections.abc import Callable
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

from policykg.kg.store import Build

from .admission import never_disconnected
from .errors import (
    GraphUnavailable,
    HttpError,
    QueryCancelled,
    QueryFailed,
    QueryTimeout,
    ShuttingDown,
    WorkersBusy,
)
from .jobs import DatasetSpec, ReadJob, Reply, SparqlAnswer, SparqlJob, WorkerSettings
from .served_build import ServedBuild
from .worker_handle import WorkerProcess, describe_exit
from .zygote_handle import BuildRefused, ZygoteKeeper

# the pool's public API: what callers build and get back
__all__ = ["DatasetSpec", "QueryExecutor", "ReadJob", "SparqlAnswer", "SparqlJob", "WorkerSettings"]

log = logging.getLogger(__name__)

MAX_BACKOFF = 5.0
MONITOR_INTERVAL = 0.5


class QueryExecutor:
    """A pool of `size` query worker processes over the current build of `data_dir`."""

    def __init__(self, data_dir: Path, size: int = 2, start_method: str = "spawn",
                 settings: WorkerSettings | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.size = max(1, size)
        self.settings = settings or WorkerSettings()
        self._context = multiprocessing.get_context(start_method)
        self._idle: queue.Queue[WorkerProcess] = queue.Queue()
        self._lock = threading.Lock()
        self._changed = threading.Condition()  # notified whenever a worker starts, fails to start or ends
        self._generation = 0
        self._start_lock = threading.Lock()
        self._closing = threading.Event()
        self._workers: set[WorkerProcess] = set()
        self._pending = 0
        self._spawn_failures = 0
        self._last_spawn_error: str | None = None
        self._started = False
        self._served = ServedBuild(self.data_dir)
        self._zygotes = ZygoteKeeper(self._context, self.settings)
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
        """The answer of a read operation (server/operations.py) run in a worker."""
        return self._call(ReadJob(operation, args), timeout)

    def health(self) -> dict:
        """Live workers, the build they serve, and whether a query can run now (`ok`)."""
        if not self._started and not self._closing.is_set():
            try:
                self._ensure_started()
            except HttpError:
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
            "zygote": self._zygotes.health(),
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
            worker.stop()
        self._zygotes.close()
        self._notify()

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until `condition()` holds (True) or `timeout` seconds pass (False), checking it again each
        time a worker starts, fails to start or ends, and at least every MONITOR_INTERVAL once started."""
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                seen = self._generation
            if condition():
                return True
            with self._changed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return condition()
                if self._generation == seen:
                    self._changed.wait(remaining)

    def _notify(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    # -- pool management --------------------------------------------------------------------

    def _ensure_started(self) -> None:
        if self._started:
            return
        with self._start_lock:
            if self._started:
                return
            if self._closing.is_set():
                raise ShuttingDown("the server is shutting down")
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
        except (HttpError, OSError, RuntimeError) as exc:
            self._last_spawn_error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            log.error("query worker failed to start: %s", self._last_spawn_error)
            self._notify()

    def _admit(self, worker: WorkerProcess) -> None:
        with self._lock:
            if self._closing.is_set():
                worker.stop()
                return
            self._workers.add(worker)
        self._idle.put(worker)
        self._notify()

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
                except (HttpError, OSError, RuntimeError) as exc:
                    self._spawn_failures += 1
                    self._last_spawn_error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                    delay = min(MAX_BACKOFF, 0.25 * 2 ** min(self._spawn_failures, 8))
                    log.error("query worker failed to start (retrying in %.1f s): %s", delay,
                              self._last_spawn_error)
                    self._notify()
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
                worker.stop()
        self._notify()

    def _monitor(self) -> None:
        """Notice dead workers (any cause) and idle workers of an old build, and refill the pool."""
        while not self._closing.is_set():
            self._retire_stale_idle()
            self._zygotes.restart_if_dead(self._served.current)
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
            self._notify()  # conditions on the build on disk are checked again at least this often

    def _retire_stale_idle(self) -> None:
        """Replace idle workers that hold another build than the one to serve (a rebuild happened)."""
        try:
            serving = self._served.current().path
        except HttpError:
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

    def _forget(self, worker: WorkerProcess) -> None:
        """Drop a dead worker from the pool. Its connection is left to whoever holds the worker: closing
        it here, under a request thread waiting on it, would leave that thread waiting until its deadline."""
        with self._lock:
            known = worker in self._workers
            self._workers.discard(worker)
        if known and not self._closing.is_set():
            worker.process.join(1)
            code = worker.process.exitcode
            log.warning("query worker %s ended (%s); starting another", worker.process.pid, describe_exit(code))
        self._notify()

    def _spawn(self, build: Build) -> WorkerProcess:
        try:
            return WorkerProcess.start(self._zygotes.for_build(build))
        except BuildRefused as exc:
            self._served.refuse(build.path, exc.message)
            raise

    def _retire(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()
        self._notify()
        self._refill()

    def _checkout(self, deadline: float) -> WorkerProcess:
        self._ensure_started()
        serving = self._served.current().path
        while True:
            remaining = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, remaining))
            except queue.Empty as exc:
                raise WorkersBusy(
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
        message = _pickled(job)
        worker = self._checkout(deadline)
        try:
            worker.conn.send_bytes(message)
            outcome = worker.wait_for_answer(deadline, disconnected)
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
            reply: Reply = worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker.process.join(5)  # the pipe closed: the process is exiting (an abort may take a moment)
            code = worker.process.exitcode
            self._retire(worker)
            raise QueryFailed(worker.death_message(code)) from exc
        except HttpError:
            raise
        except Exception as exc:  # an answer that cannot be read: the pipe is out of step, so this worker goes
            self._retire(worker)
            raise QueryFailed(f"the query worker's answer could not be read ({type(exc).__name__}: {exc})") from exc
        if notes.get("retire"):
            log.info("recycling query worker %s: resident memory grew by %d MiB", worker.process.pid,
                     notes.get("grown", 0) >> 20)
            self._retire(worker)
        else:
            self._idle.put(worker)
        return reply.result()

def _close_if_alive(ref: weakref.ReferenceType) -> None:
    executor = ref()
    if executor is not None:
        executor.close()


def _pickled(job: SparqlJob | ReadJob) -> bytes:
    """The job as it goes through the pipe, pickled before a worker is taken (so a job that cannot be
    sent costs no worker)."""
    try:
        return ForkingPickler.dumps(job)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise QueryFailed(f"this request cannot be sent to a query worker ({type(exc).__name__}: {exc})") from exc
