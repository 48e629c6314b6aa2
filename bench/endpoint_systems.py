"""The systems bench/endpoint.py compares, each started on a free loopback port over one build.

* policykg: `policykg.server.wsgi.serve` (waitress, query workers, cheap lane), result cache off or on;
* floor: bench/floor_app.py under gunicorn, 2 sync workers, `--preload` (one in-memory store, shared);
* Virtuoso: Debian's virtuoso-t started by tests/virtuoso_testkit.LocalVirtuoso and bulk-loaded with the build's
  asserted graphs (policykg.nq); its default graph is the union of its graphs;
* rdflib-endpoint (PyPI): `rdflib_endpoint.__main__.run_serve` (FastAPI + uvicorn, rdflib Dataset
  with default_union) over policykg.nq.

Each `System` knows how to ask its server a query, and how to fetch a resource description.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from endpoint_load import Request

from policykg.kg.namespaces import sparql_prologue
from policykg.kg.store import Build

log = logging.getLogger("bench.endpoint")
REPO = Path(__file__).resolve().parent.parent
FORM = "application/x-www-form-urlencoded"

POLICYKG_SERVER = """
import logging, sys
from pathlib import Path
from policykg.server.config import ServerConfig
from policykg.server.wsgi import serve
logging.basicConfig(level=logging.WARNING)
serve(ServerConfig.from_env(data_dir=Path(sys.argv[1]), port=int(sys.argv[2]), workers=int(sys.argv[3])),
      ensure_built=lambda: None)
"""
# wrk's connections all come from one address: the per-client share of the query lane (6 by default)
# would turn most of them away with 503, so the bench lets one client stand for many
LOAD_GENERATOR_LIMITS = {"POLICYKG_CLIENT_QUERIES": "1000", "POLICYKG_QUERY_QUEUE": "256"}
RDFLIB_SERVER = """
import sys
from rdflib_endpoint.__main__ import run_serve
run_serve([sys.argv[1]], "127.0.0.1", int(sys.argv[2]))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class System:
    name: str
    base_url: str
    sparql_path: str
    pid: int | None
    predeclared_prefixes: bool  # False: the prologue is sent with every query
    serves_pages: bool = False  # policykg: GET /<path> with Accept; the floor: /describe?iri=
    stop_actions: list = field(default_factory=list)

    def query(self, text: str, accept: str) -> Request:
        if not self.predeclared_prefixes:
            text = sparql_prologue() + text
        body = urllib.parse.urlencode({"query": text}).encode()
        return Request("POST", self.sparql_path, (("Content-Type", FORM), ("Accept", accept)), body)

    def fetch(self, request: Request, timeout: float = 120.0) -> tuple[int, bytes, float]:
        """Send one request (urllib, one connection): status, body, seconds."""
        url = self.base_url + request.path
        sent = urllib.request.Request(url, data=request.body or None, method=request.method,
                                      headers=dict(request.headers))
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(sent, timeout=timeout) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read(), exc.code
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            # no answer within `timeout` (a 1,000-document catalogue query on a slow peer): a failed
            # row in the table ("—"), not the end of the run
            log.warning("%s: no response within %.0f s (%s)", self.name, timeout, exc)
            body, status = b"", 0
        return status, body, time.perf_counter() - started

    def stop(self) -> None:
        for action in reversed(self.stop_actions):
            try:
                action()
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("stopping %s: %s", self.name, exc)


def _popen(arguments: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": f"{REPO / 'bench'}:{REPO}", **(env or {})}
    return subprocess.Popen(arguments, cwd=REPO, env=environment, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _terminate(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 900.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=30):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f} s")


def start_policykg(name: str, data_dir: Path, workers: int, cache: str) -> System:
    port = free_port()
    process = _popen([sys.executable, "-c", POLICYKG_SERVER, str(data_dir), str(port), str(workers)],
                     env={"POLICYKG_RESULT_CACHE": cache, **LOAD_GENERATOR_LIMITS})
    base = f"http://127.0.0.1:{port}"
    system = System(name, base, "/sparql", process.pid, True, serves_pages=True,
                    stop_actions=[lambda: _terminate(process)])
    try:
        wait_until_up(base + "/health", process)
    except RuntimeError:
        system.stop()
        raise
    return system


def start_floor(data_dir: Path) -> System:
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = _popen([gunicorn, "--workers", "2", "--preload", "--bind", f"127.0.0.1:{port}",
                      "--timeout", "600", f"floor_app:create({str(data_dir)!r})"])
    base = f"http://127.0.0.1:{port}"
    system = System("floor", base, "/sparql", process.pid, True, serves_pages=True,
                    stop_actions=[lambda: _terminate(process)])
    try:
        wait_until_up(base + "/sparql?query=ASK%7B%7D", process)
    except RuntimeError:
        system.stop()
        raise
    return system


def start_virtuoso(build: Build) -> System:
    from policykg.kg import virtuoso

    # the throwaway Virtuoso server lives with the tests (tests/virtuoso_testkit.py), its one home
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from virtuoso_testkit import LocalVirtuoso

    workdir = Path(tempfile.mkdtemp(prefix="bench-virtuoso-"))
    local = LocalVirtuoso(workdir, dirs_allowed=[build.path], buffers=170000)
    server = local.start()
    try:
        virtuoso.load_build(build, server, include_inferred=False)
    except Exception:
        local.stop()
        raise
    base = f"http://{server.host}:{server.http_port}"
    pid = local.process.pid if local.process else None
    return System("Virtuoso", base, "/sparql", pid, False, stop_actions=[local.stop])


def start_rdflib_endpoint(build: Build) -> System:
    port = free_port()
    process = _popen([sys.executable, "-c", RDFLIB_SERVER, str(build.dump("policykg.nq")), str(port)])
    base = f"http://127.0.0.1:{port}"
    system = System("rdflib-endpoint", base, "/", process.pid, False, stop_actions=[lambda: _terminate(process)])
    try:
        wait_until_up(base + "/?query=ASK%7B%7D", process)
    except RuntimeError:
        system.stop()
        raise
    return system
