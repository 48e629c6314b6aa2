"""Which front end: the same app under waitress, gunicorn (gthread) and uvicorn + a2wsgi, in one run.

    .venv/bin/python bench/endpoint_frontends.py [--data DIR] [--seconds 8] [--slow 256]

For each front end: lookups/s and latency at concurrency 8 (wrk, `SELECT ?p ?o { <iri> ?p ?o }`,
answered by the cheap lane), then the time of a normal request while `--slow` slowloris connections
(one header byte per second each) and as many silent connections are open. Every server gets the
same thread budget (16). Loopback only; bounded by --seconds per phase. Not run by the tests.
Needs wrk, and uvicorn + a2wsgi for the third column (skipped when missing).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

SERVERS = {
    "waitress (policykg serve)": """
from policykg.server.config import ServerConfig
from policykg.server.wsgi import serve
serve(ServerConfig.from_env(threads=16), ensure_built=lambda: None)
""",
    "gunicorn gthread, 16 threads": """
from gunicorn.app.base import BaseApplication
from policykg.server.config import ServerConfig
from policykg.server.wsgi import create
config = ServerConfig.from_env()
class App(BaseApplication):
    def load_config(self):
        for k, v in {"bind": f"127.0.0.1:{config.port}", "workers": 1, "worker_class": "gthread",
                     "threads": 16, "timeout": 60, "control_socket_disable": True}.items():
            if k in self.cfg.settings:
                self.cfg.set(k, v)
    def load(self):
        return create(config)
App().run()
""",
    "uvicorn + a2wsgi, 16 threads": """
import uvicorn
from a2wsgi import WSGIMiddleware
from policykg.server.config import ServerConfig
from policykg.server.wsgi import create
config = ServerConfig.from_env()
uvicorn.run(WSGIMiddleware(create(config), workers=16), host="127.0.0.1", port=config.port, log_level="warning",
            timeout_keep_alive=30)
""",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.3)
    return False


def wrk(url: str, seconds: float) -> tuple[float, str]:
    output = subprocess.run(["wrk", "-t2", "-c8", f"-d{int(seconds)}s", "--latency", url],
                            capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    return (float(rate.group(1)) if rate else 0.0), (p99.group(1) if p99 else "?")


def timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started


def under_slowloris(port: int, count: int, url: str, seconds: float) -> str:
    sockets = []
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
            silent = socket.create_connection(("127.0.0.1", port), timeout=5)
            sockets.append(silent)
        except OSError:
            break
    stop = threading.Event()

    def drip():
        while not stop.wait(1.0):
            for sock in sockets[::2]:
                try:
                    sock.send(b"X")
                except OSError:
                    pass

    threading.Thread(target=drip, daemon=True).start()
    time.sleep(min(3.0, seconds))
    results = [timed_get(url) for _ in range(3)]
    stop.set()
    for sock in sockets:
        sock.close()
    worst = max(seconds for _, seconds in results)
    codes = ",".join(str(code) for code, _ in results)
    return f"{worst * 1000:.0f} ms ({codes})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("POLICYKG_DATA", "data")))
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--slow", type=int, default=256)
    parser.add_argument("--iri", default="https://w3id.org/policykg/doc/renshebufa-2021-102/target/"
                        "subsidized-training/2021--2025")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed")
    lookup = urllib.parse.quote(f"SELECT ?p ?o {{ <{args.iri}> ?p ?o }}")
    rows = []
    for name, program in SERVERS.items():
        if "uvicorn" in name and (shutil.which("uvicorn") is None and subprocess.run(
                [sys.executable, "-c", "import uvicorn, a2wsgi"], capture_output=True).returncode):
            rows.append((name, "not installed", "", ""))
            continue
        port = free_port()
        env = {**os.environ, "POLICYKG_DATA": str(args.data.resolve()), "POLICYKG_PORT": str(port),
               "POLICYKG_WORKERS": "2"}
        process = subprocess.Popen([sys.executable, "-c", program], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            if not wait_ready(base, process):
                rows.append((name, "did not start", "", ""))
                continue
            rate, p99 = wrk(f"{base}/sparql?query={lookup}", args.seconds)
            slow = under_slowloris(port, args.slow, base + "/health", args.seconds)
            rows.append((name, f"{rate:.0f}", p99, slow))
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    print(f"| front end | lookups/s (c8) | p99 | /health during {args.slow} slowloris + {args.slow} silent |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
