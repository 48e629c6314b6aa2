"""The worker pool refills whatever kills its workers, and says when queries cannot run (issue 11, item 3)."""

from __future__ import annotations

import os
import shutil
import signal

import pyoxigraph as ox
import pytest
from server_testkit import fixture_quads, lay_out_build

from policykg.server.errors import QueryFailed, QueryTimeout, WorkersBusy
from policykg.server.executor import QueryExecutor, SparqlJob

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def wait_for(pool: QueryExecutor, condition, seconds: float = 60.0) -> bool:
    """Wait, without sleeping, until `condition()` holds: the pool checks it again on every change."""
    return pool.wait_until(condition, seconds)


def full(pool: QueryExecutor, build: str | None = None) -> bool:
    report = pool.health()
    return (report["ok"] and report["workers"]["live"] == pool.size
            and (build is None or report["workers_serve"] == [build]))


@pytest.fixture
def build_dir(tmp_path):
    asserted, inferred = fixture_quads()
    lay_out_build(tmp_path, asserted, inferred, name="b00", with_store=False)
    return tmp_path


def test_twenty_rebuilds_with_killed_workers_leave_a_full_pool(build_dir):
    """Each rebuild removes the previous build folder and a `timeout=1e-9` query kills a worker."""
    asserted, inferred = fixture_quads()
    pool = QueryExecutor(build_dir, size=2)
    try:
        pool.start()
        for number in range(1, 21):
            previous = (build_dir / "current").resolve()
            lay_out_build(build_dir, asserted[: len(asserted) - number], inferred, name=f"b{number:02}",
                          with_store=False)
            shutil.rmtree(previous)
            for _ in range(2):
                with pytest.raises((QueryTimeout, WorkersBusy)):
                    pool.run_sparql(SparqlJob(SLOW), timeout=1e-9)
        assert wait_for(pool, lambda: full(pool, "b20"))
        expected = ox.Store()
        expected.extend(asserted[: len(asserted) - 20] + inferred)
        count = next(iter(expected.query(COUNT)))["n"].value
        answer = pool.run_sparql(SparqlJob(COUNT), timeout=30)
        assert f'"value":"{count}"'.encode() in answer.body
    finally:
        pool.close()


def test_workers_killed_from_outside_are_replaced(build_dir):
    pool = QueryExecutor(build_dir, size=2)
    try:
        pool.start()
        killed = list(pool._workers)
        for worker in killed:
            os.kill(worker.process.pid, signal.SIGKILL)
        assert wait_for(pool, lambda: not any(w.process.is_alive() for w in killed))
        assert wait_for(pool, lambda: full(pool) and not set(killed) & pool._workers)
        assert pool.run_sparql(SparqlJob("ASK {}"), timeout=30).body.endswith(b"true}")
    finally:
        pool.close()


def test_a_crashing_query_does_not_take_the_pool_down(build_dir):
    """20,000 nested groups overflow the engine's stack (SIGSEGV): the client gets a message, the pool refills."""
    pool = QueryExecutor(build_dir, size=1)
    try:
        deep = "SELECT * WHERE " + "{" * 20000 + "}" * 20000
        with pytest.raises(QueryFailed, match="replaced"):
            pool.run_sparql(SparqlJob(deep), timeout=30)
        assert wait_for(pool, lambda: full(pool))
        assert pool.run_sparql(SparqlJob("ASK {}"), timeout=30).body.endswith(b"true}")
    finally:
        pool.close()


def test_health_is_not_ok_when_no_worker_can_load_a_build(build_dir):
    pool = QueryExecutor(build_dir, size=1)
    try:
        pool.start()
        assert pool.health()["ok"]
        shutil.rmtree((build_dir / "current").resolve())  # the build vanishes and nothing replaces it
        for worker in list(pool._workers):
            os.kill(worker.process.pid, signal.SIGKILL)
        assert wait_for(pool, lambda: pool.health()["workers"]["live"] == 0)
        assert wait_for(pool, lambda: not pool.health()["ok"])  # once a replacement has failed to load
        report = pool.health()
        assert not report["ok"] and "policykg build" in report["problem"]
        # a later good build recovers the pool
        asserted, inferred = fixture_quads()
        lay_out_build(build_dir, asserted, inferred, name="again", with_store=False)
        assert wait_for(pool, lambda: full(pool, "again"))
    finally:
        pool.close()


def test_health_endpoint_is_503_when_queries_cannot_run(tmp_path):
    from policykg.server.app import create_app
    from policykg.server.config import ServerConfig

    app = create_app(ServerConfig(data_dir=tmp_path, workers=1))
    try:
        response = app.test_client().get("/health")
        assert response.status_code == 503
        assert response.get_json()["status"] == "unavailable"
        assert response.get_json()["workers"]["live"] == 0
    finally:
        app.extensions["policykg"].executor.close()


def test_idle_workers_move_to_a_new_build_without_waiting_for_a_query(build_dir):
    asserted, inferred = fixture_quads()
    pool = QueryExecutor(build_dir, size=2)
    try:
        pool.start()
        lay_out_build(build_dir, asserted[:-1], inferred, name="next", with_store=False)
        assert wait_for(pool, lambda: full(pool, "next"))
        assert pool.health()["build"] == "next"
    finally:
        pool.close()
