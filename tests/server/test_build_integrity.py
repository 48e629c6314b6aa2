"""The server verifies each build before serving it and keeps the last good one (issue 11, item 9)."""

from __future__ import annotations

import hashlib

import pytest
from server_testkit import fixture_quads, lay_out_build
from test_pool import wait_for

from policykg.server.app import create_app
from policykg.server.config import ServerConfig
from policykg.server.errors import GraphUnavailable
from policykg.server.executor import QueryExecutor, SparqlJob

COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def cut_in_half(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.fixture
def two_builds(tmp_path):
    """`good` laid out first, then `bad` (fewer quads) made current."""
    asserted, inferred = fixture_quads()
    lay_out_build(tmp_path, asserted, inferred, name="good", with_store=False)
    return tmp_path, asserted, inferred


def test_a_corrupt_new_build_is_refused_and_the_last_good_one_served(two_builds):
    data_dir, asserted, inferred = two_builds
    pool = QueryExecutor(data_dir, size=1)
    try:
        before = pool.run_sparql(SparqlJob(COUNT), timeout=30).body
        lay_out_build(data_dir, asserted[:10], inferred, name="bad", with_store=False)
        cut_in_half(data_dir / "builds" / "bad" / "policykg.nq")
        assert pool.build.name == "good"
        assert pool.run_sparql(SparqlJob(COUNT), timeout=30).body == before
        report = pool.health()
        assert report["ok"] and report["build"] == "good" and report["workers_serve"] == ["good"]
        assert report["refused_build"]["build"] == "bad"
        assert "policykg.nq has" in report["refused_build"]["reason"]
        # a later good build is verified and served
        lay_out_build(data_dir, asserted[:10], inferred, name="bad2", with_store=False)
        assert pool.build.name == "bad2"
        assert pool.run_sparql(SparqlJob(COUNT), timeout=30).body != before
        assert wait_for(pool, lambda: pool.health()["workers_serve"] == ["bad2"])
    finally:
        pool.close()


def test_corruption_in_place_without_a_good_build_stops_serving(two_builds):
    data_dir, _, _ = two_builds
    pool = QueryExecutor(data_dir, size=1)
    try:
        pool.start()
        dump = data_dir / "current" / "inferred.nq"
        dump.write_bytes(b"\x00\xff garbage" * 100)
        with pytest.raises(GraphUnavailable, match="inferred.nq"):
            pool.run_sparql(SparqlJob("ASK {}"), timeout=10)
        report = pool.health()
        assert not report["ok"] and "inferred.nq" in report["problem"]
    finally:
        pool.close()


def test_health_and_dump_headers_name_the_verified_build(two_builds):
    data_dir, asserted, inferred = two_builds
    app = create_app(ServerConfig(data_dir=data_dir, workers=1))
    client = app.test_client()
    try:
        app.extensions["policykg"].executor.start()  # as the server does at boot
        good = client.get("/dumps/policykg.nq")
        lay_out_build(data_dir, asserted[:10], inferred, name="bad", with_store=False)
        cut_in_half(data_dir / "builds" / "bad" / "policykg.nq")
        health = client.get("/health")
        assert health.status_code == 200, health.get_json()
        assert health.get_json()["build"] == "good"
        assert health.get_json()["refused_build"]["build"] == "bad"
        dump = client.get("/dumps/policykg.nq")
        assert dump.data == good.data
        digest = hashlib.sha256(dump.data).hexdigest()
        assert dump.headers["ETag"].strip('"') == digest
    finally:
        app.extensions["policykg"].executor.close()


def test_an_invalid_manifest_at_start_is_a_clear_503(tmp_path):
    asserted, inferred = fixture_quads()
    build = lay_out_build(tmp_path, asserted, inferred, name="broken", with_store=False)
    (build / "manifest.json").write_text("{", encoding="utf-8")
    app = create_app(ServerConfig(data_dir=tmp_path, workers=1))
    try:
        response = app.test_client().get("/health")
        assert response.status_code == 503
        assert "manifest.json cannot be read as JSON" in response.get_json()["message"]
    finally:
        app.extensions["policykg"].executor.close()
