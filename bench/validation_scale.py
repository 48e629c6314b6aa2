"""Validation alone at sizes the builder takes long to reach: a built graph's documents, replicated.

    python bench/validation_scale.py DATA_DIR --factors 1 2 4      # DATA_DIR from bench/scale.py
    python bench/validation_scale.py DATA_DIR --as-built             # the build's own validation call

Each document graph of the build in DATA_DIR is copied k times: every IRI under doc/ (the notice,
its plan, text, spans, annotations, statements) and the graph name get a copy prefix, while the
shared resources (agencies, jurisdictions, periods, units, concepts, named programmes) keep theirs,
as in a corpus of k times as many documents about the same places. The copies and the vocabulary
are written as N-Quads, then validated in a child process by the compiled engine
(`kg.validation.validate`) and, with --reference, by pySHACL per document graph; wall and CPU
seconds and the child's peak RSS are printed as a markdown table.

With --as-built the build in DATA_DIR is validated as `policykg build` validates it
(build/pipeline.validate_build): its on-disk store, read-only, and the N-Triples merge of its
asserted graphs (policykg.ttl rewritten as N-Triples: the build's work file); with --from-store also
as before, the data graph copied out of the on-disk store.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import run_measured  # noqa: E402  (bench/scale.py, beside this script)

from policykg.kg.dataset import asserted_graphs  # noqa: E402
from policykg.kg.namespaces import BASE  # noqa: E402
from policykg.kg.store import current_build, open_store  # noqa: E402

log = logging.getLogger("bench.validation_scale")
DOC = BASE + "doc/"
GRAPH = BASE + "graph/"
VALIDATE = (
    "import sys; from pathlib import Path; from policykg import config; "
    "from policykg.kg.validation import ValidationOptions, validate; "
    "o = ValidationOptions(vocabulary=tuple(sorted(config.ONTOLOGY_DIR.glob('*.ttl'))), core=sys.argv[2]); "
    "r = validate(Path(sys.argv[1]), sorted(config.SHAPES_DIR.glob('*.ttl')), options=o); "
    "print(r.text().splitlines()[0]); sys.exit(r.exit_code)"
)


AS_BUILT = (
    "import sys; from pathlib import Path; import pyoxigraph as ox; from policykg import config; "
    "from policykg.kg.validation import ValidationOptions, data_graphs, validate; "
    "store = ox.Store.read_only(sys.argv[1]); graphs = [g for g in data_graphs(store) if g != ox.DefaultGraph()]; "
    "o = ValidationOptions(vocabulary=tuple(sorted(config.ONTOLOGY_DIR.glob('*.ttl')))); "
    "m = Path(sys.argv[2]) if sys.argv[2] else None; "
    "r = validate(store, sorted(config.SHAPES_DIR.glob('*.ttl')), graphs, o, merged=m); "
    "print(r.text().splitlines()[0]); sys.exit(r.exit_code)"
)


def as_built(data_dir: Path, from_store: bool, timeout: float) -> list[str]:
    """Rows of the build's validation call on the build in ``data_dir`` (merge file, and from the store)."""
    build = current_build(data_dir)
    rows = []
    with tempfile.TemporaryDirectory(prefix="policykg-validation-scale-") as tmp:
        merge = Path(tmp) / "asserted.nt"
        ox.serialize(ox.parse(path=str(build.dump("policykg.ttl")), format=ox.RdfFormat.TURTLE), str(merge),
                     ox.RdfFormat.N_TRIPLES)
        for label, path in [("merge file", str(merge))] + ([("from the store", "")] if from_store else []):
            wall, peak, ok, last, cpu = run_measured([sys.executable, "-c", AS_BUILT, str(build.path / "store"), path],
                                                     dict(os.environ), timeout)
            rows.append(f"| {len(build.manifest.graphs.documents)} | {label} | {wall:.1f} | {cpu:.1f} | {peak:.0f} | "
                        f"{last if ok else 'FAILED: ' + last} |")
            log.info(rows[-1])
    return rows


def _copy(term: ox.NamedNode | ox.BlankNode | ox.Literal, k: int):
    if isinstance(term, ox.NamedNode):
        for prefix in (DOC, GRAPH):
            if term.value.startswith(prefix) and not term.value.startswith(GRAPH + "vocabulary"):
                return ox.NamedNode(f"{prefix}copy{k}-{term.value[len(prefix):]}")
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"c{k}{term.value}")
    return term


def replicate(data_dir: Path, factor: int, out: Path) -> int:
    """Write the data graphs of the build, the documents `factor` times, as N-Quads; the quad count."""
    store = open_store(current_build(data_dir))
    vocabulary = ox.NamedNode(GRAPH + "vocabulary")
    written = 0

    def copies() -> Iterator[ox.Quad]:  # a stream: the copies are never all in memory
        nonlocal written
        for graph in asserted_graphs(store, shapes=False):
            for k in [0] if graph == vocabulary else range(factor):
                for q in store.quads_for_pattern(None, None, None, graph):
                    written += 1
                    yield ox.Quad(_copy(q.subject, k), _copy(q.predicate, k), _copy(q.object, k), _copy(graph, k))

    with out.open("wb") as handle:
        ox.serialize(copies(), handle, format=ox.RdfFormat.N_QUADS)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="a POLICYKG_DATA folder holding a build")
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--reference", action="store_true", help="also time pySHACL per document graph")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--as-built", action="store_true", help="time the build's own validation call instead")
    parser.add_argument("--from-store", action="store_true", help="with --as-built, also the data read from the store")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.as_built:
        rows = ["| documents | data graph | wall s | CPU s | peak MB | result |",
                "| ---: | --- | ---: | ---: | ---: | --- |"]
        print("\n".join(rows + as_built(args.data_dir, args.from_store, args.timeout)))
        return
    documents = len(current_build(args.data_dir).manifest.graphs.documents)
    rows = ["| documents | quads | engine | wall s | CPU s | peak MB | result |",
            "| ---: | ---: | --- | ---: | ---: | ---: | --- |"]
    with tempfile.TemporaryDirectory(prefix="policykg-validation-scale-") as tmp:
        for factor in args.factors:
            path = Path(tmp) / f"x{factor}.nq"
            quads = replicate(args.data_dir, factor, path)
            for engine in ("compiled", "pyshacl") if args.reference else ("compiled",):
                wall, peak, ok, last, cpu = run_measured([sys.executable, "-c", VALIDATE, str(path), engine],
                                                         dict(os.environ), args.timeout)
                rows.append(f"| {documents * factor} | {quads} | {engine} | {wall:.1f} | {cpu:.1f} | {peak:.0f} | "
                            f"{last if ok else 'FAILED: ' + last} |")
                log.info(rows[-1])
    print("\n".join(rows))


if __name__ == "__main__":
    main()
