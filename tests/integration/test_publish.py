"""`policykg publish --to URL` (SPARQL 1.1 Graph Store Protocol) into Debian's Virtuoso and into an
Oxigraph server (the `oxigraph` command from PyPI), both started on 127.0.0.1 by the tests (issue 9 item 8).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from virtuoso_testkit import free_port

from policykg.cli import main
from policykg.errors import StoreError
from policykg.kg import virtuoso
from policykg.kg.store import Build

OXIGRAPH = shutil.which("oxigraph") or (shutil.which("oxigraph", path=os.path.dirname(os.sys.executable)))
REQUIRE_ENV = "POLICYKG_REQUIRE_VIRTUOSO"  # CI: the servers the integration tests need must be there


def expected_counts(built: Build) -> dict[str, int]:
    counts = virtuoso.dump_graphs(built.dump(virtuoso.ASSERTED_DUMP))
    counts.update(virtuoso.dump_graphs(built.dump(virtuoso.INFERRED_DUMP)))
    return dict(counts)


def publish(built: Build, url: str, *extra: str):
    env = {"POLICYKG_DATA": str(built.path.parent.parent)}
    return CliRunner().invoke(main, ["publish", "--to", url, *extra], env=env)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    if OXIGRAPH is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail("the oxigraph command is missing (pip install -e '.[test]' installs it)")
        pytest.skip("the oxigraph command is missing (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not answer on {base}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def oxigraph_counts(base: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(base + "/query?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def test_publish_to_oxigraph_and_again_replaces(oxigraph_server, built):
    result = publish(built, oxigraph_server + "/store")
    assert result.exit_code == 0, result.output
    expected = expected_counts(built)
    assert f"published {len(expected)} graphs, {sum(expected.values())} triples" in result.output
    assert oxigraph_counts(oxigraph_server) == expected
    again = publish(built, oxigraph_server + "/store")
    assert again.exit_code == 0, again.output
    assert oxigraph_counts(oxigraph_server) == expected  # replaced, not added


def test_publish_without_inferred(oxigraph_server, built, tmp_path):
    result = publish(built, oxigraph_server + "/store", "--no-inferred")
    assert result.exit_code == 0, result.output
    assert "graph/inferred" not in result.output


def test_publish_to_virtuoso_graph_store(virtuoso_server, built):
    url = f"http://{virtuoso_server.host}:{virtuoso_server.http_port}/sparql-graph-crud-auth"
    result = publish(built, url, "--user", virtuoso_server.user, "--password", virtuoso_server.password)
    assert result.exit_code == 0, result.output
    expected = expected_counts(built)
    assert virtuoso.graph_counts(virtuoso_server, expected) == expected


def test_publish_as_a_user_with_only_the_documented_grant(virtuoso_server, built):
    """README, Publishing: a Virtuoso user needs the SPARQL_UPDATE role, nothing more."""
    try:
        virtuoso.isql(virtuoso_server, "DB.DBA.USER_CREATE('pkgpublisher', 'pkg-secret');\n"
                                       'GRANT SPARQL_UPDATE TO "pkgpublisher";\n', step="creating a user")
    except StoreError as exc:
        if "already" not in str(exc):
            raise
    url = f"http://{virtuoso_server.host}:{virtuoso_server.http_port}/sparql-graph-crud-auth"
    result = publish(built, url, "--user", "pkgpublisher", "--password", "pkg-secret", "--no-inferred")
    assert result.exit_code == 0, result.output
    expected = {g: n for g, n in expected_counts(built).items() if not g.endswith("/inferred")}
    assert virtuoso.graph_counts(virtuoso_server, expected) == expected


def test_wrong_password_is_a_clear_error(virtuoso_server, built):
    url = f"http://{virtuoso_server.host}:{virtuoso_server.http_port}/sparql-graph-crud-auth"
    result = publish(built, url, "--user", "dba", "--password", "not-the-password")
    assert result.exit_code == 2
    assert result.output.startswith("error: HEAD ") and "401" in result.output and "grants" in result.output


def test_unreachable_store_is_a_clear_error(built):
    port = free_port()
    result = publish(built, f"http://127.0.0.1:{port}/store")
    assert result.exit_code == 2
    assert "cannot reach the store" in result.output and f"127.0.0.1:{port}" in result.output
    assert publish(built, "file:///etc/passwd").exit_code == 2
