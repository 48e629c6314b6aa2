"""Admission control (issue 11, High 4): cheap requests never queue behind arbitrary queries; the query
lane has a bounded queue and a per-client limit, answers 503 + Retry-After when full, and drops
queries whose client has gone. No wall-clock assertions: the query lane is saturated by jobs that
block on an Event until the test releases them."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from server_testkit import DOC, FIXTURES

from policykg.server.admission import QueryAdmission, SharedClientShares
from policykg.server.app import create_app
from policykg.server.config import ServerConfig
from policykg.server.errors import Overloaded
from policykg.server.executor import SparqlAnswer

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{DOC}> ?p ?o }}"


def wait_until(condition, attempts: int = 2000) -> None:
    """Poll `condition` (bounded), for states reached by other threads."""
    event = threading.Event()
    for _ in range(attempts):
        if condition():
            return
        event.wait(0.01)
    raise AssertionError("condition not reached")


# -- the admission policy on its own ------------------------------------------------------------


def test_a_client_over_its_share_is_refused_with_retry_after():
    admission = QueryAdmission(running=4, queued=4, per_client=1, max_wait=60, retry_after=7)
    with admission.slot("a"):
        with pytest.raises(Overloaded) as refused, admission.slot("a"):
            pass
        assert refused.value.status == 503 and refused.value.headers["Retry-After"] == "7"
        with admission.slot("b"):  # another client still gets in
            pass


@pytest.mark.skipif(not hasattr(os, "fork"), reason="front-end processes are forked")
def test_a_clients_share_is_counted_across_front_end_processes():
    shares = SharedClientShares()
    here = QueryAdmission(running=4, queued=4, per_client=2, max_wait=60, shares=shares)
    taken, done = os.pipe()
    child = os.fork()
    if child == 0:  # another front end: holds two of client a's queries until told to stop
        there = QueryAdmission(running=4, queued=4, per_client=2, max_wait=60, shares=shares)
        with there.slot("a"), there.slot("a"):
            os.write(done, b"x")
            time.sleep(30)
        os._exit(0)
    try:
        assert os.read(taken, 1) == b"x"
        with pytest.raises(Overloaded), here.slot("a"):
            pass
        with here.slot("b"):  # another client is not affected
            pass
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        os.close(taken)
        os.close(done)


def test_a_refused_query_gives_its_share_back():
    shares = SharedClientShares()
    admission = QueryAdmission(running=1, queued=0, per_client=5, max_wait=60, shares=shares)
    with admission.slot("a"):
        for _ in range(3):  # queue full: refused, and the refusal does not use up a's share
            with pytest.raises(Overloaded), admission.slot("a"):
                pass
    assert shares.take("a", 1) == 0  # nothing left counted for a


def test_the_front_ends_split_the_workers_the_queue_and_the_connections():
    config = ServerConfig(workers=3, query_queue=5, connection_limit=1000, processes=2)
    assert config.front_ends() == 2
    shares = [config.share(2, index) for index in range(2)]
    assert [c.workers for c in shares] == [2, 1]
    assert sum(c.query_queue for c in shares) == 5 and sum(c.connection_limit for c in shares) == 1000
    assert all(c.client_queries == config.client_queries for c in shares)  # counted across them instead
    assert ServerConfig(workers=1, processes=4).front_ends() == 1  # each front end needs a worker
    assert ServerConfig(workers=2, processes=1).share(1, 0) == ServerConfig(workers=2, processes=1)


def test_the_queue_is_bounded():
    admission = QueryAdmission(running=1, queued=1, per_client=10, max_wait=60)
    release, entered = threading.Event(), threading.Event()

    def hold():
        with admission.slot("a"):
            entered.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait(30)
    waiter = threading.Thread(target=lambda: admission.slot("b").__enter__())
    waiter.start()
    wait_until(lambda: admission.snapshot()["waiting"] == 1)
    with pytest.raises(Overloaded), admission.slot("c"):
        pass
    release.set()
    holder.join(30)
    waiter.join(30)


def test_a_waiting_query_whose_client_hung_up_never_runs():
    admission = QueryAdmission(running=1, queued=4, per_client=10, max_wait=60)
    gone = threading.Event()
    ran, outcome = [], []

    def waiting_client():
        try:
            with admission.slot("b", disconnected=gone.is_set):
                ran.append("b")
        except Overloaded as exc:
            outcome.append(exc)

    with admission.slot("a"):
        waiter = threading.Thread(target=waiting_client)
        waiter.start()
        wait_until(lambda: admission.snapshot()["waiting"] == 1)
        gone.set()
        waiter.join(30)
        assert admission.snapshot()["waiting"] == 0
    assert ran == [] and len(outcome) == 1
    with admission.slot("c"):  # its place was given back
        assert admission.snapshot()["running"] == 1


def test_waiting_queries_start_in_arrival_order():
    admission = QueryAdmission(running=1, queued=4, per_client=10, max_wait=60)
    order: list[str] = []

    def client(name: str):
        with admission.slot(name):
            order.append(name)

    with admission.slot("first"):
        threads = []
        for index, name in enumerate(("b", "c", "d")):
            thread = threading.Thread(target=client, args=(name,))
            thread.start()
            threads.append(thread)
            wait_until(lambda n=index + 1: admission.snapshot()["waiting"] == n)
    for thread in threads:
        thread.join(30)
    assert order == ["b", "c", "d"]


# -- the app: cheap lane answered while the query lane is saturated ----------------------------


class BlockingQueries:
    """Stands in for the executor's run_sparql: every arbitrary query blocks until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = 0
        self.lock = threading.Lock()

    def __call__(self, job, timeout, disconnected=None):
        with self.lock:
            self.started += 1
        self.release.wait(60)
        return SparqlAnswer("boolean", "json", b'{"head":{},"boolean":true}')


@pytest.fixture
def saturated(data_dir) -> Iterator[tuple]:
    config = ServerConfig(data_dir=data_dir, workers=2, query_queue=2, client_queries=2, query_timeout=60,
                          queries_dir=FIXTURES / "queries")
    app = create_app(config)
    server_state = app.extensions["policykg"]
    blocking = BlockingQueries()
    server_state.executor.run_sparql = blocking
    client = app.test_client()
    answers: list = []

    def expensive(address: str):
        answers.append(client.get("/sparql", query_string={"query": EXPENSIVE},
                                  headers={"Accept": "application/sparql-results+json"},
                                  environ_base={"REMOTE_ADDR": address}))

    threads = [threading.Thread(target=expensive, args=(f"10.0.0.{n // 2}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    wait_until(lambda: server_state.admission.snapshot()["running"] == 2
               and server_state.admission.snapshot()["waiting"] == 2)
    try:
        yield client, server_state, blocking
    finally:
        blocking.release.set()
        for thread in threads:
            thread.join(60)
        server_state.executor.close()
    assert [answer.status_code for answer in answers] == [200] * 4


def test_cheap_requests_are_answered_while_every_query_slot_is_blocked(saturated):
    client, server_state, blocking = saturated
    assert blocking.started == 2
    health = client.get("/health")
    assert health.status_code == 200 and health.get_json()["queries"]["waiting"] == 2
    page = client.get(DOC.removeprefix("https://w3id.org/policykg"), headers={"Accept": "text/html"})
    assert page.status_code == 200
    turtle = client.get(DOC.removeprefix("https://w3id.org/policykg") + ".ttl")
    assert turtle.status_code == 200 and b"@prefix" in turtle.data
    lookup = client.get("/sparql", query_string={"query": LOOKUP},
                        headers={"Accept": "application/sparql-results+json"})
    assert lookup.status_code == 200
    assert lookup.get_json()["results"]["bindings"], "the lookup found the document's triples"
    assert blocking.started == 2  # none of these went to the query workers


def test_a_full_query_lane_answers_503_with_retry_after(saturated):
    client, server_state, blocking = saturated
    refused = client.get("/sparql", query_string={"query": EXPENSIVE}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) > 0
    assert "queue" in refused.get_data(as_text=True)
    # a client that already has its share is refused even before the queue is considered
    again = client.get("/sparql", query_string={"query": EXPENSIVE}, environ_base={"REMOTE_ADDR": "10.0.0.0"})
    assert again.status_code == 503 and "this client already has 2" in again.get_data(as_text=True)
    assert blocking.started == 2


def test_analysis_views_take_a_query_slot_like_any_worker_query(client, app, monkeypatch):
    # the views run their (fixed) queries in the workers: without a slot, a flood of view requests
    # would hold request threads and workers past admission control
    admission = QueryAdmission(running=1, queued=0, per_client=1, max_wait=1.0)
    monkeypatch.setattr(app.extensions["policykg"], "admission", admission)
    with admission.slot("127.0.0.1"):
        busy = client.get("/analysis/groups")
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert client.get("/analysis/groups").status_code == 200
