"""bench/attack.py, the fuzz phase: seeded random requests over the query text, parameters, headers,
paths and bodies; counts 5xx other than 503 and bodies with a traceback."""

from __future__ import annotations

import random
import time
import urllib.parse
from collections import Counter

from attack_target import JSON, Target

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
