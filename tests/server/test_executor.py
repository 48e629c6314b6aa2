"""The query worker pool (server/executor.py): time limits, replacement, errors, new builds."""

from __future__ import annotations

import threading

import pytest
from server_testkit import fixture_quads, lay_out_build

from policykg.server.errors import (
    GraphUnavailable,
    QueryFailed,
    QuerySyntaxError,
    QueryTimeout,
    ShuttingDown,
    WorkersBusy,
)
from policykg.server.executor import QueryExecutor, SparqlJob

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture
def executor(data_dir):
    pool = QueryExecutor(data_dir, size=1)
    yield pool
    pool.close()


def test_answers_come_back_serialised(executor):
    answer = executor.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=10)
    assert (answer.kind, answer.format, answer.body) == ("boolean", "json", b'{"head":{},"boolean":true}')


def test_timeout_kills_the_worker_and_a_new_one_takes_over(executor):
    executor.run_sparql(SparqlJob("ASK {}"), timeout=10)
    (worker,) = executor._workers
    with pytest.raises(QueryTimeout, match="time limit of 0.5 s"):
        executor.run_sparql(SparqlJob(SLOW), timeout=0.5)
    worker.process.join(5)
    assert not worker.process.is_alive()  # killed, its CPU freed
    assert executor.run_sparql(SparqlJob("ASK {}"), timeout=30).body.endswith(b"true}")


def test_busy_pool_says_so(executor):
    running = threading.Event()
    outcome: list[BaseException] = []

    executor.run_sparql(SparqlJob("ASK {}"), timeout=30)  # the worker has loaded the build

    def watched() -> bool:  # asked while the slow query runs: the only worker is busy from now on
        running.set()
        return False

    def slow() -> None:
        try:
            executor.run_sparql(SparqlJob(SLOW), 2, disconnected=watched)
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    assert running.wait(30)
    with pytest.raises(WorkersBusy, match="busy"):
        executor.run_sparql(SparqlJob("ASK {}"), timeout=0.3)
    thread.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], QueryTimeout)


def test_errors_are_typed(executor):
    with pytest.raises(QuerySyntaxError, match="1:"):
        executor.run_sparql(SparqlJob("SELECT"), timeout=10)
    with pytest.raises(QueryFailed, match="IRI"):
        executor.read("describe_resource", "not an iri", timeout=10)


def only_worker(executor: QueryExecutor):
    (worker,) = executor._workers
    return worker


@pytest.mark.parametrize(("operation", "args", "message"), [
    ("no_such_operation", (), "no read operation named 'no_such_operation'"),
    ("labels", (42,), "TypeError"),  # an operation that raises on bad arguments
    ("statistics", ("not a store argument",), "TypeError"),  # too many arguments
])
def test_a_failing_request_gets_an_error_and_the_same_worker_answers_the_next(executor, operation, args, message):
    executor.run_sparql(SparqlJob("ASK {}"), timeout=30)
    before = only_worker(executor)
    with pytest.raises(QueryFailed, match=message):
        executor.read(operation, *args, timeout=30)
    assert executor.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=30).body.endswith(b"true}")
    assert only_worker(executor) is before and before.process.is_alive()


def test_a_request_that_cannot_be_sent_costs_no_worker(executor):
    executor.run_sparql(SparqlJob("ASK {}"), timeout=30)
    before = only_worker(executor)
    with pytest.raises(QueryFailed, match="cannot be sent"):
        executor.read("labels", lambda: None, timeout=30)
    assert executor.run_sparql(SparqlJob("ASK {}"), timeout=5).body.endswith(b"true}")
    assert only_worker(executor) is before


def test_a_closed_pool_says_it_is_shutting_down(data_dir):
    pool = QueryExecutor(data_dir, size=1)
    pool.close()
    with pytest.raises(ShuttingDown, match="shutting down"):
        pool.run_sparql(SparqlJob("ASK {}"), timeout=5)


def test_result_cap_is_an_error_not_a_truncation(executor):
    from policykg.server.errors import ResultTooLarge

    with pytest.raises(ResultTooLarge, match="not sent in part"):
        executor.run_sparql(SparqlJob("SELECT * { ?s ?p ?o }", max_result_bytes=100), timeout=10)


def test_a_new_build_is_picked_up(tmp_path):
    asserted, inferred = fixture_quads()
    lay_out_build(tmp_path, asserted, inferred, name="first", with_store=False)
    pool = QueryExecutor(tmp_path, size=1)
    try:
        count = b'SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }'
        before = pool.run_sparql(SparqlJob(count.decode()), timeout=30).body
        lay_out_build(tmp_path, asserted[:10], inferred, name="second", with_store=False)
        after = pool.run_sparql(SparqlJob(count.decode()), timeout=30).body
        assert before != after
        assert pool.build.path.name == "second"
    finally:
        pool.close()


def test_missing_build(tmp_path):
    pool = QueryExecutor(tmp_path, size=1)
    with pytest.raises(GraphUnavailable, match="policykg build"):
        pool.run_sparql(SparqlJob("ASK {}"), timeout=5)


def test_a_running_query_is_stopped_when_its_client_hangs_up(executor):
    from policykg.server.errors import QueryCancelled

    executor.run_sparql(SparqlJob("ASK {}"), timeout=10)
    (worker,) = executor._workers
    asked = []

    def gone() -> bool:  # the client hangs up once the query has started
        asked.append(True)
        return len(asked) > 1

    with pytest.raises(QueryCancelled):
        executor.run_sparql(SparqlJob(SLOW), timeout=600, disconnected=gone)
    # killed: its CPU freed long before the 600 s limit (the kernel may take a moment to tear a busy process
    # down, and the pool's monitor thread may be reaping it at the same time, so allow 30 s, not 600)
    worker.process.join(30)
    assert not worker.process.is_alive()
    assert executor.run_sparql(SparqlJob("ASK {}"), timeout=60).body.endswith(b"true}")


def test_a_query_whose_client_stays_is_answered(executor):
    asked = []

    def present() -> bool:
        asked.append(True)
        return False

    answer = executor.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=10, disconnected=present)
    assert answer.body.endswith(b"true}")


def test_a_bug_in_an_operation_is_answered_and_the_worker_lives_on(data_dir, monkeypatch):
    """An exception no mapping expects (a KeyError in an operation) reaches the client as QueryFailed."""
    from policykg.server.operations import READ_OPERATIONS

    def broken(store):
        return {}["missing"]

    monkeypatch.setitem(READ_OPERATIONS, "broken", broken)
    pool = QueryExecutor(data_dir, size=1, start_method="fork")  # the worker inherits the broken operation
    try:
        pool.start()
        before = only_worker(pool)
        with pytest.raises(QueryFailed, match="KeyError"):
            pool.read("broken", timeout=30)
        assert pool.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=30).body.endswith(b"true}")
        assert only_worker(pool) is before and before.process.is_alive()
    finally:
        pool.close()
