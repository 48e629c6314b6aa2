"""The command line's errors (issue 9 item 7): an `error:` line and exit 2, never a traceback."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from policykg.cli import main


@pytest.fixture
def data_env(built) -> dict[str, str]:
    return {"POLICYKG_DATA": str(built.path.parent.parent)}


def run(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(main, args, env=env or {})


def test_missing_rq_file_is_named(data_env, tmp_path):
    missing = tmp_path / "nothing-here.rq"
    result = run(["query", str(missing)], data_env)
    assert result.exit_code == 2
    assert result.output == (f"error: no query file {missing} "
                             "(QUERY is a .rq file, a name in queries/, or the query text)\n")


def test_a_catalogue_name_without_rq_runs(data_env):
    result = run(["query", "12-shared-indicator-concepts", "--format", "csv"], data_env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("concept,conceptZh,conceptEn,plans,jurisdictions")


def test_an_unknown_name_is_named(data_env):
    result = run(["query", "no-such-query"], data_env)
    assert result.exit_code == 2
    assert result.output.startswith("error: no query file no-such-query.rq or ") and "queries" in result.output


@pytest.mark.parametrize("update", ["INSERT DATA { <a:b> <a:c> <a:d> }", "PREFIX x: <a:> DELETE WHERE { ?s ?p ?o }",
                                    "LOAD <http://127.0.0.1:9/x>", "CLEAR ALL"])
def test_an_update_is_refused_as_an_update(data_env, update):
    result = run(["query", update], data_env)
    assert result.exit_code == 2
    assert "is a SPARQL update" in result.output and "Traceback" not in result.output


def test_a_query_still_runs(data_env):
    result = run(["query", "ASK { ?s a pkg:Plan }"], data_env)
    assert (result.exit_code, result.output.strip()) == (0, "true")


def test_serve_on_a_busy_port_fails_at_once(data_env):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run(["serve", "--port", str(port)], data_env)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot listen on 127.0.0.1:{port}: the port is in use")


def test_build_into_an_unwritable_folder_is_an_error_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run(["build", "--no-progress"], {"POLICYKG_DATA": str(blocker / "data")})
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "Traceback" not in result.output


def test_build_without_a_corpus_folder_says_how_to_name_one(tmp_path):
    result = run(["build", "--corpus", str(tmp_path / "no-corpus"), "--no-progress"],
                 {"POLICYKG_DATA": str(tmp_path / "data")})
    assert result.exit_code == 2
    assert result.output == (f"error: no corpus folder at {tmp_path / 'no-corpus'}: "
                             "name one with `policykg build --corpus DIR`\n")
    assert not (tmp_path / "data" / "current").exists()


def test_a_large_build_prints_class_totals_not_a_column_per_document(capsys, tmp_path):
    from collections import Counter

    from policykg.build.pipeline import BuildSummary
    from policykg.cli import PER_DOCUMENT_COLUMNS, _echo_class_totals

    documents = {f"g{i:04d}": {"Agency": 2, "Plan": 1} for i in range(PER_DOCUMENT_COLUMNS + 1)}
    summary = BuildSummary(tmp_path, documents=documents, classes=Counter({"Agency": 3, "Plan": 13}))
    _echo_class_totals(summary, ["Agency", "Plan"], 6)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["class", "in", "documents", "distinct"]
    assert lines[1].split() == ["Agency", "26", "3"] and lines[2].split() == ["Plan", "13", "13"]
