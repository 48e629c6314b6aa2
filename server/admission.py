"""Admission control for arbitrary SPARQL queries: a bounded queue and a per-client share.

Arbitrary queries are the only requests whose cost the server cannot bound in advance, so they
alone pass through here; linked-data pages, /health and single-pattern lookups are answered from
the in-process store (server/lookup.py) and never wait behind them.

* at most `running` queries run at once (one per query worker process, so none waits inside the
  executor for a worker);
* at most `queued` more wait, in arrival order; beyond that a query is refused at once;
* one client (its address, as the front end reports it) has at most `per_client` queries running
  or waiting; the rest are refused at once, so two clients cannot fill the queue between them;
* a waiting query whose client has hung up leaves the queue without running;
* a query that waited longer than `max_wait` is refused instead of started late.

A refusal is `Overloaded` (503 with Retry-After). The number of request threads the queue can hold
is `running + queued`; the front end gets more threads than that (server/wsgi.py), so cheap
requests always find a thread.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import Overloaded

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how often a waiting query checks whether its client is still connected


def never_disconnected() -> bool:
    return False


@dataclass
class _Ticket:
    client: str
    admitted: bool = False
    # a queued ticket's own condition (on the admission lock): a finished query wakes the one waiter it
    # admits, not every waiter (each needless wake-up cost a thread switch and a GIL hand-over, issue 10)
    turn: threading.Condition | None = None


class ClientShares:
    """How many queries each client has running or waiting, in this process."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def take(self, client: str, limit: int) -> int:
        """Count one more query for `client` and return 0, or return its count when it is at `limit`."""
        if self._counts[client] >= limit:
            return self._counts[client]
        self._counts[client] += 1
        return 0

    def give_back(self, client: str) -> None:
        self._counts[client] -= 1
        if self._counts[client] <= 0:
            del self._counts[client]


class SharedClientShares(ClientShares):
    """The same counts kept in memory shared by every front-end process (server/prefork.py), so that a
    client's share is one for the whole server, not one per process. Created before the processes
    fork. Clients are counted in hash buckets: two clients that share a bucket share one share, which
    can only refuse more, never admit more."""

    BUCKETS = 4096

    def __init__(self) -> None:
        super().__init__()
        self._shared = multiprocessing.get_context("fork").Array("i", self.BUCKETS)  # zeroed, with a lock

    def _bucket(self, client: str) -> int:
        return zlib.crc32(client.encode("utf-8", "replace")) % self.BUCKETS

    def take(self, client: str, limit: int) -> int:
        bucket = self._bucket(client)
        with self._shared.get_lock():
            if self._shared[bucket] >= limit:
                return self._shared[bucket]
            self._shared[bucket] += 1
            return 0

    def give_back(self, client: str) -> None:
        bucket = self._bucket(client)
        with self._shared.get_lock():
            self._shared[bucket] = max(0, self._shared[bucket] - 1)


class QueryAdmission:
    """Counts running and waiting queries and decides which may start."""

    def __init__(self, running: int, queued: int, per_client: int, max_wait: float, retry_after: int = 5,
                 shares: ClientShares | None = None) -> None:
        self.running_limit = max(1, running)
        self.queue_limit = max(0, queued)
        self.per_client = max(1, per_client)
        self.max_wait = max_wait
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)  # guards the counts; waiters wait on their ticket's turn
        self._running = 0
        self._waiting: deque[_Ticket] = deque()
        self._shares = shares or ClientShares()

    @property
    def capacity(self) -> int:
        """How many request threads the query lane can hold at most (running + waiting)."""
        return self.running_limit + self.queue_limit

    def snapshot(self) -> dict[str, int]:
        with self._cond:
            return {"running": self._running, "waiting": len(self._waiting),
                    "running_limit": self.running_limit, "queue_limit": self.queue_limit}

    @contextmanager
    def slot(self, client: str, disconnected: Callable[[], bool] = never_disconnected) -> Iterator[None]:
        """Hold a running slot for the body of the `with`; Overloaded when none can be had."""
        ticket = self._enter(client)
        try:
            self._wait_for_turn(ticket, disconnected)
            yield
        finally:
            self._leave(ticket)

    # -- internals ----------------------------------------------------------------------------

    def _refuse(self, message: str) -> Overloaded:
        return Overloaded(message + f" Try again in {self.retry_after} s.", self.retry_after)

    def _enter(self, client: str) -> _Ticket:
        with self._cond:
            held = self._shares.take(client, self.per_client)
            if held:
                raise self._refuse(
                    f"this client already has {held} queries running or waiting, "
                    f"the most one client may have at once ({self.per_client})."
                )
            ticket = _Ticket(client)
            if self._running < self.running_limit and not self._waiting:
                ticket.admitted = True
                self._running += 1
            elif len(self._waiting) < self.queue_limit:
                ticket.turn = threading.Condition(self._lock)
                self._waiting.append(ticket)
            else:
                self._shares.give_back(client)
                raise self._refuse("every query slot is busy and the queue of waiting queries is full.")
            return ticket

    def _wait_for_turn(self, ticket: _Ticket, disconnected: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.max_wait
        with self._cond:
            while not ticket.admitted:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._refuse(f"the query waited {self.max_wait:g} s for a free slot.")
                assert ticket.turn is not None  # a ticket not admitted at once was queued with one
                ticket.turn.wait(min(POLL_SECONDS, remaining))
                if not ticket.admitted and disconnected():
                    log.info("dropping a queued query: client %s disconnected", ticket.client)
                    raise self._refuse("the client disconnected while its query was waiting.")

    def _leave(self, ticket: _Ticket) -> None:
        with self._cond:
            self._shares.give_back(ticket.client)
            if ticket.admitted:
                self._running -= 1
            else:
                self._waiting.remove(ticket)
            while self._waiting and self._running < self.running_limit:
                nxt = self._waiting.popleft()
                nxt.admitted = True
                self._running += 1
                if nxt.turn is not None:
                    nxt.turn.notify()


def client_address(environ: dict) -> str:
    """Who a request comes from: REMOTE_ADDR, which the front end sets from X-Forwarded-For only when
    the connection comes from the configured trusted proxy (waitress `trusted_proxy`)."""
    return environ.get("REMOTE_ADDR") or "unknown"


def client_disconnected(environ: dict) -> Callable[[], bool]:
    """A callable telling whether the client has hung up (waitress provides one; other servers: never)."""
    check = environ.get("waitress.client_disconnected")
    return check if callable(check) else never_disconnected
