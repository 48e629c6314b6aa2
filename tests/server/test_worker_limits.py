"""Each query worker's memory is bounded by the OS, results stop at the cap while they are written,
and a worker that grew is recycled (issue 11, item 2)."""

from __future__ import annotations

import pytest
from test_pool import full, wait_for

from policykg.server.errors import QueryFailed, ResultTooLarge
from policykg.server.executor import QueryExecutor, SparqlJob, WorkerSettings

# the 62-byte query of the issue: a cartesian product sorted at random (here over the fixture graph, cubed)
HUNGRY = "SELECT * WHERE {?a ?b ?c.?d ?e ?f.?g ?h ?i} ORDER BY RAND() LIMIT 1"
ENDLESS = "SELECT * WHERE {?a ?b ?c.?d ?e ?f.?g ?h ?i}"


def status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def test_memory_is_capped_by_the_os_and_the_worker_replaced(data_dir):
    pool = QueryExecutor(data_dir, size=1, settings=WorkerSettings(memory_headroom=96 << 20))
    try:
        pool.start()
        (worker,) = pool._workers
        limit = worker.info["memory_limit"]
        assert limit <= status_kib(worker.process.pid, "VmSize") * 1024 + (96 << 20)
        with pytest.raises(QueryFailed, match=r"more memory than a query worker may use \(\d+ MiB\)"):
            pool.run_sparql(SparqlJob(HUNGRY), timeout=60)
        assert wait_for(pool, lambda: full(pool) and worker not in pool._workers)
        assert pool.run_sparql(SparqlJob("ASK {}"), timeout=30).body.endswith(b"true}")
        # the cap is the forked worker's own: its zygote was not touched and loaded the build once
        assert pool.health()["zygote"]["loads"] == 1 and pool.health()["zygote"]["alive"]
        (replacement,) = pool._workers
        assert replacement.info["memory_limit"] == limit
    finally:
        pool.close()


def test_results_stop_at_the_cap_while_they_are_written(data_dir):
    """Millions of rows: refused after the first kilobyte is written, long before the time limit."""
    pool = QueryExecutor(data_dir, size=1)
    try:
        with pytest.raises(ResultTooLarge, match="limit of 1000 bytes"):
            pool.run_sparql(SparqlJob(ENDLESS, max_result_bytes=1000), timeout=60)
        with pytest.raises(ResultTooLarge, match="limit of 1000 bytes"):
            pool.run_sparql(SparqlJob("CONSTRUCT { ?a ?b ?f } WHERE {?a ?b ?c.?d ?e ?f}", max_result_bytes=1000),
                            timeout=60)
    finally:
        pool.close()


def test_a_worker_that_grew_is_recycled(data_dir):
    """A worker that grew past the threshold after a query is replaced. How much one query leaves behind
    depends on the allocator, so the threshold is set below any growth: this tests the recycling."""
    pool = QueryExecutor(data_dir, size=1, settings=WorkerSettings(recycle_growth=-(1 << 40)))
    try:
        pool.start()
        (worker,) = pool._workers
        answer = pool.run_sparql(SparqlJob("SELECT (COUNT(*) AS ?n) WHERE {?a ?b ?c.?d ?e ?f} "
                                           "GROUP BY ?a ?f ORDER BY DESC(?n) LIMIT 1"), timeout=60)
        assert answer.kind == "solutions"
        assert wait_for(pool, lambda: full(pool) and worker not in pool._workers)
    finally:
        pool.close()
