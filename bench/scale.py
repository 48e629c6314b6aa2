"""How build, validation and store loading grow with the corpus: wall time and peak memory against N.

    python bench/scale.py                      # N = 5 50 250 1000 5000
    python bench/scale.py --sizes 5 50 250     # a quicker run
    python bench/scale.py --timeout 900        # give up on a step after 900 s
    python bench/scale.py --sizes 5 50 --steps validate validate-pyshacl   # the two validation engines

For each N a synthetic corpus is made by bench/corpus.py (copies of the curated documents with
distinct numbers and values), then each step runs in its own process, timed with its peak RSS
(ru_maxrss of that child, from wait4) and its CPU seconds (user + system, also from wait4: on a
shared machine they move less than wall time):
  build      `policykg build --corpus …`     (annotations → RDF, OWL-RL reasoning, validation, dumps,
             store), into an empty data folder
  rebuild    the same build again (the corpus is unchanged)
  rebuild-one  the build after one document changed (its plan's English title): emission, reasoning,
             validation and the store reuse the previous build's work for the other documents
  validate   `policykg validate --no-cache`  (SHACL over the built graph: SHACL Core compiled to SPARQL
             and SHACL-SPARQL, all run by Oxigraph over the whole graph)
  revalidate `policykg validate`              (the same with the cache, which holds pySHACL's results
             of the shapes that are not compiled: none for shapes/)
  validate-pyshacl  (only with --steps) the reference engine: SHACL Core by pySHACL per document graph,
             as validation ran before it was compiled to SPARQL
  load      the query worker's load: every dump into an in-memory store + the default-graph merge
Prints a markdown table (wall s, peak MB, triples, s per document) and writes bench/out/scale.json
and a log-log plot bench/out/scale.png (needs matplotlib: `pip install -e '.[bench]'`).
A step that fails or runs past --timeout ends the run for larger N (they would only be slower).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from policykg.kg.store import current_build, has_build

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402  (bench/corpus.py, beside this script)

log = logging.getLogger("bench.scale")
REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
POLICYKG = [sys.executable, "-m", "policykg.cli"]
# the reference engine: SHACL Core by pySHACL per document graph (what validation was before it was compiled)
VALIDATE_PYSHACL = (
    "import sys; from pathlib import Path; from policykg import config; "
    "from policykg.kg.store import current_build, open_store; "
    "from policykg.kg.validation import ValidationOptions, validate; "
    "s = open_store(current_build(Path(sys.argv[1])), in_memory=True, merge=False); "
    "o = ValidationOptions(vocabulary=tuple(sorted(config.ONTOLOGY_DIR.glob('*.ttl'))), core='pyshacl'); "
    "r = validate(s, sorted(config.SHAPES_DIR.glob('*.ttl')), options=o); print(r.text().splitlines()[0]); "
    "sys.exit(r.exit_code)"
)
LOAD = (
    "import sys; from pathlib import Path; from policykg.kg.store import current_build, open_store; "
    "s = open_store(current_build(Path(sys.argv[1])), in_memory=True); print(len(s))"
)


@dataclass
class Measure:
    documents: int
    step: str
    seconds: float
    peak_mb: float
    ok: bool
    detail: str = ""
    cpu_seconds: float = 0.0


def run_measured(args: list[str], env: dict, timeout: float) -> tuple[float, float, bool, str, float]:
    """Run a child process; return wall seconds, its own peak RSS in MB, success, its last output line
    and its CPU seconds."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                return (time.monotonic() - started, usage.ru_maxrss / 1024, False, f"stopped after {timeout:.0f} s",
                        usage.ru_utime + usage.ru_stime)
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - started
        out.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
    return elapsed, usage.ru_maxrss / 1024, status == 0, lines[-1] if lines else "", usage.ru_utime + usage.ru_stime


STEPS = ("build", "rebuild", "rebuild-one", "validate", "revalidate", "validate-pyshacl", "load")
DEFAULT_STEPS = ("build", "rebuild", "rebuild-one", "validate", "revalidate", "load")


def edit_one_document(corpus: Path) -> None:
    """Change one document only: the English title (en= note) of the first document's plan, a fact no
    other document shares, so that a rebuild may reuse every other document's work."""
    ann = sorted(corpus.glob("*.ann"))[0]
    lines = ann.read_text(encoding="utf-8").splitlines()
    title = next(line.split("\t")[0] for line in lines if line.split("\t")[1:2] and
                 line.split("\t")[1].startswith("PlanTitle "))
    for i, line in enumerate(lines):
        parts = line.split("\t")
        if len(parts) == 3 and parts[1] == f"AnnotatorNotes {title}" and "en=" in parts[2]:
            lines[i] = line.replace("en=", f"en=(revised {time.time_ns()}) ", 1)
            ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
    raise SystemExit(f"{ann}: the plan title {title} has no en= note to change")


def measure_size(n: int, workdir: Path, timeout: float, only: Sequence[str] = DEFAULT_STEPS) -> list[Measure]:
    corpus, data = workdir / f"corpus-{n}", workdir / f"data-{n}"
    reuse = "build" not in only and (data / "current").exists()  # a build left in --workdir by a run before
    if not reuse:
        make_corpus(REPO / "corpus", corpus, n)
    env = {**os.environ, "POLICYKG_DATA": str(data)}
    steps = [
        ("build", [*POLICYKG, "build", "--corpus", str(corpus), "--no-progress"]),
        ("rebuild", [*POLICYKG, "build", "--corpus", str(corpus), "--no-progress"]),
        ("rebuild-one", [*POLICYKG, "build", "--corpus", str(corpus), "--no-progress"]),  # after edit_one_document
        ("validate", [*POLICYKG, "validate", "--no-cache"]),
        ("revalidate", [*POLICYKG, "validate"]),
        ("validate-pyshacl", [sys.executable, "-c", VALIDATE_PYSHACL, str(data)]),
        ("load", [sys.executable, "-c", LOAD, str(data)]),
    ]
    results = []
    for step, args in steps:
        if step not in only and (step != "build" or reuse):  # every other step needs a build
            continue
        if step == "rebuild-one":
            edit_one_document(corpus)
        seconds, peak, ok, last, cpu = run_measured(args, env, timeout)
        results.append(Measure(n, step, round(seconds, 2), round(peak, 1), ok, last[:160], round(cpu, 2)))
        log.info("N=%d %-10s %8.2f s %8.2f cpu s %8.1f MB %s", n, step, seconds, cpu, peak,
                 "ok" if ok else f"FAILED: {last}")
        if not ok:
            break
    if has_build(data):
        manifest = current_build(data).manifest
        for m in results:
            m.detail = m.detail if not m.ok else f"{manifest.triples} asserted + {manifest.inferred_triples} inferred"
    return results


def table(rows: list[Measure]) -> str:
    lines = ["| N | step | wall s | CPU s | CPU s per doc | peak MB | result |",
             "| ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    for m in rows:
        lines.append(f"| {m.documents} | {m.step} | {m.seconds:.2f} | {m.cpu_seconds:.2f} | "
                     f"{m.cpu_seconds / m.documents:.3f} | "
                     f"{m.peak_mb:.0f} | {m.detail if m.ok else 'FAILED: ' + m.detail} |")
    return "\n".join(lines)


def plot(rows: list[Measure], path: Path) -> bool:
    try:
        import matplotlib
    except ImportError:
        log.warning("matplotlib is not installed (pip install -e '.[bench]'): no plot written")
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for step in STEPS:
        points = [(m.documents, m.cpu_seconds, m.peak_mb) for m in rows if m.step == step and m.ok]
        if not points:
            continue
        xs = [p[0] for p in points]
        left.plot(xs, [p[1] for p in points], marker="o", label=step)
        right.plot(xs, [p[2] for p in points], marker="o", label=step)
    for axis, label in ((left, "CPU time (s)"), (right, "peak RSS (MB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("documents")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    fig.suptitle("policykg: growth with the corpus (log–log; slope 1 = linear)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 250, 1000, 5000])
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per step before giving up")
    parser.add_argument("--workdir", type=Path, help="where corpora and builds go (default: a temporary folder)")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(DEFAULT_STEPS),
                        help="the steps to measure (build runs too unless --workdir holds one for that N)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="policykg-scale-") as tmp:
        workdir = args.workdir or Path(tmp)
        for n in sorted(args.sizes):
            measured = measure_size(n, workdir, args.timeout, args.steps)
            rows.extend(measured)
            if not all(m.ok for m in measured):
                log.warning("stopping: a step failed at N=%d", n)
                break
    print(table(rows))
    (OUT / "scale.json").write_text(json.dumps([asdict(m) for m in rows], indent=2) + "\n", encoding="utf-8")
    if plot(rows, OUT / "scale.png"):
        print(f"\nplot: {OUT / 'scale.png'}")


if __name__ == "__main__":
    main()
