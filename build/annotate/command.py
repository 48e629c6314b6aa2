"""`policykg annotate FILE…`: draft FILE.ann beside each text (or into --out), never overwriting unasked."""

from __future__ import annotations

import logging
from pathlib import Path

from policykg.build.annotate import annotate_text, learn_from_corpus, to_brat
from policykg.build.annotate.intake import read_plan_text
from policykg.errors import PolicyKGError

log = logging.getLogger(__name__)


def annotate_files(files: list[Path], out_dir: Path | None, force: bool, corpus_dir: Path):
    """Annotate each file; yields one summary line per file. Raises before writing anything it would refuse."""
    targets = [((out_dir or f.parent) / f.with_suffix(".ann").name, f) for f in files]
    existing = [str(t) for t, _ in targets if t.exists() and not force]
    if existing:
        raise PolicyKGError(f"{', '.join(existing)}: already exists (use --force to overwrite)")
    lex = learn_from_corpus(corpus_dir, exclude={f.stem for f in files})
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for target, path in targets:
        text, encoding = read_plan_text(path)
        draft = annotate_text(text, lex)
        target.write_text(to_brat(draft), encoding="utf-8")
        if encoding != "utf-8":  # brat reads the text as UTF-8: the offsets are those of the converted text
            log.warning("%s is %s: the offsets of %s count the characters of its UTF-8 conversion; "
                        "`policykg add` converts and records it", path, encoding, target)
        yield f"{target}: {len(draft.spans)} spans, {len(draft.relations)} relations, " \
              f"{len(draft.unresolved)} to review"
