"""CPU per linked-data page, in process: policykg's resource pages against the floor's CONSTRUCT.

    .venv/bin/python bench/pages.py --data /tmp/data [--base /tmp/base-pkg] [--pages 200] [--rounds 5]

Each system answers the same sample of resource IRIs (every page served by server/resources.py:
resources, document texts, named graphs) through Flask's test client, so no socket, no front end and
no other process is counted: only the work of the request in the web process. Systems:

- `floor`: the floor app's `/describe` (bench/floor_app.py): a Flask route answering the resource's
  description as one CONSTRUCT (bench/endpoint.py's DESCRIPTION) over the build in memory, N-Triples;
  `floor ttl` the same CONSTRUCT written as Turtle with the project's prefixes.
- `policykg`: this checkout's pages, by Accept (HTML, Turtle, N-Triples, JSON-LD), and the HTML
  document view of every document text (a page per document, with every annotated span).
- `base` (with --base): the same pages from another checkout, laid out as an importable `policykg`
  package under that folder (e.g. `git archive main` with the package-dir links of pyproject.toml),
  for an A/B in the same run.

Every (system, round) runs in a fresh child process (rounds interleaved: each system once, then the
next round); a child warms up on the sample, then counts process CPU time (user + system) over one
pass. The table gives the median CPU ms per page and the floor's CPU per page divided by the page's
(1.0 = as cheap as the floor's CONSTRUCT, i.e. the same requests per CPU second).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent
PAGE_CASES = {"html": "text/html", "ttl": "text/turtle", "nt": "application/n-triples",
              "jsonld": "application/ld+json"}


def document_paths(data: Path) -> list[str]:
    """Paths of the build's document texts (their HTML page is the document view, a page per document)."""
    import pyoxigraph as ox

    from policykg.kg.namespaces import BASE, PREFIXES
    from policykg.kg.store import current_build

    texts = {q.subject.value for q in ox.parse(path=str(current_build(data).dump("policykg.nq")),
                                                format=ox.RdfFormat.N_QUADS)
             if q.predicate.value == PREFIXES["nif"] + "isString" and q.subject.value.startswith(BASE)}
    return ["/" + iri.removeprefix(BASE) for iri in sorted(texts)]


def sample_paths(data: Path, count: int, seed: int) -> list[str]:
    """Paths of `count` resource IRIs of the build that server/resources.py serves (not the ontology,
    shapes or dataset pages, which have their own modules; not the document texts, measured apart)."""
    import pyoxigraph as ox

    from policykg.kg.namespaces import BASE
    from policykg.kg.store import current_build
    from policykg.server.app import create_app
    from policykg.server.config import ServerConfig

    build = current_build(data)
    subjects = sorted({q.subject.value for q in ox.parse(path=str(build.dump("policykg.nq")),
                                                           format=ox.RdfFormat.N_QUADS)
                       if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)}
                      | set(build.manifest.graphs.documents))
    app = create_app(ServerConfig(data_dir=data, workers=1))
    try:
        adapter = app.url_map.bind("localhost")
        # an IRI with a fragment dereferences to the document without it (the ontology's page)
        paths = ["/" + iri.removeprefix(BASE) for iri in subjects if "#" not in iri]
        documents = set(document_paths(data))
        served = [p for p in paths if adapter.match(p)[0] == "resources.serve_resource" and p not in documents]
    finally:
        app.extensions["policykg"].executor.close()
    return random.Random(seed).sample(served, min(count, len(served)))


def floor_app(data: Path):
    """The floor's /describe (as bench/floor_app.py): one CONSTRUCT over the build in memory."""
    import pyoxigraph as ox
    from endpoint import DESCRIPTION
    from flask import Flask, Response, request

    from policykg.kg.namespaces import INFERRED_GRAPH, PREFIXES
    from policykg.kg.store import current_build, open_store

    store = open_store(current_build(data), in_memory=True)
    app = Flask("floor")

    @app.route("/describe")
    def describe() -> Response:
        result = store.query(DESCRIPTION.format(iri=request.args["iri"], inferred=INFERRED_GRAPH))
        if request.args.get("format") == "ttl":
            return Response(ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES),
                            content_type="text/turtle")
        return Response(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES), content_type="application/n-triples")

    return app


def child(system: str, data: Path, paths: list[str]) -> dict[str, float]:
    """CPU ms per page of each case of `system`, measured in this process."""
    from policykg.kg.namespaces import BASE

    if system == "floor":
        client = floor_app(data).test_client()
        iris = [BASE + p.lstrip("/") for p in paths]
        cases = {"nt": [("/describe", {"iri": iri}, {}) for iri in iris],
                 "ttl": [("/describe", {"iri": iri, "format": "ttl"}, {}) for iri in iris]}
        close = None
    else:
        from policykg.server.app import create_app
        from policykg.server.config import ServerConfig

        app = create_app(ServerConfig(data_dir=data, workers=1))
        client = app.test_client()
        cases = {name: [(p, {}, {"Accept": accept}) for p in paths] for name, accept in PAGE_CASES.items()}
        cases["html document text"] = [(p, {}, {"Accept": "text/html"}) for p in document_paths(data)]
        close = app.extensions["policykg"].executor.close
    found = {}
    for name, requests in cases.items():
        for path, query, headers in requests:  # warm-up: caches, templates, the store's pages
            response = client.get(path, query_string=query, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{system} {name} {path}: HTTP {response.status_code}")
        started = time.process_time()
        for path, query, headers in requests:
            client.get(path, query_string=query, headers=headers).close()
        found[name] = (time.process_time() - started) * 1000 / len(requests)
    if close:
        close()
    return found


def run_child(system: str, data: Path, paths_file: Path, base: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if system == "base":
        env["PYTHONPATH"] = str(base)
    output = subprocess.run([sys.executable, str(HERE), "--child", system, "--data", str(data),
                             "--paths", str(paths_file)], env=env, cwd="/", capture_output=True, text=True,
                            check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder with a build (its `current`)")
    parser.add_argument("--base", type=Path, help="a folder holding another checkout's `policykg` package")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--paths", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        paths = json.loads(args.paths.read_text(encoding="utf-8"))
        print(json.dumps(child(args.child, args.data.resolve(), paths)))
        return
    paths = sample_paths(args.data, args.pages, args.seed)
    paths_file = args.data.resolve().parent / f"pages-sample-{os.getpid()}.json"
    paths_file.write_text(json.dumps(paths), encoding="utf-8")
    systems = ["floor", "policykg"] + (["base"] if args.base else [])
    results: dict[str, list[dict[str, float]]] = {system: [] for system in systems}
    try:
        for _ in range(args.rounds):
            for system in systems:
                results[system].append(run_child(system, args.data.resolve(), paths_file, args.base))
    finally:
        paths_file.unlink()
    median = {system: {case: statistics.median(r[case] for r in runs) for case in runs[0]}
              for system, runs in results.items()}
    floor = median["floor"]["nt"]
    print(f"{len(paths)} resource pages and every document text, {args.rounds} interleaved rounds, median CPU ms "
          "per page (in process)\n")
    print("| system | page | CPU ms/page | floor CONSTRUCT (nt) CPU / page CPU |")
    print("| --- | --- | --- | --- |")
    for system, cases in median.items():
        for case, value in cases.items():
            ratio = "—" if case.endswith("document text") else f"{floor / value:.2f}"
            print(f"| {system} | {case} | {value:.3f} | {ratio} |")
    if "base" in median:
        print("\n| page | base CPU / policykg CPU |\n| --- | --- |")
        for case, value in median["policykg"].items():
            print(f"| {case} | {median['base'][case] / value:.1f}× |")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))  # endpoint.DESCRIPTION, as the other bench scripts import each other
    main()
