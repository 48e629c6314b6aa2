"""A curated text copied in traditional characters builds: the builder reads values, dates and numbers on
the simplified fold of a quote, while every offset still points into the traditional original."""

import hashlib
import shutil

import opencc
import pytest

from policykg import config
from policykg.build import normalize
from policykg.build.annotate import units
from policykg.build.check import check_corpus
from policykg.build.pipeline import BuildOptions, collect_quads

STEM = "002_8402b0486c431577"  # the smallest curated text: a city's annual plan with targets and deadlines


def _traditional(text: str) -> str:
    """Simplified → traditional character for character, so that every gold offset stays valid."""
    conv = opencc.OpenCC("s2t")
    whole = conv.convert(text)
    if len(whole) == len(text):
        return whole
    return "".join(c if len(c := conv.convert(ch)) == 1 else ch for ch in text)


def _carry_ann(ann: str, text: str) -> str:
    """The .ann with each quote column re-read from the converted text (offsets unchanged)."""
    lines = []
    for line in ann.split("\n"):
        if line.startswith("T"):
            tid, middle, _ = line.split("\t")
            fragments = [tuple(map(int, f.split())) for f in middle.split(" ", 1)[1].split(";")]
            line = "\t".join((tid, middle, " ".join(text[a:b] for a, b in fragments)))
        lines.append(line)
    return "\n".join(lines)


@pytest.fixture
def traditional_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    original = (corpus / f"{STEM}.txt").read_text(encoding="utf-8")
    text = _traditional(original)
    assert len(text) == len(original) and text != original and "號" in text
    (corpus / f"{STEM}.txt").write_text(text, encoding="utf-8")
    ann = corpus / f"{STEM}.ann"
    ann.write_text(_carry_ann(ann.read_text(encoding="utf-8"), text), encoding="utf-8")
    sums = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in sorted(corpus.glob("*.txt"))]
    (corpus / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return corpus


def test_fold_reads_traditional_characters():
    assert normalize.fold("泰人社字〔2021〕12號") == "泰人社字〔2021〕12号"
    assert normalize.read_quantity("３萬人次以上", units()) == normalize.read_quantity("3万人次以上", units())
    assert normalize.to_simplified("預期性") == "预期性"
    assert len(normalize.to_simplified("職業技能培訓")) == len("職業技能培訓")


def test_traditional_copy_of_a_curated_text_builds_like_the_original(tmp_path, traditional_corpus):
    assert check_corpus(traditional_corpus) == []

    def statements(corpus, data):
        quads, graphs, _ = collect_quads(BuildOptions(corpus, config.ONTOLOGY_DIR, config.SHAPES_DIR, data,
                                                      progress=False))
        ours = [q for q in quads if q.graph_name.value.endswith("tairenshezi-2021-12")]
        return graphs, {(q.subject.value, q.predicate.value, q.object.value) for q in ours}

    graphs, traditional = statements(traditional_corpus, tmp_path / "data-t")
    original_graphs, original = statements(config.CORPUS_DIR, tmp_path / "data-s")
    assert graphs == original_graphs  # same document IRI (tairenshezi-2021-12) read from 泰人社字〔2021〕12號
    id_local = "http://data.europa.eu/eli/ontology#id_local"
    assert {o for _, p, o in traditional if p == id_local} >= {"泰人社字〔2021〕12号"}
    # every value, period, nature and identity is read alike: the two graphs differ only in printed strings
    # (a printed traditional form is one more skos:altLabel of its agency or group; the text's sha256 differs)
    def simplified(triples):
        return {tuple(normalize.to_simplified(x) for x in t) for t in triples
                if not t[1].endswith(("core#altLabel", "ontology#sha256"))}
    assert original != traditional
    assert simplified(original) == simplified(traditional)
