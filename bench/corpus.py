"""Make an N-document synthetic corpus from the curated one, for scale benchmarks.

    python bench/corpus.py 1000 --out bench/out/corpus-1000

Copy k of each curated document keeps its annotations (same shapes, same spans) but gets:
  * a distinct document number: the number before 号 in its DocNumber span gets the suffix k
    (人社部发〔2021〕102号 → 人社部发〔2021〕102007号), so every copy has its own IRIs;
  * the same values and jurisdictions: the shapes compare a city's target with its province's and
    the nation's for the same indicator (ChildJurisdictionWithinParent), and the copies share the
    real jurisdictions, so shifted values would make the synthetic graph non-conforming;
  * `doc=` links of cited corpus documents point at the copy of the same generation, so the
    national → provincial → city hierarchy is repeated in every generation.
Offsets are kept right by shifting every span after an insertion (Unicode code points, as brat).
The corpus gets its own SHA256SUMS; annotation.conf and dataset.ttl are copied unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bench.corpus")
REPO = Path(__file__).resolve().parent.parent
SPAN_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t(.*)$")


@dataclass
class Span:
    ident: str
    kind: str
    parts: list[list[int]]
    spaced: bool  # the brat text column joins discontinuous parts with one space


@dataclass
class Document:
    stem: str
    text: str
    spans: list[Span]
    other_lines: list[str]  # relations, attributes, notes, in file order after the spans

    def insert(self, position: int, addition: str) -> None:
        """Insert text at a code-point position, moving every offset at or after it."""
        self.text = self.text[:position] + addition + self.text[position:]
        for span in self.spans:
            for part in span.parts:
                part[0] += len(addition) if part[0] >= position else 0
                part[1] += len(addition) if part[1] >= position else 0

    def ann(self) -> str:
        lines = []
        for span in self.spans:
            offsets = ";".join(f"{a} {b}" for a, b in span.parts)
            quote = (" " if span.spaced else "").join(self.text[a:b] for a, b in span.parts)
            lines.append(f"{span.ident}\t{span.kind} {offsets}\t{quote}")
        return "\n".join(lines + self.other_lines) + "\n"


def read_document(corpus: Path, stem: str) -> Document:
    text = (corpus / f"{stem}.txt").read_text(encoding="utf-8")
    spans, others = [], []
    for line in (corpus / f"{stem}.ann").read_text(encoding="utf-8").splitlines():
        match = SPAN_LINE.match(line)
        if not match:
            others.append(line)
            continue
        ident, kind, offsets, quote = match.groups()
        parts = [[int(x) for x in chunk.split()] for chunk in offsets.split(";")]
        spaced = len(parts) > 1 and quote == " ".join(text[a:b] for a, b in parts)
        spans.append(Span(ident, kind, parts, spaced))
    return Document(stem, text, spans, others)


def make_copy(doc: Document, generation: int, stems: dict[str, str], cited: set[str]) -> Document:
    copy = Document(stems[doc.stem], doc.text, [Span(s.ident, s.kind, [p[:] for p in s.parts], s.spaced)
                                                for s in doc.spans], list(doc.other_lines))
    if generation:
        number = next(s for s in copy.spans if s.kind == "DocNumber")
        a, b = number.parts[-1]
        hao = copy.text.rfind("号", a, b)
        if hao < 0:
            raise SystemExit(f"{doc.stem}: DocNumber {copy.text[a:b]!r} has no 号")
        copy.insert(hao, f"{generation:03d}")
    copy.other_lines = [re.sub(r"\bdoc=([0-9A-Za-z_]+)", lambda m: "doc=" + stems.get(m.group(1), m.group(1)), line)
                        for line in copy.other_lines]
    if generation:
        # a cited corpus document is a different work in every generation: give it its own slug
        copy.other_lines = [re.sub(r"\bid=([a-z0-9-]+)",
                                   lambda m: f"id={m.group(1)}-g{generation}" if m.group(1) in cited else m.group(0),
                                   line) for line in copy.other_lines]
    return copy


def corpus_citation_slugs(docs: list[Document]) -> set[str]:
    """Slugs of cited documents that are corpus documents themselves (their notes carry doc=)."""
    slugs = set()
    for doc in docs:
        for line in doc.other_lines:
            if "doc=" in line:
                slugs.update(re.findall(r"\bid=([a-z0-9-]+)", line))
    return slugs


def make_corpus(source: Path, out: Path, count: int) -> int:
    originals = [read_document(source, p.stem) for p in sorted(source.glob("*.txt"))]
    cited = corpus_citation_slugs(originals)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("annotation.conf", "dataset.ttl"):
        shutil.copy(source / name, out / name)
    sums = []
    written = 0
    generation = 0
    while written < count:
        stems = {d.stem: f"g{generation:04d}_{d.stem}" for d in originals}
        for doc in originals:
            if written == count:
                break
            copy = make_copy(doc, generation, stems, cited)
            (out / f"{copy.stem}.txt").write_text(copy.text, encoding="utf-8")
            (out / f"{copy.stem}.ann").write_text(copy.ann(), encoding="utf-8")
            digest = hashlib.sha256(copy.text.encode("utf-8")).hexdigest()
            sums.append(f"{digest}  {copy.stem}.txt")
            written += 1
        generation += 1
    # a partial last generation may cite documents it does not hold: point those at generation 0
    present = {line.split("  ")[1][:-4] for line in sums}
    for ann in out.glob("*.ann"):
        text = ann.read_text(encoding="utf-8")
        fixed = re.sub(r"\bdoc=(g\d{4})_([0-9A-Za-z_]+)",
                       lambda m: m.group(0) if f"{m.group(1)}_{m.group(2)}" in present else f"doc=g0000_{m.group(2)}",
                       text)
        if fixed != text:
            ann.write_text(fixed, encoding="utf-8")
    (out / "SHA256SUMS").write_text("\n".join(sorted(sums, key=lambda s: s.split("  ")[1])) + "\n",
                                    encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of documents")
    parser.add_argument("--source", type=Path, default=REPO / "corpus")
    parser.add_argument("--out", type=Path, help="output folder (default bench/out/corpus-N)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = args.out or REPO / "bench" / "out" / f"corpus-{args.count}"
    n = make_corpus(args.source, out, args.count)
    log.info("wrote %d documents to %s", n, out)


if __name__ == "__main__":
    main()
