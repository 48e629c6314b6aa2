"""Find the corpus documents, check their checksums and read their annotations."""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from policykg.build.annotations import AnnotatedDocument, read_document_collecting, read_scheme
from policykg.errors import AnnotationError, AnnotationErrors, CorpusError

log = logging.getLogger(__name__)
CHECKSUMS = "SHA256SUMS"
SCHEME = "annotation.conf"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, if it runs, while the corpus is read or a document emitted.

    Every annotation, and every term and quad pyoxigraph makes, is a container the collector counts, so
    reading or emitting one document starts dozens of collections, and every tenth of those a pass over
    every object alive: the corpus read so far and the quads emitted, a million objects at 250
    documents, which cost half the emission's CPU. Neither makes reference cycles; what they make is
    freed by reference counting, or kept, and the collector counts it once it runs again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_checksums(corpus_dir: Path) -> dict[str, str]:
    """File name → sha256 from SHA256SUMS (the checksums of the published source texts)."""
    path = corpus_dir / CHECKSUMS
    if not path.exists():
        raise CorpusError(f"{path} is missing: it records the sha256 of every source text")
    sums = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise CorpusError(f"{path}:{number}: expected '<sha256>  <file name>'")
        sums[parts[1].lstrip("*")] = parts[0]
    return sums


def text_files(corpus_dir: Path) -> list[Path]:
    """The corpus texts, each checked against SHA256SUMS, in name order."""
    sums = read_checksums(corpus_dir)
    texts = sorted(corpus_dir.glob("*.txt"))
    if not texts:
        raise CorpusError(f"no .txt files in {corpus_dir}")
    for path in texts:
        expected = sums.get(path.name)
        if expected is None:
            raise CorpusError(f"{path}: not listed in {CHECKSUMS}")
        if sha256_of(path) != expected:
            raise CorpusError(f"{path}: sha256 differs from {CHECKSUMS}; the texts must stay byte-identical")
    missing = sorted(set(sums) - {p.name for p in texts})
    if missing:
        raise CorpusError(f"{corpus_dir}: texts listed in {CHECKSUMS} are missing: {', '.join(missing)}")
    return texts


def read_all(corpus_dir: Path) -> tuple[list[AnnotatedDocument], list[AnnotationError]]:
    """Every annotated document of the corpus and every annotation error in any of them."""
    scheme = read_scheme(corpus_dir / SCHEME)
    docs, errors = [], []
    with collector_paused():
        for path in text_files(corpus_dir):
            doc, found = read_document_collecting(path, scheme)
            docs.append(doc)
            errors.extend(found)
    return docs, errors


def load_corpus(corpus_dir: Path) -> list[AnnotatedDocument]:
    """Read and check every annotated document; on errors raise them all at once (AnnotationErrors)."""
    docs, errors = read_all(corpus_dir)
    if errors:
        raise AnnotationErrors(errors)
    log.info("read %d annotated documents from %s", len(docs), corpus_dir)
    return docs
