"""Benchmark: the build's OWL-RL reasoning (kg.reasoning.infer) alone, on a build's asserted quads.

    python bench/reasoning_scale.py data/current/policykg.nq
    python bench/corpus.py 250 --out /tmp/c250 && POLICYKG_DATA=/tmp/d250 policykg build --corpus /tmp/c250
    python bench/reasoning_scale.py /tmp/d250/current/policykg.nq

Loads the dump into an in-memory store and times, in CPU seconds (the machine is shared: wall time is
noise): the closure without a cache; with an empty cache folder (every graph computed and written);
with the filled cache (every graph read back); and after one document changed (one triple added to
the first document graph: that graph is recomputed, the others read, the cross-graph pass rerun).
The reasoned graphs are the build's: every named graph but the shapes, inferred and VoID graphs.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from policykg.kg.namespaces import BASE, INFERRED_GRAPH, SHAPES_GRAPH, VOID_GRAPH  # noqa: E402
from policykg.kg.reasoning import infer, load_tbox  # noqa: E402

log = logging.getLogger("bench.reasoning_scale")


def cpu(label: str, run: Callable[[], list[ox.Quad]]) -> list[ox.Quad]:
    start = time.process_time()
    result = run()
    log.info("| %s | %.2f | %d |", label, time.process_time() - start, len(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", type=Path, help="N-Quads of the asserted graphs (a build's policykg.nq)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    start = time.process_time()
    store = ox.Store()
    store.bulk_load(path=str(args.dump), format=ox.RdfFormat.N_QUADS)
    skip = {INFERRED_GRAPH, SHAPES_GRAPH, VOID_GRAPH}
    graphs = sorted((g for g in store.named_graphs() if g.value not in skip), key=str)
    load_tbox()  # closed once per ontology by owlrl and cached: not part of the per-build cost
    log.info("%s: %d quads, %d graphs reasoned over, loaded in %.1f s CPU\n", args.dump, len(store), len(graphs),
             time.process_time() - start)
    log.info("| run | CPU s | inferred quads |\n| --- | --- | --- |")
    full = cpu("no cache", lambda: infer(store, graphs))
    with tempfile.TemporaryDirectory(prefix="reasoning-cache-") as folder:
        cache = Path(folder)
        assert cpu("empty cache (all graphs computed, written)", lambda: infer(store, graphs, cache_dir=cache)) == full
        assert cpu("filled cache (all graphs read back)", lambda: infer(store, graphs, cache_dir=cache)) == full
        document = next(g for g in graphs if "/vocabulary" not in g.value)
        store.add(ox.Quad(ox.NamedNode(BASE + "jurisdiction/bench-only"),
                          ox.NamedNode(BASE + "ontology#parentJurisdiction"),
                          ox.NamedNode(BASE + "jurisdiction/370000"), document))
        changed = cpu("one document changed, filled cache", lambda: infer(store, graphs, cache_dir=cache))
        assert changed == infer(store, graphs)
        assert {q.graph_name.value for q in changed} == {INFERRED_GRAPH}
    log.info("\npeak RSS %.0f MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
