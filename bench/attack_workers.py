"""bench/attack.py, the query-worker findings (issue 11, items 1–3): SSRF through SERVICE, one query's
memory, the pool drained by nonsense time limits."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from attack_target import Target, statuses
from endpoint_load import process_tree

MEMORY_HOG = "SELECT * WHERE {?a ?b ?c.?d ?e ?f} ORDER BY RAND() LIMIT 1"


# -- SSRF ---------------------------------------------------------------------------------------------


class Listener:
    """A loopback TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def attack_ssrf(target: Target) -> None:
    """The issue's comment/string trick to an open port (the listener) and to a closed one: no connection
    may arrive, and the answers must not tell the two apart. A refusal (4xx) or the workers' one
    "SERVICE call failed" (502, the same text whatever happened) both qualify: the workers have no route
    out, so the call fails where the connection would be made."""
    listener = Listener()
    closed = closed_port()
    answers, differ = [], 0
    try:
        for spelling in ("127.0.0.1", "localhost", "2130706433", "127.1"):
            for quote in ('"""', "'''"):
                pair = []
                for port in (listener.port, closed):
                    query = (f"SELECT * WHERE {{\n  ?s ?p ?o# {quote}\n  SERVICE <http://{spelling}:{port}/x> "
                             f"{{ ?x ?y ?z }}\n  # {quote}\n}} LIMIT 1")
                    answer = target.query(query, wait=30)
                    answers.append(answer)
                    pair.append((answer.status, answer.body.replace(str(port).encode(), b"PORT")))
                differ += pair[0] != pair[1]
        time.sleep(0.5)
    finally:
        listener.close()
    target.record("H1 SERVICE allow-list bypass (comment/string trick, 4 host spellings, open + closed port)",
                  "0 connections to the listener; 4xx or one 502 message, the same for open and closed ports",
                  f"{listener.connections} connections; {statuses(answers)}; {differ} open/closed pairs differ",
                  listener.connections == 0 and differ == 0
                  and all(400 <= a.status < 500 or a.status == 502 for a in answers))


# -- memory ---------------------------------------------------------------------------------------------


def process_tree_rss(pid: int) -> dict[int, int]:
    """RSS in bytes of `pid` and every process below it (from /proc)."""
    found = {}
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[member] = int(line.split()[1]) * 1024
        except OSError:
            pass
    return found


def attack_memory(target: Target, seconds: float) -> None:
    if target.pid is None:
        target.record("H2 one query's memory (ORDER BY RAND() cross product)", "worker RSS ≤ configured bound",
                      "not measured (pass --pid)", None)
        return
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = process_tree_rss(target.pid)
            peak[0] = max(peak[0], max((v for p, v in rss.items() if p != target.pid), default=0))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    answer = target.query(MEMORY_HOG, wait=seconds + 30, params={"timeout": str(seconds)})
    after = process_tree_rss(target.pid)
    done.set()
    sampler.join(2)
    largest_after = max((v for p, v in after.items() if p != target.pid), default=0)
    target.record("H2 one query's memory (ORDER BY RAND() cross product)", "worker RSS ≤ configured bound",
                  f"status {answer.status}; peak worker RSS {peak[0] / 2**20:.0f} MB, largest after "
                  f"{largest_after / 2**20:.0f} MB", None)


# -- pool drain -----------------------------------------------------------------------------------------


def attack_pool_drain(target: Target) -> None:
    tiny = [target.query("ASK { ?s ?p ?o . ?s ?p ?o }", wait=30, params={"timeout": "1e-9"}) for _ in range(20)]
    health = target.request("GET", "/health")
    after = target.query("ASK { ?s ?p ?o . ?s ?p ?o }", wait=60)
    target.record("H3/M8 timeout=1e-9 ×20, then a query", "400 each; /health 200; query 200",
                  f"{statuses(tiny)}; /health {health.status}; query {after.status}",
                  all(a.status == 400 for a in tiny) and health.status == 200 and after.status == 200)
