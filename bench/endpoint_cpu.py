"""Two running servers side by side: req/s and server CPU per request, for lookups and linked-data pages.

    .venv/bin/python bench/endpoint_cpu.py --before 18411:PID --after 18412:PID [--rounds 3] [--seconds 5]

Each server is named by its loopback port and the process id of its top process; CPU is the user +
system time of that process and everything below it (query workers included), read from /proc before
and after each wrk run (`wrk -t2 -c8`), so it stays meaningful on a busy machine where req/s does not.
Rounds are interleaved; the table gives medians. Used for the cheap-lane figures in docs/security.md.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import urllib.parse

from endpoint_load import tree_cpu_seconds  # bench/ is on sys.path when a bench script runs

IRI = "https://w3id.org/policykg/doc/renshebufa-2021-102/target/subsidized-training/2021--2025"
PAGE = "/doc/renshebufa-2021-102/target/subsidized-training/2021--2025"
CASES = {
    "lookup": ("/sparql?query=" + urllib.parse.quote(f"SELECT ?p ?o {{ <{IRI}> ?p ?o }}"), []),
    "page html": (PAGE, ["-H", "Accept: text/html"]),
    "page ttl": (PAGE + ".ttl", []),
}


def run(port: int, pid: int, path: str, extra: list[str], seconds: int) -> tuple[float, float]:
    before = tree_cpu_seconds(pid)
    output = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", *extra, f"http://127.0.0.1:{port}{path}"],
                            capture_output=True, text=True, timeout=seconds + 30).stdout
    used = tree_cpu_seconds(pid) - before
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
