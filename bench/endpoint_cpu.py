"""Two running servers side by side: req/s and server CPU per request, for lookups and linked-data pages.

    .venv/bin/python bench/endpoint_cpu.py --before 18411:PID --after 18412:PID [--rounds 3] [--seconds 5]

Each server is named by its loopback port and the process id of its top process; CPU is the user +
system time of that process and everything below it (query workers included), read from /proc before
and after each wrk run (`wrk -t2 -c8`), so it stays meaningful on a busy machine where req/s does not.
Rounds are interleaved; the table gives medians. Used for the cheap-lane figures in docs/security.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import urllib.parse
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
IRI = "https://w3id.org/policykg/doc/renshebufa-2021-102/target/subsidized-training/2021--2025"
PAGE = "/doc/renshebufa-2021-102/target/subsidized-training/2021--2025"
CASES = {
    "lookup": ("/sparql?query=" + urllib.parse.quote(f"SELECT ?p ?o {{ <{IRI}> ?p ?o }}"), []),
    "page html": (PAGE, ["-H", "Accept: text/html"]),
    "page ttl": (PAGE + ".ttl", []),
}


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


def cpu_seconds(pid: int) -> float:
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / TICK


def run(port: int, pid: int, path: str, extra: list[str], seconds: int) -> tuple[float, float]:
    before = cpu_seconds(pid)
    output = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", *extra, f"http://127.0.0.1:{port}{path}"],
                            capture_output=True, text=True, timeout=seconds + 30).stdout
    used = cpu_seconds(pid) - before
    count = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, used * 1000 / max(count, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="PORT:PID of the first server")
    parser.add_argument("--after", required=True, help="PORT:PID of the second server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    servers = {name: tuple(int(x) for x in value.split(":")) for name, value in
               (("before", args.before), ("after", args.after))}
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for case, (path, extra) in CASES.items():
            for name, (port, pid) in servers.items():
                results.setdefault((case, name), []).append(run(port, pid, path, extra, args.seconds))
    print(f"| request (c8, wrk {args.seconds} s × {args.rounds} interleaved rounds) | before req/s | after req/s "
          "| before CPU ms/req | after CPU ms/req |")
    print("| --- | --- | --- | --- | --- |")
    for case in CASES:
        before, after = results[(case, "before")], results[(case, "after")]

        def median(values, index):
            return statistics.median(value[index] for value in values)

        print(f"| {case} | {median(before, 0):.0f} | {median(after, 0):.0f} | {median(before, 1):.2f} "
              f"| {median(after, 1):.2f} |")


if __name__ == "__main__":
    main()
