"""Two running servers side by side: req/s and server CPU per request, for lookups and linked-data pages.

    .venv/bin/python bench/endpoint_cpu.py --before 18411:PID --after 18412:PID [--rounds 3] [--seconds 5]

Each server is named by its loopback port and the process id of its top process; CPU is the user +
system time of that process and everything below it (front-end processes and query workers included),
read from /proc before and after each wrk run (`wrk -t2 -c8`, bench/endpoint_load.py), so it stays
meaningful on a busy machine where req/s does not. Lookups are sent as GET and as both POST forms.
`--cases` picks requests (e.g. only the lookups when the second server has no pages).
Rounds are interleaved; the table gives medians. Used for the cheap-lane figures in docs/security.md.
"""

from __future__ import annotations

import argparse
import statistics
import urllib.parse

from endpoint_load import Request, Run, run_wrk  # bench/ is on sys.path when a bench script runs

IRI = "https://w3id.org/policykg/doc/renshebufa-2021-102/target/subsidized-training/2021--2025"
PAGE = "/doc/renshebufa-2021-102/target/subsidized-training/2021--2025"
LOOKUP = f"SELECT ?p ?o {{ <{IRI}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ <{IRI}> ?p ?o }} WHERE {{ <{IRI}> ?p ?o }}"
JSON = (("Accept", "application/sparql-results+json"),)
FORM = (("Content-Type", "application/x-www-form-urlencoded"),)


def _get(query: str, accept: tuple = JSON) -> Request:
    return Request("GET", "/sparql?query=" + urllib.parse.quote(query), accept)


CASES = {
    "lookup GET": _get(LOOKUP),
    "lookup POST form": Request("POST", "/sparql", FORM + JSON, urllib.parse.urlencode({"query": LOOKUP}).encode()),
    "lookup POST sparql-query": Request("POST", "/sparql", (("Content-Type", "application/sparql-query"),) + JSON,
                                        LOOKUP.encode()),
    "construct GET (Turtle)": _get(CONSTRUCT, (("Accept", "text/turtle"),)),
    "page html": Request("GET", PAGE, (("Accept", "text/html"),)),
    "page ttl": Request("GET", PAGE + ".ttl"),
}


def run(port: int, pid: int, request: Request, seconds: int) -> Run:
    return run_wrk(f"http://127.0.0.1:{port}", [request], 8, seconds, pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="PORT:PID of the first server")
    parser.add_argument("--after", required=True, help="PORT:PID of the second server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES), metavar="CASE",
                        help="which requests (default all): " + ", ".join(CASES))
    args = parser.parse_args()
    servers = {name: tuple(int(x) for x in value.split(":")) for name, value in
               (("before", args.before), ("after", args.after))}
    results: dict[tuple[str, str], list[Run]] = {}
    for _ in range(args.rounds):
        for case in args.cases:
            for name, (port, pid) in servers.items():
                results.setdefault((case, name), []).append(run(port, pid, CASES[case], args.seconds))
    print(f"| request (c8, wrk {args.seconds} s × {args.rounds} interleaved rounds) | before req/s | after req/s "
          "| before CPU ms/req | after CPU ms/req | before errors | after errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for case in args.cases:
        before, after = results[(case, "before")], results[(case, "after")]

        def median(runs: list[Run], value) -> float:
            return statistics.median(value(r) for r in runs)

        print(f"| {case} | {median(before, lambda r: r.rate):.0f} | {median(after, lambda r: r.rate):.0f} "
              f"| {median(before, lambda r: r.cpu_ms_per_request):.2f} "
              f"| {median(after, lambda r: r.cpu_ms_per_request):.2f} "
              f"| {sum(r.errors for r in before)} | {sum(r.errors for r in after)} |")


if __name__ == "__main__":
    main()
