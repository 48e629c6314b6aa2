"""Load for bench/endpoint.py: wrk driven by a generated Lua script, and the CPU a server tree used.

A case is a list of HTTP requests (method, path, headers, body); each wrk thread cycles through
them from its own offset, so concurrent connections ask for different resources. wrk's `done` hook
prints one JSON line (requests, duration, errors, latency percentiles), read back here. CPU is the
user + system time of the server's top process and every process below it (query workers, gunicorn
workers), read from /proc before and after the run: it stays meaningful on a busy machine where
req/s does not.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")

LUA_TAIL = r"""
local counter = 0
local offset = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  offset = (tonumber(wrk.thread:get("id")) or 0) * 7919
end
function request()
  counter = counter + 1
  local r = requests[(offset + counter) % #requests + 1]
  return wrk.format(r[1], r[2], r[3], r[4])
end
function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests":%d,"duration_us":%d,"errors":%d,"p50":%d,"p95":%d,"p99":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return max(0, self.requests - self.errors) / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        done = max(1, self.requests - self.errors)
        return self.cpu_seconds * 1000 / done


def lua_string(data: bytes | str) -> str:
    """A Lua string literal for any bytes: printable ASCII kept, everything else as decimal escapes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    out = []
    for byte in raw:
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in '"\\' else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_script(requests: list[Request]) -> str:
    rows = []
    for r in requests:
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.headers)
        body = lua_string(r.body) if r.body else "nil"
        rows.append(f"  {{{lua_string(r.method)}, {lua_string(r.path)}, {{{headers}}}, {body}}},")
    return "requests = {\n" + "\n".join(rows) + "\n}\n" + LUA_TAIL


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(base_url: str, requests: list[Request], concurrency: int, seconds: float, server_pid: int | None,
            timeout_seconds: float = 60.0) -> Run:
    """One wrk run of `seconds` at `concurrency` connections (2 threads at most: the machine has 2 cores)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(requests))
    threads = max(1, min(2, concurrency))
    before = tree_cpu_seconds(server_pid) if server_pid else 0.0
    try:
        completed = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds:g}s", f"--timeout={timeout_seconds:g}s",
             "-s", script.name, base_url],
            capture_output=True, text=True, timeout=seconds + timeout_seconds + 30, check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    cpu = (tree_cpu_seconds(server_pid) - before) if server_pid else 0.0
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    found = json.loads(line.removeprefix("RESULT "))
    return Run(found["requests"], found["duration_us"] / 1e6, found["errors"], found["p50"] / 1000,
               found["p95"] / 1000, found["p99"] / 1000, cpu)


def process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and its descendants (live ones: a killed worker's time is lost)."""
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK
