"""Check a corpus folder and report every problem at once (`policykg check`; the builder reads through it)."""

from __future__ import annotations

from pathlib import Path

from policykg.build.corpus import read_all
from policykg.build.registry import build_registry
from policykg.errors import AnnotationErrors, PolicyKGError


def check_corpus(corpus_dir: Path) -> list[PolicyKGError]:
    """Every error of every annotation file, then the corpus-wide ones (shared slugs, document numbers).

    Corpus-wide identity checks only run when every file reads cleanly: they need whole documents.
    """
    try:
        docs, errors = read_all(corpus_dir)
    except PolicyKGError as exc:  # missing folder, checksums, scheme
        return [exc]
    if errors:
        return list(errors)
    try:
        build_registry(docs)
    except AnnotationErrors as exc:
        return list(exc.errors)
    except PolicyKGError as exc:
        return [exc]
    return []
