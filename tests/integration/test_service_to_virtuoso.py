"""Federation outwards: our SERVICE reaches Debian's Virtuoso 7.2 through the workers' allow-list relay,
which turns the engine's direct `application/sparql-query` POST (never answered by Virtuoso 7.2) into
the equivalent form POST (issue 8; the relay is server/sandbox.py)."""

from __future__ import annotations

import json

import pytest

from policykg.server.executor import QueryExecutor, SparqlJob, WorkerSettings
from policykg.server.service_policy import parse_allowlist


@pytest.mark.usefixtures("network_sandbox")
def test_service_to_virtuoso_answers(virtuoso_loaded, virtuoso_server, built, store):
    endpoint = virtuoso_server.sparql_endpoint
    graph = built.manifest.graphs.documents[0]
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{endpoint}> {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }}"
    expected = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))
    pool = QueryExecutor(built.path.parent.parent, size=1,
                         settings=WorkerSettings(parse_allowlist((endpoint,))))
    try:
        answer = pool.run_sparql(SparqlJob(query), timeout=60)
    finally:
        pool.close()
    (row,) = json.loads(answer.body)["results"]["bindings"]
    assert int(row["n"]["value"]) == int(expected["n"].value) > 0
