"""policykg's endpoint against the floor app, Virtuoso and rdflib-endpoint, on the same builds, in one run.

    .venv/bin/python bench/endpoint.py --quick                       # seed build, ~3 min
    .venv/bin/python bench/endpoint.py --data data --data /tmp/data-1000 --rounds 3 --seconds 10 \
        --concurrency 1 8 32 --out bench/out/endpoint.md               # the full run (see docs/performance.md)

Systems (bench/endpoint_systems.py): policykg with the result cache off (cold) and on, the floor
(bench/floor_app.py: Flask + gunicorn, 2 sync workers, in-memory pyoxigraph), Virtuoso (Debian
virtuoso-t on loopback, bulk-loaded with the build's asserted graphs) and rdflib-endpoint (PyPI; only
for builds of at most --rdflib-max-quads quads: it parses the dump into Python objects).

Workloads: `lookup` (`SELECT ?p ?o WHERE { <iri> ?p ?o }`, IRIs drawn from the build), `catalogue`
(the 14 queries of queries/, cycled), `construct` (`CONSTRUCT { <iri> ?p ?o } WHERE { <iri> ?p ?o }`,
Turtle), `page` (a resource's description: policykg's linked-data page in Turtle, the floor's
/describe, the same CONSTRUCT for the others), `page-html` (policykg's HTML page). Each cell is one
wrk run; rounds are interleaved (every system once per workload and concurrency, then the next
round) and the table gives medians: req/s, latency p50/p95/p99 (ms), server CPU ms per request, and
ratios. The `catalogue, cache on` row is policykg with its result cache answering repeated queries.
Then each catalogue query is timed alone (one client, median of --repeat runs) on every system: the
per-query table shows policykg / floor.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from endpoint_load import Request, Run, have_wrk, run_wrk
from endpoint_systems import (
    System,
    start_floor,
    start_policykg,
    start_rdflib_endpoint,
    start_virtuoso,
)

from policykg.kg.namespaces import BASE, INFERRED_GRAPH
from policykg.kg.store import Build, current_build

log = logging.getLogger("bench.endpoint")
REPO = Path(__file__).resolve().parent.parent
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
DESCRIPTION = """CONSTRUCT {{ ?x ?p ?o . ?o ?bp ?bo . ?s ?ip ?x }} WHERE {{ BIND(<{iri}> AS ?x)
    {{ GRAPH ?g {{ ?x ?p ?o OPTIONAL {{ ?o ?bp ?bo FILTER(isBlank(?o)) }} }} FILTER(?g != <{inferred}>) }}
    UNION {{ GRAPH ?g {{ ?s ?ip ?x }} FILTER(?g != <{inferred}>) }} }}"""


SKIPPED_QUERIES: set[str] = set()  # --skip-query: stems (or their number prefixes) left out


def catalogue() -> list[tuple[str, str]]:
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted((REPO / "queries").glob("*.rq"))
            if not any(path.stem.startswith(skip) for skip in SKIPPED_QUERIES)]


def sample_iris(build: Build, count: int, seed: int) -> list[str]:
    subjects = sorted({q.subject.value for q in ox.parse(path=str(build.dump("policykg.nq")),
                                                           format=ox.RdfFormat.N_QUADS)
                       if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)})
    return random.Random(seed).sample(subjects, min(count, len(subjects)))


def workload(system: System, name: str, iris: list[str]) -> list[Request] | None:
    """The requests of one workload for one system (None: the system has nothing comparable)."""
    if name.startswith("catalogue"):
        return [system.query(text, JSON) for _, text in catalogue()]
    if name == "lookup":
        return [system.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", JSON) for iri in iris]
    if name == "construct":
        return [system.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}", TURTLE) for iri in iris]
    if name == "page":
        if system.name.startswith("policykg"):
            return [Request("GET", iri.removeprefix(BASE.rstrip("/")), (("Accept", TURTLE),)) for iri in iris]
        if system.name == "floor":
            return [Request("GET", "/describe?iri=" + iri) for iri in iris]
        return [system.query(DESCRIPTION.format(iri=iri, inferred=INFERRED_GRAPH), NTRIPLES) for iri in iris]
    if name == "page-html":
        if system.name.startswith("policykg"):
            return [Request("GET", iri.removeprefix(BASE.rstrip("/")), (("Accept", "text/html"),)) for iri in iris]
        return None
    raise ValueError(name)


def measure_cells(systems: list[System], workloads: list[str], concurrencies: list[int], rounds: int,
                  seconds: float, iris: list[str]) -> dict[tuple[str, str, int], list[Run]]:
    runs: dict[tuple[str, str, int], list[Run]] = defaultdict(list)
    for round_number in range(rounds):
        for name in workloads:
            for concurrency in concurrencies:
                for system in systems:
                    if name == "catalogue, cache on" and system.name != "policykg cache":
                        continue
                    if name != "catalogue, cache on" and system.name == "policykg cache":
                        continue
                    requests = workload(system, name, iris)
                    if not requests:
                        continue
                    run = run_wrk(system.base_url, requests, concurrency, seconds, system.pid)
                    runs[(name, system.name, concurrency)].append(run)
                    log.info("round %d %-20s c%-3d %-16s %8.1f req/s p50 %.1f ms errors %d", round_number + 1,
                             name, concurrency, system.name, run.rate, run.p50_ms, run.errors)
    return runs


def time_catalogue(systems: list[System], repeat: int) -> dict[tuple[str, str], float | None]:
    """Seconds per catalogue query, one at a time (median of `repeat`); None when it failed."""
    found: dict[tuple[str, str], list[float]] = defaultdict(list)
    failed: set[tuple[str, str]] = set()
    for _ in range(repeat):
        for stem, text in catalogue():
            for system in systems:
                if system.name == "policykg cache":
                    continue
                status, _, seconds = system.fetch(system.query(text, JSON))
                if status != 200:
                    failed.add((stem, system.name))
                found[(stem, system.name)].append(seconds)
    return {key: (None if key in failed else statistics.median(values)) for key, values in found.items()}


def _median_run(runs: list[Run]) -> dict[str, float]:
    return {field: statistics.median(getattr(r, field) for r in runs)
            for field in ("rate", "p50_ms", "p95_ms", "p99_ms", "cpu_ms_per_request", "errors")}


def cell_table(runs: dict[tuple[str, str, int], list[Run]], names: list[str]) -> str:
    peers = [n for n in names if n not in ("policykg", "policykg cache")]
    lines = ["| workload | c | system | req/s | p50 ms | p95 ms | p99 ms | CPU ms/req | errors | "
             + " | ".join(f"× {p}" for p in peers) + " |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | "
             + " | ".join("---:" for _ in peers) + " |"]
    for (name, system, concurrency) in sorted(runs, key=lambda k: (k[0], k[2], names.index(k[1]))):
        figures = _median_run(runs[(name, system, concurrency)])
        ratios = []
        for peer in peers:
            other = runs.get((name.replace(", cache on", ""), peer, concurrency))
            ratios.append(f"{figures['rate'] / _median_run(other)['rate']:.2f}"
                          if other and system.startswith("policykg") and _median_run(other)["rate"] else "")
        lines.append(f"| {name} | {concurrency} | {system} | {figures['rate']:.0f} | {figures['p50_ms']:.1f} | "
                     f"{figures['p95_ms']:.1f} | {figures['p99_ms']:.1f} | {figures['cpu_ms_per_request']:.2f} | "
                     f"{figures['errors']:.0f} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def query_table(times: dict[tuple[str, str], float | None], names: list[str]) -> str:
    shown = [n for n in names if n != "policykg cache"]
    lines = ["| query | " + " | ".join(f"{n} s" for n in shown) + " | policykg / floor |",
             "| --- | " + " | ".join("---:" for _ in shown) + " | ---: |"]
    rates: dict[str, list[float]] = defaultdict(list)
    for stem, _ in catalogue():
        cells = []
        for name in shown:
            value = times.get((stem, name))
            cells.append("—" if value is None else f"{value:.3f}")
            if value:
                rates[name].append(1 / value)
        ours, floor = times.get((stem, "policykg")), times.get((stem, "floor"))
        ratio = f"{ours / floor:.2f}" if ours and floor else "—"
        lines.append(f"| {stem} | " + " | ".join(cells) + f" | {ratio} |")
    geo = [f"{math.exp(statistics.fmean(math.log(r) for r in rates[n])):.1f}/s" if rates[n] else "—" for n in shown]
    lines.append("| geometric mean rate | " + " | ".join(geo) + " | |")
    return "\n".join(lines)


def bench_build(data_dir: Path, args) -> str:
    build = current_build(data_dir)
    quads = sum(1 for _ in open(build.dump("policykg.nq"), "rb"))
    iris = sample_iris(build, args.iris, args.seed)
    log.info("build %s: %d asserted quads, %d IRIs sampled", build.name, quads, len(iris))
    systems: list[System] = []
    try:
        wanted = set(args.systems)
        if "policykg" in wanted:
            systems.append(start_policykg("policykg", data_dir, args.workers, "off"))
        if "policykg-cache" in wanted:
            systems.append(start_policykg("policykg cache", data_dir, args.workers, "64M"))
        if "floor" in wanted:
            systems.append(start_floor(data_dir))
        if "virtuoso" in wanted:
            systems.append(start_virtuoso(build))
        if "rdflib-endpoint" in wanted and quads <= args.rdflib_max_quads:
            systems.append(start_rdflib_endpoint(build))
        names = [s.name for s in systems]
        workloads = [w for w in args.workloads if w != "catalogue"] + (
            ["catalogue", "catalogue, cache on"] if "catalogue" in args.workloads else [])
        times = time_catalogue(systems, args.repeat) if args.repeat else {}
        runs = measure_cells(systems, workloads, args.concurrency, args.rounds, args.seconds, iris)
    finally:
        for system in systems:
            system.stop()
    header = (f"### build {build.name}: {quads} asserted quads, {len(iris)} IRIs; {args.rounds} interleaved "
              f"round(s) of {args.seconds:g} s per cell (wrk), medians\n\n")
    body = cell_table(runs, names)
    if times:
        body += f"\n\nCatalogue queries one at a time (seconds, median of {args.repeat}):\n\n"
        body += query_table(times, names)
    return header + body


def main(argv: list[str] | None = None) -> int:
    from policykg import config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", help="data folder(s) (default $POLICYKG_DATA)")
    parser.add_argument("--quick", action="store_true", help="small defaults: 1 round, 3 s cells, c1 and c8")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workloads", nargs="+", default=["lookup", "catalogue", "construct", "page", "page-html"],
                        help="`none`: only the per-query table")
    parser.add_argument("--systems", nargs="+",
                        default=["policykg", "policykg-cache", "floor", "virtuoso", "rdflib-endpoint"])
    parser.add_argument("--workers", type=int, default=2, help="query workers of policykg")
    parser.add_argument("--iris", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs per catalogue query in the per-query table")
    parser.add_argument("--rdflib-max-quads", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-query", nargs="*", default=[], help="catalogue queries to leave out, e.g. 05")
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.concurrency, args.repeat = 1, 3.0, [1, 8], 1
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    SKIPPED_QUERIES.update(args.skip_query)
    args.workloads = [w for w in args.workloads if w != "none"]
    if not have_wrk():
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    sections = [bench_build((folder or config.data_dir()).resolve(), args) for folder in (args.data or [None])]
    report = "\n\n".join(sections) + "\n"
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
