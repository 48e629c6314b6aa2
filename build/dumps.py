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

import itertools
import os
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import BuildError
from policykg.kg.namespaces import PREFIXES

SORT_BUFFER = "256M"  # `sort`'s memory before it spills sorted runs into temporary files
LOAD_CHUNK = 250_000  # lines per bulk load: the loader holds ~400 MB, not ~1.5 GB per million quads
# no prefix for the instance namespace: its local names hold slashes, which Turtle must escape
TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p != "pkgr"}


class GraphLines:
    """Work files under a build's temporary folder, filled one batch of quads at a time (`add`), each
    quad in Oxigraph's own form (a store normalises literals on insert: the dumps hold what the store
    holds): N-Quads lines, the same as one-quad TriG blocks (`<g> { <s> <p> <o> . }`, which sort into
    TriG order), and N-Triples lines. `finish` sorts them into the dumps."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.quads, self.trig, self.triples = work / "asserted.nq", work / "asserted.trig", work / "asserted.nt"
        self._files = [open(path, "wb") for path in (self.quads, self.trig, self.triples)]
        self.triple_count = 0

    def add(self, quads: Iterable[ox.Quad]) -> None:
        scratch = ox.Store()
        scratch.extend(quads)
        if next(iter(scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
            raise BuildError("the builder emitted a quad outside every named graph")  # a bug, not bad input
        quads_out, trig_out, triples_out = self._files
        for graph in scratch.named_graphs():
            lines = scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines(keepends=True)
            name = str(graph).encode()
            triples_out.writelines(lines)
            quads_out.writelines(b"%s %s .\n" % (line[:-3], name) for line in lines)  # `<s> <p> <o> <g> .`
            trig_out.writelines(b"%s { %s }\n" % (name, line[:-1]) for line in lines)

    def finish(self, folder: Path) -> None:
        """policykg.nq, policykg.trig and policykg.ttl in `folder`; `triples` becomes the sorted distinct
        triples of all asserted graphs (their merge, the default graph) and `triple_count` their number."""
        for handle in self._files:
            handle.close()
        sort_unique(self.quads, folder / "policykg.nq", self.work)
        sort_unique(self.trig, self.trig, self.work)
        ox.serialize(ox.parse(path=str(self.trig), format=ox.RdfFormat.TRIG), str(folder / "policykg.trig"),
                     ox.RdfFormat.TRIG, prefixes=TURTLE_PREFIXES)
        self.quads.unlink()  # the triples stay: the store's default graph is loaded from them
        self.trig.unlink()
        sort_unique(self.triples, self.triples, self.work)
        ox.serialize(ox.parse(path=str(self.triples), format=ox.RdfFormat.N_TRIPLES), str(folder / "policykg.ttl"),
                     ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)
        self.triple_count = count_lines(self.triples)


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


def line_chunks(path: Path, size: int = LOAD_CHUNK) -> Iterator[bytes]:
    """The file's lines, `size` at a time: Oxigraph's bulk loader holds what one call loads in memory."""
    with open(path, "rb") as handle:
        while lines := list(itertools.islice(handle, size)):
            yield b"".join(lines)


def count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 24):
            count += block.count(b"\n")
    return count
