"""The HTTP side of bench/attack.py: a loopback target, its answers and the table rows."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

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
