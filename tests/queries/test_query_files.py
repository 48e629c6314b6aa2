"""Every file of queries/: its header (title and description in en and zh), its syntax, and that it
runs on the build.

The expectations were worked out by hand from the source texts (see catalogue.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from catalogue import CJK_RE, HEADER_RE, QUERY_FILES, run

# --- every file: header and syntax ---------------------------------------------------------------------------


def test_at_least_twelve_queries():
    assert len(QUERY_FILES) >= 12


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_header_and_syntax(path: Path):
    text = path.read_text(encoding="utf-8")
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.rq", path.name)
    match = HEADER_RE.match(text)
    assert match, f"{path.name}: header must be title, title@zh, description…, description@zh…, blank line"
    assert CJK_RE.search(match["title_zh"]) and CJK_RE.search(match["description_zh"])
    query = match["query"]
    assert "ORDER BY" in query
    # parses on its own, without the project's predeclared prefixes (other SPARQL clients run these files)
    results = ox.Store().query(text)
    assert isinstance(results, ox.QuerySolutions)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_runs_on_the_build(store, built, path: Path):
    assert run(store, built, path.stem), f"{path.name} returns no rows"
