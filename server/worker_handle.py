"""The web process's handle on one query worker process (server/worker.py).

Fork it from the build's zygote (server/zygote_handle.py) and wait until it is ready, wait for its
answer within a deadline while watching the client, stop it (SIGKILL: a running query cannot be
cancelled otherwise, and its CPU is freed at once), and say in words how it ended. The pool
(server/executor.py) decides when.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from .admission import POLL_SECONDS, never_disconnected
from .errors import GraphUnavailable
from .jobs import WorkerStarted
from .zygote_handle import ForkedProcess, ZygoteProcess

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 30.0  # a forked worker has nothing to load
# exit codes of a worker that most likely ran out of memory or stack (the allocator aborts at the cap)
_CRASHES = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL)


@dataclass(eq=False)
class WorkerProcess:
    process: ForkedProcess
    conn: Connection
    build_path: Path
    info: dict = field(default_factory=dict)

    @classmethod
    def start(cls, zygote: ZygoteProcess) -> WorkerProcess:
        """A worker forked from `zygote`, ready to serve (GraphUnavailable when it is not)."""
        process, conn = zygote.fork()
        worker = cls(process, conn, zygote.build_path)
        if not conn.poll(STARTUP_TIMEOUT):
            worker.stop()
            raise GraphUnavailable(f"a forked query worker was not ready in {STARTUP_TIMEOUT:.0f} s")
        try:
            started: WorkerStarted = conn.recv()
        except (EOFError, OSError):
            worker.stop()
            ended = describe_exit(process.exitcode)
            raise GraphUnavailable(f"a forked query worker exited at once ({ended})") from None
        worker.info = started.info
        if started.info.get("sandbox") == "none":
            log.error("query worker %s runs WITHOUT network isolation (%s): every query that could contain "
                      "SERVICE is refused", process.pid, started.info.get("sandbox_reason"))
        log.debug("query worker %s ready: %s", process.pid, started.info)
        return worker

    def wait_for_answer(self, deadline: float, disconnected: Callable[[], bool] = never_disconnected) -> str:
        """"ready" once the worker has answered, "late" past the deadline, "gone" when the client hung up
        (`disconnected` is asked every POLL_SECONDS)."""
        if disconnected is never_disconnected:  # nothing to watch: one wait
            return "ready" if self.conn.poll(max(0.0, deadline - time.monotonic())) else "late"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "late"
            if self.conn.poll(min(POLL_SECONDS, remaining)):
                return "ready"
            if disconnected():
                return "gone"

    def stop(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)

    def death_message(self, code: int | None) -> str:
        """What the client whose query was running is told when the worker died (exit `code`)."""
        limit = self.info.get("memory_limit")
        # code None: the pool's monitor may have reaped the process first; an abort is still the likely cause
        if code is None or code in _CRASHES:
            return (
                f"The query worker stopped while running this query ({describe_exit(code)}): most likely the "
                f"query needed more memory than a query worker may use ({(limit or 0) >> 20} MiB) or nested "
                "too deeply. The worker was replaced; simplify the query (LIMIT, fewer joins, no ORDER BY "
                "over large products) and try again."
            )
        return f"the query worker died while running the query ({describe_exit(code)}); it was replaced"


def describe_exit(code: int | None) -> str:
    if code is None:
        return "still running or unknown exit"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
