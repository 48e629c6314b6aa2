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
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from attack_fuzz import fuzz
from attack_target import JSON, Answer, Target, percentile, raw_exchange, status_line, statuses
from attack_workers import attack_memory, attack_pool_drain, attack_ssrf

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


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
