"""void.ttl of a build: the dataset description (kg.description) with the curated corpus/dataset.ttl."""

from __future__ import annotations

import mmap
import re
from pathlib import Path

import pyoxigraph as ox

from policykg.build.profiles import wikidata_links
from policykg.errors import BuildError
from policykg.kg.description import describe, is_link
from policykg.kg.manifest import FileEntry
from policykg.kg.namespaces import BASE, RDF, SHAPES_GRAPH, WD

WINDOW_BYTES = 1 << 26  # the dump is read 64 MB at a time


def describe_build(store: ox.Store, metadata: list[ox.Triple], dumps: list[FileEntry],
                   corpus_dir: Path | None = None,
                   outgoing: list[tuple[str, str, str]] | None = None) -> list[ox.Triple]:
    """VoID + DCAT-AP triples for the asserted graphs in `store` and the dump files of the build; the
    Wikidata linkset cites the sources recorded in corpus/links/wikidata.tsv. `outgoing`: the store's
    links (kg.description.links) when the builder has read them already."""
    sources = sorted({source for _, source in wikidata_links(corpus_dir).values()}) if corpus_dir else []
    return describe(store, dumps, metadata, link_sources={str(WD): sources} if sources else None, outgoing=outgoing)


def read_metadata(path: Path) -> list[ox.Triple]:
    """The curated dataset metadata (title, description, licence, publisher) from corpus/dataset.ttl."""
    if not path.exists():
        raise BuildError(f"{path} is missing: it holds the dataset's title, description, licence and publisher")
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise BuildError(f"{path}: {exc}") from None


def dump_links(nquads: Path, base: str = BASE) -> list[tuple[str, str, str]]:
    """The outgoing links (kg.description.links) read from the build's N-Quads dump of the asserted
    graphs, whose distinct triples are the store's default graph: (subject, predicate, object), each once.

    The store reads a term's text at microseconds a term, and deciding which objects lie outside our
    namespace reads every distinct object; the dump holds the text already. A regular expression
    finds the lines whose object is an IRI outside `base` and whose predicate is not rdf:type (a few
    in a thousand); only those lines are parsed and tested as links() tests a triple. A triple only
    graph/shapes asserts is not a link."""
    candidate = re.compile(rb"> <(?!%s>)[^>]*> <(?!%s)[^>]*> <[^>]*> \.\n" % (
        re.escape(str(RDF.type).encode()), re.escape(base.encode())))
    lines = _matching_lines(nquads, candidate)
    graphs: dict[tuple[str, str, str], set] = {}
    for quad in ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS):
        if is_link(quad, base):
            graphs.setdefault((quad.subject.value, quad.predicate.value, quad.object.value), set()).add(quad.graph_name)
    shapes_only = {ox.NamedNode(SHAPES_GRAPH)}
    return [triple for triple, names in graphs.items() if names != shapes_only]


def _matching_lines(path: Path, pattern: re.Pattern) -> list[bytes]:
    """The lines of `path` in which `pattern` matches (ending at the line's end), read a window of whole
    lines at a time through a memory map; each window's pages are released once read, so the file
    never counts whole in the build's memory."""
    size = path.stat().st_size
    if not size:
        return []
    lines: list[bytes] = []
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = 0
        while start < size:
            end = data.find(b"\n", min(start + WINDOW_BYTES, size - 1)) + 1 or size
            lines.extend(data[data.rfind(b"\n", 0, m.start()) + 1:m.end()] for m in pattern.finditer(data, start, end))
            page = start - start % mmap.PAGESIZE
            data.madvise(mmap.MADV_DONTNEED, page, end - page)
            start = end
    return lines
