"""check: every annotation error of every file is reported at once, and the builder reports them all too."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg import config
from policykg.build.check import check_corpus
from policykg.build.corpus import load_corpus
from policykg.cli import main
from policykg.errors import AnnotationErrors


def _broken_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    first, second = sorted(corpus.glob("*.ann"))[:2]
    first.write_text(first.read_text(encoding="utf-8") + "R9999\tmeasures Arg1:T99999 Arg2:T1\n", encoding="utf-8")
    lines = second.read_text(encoding="utf-8").splitlines()
    lines.insert(0, "T9999\tNatur 0 1\tx")
    lines.append("A9999\tRole T9998 Issuer")
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


def test_valid_corpus_has_no_errors():
    assert check_corpus(config.CORPUS_DIR) == []


def test_every_error_in_every_file(tmp_path):
    corpus = _broken_corpus(tmp_path)
    messages = [str(e) for e in check_corpus(corpus)]
    assert any("refers to unknown annotation T99999" in m and m.startswith(str(corpus)) for m in messages)
    assert any("unknown entity type 'Natur'" in m and ".ann:1:" in m for m in messages)
    assert any("attribute on unknown annotation T9998" in m for m in messages)
    assert len({m.split(":", 1)[0] for m in messages}) == 2  # two files


def test_builder_raises_all_errors_at_once(tmp_path):
    corpus = _broken_corpus(tmp_path)
    with pytest.raises(AnnotationErrors) as info:
        load_corpus(corpus)
    assert len(info.value.errors) >= 3
    assert "T99999" in str(info.value) and "Natur" in str(info.value)


def test_cli_check_and_build_exit_nonzero_listing_all(tmp_path, monkeypatch):
    corpus = _broken_corpus(tmp_path)
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--corpus", str(corpus)])
    assert result.exit_code == 2
    assert "T99999" in result.output and "Natur" in result.output and "error(s)" in result.output
    result = runner.invoke(main, ["build", "--corpus", str(corpus), "--no-progress"])
    assert result.exit_code == 2
    assert "T99999" in result.output and "Natur" in result.output
    assert not (tmp_path / "data" / "current").exists()
    assert runner.invoke(main, ["check"]).exit_code == 0
