"""The RDF dumps of a build written by the engine and by `sort`: no Python object per quad.

The bytes are those of the earlier writer, which sorted Python terms by their N-Triples strings:
* policykg.nq: its lines sorted as bytes, each line once;
* policykg.trig: graph by graph (graph IRIs in order), each graph's triples in N-Triples line order;
* policykg.ttl: the distinct triples of every asserted graph (the default graph) in N-Triples line order.

Sorting N-Triples lines as bytes gives the order of (subject, predicate, object) by their N-Triples
strings: UTF-8 keeps code-point order, and a term is followed by a space, which sorts before every
character a term can go on with (an IRI ends with `>`, a literal with `"`, a language tag or a
datatype IRI). Whole-file sorts run in `sort` (POSIX; GNU coreutils here) under LC_ALL=C, which
compares bytes and spills to disk, so memory stays bounded at any corpus size.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import BuildError
from policykg.kg.namespaces import PREFIXES

SORT_BUFFER = "256M"  # `sort`'s memory before it spills sorted runs into temporary files
# no prefix for the instance namespace: its local names hold slashes, which Turtle must escape
TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p != "pkgr"}


@dataclass(frozen=True)
class GraphLines:
    """Work files under a build's temporary folder: every asserted quad in TriG order (N-Quads), and
    the distinct triples of their merge sorted (N-Triples), with how many there are."""

    quads: Path
    triples: Path
    triple_count: int


def write_graph_lines(store: ox.Store, graphs: Sequence[ox.NamedNode], work: Path) -> GraphLines:
    """Dump each graph with the engine, sort its lines, and write the two work files of GraphLines."""
    quads, unsorted = work / "asserted-by-graph.nq", work / "asserted-unsorted.nt"
    with open(quads, "wb") as quads_out, open(unsorted, "wb") as triples_out:
        for graph in sorted(graphs, key=str):
            lines = sorted(set(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines(keepends=True)))
            triples_out.writelines(lines)
            suffix = f"{graph} .\n".encode()  # `<s> <p> <o> .` → `<s> <p> <o> <g> .`
            quads_out.writelines(line[:-2] + suffix for line in lines)
    triples = work / "asserted-merged.nt"
    sort_unique(unsorted, triples, work)
    unsorted.unlink()
    return GraphLines(quads, triples, count_lines(triples))


def write_dumps(lines: GraphLines, folder: Path, work: Path) -> None:
    """policykg.nq, policykg.trig and policykg.ttl in `folder` from the work files."""
    sort_unique(lines.quads, folder / "policykg.nq", work)
    ox.serialize(ox.parse(path=str(lines.quads), format=ox.RdfFormat.N_QUADS), str(folder / "policykg.trig"),
                 ox.RdfFormat.TRIG, prefixes=TURTLE_PREFIXES)
    ox.serialize(ox.parse(path=str(lines.triples), format=ox.RdfFormat.N_TRIPLES), str(folder / "policykg.ttl"),
                 ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)


def sort_unique(source: Path, target: Path, work: Path) -> None:
    """`target` = the distinct lines of `source` sorted as bytes (may be the same file)."""
    env = {**os.environ, "LC_ALL": "C"}
    args = ["sort", "-u", "-S", SORT_BUFFER, "-T", str(work), "-o", str(target), str(source)]
    try:
        subprocess.run(args, env=env, check=True, capture_output=True)
    except FileNotFoundError:
        raise BuildError("the build sorts its dumps with `sort` (coreutils), which is not on PATH") from None
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"sorting {source.name} failed: {exc.stderr.decode(errors='replace').strip()}") from None


def count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 24):
            count += block.count(b"\n")
    return count
