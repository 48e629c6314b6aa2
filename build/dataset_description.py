"""void.ttl of a build: the dataset description (kg.description) with the curated corpus/dataset.ttl."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from policykg.build.profiles import wikidata_links
from policykg.errors import BuildError
from policykg.kg.description import describe
from policykg.kg.manifest import FileEntry
from policykg.kg.namespaces import WD


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
