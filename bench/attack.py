"""Replay the attacks of issue 11 against a running server on loopback and print what happened.

    .venv/bin/python bench/attack.py --url http://127.0.0.1:8000 [--pid SERVER_PID] [--fuzz 10000]
                                     [--seconds 10] [--json out.json]

Every attack is bounded in count and time and sends traffic to the loopback server only. The table
gives, per attack: what a hardened endpoint must do, and what this server did. Besides the replays:

* starvation: 8 clients (each from its own loopback address, 127.0.0.2–9) keep an expensive query
  running for `--seconds` while cheap requests (a single-pattern ASK, a linked-data page) are timed:
  p50/p99 and status counts of both;
* slowloris: 256 connections that send a header byte per second, 64 slow POST bodies and 64 silent
  connections while a normal request is timed;
* fuzz: `--fuzz` seeded random requests (query text, parameters, headers, paths, bodies): 5xx other
  than 503, and bodies with a traceback;
* SSRF: SERVICE calls through the comment/string trick to a loopback listener this script opens:
  connections it received (must be 0 outside the allow-list);
* memory: peak RSS of the server's processes (needs --pid) during the ORDER BY RAND() cross product.

Findings 6 and 9 (rebuild deleting the live build, corrupt artefacts) need the build folder and are
replayed by the sec-engine tests, not here. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEMORY_HOG = "SELECT * WHERE {?a ?b ?c.?d ?e ?f} ORDER BY RAND() LIMIT 1"
JSON = "application/sparql-results+json"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float


@dataclass
class Row:
    attack: str
    expected: str
    observed: str
    ok: bool | None = None


@dataclass
class Target:
    host: str
    port: int
    pid: int | None = None
    rows: list[Row] = field(default_factory=list)

    def request(self, method: str, path: str, params: dict | None = None, body: bytes | None = None,
                headers: dict | None = None, source: str | None = None, timeout: float = 60) -> Answer:
        if params:
            path += "?" + urllib.parse.urlencode(params)
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout,
                                                source_address=(source, 0) if source else None)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return Answer(response.status, dict(response.getheaders()), data, time.monotonic() - started)
        except (OSError, http.client.HTTPException) as exc:
            return Answer(0, {}, str(exc).encode(), time.monotonic() - started)
        finally:
            connection.close()

    def query(self, query: str, source: str | None = None, wait: float = 60, params: dict | None = None) -> Answer:
        return self.request("GET", "/sparql", {"query": query, **(params or {})}, headers={"Accept": JSON},
                            source=source, timeout=wait)

    def record(self, attack: str, expected: str, observed: str, ok: bool | None) -> None:
        self.rows.append(Row(attack, expected, observed, ok))
        mark = {True: "ok", False: "FAIL", None: "-"}[ok]
        print(f"  {attack}: {observed} [{mark}]", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def statuses(answers: list[Answer]) -> str:
    return " ".join(f"{status}×{count}" for status, count in sorted(Counter(a.status for a in answers).items()))


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


def attack_ssrf(target: Target) -> None:
    listener = Listener()
    hosts = [f"127.0.0.1:{listener.port}", f"localhost:{listener.port}", f"2130706433:{listener.port}",
             f"127.1:{listener.port}"]
    answers = []
    try:
        for host in hosts:
            for quote in ('"""', "'''"):
                query = (f"SELECT * WHERE {{\n  ?s ?p ?o# {quote}\n  SERVICE <http://{host}/x> {{ ?x ?y ?z }}\n"
                         f"  # {quote}\n}} LIMIT 1")
                answers.append(target.query(query, wait=30))
        time.sleep(0.5)
    finally:
        listener.close()
    target.record("H1 SERVICE allow-list bypass (comment/string trick, 4 host spellings)",
                  "0 connections to the listener, 4xx", f"{listener.connections} connections; {statuses(answers)}",
                  listener.connections == 0 and all(400 <= a.status < 500 for a in answers))


# -- memory ---------------------------------------------------------------------------------------------


def process_tree_rss(pid: int) -> dict[int, int]:
    """RSS in bytes of `pid` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, pending = {}, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[current] = int(line.split()[1]) * 1024
        except OSError:
            pass
        pending.extend(children.get(current, []))
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


# -- starvation -----------------------------------------------------------------------------------------


def cheap_under_load(target: Target, seconds: float, page: str) -> None:
    stop = threading.Event()
    expensive: list[Answer] = []

    def attacker(source: str) -> None:
        while not stop.is_set():
            expensive.append(target.query(EXPENSIVE, source=source, wait=120))

    attackers = [threading.Thread(target=attacker, args=(f"127.0.0.{n}",), daemon=True) for n in range(2, 10)]
    for thread in attackers:
        thread.start()
    time.sleep(1.0)  # let the expensive queries take every worker
    ask_iri = "https://w3id.org/policykg/" + page.lstrip("/")
    asks: list[Answer] = []
    pages: list[Answer] = []
    health: list[Answer] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(asks) < 400:
        asks.append(target.query(f"ASK {{ <{ask_iri}> ?p ?o }}", wait=60))
        pages.append(target.request("GET", page, headers={"Accept": "text/html"}, timeout=60))
        health.append(target.request("GET", "/health", timeout=60))
    stop.set()
    for thread in attackers:
        thread.join(150)

    def figures(answers: list[Answer]) -> str:
        times = [a.seconds * 1000 for a in answers]
        return f"p50 {percentile(times, 0.5):.0f} ms, p99 {percentile(times, 0.99):.0f} ms ({statuses(answers)})"

    ask_p99 = percentile([a.seconds for a in asks], 0.99)
    target.record("H4 cheap ASK while 8 clients run expensive queries", "p99 < 100 ms, all 200",
                  figures(asks), ask_p99 < 0.1 and all(a.status == 200 for a in asks))
    target.record("H4 linked-data page meanwhile", "not queued behind queries, all 200", figures(pages),
                  all(a.status == 200 for a in pages))
    target.record("H4 /health meanwhile", "all 200", figures(health), all(a.status == 200 for a in health))
    target.record("H4 the 8 expensive clients", "bounded: 503 + Retry-After beyond the queue / client share",
                  statuses(expensive), None)


def abandoned_flood(target: Target, count: int) -> None:
    """`count` expensive queries sent at once, each connection closed right after sending."""
    sockets = []
    request = ("GET /sparql?" + urllib.parse.urlencode({"query": EXPENSIVE}) + " HTTP/1.1\r\nHost: x\r\n"
               f"Accept: {JSON}\r\n\r\n").encode()
    for _ in range(count):
        try:
            sock = socket.create_connection((target.host, target.port), timeout=5)
            sock.sendall(request)
            sockets.append(sock)
        except OSError:
            break
    for sock in sockets:
        sock.close()
    health = target.request("GET", "/health", timeout=60)
    time.sleep(2.0)  # let the server notice the closed connections
    after = target.request("GET", "/health", timeout=60)
    waiting = json.loads(after.body).get("queries", {}).get("waiting", "?") if after.status == 200 else "?"
    # a polite client: retries after Retry-After until answered (at most 90 s)
    started, attempts = time.monotonic(), 0
    while True:
        attempts += 1
        answer = target.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", wait=90)
        retry = answer.headers.get("Retry-After")
        if answer.status != 503 or not retry or time.monotonic() - started > 90:
            break
        time.sleep(float(retry))
    recovered = time.monotonic() - started
    target.record(f"H4 flood of {len(sockets)} abandoned expensive queries",
                  "/health 200 at once; abandoned queries leave the queue; a new query answered once the "
                  "running ones end",
                  f"/health {health.status} in {health.seconds * 1000:.0f} ms; queued 2 s later: {waiting}; "
                  f"next query {answer.status} after {recovered:.1f} s ({attempts} attempts)",
                  health.status == 200 and answer.status == 200)


# -- slow connections -------------------------------------------------------------------------------------


def slow_connections(target: Target, kind: str, count: int, seconds: float) -> None:
    sockets: list[socket.socket] = []
    for _ in range(count):
        try:
            sock = socket.create_connection((target.host, target.port), timeout=5)
        except OSError:
            break
        if kind == "slowloris":
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        elif kind == "slow body":
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 100000\r\n\r\nASK {")
        sockets.append(sock)
    stop = threading.Event()

    def drip() -> None:  # one byte per second per connection keeps an inactivity timeout from firing
        while not stop.wait(1.0):
            for sock in sockets:
                try:
                    sock.send(b"X" if kind == "slowloris" else b" ")
                except OSError:
                    pass

    dripper = threading.Thread(target=drip, daemon=True)
    if kind != "silent":
        dripper.start()
    time.sleep(min(2.0, seconds))
    normal = [target.request("GET", "/health", timeout=30) for _ in range(3)]
    normal += [target.query("ASK { ?s ?p ?o . ?s ?p ?o }", wait=30) for _ in range(3)]
    stop.set()
    for sock in sockets:
        sock.close()
    worst = max(a.seconds for a in normal)
    target.record(f"H5 {len(sockets)} {kind} connections", "normal requests answered in < 1 s",
                  f"worst of 6 normal requests {worst * 1000:.0f} ms ({statuses(normal)})",
                  worst < 1.0 and all(a.status == 200 for a in normal))


# -- request limits and client errors -------------------------------------------------------------------


def raw_exchange(target: Target, raw: bytes, timeout: float = 30) -> bytes:
    """Send `raw`, then read the answer; a server that answers early (413) may stop reading the rest."""
    chunks: list[bytes] = []
    try:
        with socket.create_connection((target.host, target.port), timeout=timeout) as sock:
            try:
                sock.sendall(raw)
            except OSError:
                pass
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    except OSError as exc:
        if not chunks:
            return f"({type(exc).__name__})".encode()
    return b"".join(chunks)


def status_line(raw: bytes) -> str:
    return raw.split(b"\r\n", 1)[0].decode("latin-1") or "(closed without an answer)"


def limits_and_client_errors(target: Target, page: str) -> None:
    nested = "SELECT * WHERE " + "{" * 20000 + " ?s ?p ?o " + "}" * 20000
    answer = target.request("POST", "/sparql", body=nested.encode(),
                            headers={"Content-Type": "application/sparql-query", "Accept": JSON})
    after = target.query("ASK { ?s ?p ?o . ?s ?p ?o }")
    target.record("M8 20,000 nested { (80 KB)", "400 before the engine; next query 200",
                  f"{answer.status}; next query {after.status}", answer.status == 400 and after.status == 200)
    for value in ("nan", "inf", "1e-9", "-1"):
        answer = target.query("ASK { ?s ?p ?o . ?s ?p ?o }", wait=30, params={"timeout": value})
        target.record(f"M8 timeout={value}", "400", str(answer.status), answer.status == 400)
    body = b"ASK { ?s ?p ?o }" + b" " * ((1 << 20) + (64 << 10))
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 65536]), body[i:i + 65536]) for i in range(0, len(body), 65536))
    raw = raw_exchange(target, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                       b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n")
    target.record("L chunked body of 1.06 MiB (limit 1 MiB)", "413", status_line(raw), b" 413 " in raw[:20])
    raw = raw_exchange(target, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                       b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nASK {}\r\n0\r\n\r\n")
    target.record("L bad chunk size", "4xx", status_line(raw), raw[9:10] == b"4")
    answer = target.query("ASK { ?s ?p ?o }", params={"default-graph-uri": "not an iri"})
    target.record("L default-graph-uri=not an iri", "400", str(answer.status), answer.status == 400)
    text_page = page.split("/target/")[0] + "/text"
    answer = target.request("GET", text_page + "?span=%C2%B2-3", headers={"Accept": "text/html"})
    target.record("L /doc/…/text?span=%C2%B2-3", "not 5xx", str(answer.status), 0 < answer.status < 500)
    answer = target.request("GET", "/dumps/", headers={"Accept": "application/json", "Host": "evil.example"})
    reflected = b"evil.example" in answer.body
    target.record("L Host header in /dumps/ URLs", "configured public base, Host not reflected",
                  f"{answer.status}; Host {'reflected' if reflected else 'not reflected'}",
                  answer.status == 200 and not reflected)
    updates = [target.request("POST", "/sparql", body=b"INSERT DATA { <a:b> <a:c> <a:d> }",
                              headers={"Content-Type": "application/sparql-update"}),
               target.query("DROP ALL"), target.request("GET", "/sparql", {"update": "CLEAR ALL"})]
    target.record("updates (sanity)", "403", statuses(updates), all(a.status == 403 for a in updates))
    home = target.request("GET", "/", headers={"Accept": "text/html"})
    csp = home.headers.get("Content-Security-Policy", "")
    target.record("M7 query page headers (desk's item)", "CSP without inline script, nosniff",
                  f"CSP {'present' if csp else 'absent'}; nosniff "
                  f"{'present' if home.headers.get('X-Content-Type-Options') == 'nosniff' else 'absent'}", None)


# -- fuzz -----------------------------------------------------------------------------------------------


PIECES = ["SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "*", ".", "FILTER",
          "SERVICE", "<http://127.0.0.1:1/x>", "'x'", '"""', "#", "\n", "LIMIT", "1", "INSERT", "GRAPH",
          "PREFIX", "pkg:", "<>", "%", "²", "\u3000", "OPTIONAL", "UNION", "BIND", "AS", "VALUES"]
PARAMS = ["timeout", "default-graph-uri", "named-graph-uri", "format", "inference", "query", "update"]
ODD = ["", "nan", "inf", "1e-9", "not an iri", "http://x/", "json", "%00", "\x00", "1e400", "-1", "ä", "true"]
ACCEPTS = ["*/*", "text/html", JSON, "text/csv", "text/turtle", "x/y", ";;", "text/*;q=nan", "image/png"]


def random_request(rng: random.Random) -> tuple[str, str, dict, bytes | None, dict]:
    kind = rng.randrange(4)
    headers = {"Accept": rng.choice(ACCEPTS)}
    if kind == 0:
        query = " ".join(rng.choice(PIECES) for _ in range(rng.randrange(15)))
        params = {"query": query}
        for _ in range(rng.randrange(3)):
            params[rng.choice(PARAMS)] = rng.choice(ODD)
        return "GET", "/sparql", params, None, headers
    if kind == 1:
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
        if rng.random() < 0.5:
            body = " ".join(rng.choice(PIECES) for _ in range(rng.randrange(15))).encode()
        headers["Content-Type"] = rng.choice(["application/sparql-query", "application/x-www-form-urlencoded",
                                              "text/plain", "application/sparql-update", "multipart/form-data"])
        return "POST", "/sparql", {}, body, headers
    if kind == 2:
        segments = ["".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(8))) for _ in range(3)]
        path = "/" + "/".join(urllib.parse.quote(s, safe="") for s in segments)
        path += rng.choice(["", ".ttl", ".jsonld", "/text", ".rdf"])
        return rng.choice(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]), path, {}, None, headers
    name = rng.choice(["Accept", "Content-Type", "Host", "Range", "If-None-Match", "Origin", "X-Forwarded-For"])
    headers[name] = "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randrange(40)))
    return "GET", rng.choice(["/sparql", "/", "/health", "/dumps/", "/ontology", "/.well-known/void"]), (
        {"query": "ASK { ?s ?p ?o }"}), None, headers


def fuzz(target: Target, count: int, seconds: float, seed: int = 11) -> None:
    rng = random.Random(seed)
    answers, bad, tracebacks = 0, Counter(), 0
    deadline = time.monotonic() + seconds
    while answers < count and time.monotonic() < deadline:
        method, path, params, body, headers = random_request(rng)
        answer = target.request(method, path, params, body, headers, timeout=60)
        answers += 1
        if answer.status >= 500 and answer.status != 503 or answer.status == 0:
            bad[answer.status] += 1
        if b"Traceback" in answer.body:
            tracebacks += 1
    target.record(f"fuzz: {answers} seeded random requests", "0 5xx except 503, no traceback",
                  f"{sum(bad.values())} bad ({dict(bad)}), {tracebacks} tracebacks",
                  not bad and tracebacks == 0)


# -- main -----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--pid", type=int, help="the server's process id (for the RSS of its query workers)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load phase")
    parser.add_argument("--fuzz", type=int, default=10000, help="fuzzed requests (bounded by 4 × --seconds × 10)")
    parser.add_argument("--flood", type=int, default=300, help="abandoned expensive queries sent at once")
    parser.add_argument("--page", default="/doc/renshebufa-2021-102/target/subsidized-training/2021--2025",
                        help="a linked-data page of the build")
    parser.add_argument("--only", help="comma-separated attack groups: ssrf,memory,drain,limits,slow,starve,"
                        "flood,fuzz")
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    if url.hostname not in ("127.0.0.1", "::1", "localhost"):
        parser.error("this script only attacks a server on loopback")
    target = Target(url.hostname, url.port or 80, args.pid)
    groups: dict[str, Callable[[], None]] = {
        "ssrf": lambda: attack_ssrf(target),
        "limits": lambda: limits_and_client_errors(target, args.page),
        "drain": lambda: attack_pool_drain(target),
        "slow": lambda: [slow_connections(target, kind, count, args.seconds)
                         for kind, count in (("slowloris", 256), ("slow body", 64), ("silent", 64))],
        "starve": lambda: cheap_under_load(target, args.seconds, args.page),
        "flood": lambda: abandoned_flood(target, args.flood),
        "memory": lambda: attack_memory(target, args.seconds),
        "fuzz": lambda: fuzz(target, args.fuzz, args.seconds * 40),
    }
    # the flood last (an unprotected server works through it for minutes); the memory attack only with
    # --pid (an unbounded worker takes gigabytes, which a shared machine may not have)
    default = [name for name in groups if name not in ("flood", "memory")] + ["flood"]
    if args.pid:
        default.insert(0, "memory")
    chosen = args.only.split(",") if args.only else default
    for name in chosen:
        print(f"[{name}]", flush=True)
        groups[name]()
    print()
    print("| attack | expected | observed | |")
    print("| --- | --- | --- | --- |")
    for row in target.rows:
        print(f"| {row.attack} | {row.expected} | {row.observed} | {({True: 'ok', False: 'FAIL', None: ''})[row.ok]} |")
    if args.json:
        args.json.write_text(json.dumps([row.__dict__ for row in target.rows], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
