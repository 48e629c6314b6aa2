"""Time the research queries on in-memory Oxigraph, on-disk Oxigraph and Virtuoso, in one run.

    .venv/bin/python bench/bench_stores.py [--data DIR] [--runs 7] [--inferred]
        [--virtuoso HOST:ISQL_PORT:HTTP_PORT]

The current build in $POLICYKG_DATA (or --data) is loaded into each store (load times are reported),
then every queries/*.rq runs `--warmup` times unmeasured and `--runs` times measured; the table
gives the median wall time per query and store, and the ratios to in-memory Oxigraph.

Oxigraph is timed in-process: evaluating the query, serialising all solutions as SPARQL JSON and
parsing that.
Virtuoso is timed as a client sees it: HTTP request to /sparql, evaluation, JSON response and
parsing (so its figures include a local HTTP round trip; the `ASK {}` row measures that floor).
Without --virtuoso, a throwaway Virtuoso is started on free ports in a temporary folder and stopped
at the end (needs virtuoso-t and isql-vt); with it, the build's graphs are (re)loaded into that
server, whose DirsAllowed must include the build folder (or use --staging).
Not run by the tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from policykg import config
from policykg.errors import PolicyKGError
from policykg.kg import virtuoso
from policykg.kg.namespaces import PREFIXES
from policykg.kg.store import Build, current_build

# the throwaway Virtuoso server lives with the tests (tests/virtuoso_testkit.py), its one home
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from virtuoso_testkit import LocalVirtuoso  # noqa: E402

log = logging.getLogger("bench_stores")

FLOOR_QUERY = ("(ASK {})", "ASK {}")


def load_oxigraph(build: Build, path: Path | None) -> ox.Store:
    store = ox.Store(str(path)) if path else ox.Store()
    for dump in virtuoso.build_dumps(build):
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    if path:
        store.flush()
        store.optimize()
    return store


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def oxigraph_runner(store: ox.Store, graphs: list[str]) -> Callable[[str], int]:
    default = [ox.NamedNode(g) for g in graphs]

    def run(query: str) -> int:
        results = store.query(query, default_graph=default, prefixes=PREFIXES)
        if isinstance(results, ox.QuerySolutions):
            # serialised and parsed like the JSON Virtuoso sends, so both sides do the same work
            return len(json.loads(results.serialize(format=ox.QueryResultsFormat.JSON))["results"]["bindings"])
        return 1

    return run


def virtuoso_runner(server: virtuoso.VirtuosoServer, graphs: list[str]) -> Callable[[str], int]:
    def run(query: str) -> int:
        if query.lstrip().upper().startswith("ASK"):
            virtuoso.ask(server, query, default_graphs=graphs)
            return 1
        return len(virtuoso.select(server, query, default_graphs=graphs, prefixes=PREFIXES))

    return run


def measure(run: Callable[[str], int], query: str, warmup: int, runs: int) -> tuple[float | None, str]:
    """Median seconds over `runs` (None on error) and the row count or the error."""
    try:
        for _ in range(warmup):
            run(query)
        times = []
        rows = 0
        for _ in range(runs):
            seconds, rows = timed(lambda: run(query))
            times.append(seconds)
    except (PolicyKGError, OSError, SyntaxError) as exc:
        return None, f"error: {str(exc).splitlines()[0][:80]}"
    return statistics.median(times), str(rows)


def fmt_ms(seconds: float | None) -> str:
    return "error" if seconds is None else f"{seconds * 1000:.2f}"


def fmt_ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "-"
    return f"{value / base:.1f}x"


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data folder (default $POLICYKG_DATA or ./data)")
    parser.add_argument("--queries", type=Path, default=config.QUERIES_DIR, help="folder of .rq files")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per query and store (median)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first")
    parser.add_argument("--inferred", action="store_true", help="include graph/inferred in the default graph")
    parser.add_argument("--virtuoso", metavar="HOST:ISQL_PORT:HTTP_PORT",
                        help="use this running server (user/password dba/dba, or --user/--password)")
    parser.add_argument("--user", default="dba")
    parser.add_argument("--password", default="dba")
    parser.add_argument("--staging", type=Path, help="folder in the server's DirsAllowed to copy the dumps to")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")

    try:
        build = current_build((args.data or config.data_dir()).resolve())
    except PolicyKGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    queries = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(args.queries.glob("*.rq"))]
    if not queries:
        print(f"error: no .rq files in {args.queries}", file=sys.stderr)
        return 2
    queries.insert(0, FLOOR_QUERY)
    graphs = list(build.manifest.graphs.asserted(include_inferred=args.inferred))

    with tempfile.TemporaryDirectory(prefix="bench-stores-") as tmp:
        tmp_path = Path(tmp)
        local = None
        try:
            if args.virtuoso:
                host, isql_port, http_port = args.virtuoso.rsplit(":", 2)
                server = virtuoso.VirtuosoServer(host=host, isql_port=int(isql_port), http_port=int(http_port),
                                                 user=args.user, password=args.password)
            else:
                local = LocalVirtuoso(tmp_path / "virtuoso", dirs_allowed=[build.path], buffers=20000)
                server = local.start()
            load_mem, memory = timed(lambda: load_oxigraph(build, None))
            load_disk, disk = timed(lambda: load_oxigraph(build, tmp_path / "oxigraph"))
            report = virtuoso.load_build(build, server, include_inferred=True, staging_dir=args.staging)
            stores = [
                ("oxigraph-mem", oxigraph_runner(memory, graphs)),
                ("oxigraph-disk", oxigraph_runner(disk, graphs)),
                ("virtuoso", virtuoso_runner(server, graphs)),
            ]
            print(f"build {build.path.name}: {build.manifest.triples} asserted + "
                  f"{build.manifest.inferred_triples} inferred triples; default graph: {len(graphs)} graphs"
                  f"{' incl. inferred' if args.inferred else ''}")
            print(f"load: oxigraph-mem {load_mem * 1000:.0f} ms, oxigraph-disk {load_disk * 1000:.0f} ms "
                  f"(bulk_load + optimize), virtuoso {report.seconds * 1000:.0f} ms "
                  f"(clear + ld_dir/rdf_loader_run + checkpoint, via isql; {sum(report.graphs.values())} triples)")
            print(f"{server}; median of {args.runs} runs after {args.warmup} warm-up, wall ms per query\n")

            header = ["query", "rows", "mem ms", "disk ms", "virtuoso ms", "disk/mem", "virt/mem"]
            rows = []
            ratios: dict[str, list[float]] = {"disk": [], "virtuoso": []}
            for name, text in queries:
                results = [measure(run, text, args.warmup, args.runs) for _, run in stores]
                (mem, mem_rows), (dsk, _), (vrt, vrt_rows) = results
                if name != FLOOR_QUERY[0]:
                    if mem and dsk:
                        ratios["disk"].append(dsk / mem)
                    if mem and vrt:
                        ratios["virtuoso"].append(vrt / mem)
                row_note = mem_rows if mem_rows == vrt_rows or vrt_rows.startswith("error") else \
                    f"{mem_rows}/{vrt_rows}"
                rows.append([name, row_note, fmt_ms(mem), fmt_ms(dsk), fmt_ms(vrt),
                             fmt_ratio(dsk, mem), fmt_ratio(vrt, mem)])
            widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
            print("  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths,
                                                                                            strict=True))))
            for r in rows:
                print("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                                for i, (c, w) in enumerate(zip(r, widths, strict=True))))
            print(f"\ngeometric mean over the research queries: disk/mem {geometric_mean(ratios['disk']):.2f}x, "
                  f"virtuoso/mem {geometric_mean(ratios['virtuoso']):.2f}x")
            print("rows: a/b where Oxigraph (a) and Virtuoso (b) return different row counts")
            del memory, disk
        except PolicyKGError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        finally:
            if local is not None:
                local.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
