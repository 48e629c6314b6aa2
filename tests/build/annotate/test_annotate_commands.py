"""policykg annotate / add: drafts the builder accepts, one-command adding, non-plans refused."""

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg import config
from policykg.build.annotate import annotate_text, learn_from_corpus, to_brat
from policykg.build.annotations import read_document, read_scheme
from policykg.build.check import check_corpus
from policykg.build.pipeline import BuildOptions, collect_quads
from policykg.cli import main

DATA = Path(__file__).resolve().parents[2] / "data" / "annotate"
STEMS = sorted(p.stem for p in config.CORPUS_DIR.glob("*.txt"))


@pytest.mark.parametrize("stem", STEMS)
def test_draft_of_each_curated_text_is_accepted_by_the_builder(tmp_path, stem):
    """Leave the text's own annotations out, draft them from the other four, build the corpus."""
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    lex = learn_from_corpus(corpus, exclude={stem})
    draft = annotate_text((corpus / f"{stem}.txt").read_text(encoding="utf-8"), lex)
    (corpus / f"{stem}.ann").write_text(to_brat(draft), encoding="utf-8")
    assert check_corpus(corpus) == []
    opts = BuildOptions(corpus, config.ONTOLOGY_DIR, config.SHAPES_DIR, tmp_path / "data", progress=False)
    quads, graphs, _ = collect_quads(opts)
    assert len(graphs) == len(STEMS) and quads
    doc = read_document(corpus / f"{stem}.txt", read_scheme(corpus / "annotation.conf"))
    assert all(e.notes["annotator"].startswith("policykg-annotate-") for e in doc.entities.values())
    assert all(0 < float(e.notes["confidence"]) <= 1 for e in doc.entities.values())


def test_draft_is_deterministic(lexicon):
    text = (config.CORPUS_DIR / f"{STEMS[0]}.txt").read_text(encoding="utf-8")
    assert to_brat(annotate_text(text, lexicon)) == to_brat(annotate_text(text, lexicon))


def test_annotate_never_overwrites_unless_forced(tmp_path):
    text = tmp_path / "plan.txt"
    shutil.copyfile(DATA / "plan.txt", text)
    runner = CliRunner()
    assert runner.invoke(main, ["annotate", str(text)]).exit_code == 0
    ann = text.with_suffix(".ann")
    ann.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(main, ["annotate", str(text)])
    assert result.exit_code == 2 and "--force" in result.output
    assert ann.read_text(encoding="utf-8") == "mine\n"
    assert runner.invoke(main, ["annotate", str(text), "--force"]).exit_code == 0
    assert ann.read_text(encoding="utf-8").startswith("T1\t")
    out = tmp_path / "drafts"
    assert runner.invoke(main, ["annotate", str(text), "--out", str(out)]).exit_code == 0
    assert (out / "plan.ann").read_text(encoding="utf-8") == ann.read_text(encoding="utf-8")


def _corpus_state(corpus: Path) -> dict[str, str]:
    return {str(p.relative_to(corpus)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(corpus.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name, message", [("news.txt", "does not look like a plan"), ("empty.txt", "empty"),
                                           ("binary.txt", "binary data")])
def test_add_refuses_what_is_not_a_plan(tmp_path, monkeypatch, name, message):
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    before = _corpus_state(corpus)
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["add", str(DATA / name), "--corpus", str(corpus)])
    assert result.exit_code == 2, result.output
    assert message in result.output and name in result.output and "nothing was added" in result.output
    assert _corpus_state(corpus) == before
    assert not (tmp_path / "data").exists()


def test_add_end_to_end_from_gb18030(tmp_path, monkeypatch):
    """A GB18030 copy of a plan: converted to UTF-8, drafted, built, validated, published with PROV."""
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    source = tmp_path / "zhejiang.txt"
    source.write_bytes((DATA / "plan.txt").read_text(encoding="utf-8").encode("gb18030"))
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["add", str(source), "--corpus", str(corpus), "--id", "005_zhejiang"])
    assert result.exit_code == 0, result.output
    assert "read as gb18030, converted to UTF-8" in result.output
    assert "subsidized-training" in result.output and "zhejiang-hrss (330000)" in result.output
    added = corpus / "005_zhejiang.txt"
    assert added.read_text(encoding="utf-8") == (DATA / "plan.txt").read_text(encoding="utf-8")
    sums = (corpus / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(added.read_bytes()).hexdigest()}  005_zhejiang.txt" in sums
    assert "005_zhejiang.txt\tzhejiang.txt\tgb18030\t" in (corpus / "SOURCES.tsv").read_text(encoding="utf-8")
    assert check_corpus(corpus) == []
    query = ("PREFIX prov: <http://www.w3.org/ns/prov#> SELECT (COUNT(?s) AS ?n) WHERE { GRAPH ?g { "
             "?s prov:wasGeneratedBy ?a . ?a prov:wasAssociatedWith ?agent . ?agent a prov:SoftwareAgent } }")
    result = CliRunner().invoke(main, ["query", query, "--format", "csv"])
    assert result.exit_code == 0 and int(result.output.split()[-1]) > 20
    # reviewing an annotation flips it: its span is then generated by the review activity
    ann = corpus / "005_zhejiang.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines = [ln + "; status=reviewed" if ln.startswith("#1\t") else ln for ln in lines]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--no-progress"]).exit_code == 0
    reviewed = ("PREFIX prov: <http://www.w3.org/ns/prov#> SELECT (COUNT(?s) AS ?n) WHERE { GRAPH ?g { "
                "?s prov:wasGeneratedBy ?r . ?r prov:wasInformedBy ?draft } }")
    result = CliRunner().invoke(main, ["query", reviewed, "--format", "csv"])
    assert int(result.output.split()[-1]) == 1


@pytest.mark.parametrize("name, number", [("city_plan.txt", "宜府办发〔2023〕15号"),
                                          ("web_copy.txt", "闽人社文〔2021〕96号")])
def test_add_a_plan_whose_number_prints_the_year_in_other_brackets(tmp_path, monkeypatch, name, number):
    """宜府办发[2023]15号 and 閩人社文（2021）96號 are added; the notice's identifier takes the standard form
    (GB/T 9704-2012: the year in 〔〕), while its span keeps the characters as printed."""
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    source = Path(__file__).resolve().parents[2] / "data" / "unseen" / name
    result = CliRunner().invoke(main, ["add", str(source), "--corpus", str(corpus), "--id", "005_unseen"])
    assert result.exit_code == 0, result.output
    query = ("PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX pkg: <https://w3id.org/policykg/ontology#> "
             "SELECT ?n WHERE { ?notice a pkg:Notice ; eli:id_local ?n ; pkg:text/pkg:sourceFile \"005_unseen.txt\" }")
    result = CliRunner().invoke(main, ["query", query, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split()[1:] == [number]
