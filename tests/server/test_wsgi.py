"""`serve` under waitress: production server, one access-log line per request, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from server_testkit import fetch

SERVE = """
import logging, sys
from policykg.server.config import ServerConfig
from policykg.server.wsgi import serve
logging.basicConfig(level=logging.INFO)
serve(ServerConfig.from_env(), ensure_built=lambda: print("ensure_built called", flush=True))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def front_end_processes(pid: int) -> list[int]:
    """The children of `pid` that run a front end (not multiprocessing helpers or query workers)."""
    found = []
    for child in descendants(pid):
        try:
            if Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                if "multiprocessing" not in Path(f"/proc/{child}/cmdline").read_text():
                    found.append(child)
        except OSError:
            pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the worker processes")
@pytest.mark.parametrize("processes", [1, 2])
def test_serve_under_waitress(data_dir, processes):
    port = free_port()
    env = {**os.environ, "POLICYKG_DATA": str(data_dir), "POLICYKG_PORT": str(port), "POLICYKG_WORKERS": "2",
           "POLICYKG_PROCESSES": str(processes)}
    process = subprocess.Popen([sys.executable, "-c", SERVE], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = fetch(base + "/health", timeout=5)
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert health.status_code == 200
        answer = fetch(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert answer.json()["boolean"] is True
        for _ in range(4):  # every front end answers (the kernel spreads connections between them)
            lookup = fetch(base + "/sparql", params={"query": "SELECT ?p ?o { <https://w3id.org/policykg/x> ?p ?o }"})
            assert lookup.status_code == 200
        workers = descendants(process.pid)
        assert len(workers) >= 2  # the query worker processes
        if processes > 1:  # the front ends share the listening socket, each with its share of the workers
            assert len(front_end_processes(process.pid)) == processes
            assert fetch(base + "/health").json()["workers"]["size"] == 1
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "ensure_built called" in output
    assert "with waitress" in output
    access_lines = [line for line in output.splitlines() if '"GET /' in line]
    assert len(access_lines) >= 2 and any("/sparql?query=" in line for line in access_lines)
    # the query workers are killed on the way out; helpers such as multiprocessing's resource tracker
    # exit when they see their parent gone: give them a bounded moment
    for _ in range(100):
        if not [pid for pid in workers if alive(pid)]:
            break
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]
