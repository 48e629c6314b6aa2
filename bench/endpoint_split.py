"""Running servers side by side: server CPU per request, split into front ends and query workers, user and system.

    .venv/bin/python bench/endpoint_split.py base=18611:PID new=18612:PID floor=18620:PID \
        [--workloads catalogue lookup] [--rounds 2] [--seconds 5] [--data DATA]

Each server is NAME=PORT:PID (its loopback port and the process id of its top process). Cells are
interleaved wrk runs (`wrk -t2 -c8`, bench/endpoint_load.py) of bench/endpoint.py's workloads; around
each, the user and system CPU of every process below PID is read from /proc, and counted as a query
worker's when its command line is multiprocessing's spawn (policykg's workers), else as the front
end's. The table gives medians: where a request's CPU goes, which stays meaningful on a busy machine
where req/s does not (docs/performance.md, "Session 16").
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from endpoint import sample_iris, workload  # bench/ is on sys.path when a bench script runs
from endpoint_load import TICK, process_tree, run_wrk
from endpoint_systems import System

from policykg.kg.store import current_build

WORKER_MARK = b"spawn_main"  # the command line of a process started by multiprocessing's spawn


def cpu_split(pid: int) -> list[float]:
    """CPU seconds of the tree below `pid`: front-end user, front-end system, worker user, worker system."""
    totals = [0.0, 0.0, 0.0, 0.0]
    for member in process_tree(pid):
        try:
            command = Path(f"/proc/{member}/cmdline").read_bytes()
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        offset = 2 if WORKER_MARK in command else 0
        totals[offset] += int(fields[11]) / TICK
        totals[offset + 1] += int(fields[12]) / TICK
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("servers", nargs="+", help="NAME=PORT:PID")
    parser.add_argument("--workloads", nargs="+", default=["catalogue", "lookup"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--data", type=Path, default=Path("data"), help="the data folder the servers serve")
    args = parser.parse_args()
    iris = sample_iris(current_build(args.data), 200, 1)
    systems = []
    for spec in args.servers:
        name, address = spec.split("=", 1)
        port, pid = (int(part) for part in address.split(":"))
        systems.append(System(name, f"http://127.0.0.1:{port}", "/sparql", pid, True, serves_pages=True))
    cells: dict[tuple[str, str], list[list[float]]] = {}
    loads = []
    for _ in range(args.rounds):
        for name in args.workloads:
            for system in systems:
                before = cpu_split(system.pid or 0)
                run = run_wrk(system.base_url, workload(system, name, iris), args.concurrency, args.seconds, None)
                after = cpu_split(system.pid or 0)
                done = max(1, run.requests - run.errors)
                cells.setdefault((name, system.name), []).append(
                    [run.rate] + [(b - a) * 1000 / done for a, b in zip(before, after, strict=True)] + [run.errors])
                loads.append(os.getloadavg()[0])
    print(f"load average during the runs: {min(loads):.1f}–{max(loads):.1f}\n")
    print(f"| c{args.concurrency}, medians of {args.rounds} | server | req/s | front user | front sys | worker user "
          "| worker sys | CPU ms/req | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (name, server), runs in sorted(cells.items()):
        med = [statistics.median(run[i] for run in runs) for i in range(5)]
        print(f"| {name} | {server} | {med[0]:.0f} | {med[1]:.3f} | {med[2]:.3f} | {med[3]:.3f} | {med[4]:.3f} "
              f"| {sum(med[1:]):.3f} | {sum(run[5] for run in runs):.0f} |")


if __name__ == "__main__":
    main()
