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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from policykg.errors import BuildError
from policykg.kg.namespaces import PREFIXES

SORT_BUFFER = "256M"  # `sort`'s memory before it spills sorted runs into temporary files
LOAD_CHUNK = 250_000  # lines per chunk (build.working_store sets its own)
# no prefix for the instance namespace: its local names hold slashes, which Turtle must escape
TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p != "pkgr"}


class GraphLines:
    """Work files under a build's temporary folder, filled one batch of quads at a time (`add`), each
    quad in Oxigraph's own form (a store normalises literals on insert: the dumps hold what the store
    holds): N-Quads lines, the same as one-quad TriG blocks (`<g> { <s> <p> <o> . }`, which sort into
    TriG order), and N-Triples lines. `finish` sorts them into the dumps."""

    def __init__(self, work: Path, on_graph: Callable[[ox.NamedNode, bytes], None] | None = None) -> None:
        self.work = work
        self.quads, self.trig, self.triples = work / "asserted.nq", work / "asserted.trig", work / "asserted.nt"
        self._files = [open(path, "wb") for path in (self.quads, self.trig, self.triples)]
        self.triple_count = 0
        self.on_graph = on_graph  # called with each graph's N-Triples as written (the reasoner reads them)

    def add(self, quads: Iterable[ox.Quad] | bytes) -> None:
        """A batch of quads, or N-Quads bytes (build.emit's emit_document_nquads), in named graphs."""
        for graph, data in normalised_graphs(quads):
            self.add_graph(graph, data)

    def add_graph(self, graph: ox.NamedNode, data: bytes) -> None:
        """One graph's N-Triples, in the store's own form (normalised_graphs)."""
        if self.on_graph is not None:
            self.on_graph(graph, data)
        lines = data.splitlines(keepends=True)
        name = str(graph).encode()
        quads_out, trig_out, triples_out = self._files
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
        # lenient: the lines are the engine's own N-Triples (normalised_graphs); strict parsing of them cost
        # half of the writing (1,000 documents: policykg.ttl 5.5 → 2.5 CPU s), for the same bytes
        _rewrite(self.trig, ox.RdfFormat.TRIG, folder / "policykg.trig", ox.RdfFormat.TRIG)
        self.quads.unlink()  # the triples stay: the store's default graph is loaded from them
        self.trig.unlink()
        sort_unique(self.triples, self.triples, self.work)
        _rewrite(self.triples, ox.RdfFormat.N_TRIPLES, folder / "policykg.ttl", ox.RdfFormat.TURTLE)
        self.triple_count = count_lines(self.triples)


def _rewrite(source: Path, source_format: ox.RdfFormat, target: Path, target_format: ox.RdfFormat) -> None:
    """`source` (sorted lines) as `target` with the project prefixes, in the same order."""
    ox.serialize(ox.parse(path=str(source), format=source_format, lenient=True), str(target), target_format,
                 prefixes=TURTLE_PREFIXES)


def normalised_graphs(quads: Iterable[ox.Quad] | bytes) -> Iterator[tuple[ox.NamedNode, bytes]]:
    """Each named graph of the batch as N-Triples, the form a store gives its quads: it normalises
    literals on insert ("5"^^xsd:nonNegativeInteger is "5"^^xsd:integer), and the dumps hold what the
    store holds. A quad in the default graph is a builder bug, not bad input."""
    scratch = ox.Store()
    if isinstance(quads, bytes):
        scratch.load(quads, format=ox.RdfFormat.N_QUADS)
    else:
        scratch.extend(quads)
    if next(iter(scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        raise BuildError("the builder emitted a quad outside every named graph")
    for graph in sorted(scratch.named_graphs(), key=str):
        yield graph, scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)


def write_inferred(derived: Iterable[str], asserted: Path, target: Path, graph: str) -> int:
    """`target` = the N-Quads of the `derived` N-Triples lines (`<s> <p> <o> .`) that the sorted distinct
    triples in `asserted` do not hold, in `graph`, sorted as bytes; return how many. graph/inferred holds
    no asserted triple, so that the default graph + graph/inferred is a merge (kg.dataset)."""
    fresh = sorted(line.encode("utf-8") + b"\n" for line in derived)
    tail = b"<%s> .\n" % graph.encode()
    count = 0
    with open(asserted, "rb") as known, open(target, "wb") as out:
        current = known.readline()
        for line in fresh:
            while current and current < line:
                current = known.readline()
            if current == line:
                continue
            out.write(line[:-2] + tail)
            count += 1
    return count


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
