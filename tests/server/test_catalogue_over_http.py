"""Every query of the README and of the queries/ catalogue runs verbatim at /sparql (issue 9 item 2).

The endpoint predeclares the project's prefixes (as the Wikidata Query Service and Virtuoso do), so a
query copied from the README without PREFIX lines answers over HTTP as it does in `policykg query`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_testkit import LiveServer, fetch, start_live_server

from policykg import config as project_config
from policykg.kg.namespaces import PREFIXES
from policykg.server.app import create_app
from policykg.server.config import ServerConfig

REPO = project_config.CORPUS_DIR.parent
README_QUERY = re.compile(r"```sh\n\.venv/bin/policykg query '\n(?P<query>.*?)'\n```", re.DOTALL)


def readme_queries() -> list[str]:
    return [match["query"] for match in README_QUERY.finditer((REPO / "README.md").read_text(encoding="utf-8"))]


def catalogue() -> list[Path]:
    return sorted((REPO / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def real_server(built) -> Iterator[LiveServer]:
    app = create_app(ServerConfig(data_dir=built.path.parent.parent, workers=1, queries_dir=REPO / "queries"))
    live, stop = start_live_server(app)
    yield live
    stop()
    app.extensions["policykg"].executor.close()


def run_over_http(server: LiveServer, query: str) -> dict:
    response = fetch(server.url + "/sparql", data={"query": query},
                     headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_readme_has_queries():
    assert readme_queries()


@pytest.mark.parametrize("index", range(len(readme_queries())))
def test_readme_query_runs_verbatim_over_http(real_server, index):
    query = readme_queries()[index]
    assert "PREFIX" not in query.upper()  # it relies on the predeclared prefixes
    assert run_over_http(real_server, query)["results"]["bindings"]


@pytest.mark.parametrize("path", catalogue(), ids=lambda p: p.stem)
def test_catalogue_query_runs_verbatim_over_http(real_server, path):
    body = run_over_http(real_server, path.read_text(encoding="utf-8"))
    assert "boolean" in body or body["results"]["bindings"], f"{path.name} answers nothing"


def test_catalogue_query_without_its_prefix_lines_runs_too(real_server):
    """Drop every PREFIX line: the predeclared ones cover what the catalogue uses."""
    for path in catalogue():
        text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.strip().upper().startswith("PREFIX"))
        body = run_over_http(real_server, text)
        assert "boolean" in body or body["results"]["bindings"], path.name


def test_a_query_may_redeclare_a_predeclared_prefix(real_server):
    query = 'PREFIX pkg: <urn:other#> ASK { ?s a pkg:Plan }'
    assert run_over_http(real_server, query)["boolean"] is False


def test_service_description_lists_the_predeclared_prefixes(real_server):
    response = fetch(real_server.url + "/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    text = json.dumps(response.json())
    for prefix, namespace in PREFIXES.items():
        assert prefix in text and namespace in text


def test_query_page_lists_the_predeclared_prefixes(real_server):
    page = fetch(real_server.url + "/", headers={"Accept": "text/html"}).text
    for prefix, namespace in PREFIXES.items():
        assert f"{prefix}:" in page and namespace in page
