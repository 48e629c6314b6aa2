"""The web process's handle on a zygote (server/zygote.py) and on the workers it forks.

`ZygoteProcess.start` starts the zygote and waits until it has loaded the build; `fork` asks it for a
loaded worker and returns a `ForkedProcess`: the worker's pid and a pidfd, with the part of
multiprocessing's Process interface the pool uses (`pid`, `sentinel`, `is_alive`, `join`, `kill`,
`exitcode`). The worker is the zygote's child, not ours: it is killed through its pidfd (a pid alone
may already name another process once the zygote has reaped it) and its exit code is asked of the
zygote.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import select
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path

from policykg.kg.store import Build

from .errors import GraphUnavailable, HttpError, ShuttingDown
from .jobs import WorkerSettings, WorkerStarted
from .zygote import zygote_main

log = logging.getLogger(__name__)

# loading grows with the build (tens of seconds at 1,000 documents, minutes on a busy machine), and a
# zygote killed for being slow would start over: wait for its message or its end, this long at most
STARTUP_TIMEOUT = 1800.0
FORK_TIMEOUT = 30.0
STATUS_TIMEOUT = 5.0


class BuildRefused(GraphUnavailable):
    """The zygote found that the build's files differ from its manifest: the build must not be served."""


@dataclass(eq=False)
class ZygoteProcess:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    build_path: Path
    info: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def start(cls, context: multiprocessing.context.BaseContext, build: Build,
              settings: WorkerSettings) -> ZygoteProcess:
        """A zygote that has loaded `build` (GraphUnavailable when it could not; BuildRefused when the
        build is corrupt)."""
        parent_conn, child_conn = context.Pipe(duplex=True)
        process = context.Process(target=zygote_main, args=(child_conn, str(build.path), build.manifest, settings),
                                  name="policykg-zygote", daemon=True)
        process.start()
        child_conn.close()
        zygote = cls(process, parent_conn, build.path)
        started = zygote._started()
        if started.corrupt:
            zygote.stop()
            raise BuildRefused(started.problem)
        if started.problem:
            zygote.stop()
            raise GraphUnavailable(f"the query workers' zygote cannot load {build.path}: {started.problem}")
        zygote.info = started.info
        log.info("zygote %s loaded %s: %s", process.pid, build.path.name, started.info)
        return zygote

    def _started(self) -> WorkerStarted:
        if not multiprocessing.connection.wait([self.conn, self.process.sentinel], STARTUP_TIMEOUT):
            return WorkerStarted(problem=f"it did not load the build in {STARTUP_TIMEOUT:.0f} s")
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            return WorkerStarted(problem=f"it exited while loading the graph (exit code {self.process.exitcode})")

    def is_alive(self) -> bool:
        return self.process.is_alive()

    def fork(self) -> tuple[ForkedProcess, Connection]:
        """A new worker process and our end of its pipe (GraphUnavailable when the zygote cannot fork)."""
        ours, theirs = multiprocessing.Pipe(duplex=True)
        try:
            with self._lock:
                self.conn.send(("fork",))
                send_handle(self.conn, theirs.fileno(), self.process.pid)
                reply = self._reply(FORK_TIMEOUT)
                if reply[0] != "forked":
                    raise GraphUnavailable(f"the query workers' zygote could not fork a worker: {reply[1]}")
                pidfd = recv_handle(self.conn)
        except (EOFError, OSError) as exc:
            ours.close()
            raise GraphUnavailable(f"the query workers' zygote is gone ({type(exc).__name__}: {exc})") from exc
        finally:
            theirs.close()
        return ForkedProcess(reply[1], pidfd, self), ours

    def exit_code(self, pid: int) -> int | None:
        """How worker `pid` ended, as the zygote that reaped it saw it (None when the zygote is gone)."""
        try:
            with self._lock:
                self.conn.send(("status", pid))
                return self._reply(STATUS_TIMEOUT)[1]
        except (EOFError, OSError, GraphUnavailable):
            return None

    def _reply(self, timeout: float) -> tuple:
        if not self.conn.poll(timeout):
            # out of step from now on: a zygote that does not answer is replaced
            self.process.kill()
            raise GraphUnavailable(f"the query workers' zygote did not answer in {timeout:g} s")
        return self.conn.recv()

    def stop(self) -> None:
        """End the zygote; the workers it forked serve on until the pool retires them. The process goes
        first, so that a thread asking it something gets EOF at once; the pipe is closed when no thread
        uses it (closing it under one could close a descriptor number already reused elsewhere)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        if self._lock.acquire(timeout=FORK_TIMEOUT):
            try:
                self.conn.close()
            finally:
                self._lock.release()


class ForkedProcess:
    """A worker forked by a zygote, seen from the web process through a pidfd."""

    def __init__(self, pid: int, pidfd: int, zygote: ZygoteProcess) -> None:
        self.pid = pid
        self.sentinel = pidfd  # readable once the process has ended (multiprocessing.connection.wait)
        self._zygote = zygote
        self._exitcode: int | None = None

    def is_alive(self) -> bool:
        return not self.join(0)

    def join(self, timeout: float | None = None) -> bool:
        """Wait up to `timeout` seconds for the process to end; whether it has."""
        # poll, not select: a front end with hundreds of connections has descriptors past FD_SETSIZE
        poller = select.poll()
        poller.register(self.sentinel, select.POLLIN)
        return bool(poller.poll(None if timeout is None else max(0, int(timeout * 1000))))

    def kill(self) -> None:
        try:
            signal.pidfd_send_signal(self.sentinel, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass  # already ended

    @property
    def exitcode(self) -> int | None:
        if self._exitcode is None and not self.is_alive():
            self._exitcode = self._zygote.exit_code(self.pid)
        return self._exitcode

    def __del__(self) -> None:
        try:
            os.close(self.sentinel)
        except OSError:
            pass


class ZygoteKeeper:
    """The zygote of the build being served: started on first use, replaced (the old one stopped, its
    workers draining) when a new build is served, restarted when it dies. `loads` counts the loads of a
    build, which only a new build or a dead zygote should cause, never a worker's death."""

    def __init__(self, context: multiprocessing.context.BaseContext, settings: WorkerSettings) -> None:
        self._context = context
        self._settings = settings
        self._lock = threading.Lock()
        self._current: ZygoteProcess | None = None
        self._closed = False
        self._restarting = threading.Lock()
        self.loads = 0

    def for_build(self, build: Build) -> ZygoteProcess:
        """The zygote holding `build`, started now if there is none (GraphUnavailable, BuildRefused)."""
        with self._lock:
            current = self._current
            if current is not None and current.build_path == build.path and current.is_alive():
                return current
            if self._closed:
                raise ShuttingDown("the server is shutting down")
            zygote = ZygoteProcess.start(self._context, build, self._settings)
            self.loads += 1
            self._current = zygote
        if current is not None:
            if current.is_alive():
                log.info("zygote %s of %s replaced", current.process.pid, current.build_path.name)
            current.stop()
        return zygote

    def restart_if_dead(self, build: Callable[[], Build]) -> None:
        """Start a new zygote, in the background, when the current one has died (killed from outside,
        out of memory): the next worker to replace one must not wait for a load."""
        current = self._current
        if current is None or current.is_alive() or self._closed or not self._restarting.acquire(blocking=False):
            return

        def restart() -> None:
            try:
                log.error("zygote %s died (exit code %s); starting another", current.process.pid,
                          current.process.exitcode)
                self.for_build(build())
            except (HttpError, OSError) as exc:
                log.error("the zygote could not be restarted: %s", getattr(exc, "message", exc))
            finally:
                self._restarting.release()

        threading.Thread(target=restart, daemon=True, name="policykg-zygote-restart").start()

    def health(self) -> dict:
        current = self._current
        if current is None:
            return {"alive": False, "loads": self.loads}
        return {"alive": current.is_alive(), "pid": current.process.pid, "build": current.build_path.name,
                "loads": self.loads, "rss": current.info.get("rss")}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            current, self._current = self._current, None
        if current is not None:
            current.stop()
