"""`policykg add FILE`: a plan text into the corpus with drafted annotations, built and validated.

Everything happens on a staging copy of the corpus first (copy, draft, check, build, SHACL-validate);
only when all of it passes are the files moved into the corpus (SHA256SUMS last) and the graph
rebuilt and swapped in. A refused text (empty, binary, not a plan) leaves the corpus untouched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from policykg import config
from policykg.build.annotate import annotate_text, learn_from_corpus, to_brat
from policykg.build.annotate.draft import Draft
from policykg.build.annotate.intake import read_plan_text
from policykg.build.annotate.writer import ANNOTATOR
from policykg.build.check import check_corpus
from policykg.build.corpus import CHECKSUMS, read_checksums
from policykg.errors import AnnotationError, AnnotationErrors, BuildError, CorpusError

log = logging.getLogger(__name__)
SOURCES = "SOURCES.tsv"  # stem, file name it came from, its encoding, its sha256, the annotator
STEM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def new_stem(corpus_dir: Path, data: bytes, slug: str | None) -> str:
    if slug is not None:
        if not STEM_RE.match(slug):
            raise CorpusError(f"--id {slug!r}: use letters, digits, '-' and '_' only")
        stem = slug
    else:
        numbers = [int(p.name[:3]) for p in corpus_dir.glob("[0-9][0-9][0-9]_*.txt")]
        stem = f"{max(numbers, default=-1) + 1:03d}_{hashlib.sha256(data).hexdigest()[:16]}"
    if (corpus_dir / f"{stem}.txt").exists():
        raise CorpusError(f"{corpus_dir / stem}.txt already exists; choose another --id")
    return stem


def _stage(corpus_dir: Path, stem: str, data: bytes, ann: str, source_row: str, staging: Path) -> None:
    shutil.copytree(corpus_dir, staging, dirs_exist_ok=True)
    (staging / f"{stem}.txt").write_bytes(data)
    (staging / f"{stem}.ann").write_text(ann, encoding="utf-8")
    sums = read_checksums(corpus_dir)
    sums[f"{stem}.txt"] = hashlib.sha256(data).hexdigest()
    (staging / CHECKSUMS).write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())), encoding="utf-8")
    sources = staging / SOURCES
    header = "file\tsource\tsource_encoding\tsource_sha256\tannotator\n"
    old = sources.read_text(encoding="utf-8") if sources.exists() else header
    sources.write_text(old + source_row, encoding="utf-8")


def _validate(data_dir: Path) -> None:
    from policykg.kg.store import current_build, open_store
    from policykg.kg.validation import validate

    store = open_store(current_build(data_dir), in_memory=True, merge=False)
    report = validate(store, sorted(config.SHAPES_DIR.glob("*.ttl")))
    if not report.conforms:
        raise BuildError("the drafted annotations give a graph that does not conform to the shapes:\n"
                         + report.text())


def _publish(staging: Path, corpus_dir: Path, stem: str) -> None:
    for name in (f"{stem}.txt", f"{stem}.ann", SOURCES, CHECKSUMS):  # checksums last: the text is in place
        tmp = corpus_dir / f".{name}.tmp"
        shutil.copyfile(staging / name, tmp)
        os.replace(tmp, corpus_dir / name)


def add_document(path: Path, corpus_dir: Path, data_dir: Path, slug: str | None = None) -> str:
    """Add `path` to the corpus; returns the report to print. Raises (adding nothing) on any failure."""
    from policykg.cli import build_graph

    text, encoding = read_plan_text(path)
    data = text.encode("utf-8")
    stem = new_stem(corpus_dir, data, slug)
    lex = learn_from_corpus(corpus_dir)
    draft = annotate_text(text, lex)
    source_row = f"{stem}.txt\t{path.name}\t{encoding}\t{hashlib.sha256(path.read_bytes()).hexdigest()}\t{ANNOTATOR}\n"
    with tempfile.TemporaryDirectory(prefix="policykg-add-") as tmp:
        staging = Path(tmp) / "corpus"
        _stage(corpus_dir, stem, data, to_brat(draft), source_row, staging)
        errors = check_corpus(staging)
        if errors:
            in_files = [e for e in errors if isinstance(e, AnnotationError)]
            raise AnnotationErrors(in_files) if len(in_files) == len(errors) else errors[0]
        build_graph(Path(tmp) / "data", staging, progress=False)
        _validate(Path(tmp) / "data")
        _publish(staging, corpus_dir, stem)
    build_graph(data_dir, corpus_dir, progress=False)
    return report(stem, encoding, draft)


def pad(text: str, width: int) -> str:
    """Left-align in a fixed-width terminal column; CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def report(stem: str, encoding: str, draft: Draft) -> str:
    """A table of what the draft found and what it could not resolve."""
    text = draft.shadow.original
    lines = [f"added {stem}.txt (read as {encoding}" + (", converted to UTF-8)" if encoding != "utf-8" else ")"),
             f"drafted {len(draft.spans)} annotations, {len(draft.relations)} relations by {ANNOTATOR}; "
             f"none reviewed yet (add status=reviewed to a note once checked)", ""]
    counts = Counter(s.type for s in draft.spans)
    lines.append("found: " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
    lines.append("")
    lines.append(f"{pad('kind', 9)}{pad('indicator concept', 36)}{pad('value', 18)}{pad('period', 16)}confidence")
    for value in draft.of_type("Target", "Baseline"):
        rel = {r[0]: r[2] for r in draft.relations if r[1] is value}
        ind, per = rel.get("measures"), rel.get("during")
        concept = ind.notes.get("concept", "?") if ind else "?"
        period = " ".join(text[a:b] for a, b in per.fragments) if per else "?"
        lines.append(f"{pad(value.type, 9)}{pad(concept, 36)}{pad(draft.text_of(value), 18)}{pad(period, 16)}"
                     f"{min(value.confidence, ind.confidence if ind else 1):.2f}")
    for etype, label in (("Program", "programmes"), ("NamedProgram", "named programmes"),
                         ("TargetGroup", "target groups"), ("Agency", "agencies")):
        names = sorted({(s.notes.get("id") or draft.text_of(s)) + (f" ({s.notes['juris']})" if "juris" in s.notes
                        else "") for s in draft.of_type(etype)})
        lines.append(f"{label} ({len(names)}): " + ", ".join(names))
    lines.append("")
    lines.append(f"could not resolve ({len(draft.unresolved)}):")
    lines.extend(f"  - {item}" for item in draft.unresolved)
    return "\n".join(lines)
