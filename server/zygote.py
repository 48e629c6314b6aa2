"""The zygote: one process per served build that loads it once and forks loaded query workers.

Loading the build takes tens of seconds and ~2 GB at 1,000 documents (4.4 M quads), and a worker is
killed by design on every time-out, client hang-up, memory cap or recycling: a worker that loaded
the build itself left its share of the endpoint silent for as long as the load took, which any
client could cause on purpose. A worker forked from the zygote shares the loaded store's pages
copy-on-write and is ready in milliseconds; N workers cost one copy of the build plus what each
one's queries write.

Runs in a process started by server/zygote_handle.py, in this order: leave the host's network
(server.sandbox, before any thread exists), load the verified build, check that loading left no
thread behind, then answer requests on the control pipe until the web process or the pipe is gone.
The zygote never starts a thread: a fork copies only the calling thread, and a lock another thread
held at that moment would stay held in the child for ever.

Requests (web → zygote), each answered in order:
- `("fork",)` followed by the worker's end of a socket pair (SCM_RIGHTS): a worker is forked that
  serves jobs on it (server/worker.py `serve_jobs`); answered by `("forked", pid)` followed by a
  pidfd of the worker, so that the web process can kill it without a pid that may be reused, or by
  `("failed", message)`.
- `("status", pid)`: the worker's exit code (as multiprocessing reports one: -signal when killed),
  or None while it runs or when it is no longer known. The zygote reaps its children.
When the zygote ends, its workers go on serving; each ends by itself when the web process does.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import threading
from collections import OrderedDict
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path

from policykg.kg.dataset import QueryDatasets
from policykg.kg.manifest import Manifest
from policykg.kg.store import Build

from .jobs import WorkerSettings, WorkerStarted
from .sandbox import Sandbox, enter
from .worker import load_datasets, resident_bytes, serve_jobs, thread_count

log = logging.getLogger(__name__)

REAP_INTERVAL = 0.5
KEPT_EXIT_CODES = 1024


def zygote_main(conn: Connection, build_path: str, manifest: Manifest, settings: WorkerSettings) -> None:
    """Entry point of the zygote process (see the module docstring)."""
    # an allocation past a worker's memory limit aborts it: at once, without a backtrace that itself
    # needs memory (RUST_BACKTRACE=1 made a worker hang there until its time limit)
    os.environ["RUST_BACKTRACE"] = "0"
    sandbox = enter(settings.service_allowlist)  # first: no thread may exist yet
    web = os.pidfd_open(os.getppid())
    datasets = load_datasets(conn, Build(Path(build_path), manifest))
    if datasets is None:
        return
    threads = thread_count()
    if threads != 1:  # pragma: no cover - pyoxigraph's loading leaves none (tests/server/test_zygote.py)
        conn.send(WorkerStarted(problem=f"loading the build left {threads} threads running in the zygote, "
                                        "so it cannot fork query workers safely"))
        return
    quads = len(datasets.store)
    conn.send(WorkerStarted({"quads": quads, "rss": resident_bytes(), "sandbox": sandbox.mode,
                             "sandbox_reason": sandbox.reason, "pid": os.getpid()}))
    Zygote(conn, web, datasets, sandbox, settings, {"quads": quads, "zygote": os.getpid()}).serve()


class Zygote:
    """The zygote's loop: fork workers on request, reap them, say how they ended."""

    def __init__(self, conn: Connection, web: int, datasets: QueryDatasets, sandbox: Sandbox,
                 settings: WorkerSettings, info: dict) -> None:
        self.conn = conn
        self.web = web  # pidfd of the web process: readable once it has ended
        self.datasets = datasets
        self.sandbox = sandbox
        self.settings = settings
        self.info = info  # what each worker reports of the build and of its zygote
        self.children: set[int] = set()
        self.exits: OrderedDict[int, int] = OrderedDict()

    def serve(self) -> None:
        while True:
            ready = wait([self.conn, self.web], timeout=REAP_INTERVAL)
            self._reap()
            if self.web in ready:
                return
            if self.conn in ready:
                try:
                    request = self.conn.recv()
                except (EOFError, OSError):
                    return  # the web process stopped this zygote (its workers serve on)
                self._handle(request)

    def _handle(self, request: tuple) -> None:
        if request[0] == "fork":
            fd = recv_handle(self.conn)
            try:
                pid = self._fork(fd)
            except OSError as exc:
                self.conn.send(("failed", f"{type(exc).__name__}: {exc}"))
                return
            finally:
                os.close(fd)
            pidfd = os.pidfd_open(pid)  # the child is not reaped before this: its pid cannot be reused yet
            try:
                self.conn.send(("forked", pid))
                send_handle(self.conn, pidfd, 0)
            finally:
                os.close(pidfd)
        elif request[0] == "status":
            self.conn.send(("status", self._status(request[1])))
        else:
            self.conn.send(("failed", f"a zygote cannot do {request!r}"))

    def _fork(self, fd: int) -> int:
        sandbox = self.sandbox.for_worker()
        try:
            pid = os.fork()
        except OSError:
            sandbox.release()
            raise
        if pid == 0:  # pragma: no cover - runs in the forked worker, which never returns here
            self._run_worker(fd, sandbox)
        sandbox.release()
        self.children.add(pid)
        return pid

    def _run_worker(self, fd: int, sandbox: Sandbox) -> None:  # pragma: no cover - in the forked worker
        code = 0
        try:
            self.conn.close()  # the web process must see EOF when the zygote dies, not when its workers do
            self.sandbox.release()  # the zygote's connector channel: this worker has its own
            sandbox.enter_own_network()  # before any thread
            exit_with(self.web)
            serve_jobs(Connection(fd), self.datasets, sandbox, self.settings, self.info)
        except BaseException:
            log.exception("query worker %d failed", os.getpid())
            code = 1
        finally:
            os._exit(code)  # never return into the zygote's loop, nor run its exit handlers

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self._ended(pid, status)

    def _status(self, pid: int) -> int | None:
        if pid in self.children:
            try:
                found, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                found, status = 0, 0
            if found:
                self._ended(found, status)
        return self.exits.get(pid)

    def _ended(self, pid: int, status: int) -> None:
        if pid not in self.children:
            return  # the SERVICE connector (forked before the sandbox), or a worker already reported
        self.children.discard(pid)
        self.exits[pid] = os.waitstatus_to_exitcode(status)
        while len(self.exits) > KEPT_EXIT_CODES:
            self.exits.popitem(last=False)


def exit_with(pidfd: int) -> None:
    """End this process as soon as the process behind `pidfd` (the web process) has ended: a worker must
    not outlive the pool that owns it, whether or not the zygote that forked it is still there."""

    def watch() -> None:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        poller.poll()
        os.kill(os.getpid(), signal.SIGKILL)  # even in the middle of a query

    threading.Thread(target=watch, daemon=True, name="web-watch").start()
