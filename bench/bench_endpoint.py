"""Lookups per second at concurrency 8: the policykg endpoint against an rdflib-based peer, in one run.

    .venv/bin/python bench/bench_endpoint.py [--data DIR] [--url URL] [--requests 2000] [--concurrency 8]

A lookup is what a linked-data client does most: `SELECT ?p ?o WHERE { <iri> ?p ?o }` for an IRI
drawn from the graph, POSTed form-encoded to /sparql, asking for SPARQL JSON, and the body read
in full. Both servers run the same build ($POLICYKG_DATA or --data) under gunicorn (gthread):

* policykg: `policykg.server.wsgi.serve` (Flask, query worker processes over in-memory pyoxigraph);
  or the server already running at --url;
* rdflib peer: a minimal Flask app answering /sparql with rdflib's own SPARQL engine over the same
  dump (policykg.trig loaded into an rdflib Dataset, default graph = union), 1 process, 8 threads.

The load comes from `--concurrency` client processes. Each server gets `--warmup` unmeasured
requests per client first; the table gives lookups/s, median and 95th
percentile latency, errors, and the ratio. Not run by the tests.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bench_endpoint")

POLICYKG_SERVER = """
import sys
from pathlib import Path
from policykg.server.config import ServerConfig
from policykg.server.wsgi import serve
serve(ServerConfig.from_env(data_dir=Path(sys.argv[1]), port=int(sys.argv[2]), workers=int(sys.argv[3])),
      ensure_built=lambda: None)
"""


# -- the rdflib peer ----------------------------------------------------------------------------------


def rdflib_peer_app(trig_path: str):
    """A minimal SPARQL endpoint on rdflib: POST/GET query=…, SPARQL JSON out."""
    import threading

    from flask import Flask, Response, request
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    dataset.parse(trig_path, format="trig")
    lock = threading.Lock()  # rdflib's in-memory store is not safe for concurrent queries
    app = Flask("rdflib-peer")

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        query = request.values.get("query", "")
        with lock:
            body = dataset.query(query).serialize(format="json")
        return Response(body, content_type="application/sparql-results+json")

    return app


def run_rdflib_peer(trig_path: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Peer(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"127.0.0.1:{port}", "workers": 1, "worker_class": "gthread",
                               "threads": 8, "accesslog": None, "control_socket_disable": True}.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return rdflib_peer_app(trig_path)

    Peer().run()


# -- load generation -----------------------------------------------------------------------------------


@dataclass
class Figures:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return (self.requests - self.errors) / self.seconds

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p95 = ordered[int(len(ordered) * 0.95) - 1] if ordered else float("nan")
        return (f"{self.name:<22} {self.rate:>10.1f} {statistics.median(ordered) * 1000:>11.1f} "
                f"{p95 * 1000:>11.1f} {self.errors:>7}")


def lookup(endpoint: str, iri: str) -> float:
    body = urllib.parse.urlencode({"query": f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"}).encode()
    request = urllib.request.Request(endpoint, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def measure(name: str, endpoint: str, iris: list[str], concurrency: int, warmup: int) -> Figures:
    """`concurrency` client processes (so the client's own GIL does not cap the rate), each sending its
    share of the lookups one after the other."""
    shares = [iris[index::concurrency] for index in range(concurrency)]
    with ProcessPoolExecutor(concurrency) as pool:
        list(pool.map(_run_share, [endpoint] * concurrency, [iris[:warmup]] * concurrency))
        started = time.perf_counter()
        results = [latency for share in pool.map(_run_share, [endpoint] * concurrency, shares) for latency in share]
        seconds = time.perf_counter() - started
    latencies = [r for r in results if r is not None]
    return Figures(name, len(iris), len(iris) - len(latencies), seconds, latencies)


def _run_share(endpoint: str, iris: list[str]) -> list[float | None]:
    return [_safe_lookup(endpoint, iri) for iri in iris]


def _safe_lookup(endpoint: str, iri: str) -> float | None:
    try:
        return lookup(endpoint, iri)
    except (urllib.error.URLError, OSError) as exc:
        log.debug("lookup failed: %s", exc)
        return None


# -- orchestration --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen | None, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up in {timeout:.0f} s")


def sample_iris(build_path: Path, count: int, seed: int) -> list[str]:
    import pyoxigraph as ox

    subjects = sorted({q.subject.value for q in ox.parse(path=str(build_path / "policykg.nq"),
                                                           format=ox.RdfFormat.N_QUADS)
                       if isinstance(q.subject, ox.NamedNode)})
    rng = random.Random(seed)
    return [rng.choice(subjects) for _ in range(count)]


def start(arguments: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    from policykg import config
    from policykg.kg.store import current_build

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data folder (default $POLICYKG_DATA or ./data)")
    parser.add_argument("--url", default=None, help="a running policykg server (default: start one)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="query worker processes of the policykg server")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peer", nargs=2, metavar=("TRIG", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.peer:
        run_rdflib_peer(args.peer[0], int(args.peer[1]))
        return 0

    data_dir = (args.data or config.data_dir()).resolve()
    build = current_build(data_dir)
    iris = sample_iris(build.path, args.requests, args.seed)
    processes = []
    try:
        ours = args.url
        if ours is None:
            port = free_port()
            processes.append(start(["-c", POLICYKG_SERVER, str(data_dir), str(port), str(args.workers)]))
            ours = f"http://127.0.0.1:{port}"
        peer_port = free_port()
        processes.append(start([__file__, "--peer", str(build.dump("policykg.trig")), str(peer_port)]))
        peer = f"http://127.0.0.1:{peer_port}"
        log.info("waiting for the servers (the rdflib peer parses the TriG dump) …")
        wait_until_up(ours, processes[0] if args.url is None else None)
        wait_until_up(peer, processes[-1])
        log.info("%d lookups at concurrency %d, %d distinct IRIs, build %s", args.requests, args.concurrency,
                 len(set(iris)), build.path.name)
        figures = [measure("policykg (pyoxigraph)", ours + "/sparql", iris, args.concurrency, args.warmup),
                   measure("rdflib peer", peer + "/sparql", iris, args.concurrency, args.warmup)]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
    print(f"{'server':<22} {'lookups/s':>10} {'median ms':>11} {'p95 ms':>11} {'errors':>7}")
    for figure in figures:
        print(figure.row())
    print(f"ratio policykg / rdflib peer: {figures[0].rate / figures[1].rate:.1f}x")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
