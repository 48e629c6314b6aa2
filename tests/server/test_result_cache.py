"""The result cache of /sparql: hits, validators, invalidation by a new build, the byte bound."""

from __future__ import annotations

import pytest
from server_testkit import fixture_quads, lay_out_build

from policykg.server import result_cache, sparql
from policykg.server.app import create_app
from policykg.server.config import ServerConfig
from policykg.server.errors import QueryTimeout
from policykg.server.jobs import DatasetSpec, SparqlJob
from policykg.server.result_cache import CacheKey, ResultCache

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


@pytest.fixture
def cache(app):
    """A fresh 1 MiB cache on the shared app, the app's own put back afterwards."""
    previous = result_cache.of(app)
    fresh = result_cache.install(app, ResultCache(1 << 20, max_age=120))
    yield fresh
    result_cache.install(app, previous)


@pytest.fixture
def runs(monkeypatch):
    """Counts the queries that reach a lane (the cheap one or the workers)."""
    calls: list[str] = []
    real = sparql.execute

    def counting(server, job, timeout, environ):
        calls.append(job.query)
        return real(server, job, timeout, environ)

    monkeypatch.setattr(sparql, "execute", counting)
    return calls


def test_a_repeated_query_is_answered_from_the_cache(client, cache, runs):
    first = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
    second = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and second.content_type == first.content_type
    assert runs == [COUNT]
    assert (cache.hits, cache.misses, len(cache)) == (1, 1, 1)
    assert second.headers["Server-Timing"] == "cache;desc=hit"
    assert cache.snapshot()["bytes"] >= len(first.data)


def test_answers_carry_a_strong_etag_and_cache_control(client, cache):
    response = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=120"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("warm", [True, False], ids=["cached", "not cached"])
def test_if_none_match_gives_304(client, cache, warm):
    etag = client.get("/sparql", query_string={"query": COUNT, "format": "json"}).headers["ETag"]
    if not warm:
        cache.clear()
    same = client.get("/sparql", query_string={"query": COUNT, "format": "json"}, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b"" and same.headers["ETag"] == etag
    other = client.get("/sparql", query_string={"query": COUNT, "format": "json"},
                       headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data


def test_post_and_get_share_entries(client, cache, runs):
    by_get = client.get("/sparql", query_string={"query": GRAPHS}, headers={"Accept": "text/csv"})
    by_form = client.post("/sparql", data={"query": GRAPHS}, headers={"Accept": "text/csv"})
    by_body = client.post("/sparql", data=GRAPHS.encode(), content_type="application/sparql-query",
                          headers={"Accept": "text/csv"})
    assert by_get.data == by_form.data == by_body.data
    assert by_get.headers["ETag"] == by_form.headers["ETag"] == by_body.headers["ETag"]
    assert runs == [GRAPHS] and cache.hits == 2


def test_formats_and_datasets_never_share_entries(client, cache, runs):
    answers = {
        "json": client.get("/sparql", query_string={"query": COUNT, "format": "json"}),
        "xml": client.get("/sparql", query_string={"query": COUNT, "format": "xml"}),
        "csv": client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"}),
        "inferred": client.get("/sparql", query_string={"query": COUNT, "format": "json", "inference": "true"}),
    }
    assert all(r.status_code == 200 for r in answers.values())
    assert len({r.content_type for r in list(answers.values())[:3]}) == 3
    assert len({r.headers["ETag"] for r in answers.values()}) == 4
    assert answers["json"].json != answers["inferred"].json  # the inferred graph adds triples
    assert len(runs) == 4 and cache.hits == 0 and len(cache) == 4


def test_errors_and_timeouts_are_not_cached(client, cache, monkeypatch):
    bad = "SELECT ?s WHERE { ?s ?p }"
    assert client.get("/sparql", query_string={"query": bad}).status_code == 400
    assert client.get("/sparql", query_string={"query": bad}).status_code == 400
    real = sparql.execute

    def time_out(server, job, timeout, environ):
        raise QueryTimeout("stopped")

    monkeypatch.setattr(sparql, "execute", time_out)
    assert client.get("/sparql", query_string={"query": COUNT, "format": "json"}).status_code == 503
    assert len(cache) == 0
    monkeypatch.setattr(sparql, "execute", real)
    assert client.get("/sparql", query_string={"query": COUNT, "format": "json"}).status_code == 200
    assert len(cache) == 1


def test_a_switched_off_cache_stores_nothing_but_still_validates(client, app, runs):
    previous = result_cache.of(app)
    off = result_cache.install(app, ResultCache.from_env({"POLICYKG_RESULT_CACHE": "off"}))
    try:
        first = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
        second = client.get("/sparql", query_string={"query": COUNT, "format": "json"},
                            headers={"If-None-Match": first.headers["ETag"]})
        assert second.status_code == 304
        assert len(runs) == 2 and len(off) == 0 and not off.enabled
    finally:
        result_cache.install(app, previous)


def test_a_new_build_is_never_answered_from_the_old_builds_entries(tmp_path):
    asserted, inferred = fixture_quads()
    lay_out_build(tmp_path, asserted, inferred, name="first", with_store=False)
    app = create_app(ServerConfig(data_dir=tmp_path, workers=1, query_timeout=30.0))
    result_cache.install(app, ResultCache(1 << 20))
    client = app.test_client()
    try:
        before = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
        lay_out_build(tmp_path, asserted[:10], inferred, name="second", with_store=False)
        after = client.get("/sparql", query_string={"query": COUNT, "format": "json"})
        assert before.json != after.json
        assert after.headers["ETag"] != before.headers["ETag"]
        assert result_cache.of(app).hits == 0 and len(result_cache.of(app)) == 2
    finally:
        app.extensions["policykg"].executor.close()


def _key(query: str, **changes) -> CacheKey:
    return CacheKey.of(SparqlJob(query), changes.pop("build", "b1"))


def test_the_cache_is_bounded_in_bytes_and_evicts_the_least_recently_used():
    cache = ResultCache(max_bytes=4000)
    body = b"x" * 600
    keys = [_key(f"SELECT {i}") for i in range(6)]
    for key in keys[:4]:
        cache.put(key, body, "text/csv")
    assert cache.get(keys[0]) is not None  # now the most recently used
    for key in keys[4:]:
        cache.put(key, body, "text/csv")
    assert cache.size_bytes <= 4000
    assert cache.get(keys[1]) is None and cache.get(keys[0]) is not None and cache.get(keys[5]) is not None
    too_big = cache.put(_key("SELECT big"), b"y" * 2000, "text/csv")  # over a quarter of the cache
    assert too_big.etag and cache.get(_key("SELECT big")) is None


def test_keys_differ_by_build_dataset_and_format():
    job = SparqlJob(COUNT)
    assert CacheKey.of(job, "b1") == CacheKey.of(SparqlJob(COUNT), "b1")
    assert CacheKey.of(job, "b1") != CacheKey.of(job, "b2")
    assert CacheKey.of(job, "b1") != CacheKey.of(SparqlJob(COUNT, DatasetSpec(inference=True)), "b1")
    assert CacheKey.of(job, "b1") != CacheKey.of(SparqlJob(COUNT, results_format="csv"), "b1")
    named = SparqlJob(COUNT, DatasetSpec(("http://example.org/g",), (), protocol=True))
    assert CacheKey.of(job, "b1") != CacheKey.of(named, "b1")


def test_sizes_are_read_from_the_environment():
    assert ResultCache.from_env({}).max_bytes == 64 << 20
    assert ResultCache.from_env({"POLICYKG_RESULT_CACHE": "8M"}).max_bytes == 8 << 20
    assert ResultCache.from_env({"POLICYKG_RESULT_CACHE": "0"}).enabled is False
    assert ResultCache.from_env({"POLICYKG_RESULT_MAX_AGE": "5"}).max_age == 5
