"""Benchmark: the build's last phase on a finished build — the links, the tables, the VoID description
and the per-document class counts of the build summary — each timed alone, in CPU seconds.

    python bench/corpus.py 250 --out /tmp/c250 && POLICYKG_DATA=/tmp/d250 policykg build --corpus /tmp/c250
    python bench/description_scale.py /tmp/d250/current --corpus /tmp/c250

The build's store is opened read-only (its graph/void changes none of the figures: tables and VoID
read the default graph and the data graphs). The machine is shared, so wall time is noise: the figures
are CPU seconds. The tables and the description written are compared byte for byte with the build's
own tables/ and void.ttl; `--store-links` reads the links from the store (kg.description.links), as
`policykg export` does, instead of from the dump's text as the builder does.
"""

from __future__ import annotations

import argparse
import filecmp
import json
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

from policykg.build import dataset_description  # noqa: E402
from policykg.build.pipeline import DUMPS, _class_counts, write_sorted  # noqa: E402
from policykg.kg.description import links  # noqa: E402
from policykg.kg.manifest import FileEntry  # noqa: E402
from policykg.kg.tables import TABLES_DIR, write_tables  # noqa: E402

log = logging.getLogger("bench.description_scale")


def cpu(label: str, run: Callable[[], object], figures: dict[str, float]):
    start = time.process_time()
    result = run()
    figures[label] = time.process_time() - start
    log.info("| %s | %.2f |", label, figures[label])
    return result


def differing(built: Path, written: Path, names: list[str]) -> list[str]:
    """The names whose bytes differ between the build and what was written now."""
    return [name for name in names if not filecmp.cmp(built / name, written / name, shallow=False)]


def run(build: Path, corpus: Path, store_links: bool) -> int:
    store = ox.Store.read_only(str(build / "store"))
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    documents = sorted(manifest["documents"].values())
    figures: dict[str, float] = {}
    out = Path(tempfile.mkdtemp(prefix="description-scale-"))
    outgoing = cpu("links", (lambda: links(store)) if store_links else
                   (lambda: dataset_description.dump_links(build / "policykg.nq")), figures)
    cpu("tables", lambda: write_tables(store, out / TABLES_DIR, outgoing=outgoing), figures)
    dumps = [FileEntry.of(build / name, media_type) for name, media_type, _ in DUMPS]
    dumps.append(FileEntry.of(build / "inferred.nq", "application/n-quads"))
    metadata = dataset_description.read_metadata(corpus / "dataset.ttl")
    triples = cpu("VoID", lambda: dataset_description.describe_build(store, metadata, dumps, corpus, outgoing), figures)
    write_sorted(out / "void.ttl", triples, ox.RdfFormat.TURTLE)
    cpu("class counts", lambda: ([_class_counts(store, [g]) for g in documents], _class_counts(store, documents)),
        figures)
    log.info("| total | %.2f |", sum(figures.values()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log.info("documents %d, peak RSS %.0f MB", len(documents), peak)
    names = ["void.ttl", *(f"{TABLES_DIR}/{p.name}" for p in sorted((build / TABLES_DIR).iterdir()))]
    differ = differing(build, out, names)
    log.info("outputs identical to the build's: %s", "yes" if not differ else "NO: " + ", ".join(differ))
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path, help="a finished build folder (DATA/current)")
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus it was built from (dataset.ttl, links/)")
    parser.add_argument("--store-links", action="store_true", help="read the links from the store, not the dump")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(run(args.build.resolve(), args.corpus, args.store_links))


if __name__ == "__main__":
    main()
