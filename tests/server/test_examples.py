"""Example queries for the query page (server/examples.py)."""

from __future__ import annotations

from pathlib import Path

from policykg.server.examples import load_examples, read_example

REPO_QUERIES = Path(__file__).resolve().parents[2] / "queries"


def test_fields_with_languages_and_continuation_lines(tmp_path):
    path = tmp_path / "01-x.rq"
    path.write_text(
        "# title: Plan hierarchy\n# title@zh: 规划层级\n# description: Every plan with its notice,\n"
        "# description: ordered by level.\n# description@zh: 语料中的每个规划，\n# description@zh: 按层级排序。\n\n"
        "SELECT * {}\n",
        encoding="utf-8",
    )
    example = read_example(path)
    assert example.title == "Plan hierarchy"
    assert example.title_zh == "规划层级"
    assert example.description == "Every plan with its notice, ordered by level."
    assert example.description_zh == "语料中的每个规划，按层级排序。"
    assert example.query.endswith("SELECT * {}\n")


def test_free_comments_fall_back_to_title_and_description(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# Quotes\n# that match\nASK {}\n", encoding="utf-8")
    example = read_example(path)
    assert (example.title, example.description) == ("Quotes", "that match")


def test_every_project_query_has_a_title():
    for example in load_examples(REPO_QUERIES):
        assert example.title and example.title != example.name, example.name
