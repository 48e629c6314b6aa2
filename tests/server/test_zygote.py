"""Query workers are forked from a zygote that loaded the build once (server/zygote.py, zygote_handle.py).

A killed worker's replacement must not load the build again: at 1,000 documents a load took tens of
seconds, and any client could kill workers on purpose (a time-out, a hang-up). The tests count the
zygote's loads (`health()["zygote"]["loads"]`) instead of timing anything.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest
from server_testkit import fixture_quads, lay_out_build
from test_pool import SLOW, full, wait_for
from test_sandbox import SparqlStub

from policykg.server.errors import QueryCancelled, QueryTimeout
from policykg.server.executor import QueryExecutor, SparqlJob, WorkerSettings
from policykg.server.service_policy import parse_allowlist

COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def pool(data_dir):
    executor = QueryExecutor(data_dir, size=2)
    executor.start()
    yield executor
    executor.close()


def zygote(pool: QueryExecutor) -> dict:
    return pool.health()["zygote"]


def test_workers_are_forked_from_one_zygote(pool):
    report = zygote(pool)
    assert report["alive"] and report["loads"] == 1
    assert {w.info["zygote"] for w in pool._workers} == {report["pid"]}
    for worker in pool._workers:
        assert os.getppid() != worker.process.pid
        with open(f"/proc/{worker.process.pid}/stat", encoding="ascii") as stat:
            assert int(stat.read().rsplit(")", 1)[1].split()[1]) == report["pid"]  # its parent is the zygote


def test_a_killed_worker_is_replaced_without_loading_the_build_again(pool):
    expected = pool.run_sparql(SparqlJob(COUNT), timeout=30).body
    for _ in range(3):
        killed = list(pool._workers)
        for worker in killed:
            os.kill(worker.process.pid, signal.SIGKILL)
        assert wait_for(pool, lambda killed=killed: full(pool) and not set(killed) & pool._workers)
        assert pool.run_sparql(SparqlJob(COUNT), timeout=30).body == expected
    assert zygote(pool)["loads"] == 1


def test_a_timed_out_query_costs_its_worker_only(pool):
    pool.run_sparql(SparqlJob("ASK {}"), timeout=30)
    before = set(pool._workers)
    with pytest.raises(QueryTimeout):
        pool.run_sparql(SparqlJob(SLOW), timeout=0.5)
    assert wait_for(pool, lambda: full(pool) and len(before & pool._workers) == 1)
    assert pool.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=30).body.endswith(b"true}")
    assert zygote(pool)["loads"] == 1


def test_a_client_hang_up_kills_only_its_query_worker(pool):
    """The client of one query hangs up: its worker alone is killed, and replaced from the zygote."""
    pool.run_sparql(SparqlJob("ASK {}"), timeout=30)
    before = set(pool._workers)
    asked = []

    def gone() -> bool:  # the client hangs up once the query has started
        asked.append(True)
        return len(asked) > 1

    with pytest.raises(QueryCancelled):
        pool.run_sparql(SparqlJob(SLOW), timeout=600, disconnected=gone)
    assert wait_for(pool, lambda: full(pool) and len(before & pool._workers) == 1)
    assert all(w.process.is_alive() for w in before & pool._workers)
    assert pool.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=30).body.endswith(b"true}")
    assert zygote(pool)["loads"] == 1


def test_killed_workers_mid_query_leave_the_others_answering_concurrently(data_dir):
    """Forked copies of one loaded store answer at once, while one of them is killed in the middle of a
    query: the others' answers are those of a single worker."""
    pool = QueryExecutor(data_dir, size=3)
    try:
        pool.start()
        expected = pool.run_sparql(SparqlJob(COUNT), timeout=30).body
        answers: list[bytes] = []
        errors: list[BaseException] = []

        def ask() -> None:
            try:
                for _ in range(5):
                    answers.append(pool.run_sparql(SparqlJob(COUNT), timeout=30).body)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for thread in threads:
            thread.start()
        with pytest.raises(QueryTimeout):
            pool.run_sparql(SparqlJob(SLOW), timeout=0.3)
        for thread in threads:
            thread.join(60)
        assert not errors and answers == [expected] * 10
        assert zygote(pool)["loads"] == 1
    finally:
        pool.close()


def test_the_exit_code_comes_from_the_zygote_that_reaped_the_worker(pool):
    (worker, *_) = pool._workers
    os.kill(worker.process.pid, signal.SIGTERM)
    worker.process.join(30)
    assert worker.process.exitcode == -signal.SIGTERM
    worker.process.kill()  # after the zygote reaped it: the pidfd, not a pid that may name another process


def test_a_dead_zygote_is_restarted_and_its_workers_serve_on(pool):
    first = zygote(pool)
    workers = set(pool._workers)
    os.kill(first["pid"], signal.SIGKILL)
    assert wait_for(pool, lambda: zygote(pool)["alive"] and zygote(pool)["pid"] != first["pid"])
    assert zygote(pool)["loads"] == 2
    assert all(w.process.is_alive() for w in workers)  # forked workers do not depend on their zygote
    assert pool.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=30).body.endswith(b"true}")
    # a worker killed now is replaced from the new zygote
    for worker in workers:
        os.kill(worker.process.pid, signal.SIGKILL)
    assert wait_for(pool, lambda: full(pool) and not workers & pool._workers)
    assert {w.info["zygote"] for w in pool._workers} == {zygote(pool)["pid"]}
    assert zygote(pool)["loads"] == 2


def test_a_new_build_gets_a_new_zygote(tmp_path):
    asserted, inferred = fixture_quads()
    lay_out_build(tmp_path, asserted, inferred, name="first", with_store=False)
    pool = QueryExecutor(tmp_path, size=2)
    try:
        pool.start()
        old = zygote(pool)
        assert old["build"] == "first"
        lay_out_build(tmp_path, asserted[:10], inferred, name="second", with_store=False)
        assert wait_for(pool, lambda: full(pool, "second"))
        new = zygote(pool)
        assert (new["build"], new["loads"]) == ("second", 2) and new["pid"] != old["pid"]
        assert wait_for(pool, lambda: not os.path.exists(f"/proc/{old['pid']}/stat")
                        or " Z " in open(f"/proc/{old['pid']}/stat").read())  # the old zygote is stopped
        assert {w.info["zygote"] for w in pool._workers} == {new["pid"]}
    finally:
        pool.close()


@pytest.mark.usefixtures("network_sandbox")
def test_forked_workers_each_relay_service_calls_on_their_own_channel(data_dir):
    """Two workers forked from one sandboxed zygote call an allow-listed endpoint at the same time; each
    has its own connector channel, so no connection reaches the wrong worker."""
    stub = SparqlStub()
    pool = QueryExecutor(data_dir, size=2, settings=WorkerSettings(parse_allowlist(
        (f"http://127.0.0.1:{stub.port}/sparql",))))
    try:
        pool.start()
        query = f"SELECT ?x {{ SERVICE <http://127.0.0.1:{stub.port}/sparql> {{ ?x ?y ?z }} }}"
        values: list[str] = []

        def call() -> None:
            for _ in range(5):
                body = pool.run_sparql(SparqlJob(query), timeout=20).body
                values.append(json.loads(body)["results"]["bindings"][0]["x"]["value"])

        threads = [threading.Thread(target=call) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert values == ["remote"] * 10
        assert pool.health()["sandbox"] in (["netns"], ["userns+netns"])
    finally:
        pool.close()
        stub.close()


ORPHAN = """
import sys, time
from policykg.server.executor import QueryExecutor
pool = QueryExecutor(sys.argv[1], size=2)
pool.start()
print(pool.health()["zygote"]["pid"], *(w.process.pid for w in pool._workers), flush=True)
time.sleep(600)
"""


def test_the_zygote_and_its_workers_end_with_the_web_process(data_dir):
    web = subprocess.Popen([sys.executable, "-c", ORPHAN, str(data_dir)], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(pid) for pid in web.stdout.readline().split()]
        assert len(pids) == 3
    finally:
        web.kill()
        web.wait(30)
    deadline = threading.Event()
    for _ in range(100):
        if not any(_running(pid) for pid in pids):
            break
        deadline.wait(0.1)
    assert not any(_running(pid) for pid in pids)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_behind_a_descriptor_past_fd_setsize_is_seen_alive(pool):
    """A front end with hundreds of open connections gets pidfds numbered past select()'s 1,024."""
    import resource

    from policykg.server.zygote_handle import ForkedProcess

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if max(soft, hard) <= 2048:
        pytest.skip("cannot open a descriptor numbered past 2,048 here")
    if soft <= 2048:
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096 if hard == resource.RLIM_INFINITY else hard, hard))
    try:
        (worker, *_) = pool._workers
        high = os.dup2(worker.process.sentinel, 2040)
        far = ForkedProcess(worker.process.pid, high, pool._zygotes._current)
        assert far.is_alive() and not far.join(0.01)
        far.kill()
        assert far.join(30) and not worker.process.is_alive()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.usefixtures("network_sandbox")
def test_each_forked_worker_has_a_network_namespace_of_its_own(pool):
    """As when every worker entered the sandbox itself: none shares the host's namespace, the zygote's
    or a sibling's (a sibling's relays would otherwise be reachable, and hold its ports)."""
    def namespace(pid: int) -> str:
        return os.readlink(f"/proc/{pid}/ns/net")

    workers = {namespace(w.process.pid) for w in pool._workers}
    assert len(workers) == pool.size
    assert namespace(os.getpid()) not in workers and namespace(zygote(pool)["pid"]) not in workers


def test_health_endpoint_reports_the_zygote(client):
    client.get("/sparql", query_string={"query": "ASK {}"})
    body = client.get("/health").get_json()
    assert body["zygote"]["alive"] and body["zygote"]["loads"] >= 1 and body["zygote"]["build"] == body["build"]
