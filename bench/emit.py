"""CPU per document of the builder's front half: reading the corpus, the registry, and the emission of each
document's named graph (build.emit: emit_document → pyoxigraph Quads, emit_document_nquads → N-Quads bytes).

    python bench/corpus.py 250 --out /tmp/corpus-250
    python bench/emit.py /tmp/corpus-250                 # both emitters, best of 3 rounds
    python bench/emit.py /tmp/corpus-250 --rounds 5 --check

CPU seconds (time.process_time) rather than wall time: the machine may be shared. Each round reads the
corpus afresh and keeps every document's output, as a build does (what is kept makes the collector's
passes dearer). --check also compares the two emitters' outputs, quad for quad.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import pyoxigraph as ox

from policykg.build.corpus import load_corpus
from policykg.build.emit import emit_document, emit_document_nquads
from policykg.build.registry import build_registry
from policykg.build.vocabulary import unit_tables
from policykg.config import ONTOLOGY_DIR

log = logging.getLogger("bench.emit")
EMITTERS = {"quads": emit_document, "nquads": emit_document_nquads}


def one_round(corpus: Path, emitter: str) -> tuple[dict[str, float], list]:
    """CPU seconds of reading, registry and emission (one emitter), and the outputs kept."""
    units, unit_en = unit_tables(ONTOLOGY_DIR / "units.ttl")
    start = time.process_time()
    docs = load_corpus(corpus)
    read = time.process_time()
    reg = build_registry(docs)
    registry = time.process_time()
    outputs = [EMITTERS[emitter](doc, reg, units, unit_en) for doc in docs]
    emitted = time.process_time()
    seconds = {"read": read - start, "registry": registry - read, "emit": emitted - registry}
    return seconds, outputs


def same_quads(quads: list[set[ox.Quad]], nquads: list[bytes]) -> bool:
    return all(q == set(ox.parse(n, format=ox.RdfFormat.N_QUADS)) for q, n in zip(quads, nquads, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="compare the two emitters' outputs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for emitter in EMITTERS:
        best: dict[str, float] | None = None
        for _ in range(args.rounds):
            seconds, kept = one_round(args.corpus, emitter)
            n = len(kept)
            del kept  # before the next round: what is kept makes the collector's passes dearer
            best = seconds if best is None or sum(seconds.values()) < sum(best.values()) else best
        per_doc = ", ".join(f"{step} {1000 * s / n:.1f}" for step, s in best.items())
        log.info("%-6s %d documents, best of %d: %s; all %.1f ms CPU per document", emitter, n, args.rounds,
                 per_doc, 1000 * sum(best.values()) / n)
    if args.check:
        outputs = {emitter: one_round(args.corpus, emitter)[1] for emitter in EMITTERS}
        log.info("the same quads from both emitters: %s", same_quads(outputs["quads"], outputs["nquads"]))


if __name__ == "__main__":
    main()
