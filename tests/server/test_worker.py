"""A query worker's answers (server/worker.py `answer`), run in this process: every error becomes a typed
Failure that the web process raises; nothing a request does escapes as an exception."""

from __future__ import annotations

import errno
import pickle

import pyoxigraph as ox
import pytest
from server_testkit import fixture_quads

from policykg.kg.dataset import QueryDatasets, materialise_default_graph
from policykg.server.errors import (
    InsufficientStorage,
    NotAcceptable,
    QueryFailed,
    QuerySyntaxError,
    ResultTooLarge,
    ServiceNotAllowed,
)
from policykg.server.jobs import DatasetSpec, Failure, ReadJob, Reply, SparqlJob
from policykg.server.operations import READ_OPERATIONS
from policykg.server.sandbox import Sandbox
from policykg.server.worker import answer

OPEN = Sandbox(isolated=False, reason="a test in this process")


@pytest.fixture(scope="module")
def datasets() -> QueryDatasets:
    asserted, inferred = fixture_quads()
    store = ox.Store()
    store.extend(asserted + inferred)
    materialise_default_graph(store)
    return QueryDatasets(store)


def failure(reply: Reply) -> Failure:
    assert reply.failure is not None, reply
    return reply.failure


def test_an_answer_carries_the_serialised_result(datasets):
    reply = answer(datasets, SparqlJob("ASK { ?s ?p ?o }"), OPEN)
    assert reply.failure is None and reply.result().body == b'{"head":{},"boolean":true}'


@pytest.mark.parametrize(("job", "error", "message"), [
    (SparqlJob("SELECT"), QuerySyntaxError, "1:"),
    (SparqlJob("SELECT * { ?s ?p ?o }", max_result_bytes=10), ResultTooLarge, "not sent in part"),
    (SparqlJob("ASK {}", results_format=None), NotAcceptable, "SELECT/ASK"),
    (SparqlJob("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=None), NotAcceptable, "RDF graph"),
    (SparqlJob("ASK { SERVICE <http://example.org/sparql> {} }"), ServiceNotAllowed, "SERVICE"),
    (ReadJob("no_such_operation"), QueryFailed, "no read operation named 'no_such_operation'"),
    (ReadJob("describe_resource", ("not an iri",)), QueryFailed, "ValueError"),
    ("not a job", QueryFailed, "cannot run str"),
])
def test_each_error_is_typed(datasets, job, error, message):
    found = failure(answer(datasets, job, OPEN))
    assert found.error is error and message in found.message
    with pytest.raises(error, match=message.replace("(", r"\(")):
        Reply(failure=found).result()


def test_an_unexpected_exception_in_an_operation_is_a_failure_not_a_crash(datasets, monkeypatch):
    def broken(store):
        return {}["missing"]  # a bug: KeyError, outside every expected error

    monkeypatch.setitem(READ_OPERATIONS, "broken", broken)
    found = failure(answer(datasets, ReadJob("broken"), OPEN))
    assert found.error is QueryFailed and "KeyError" in found.message


def test_a_full_disk_in_a_read_operation_is_said_so(datasets, monkeypatch):
    def disk_full(store, path):
        raise OSError(errno.ENOSPC, "No space left on device", path)

    monkeypatch.setitem(READ_OPERATIONS, "disk_full", disk_full)
    found = failure(answer(datasets, ReadJob("disk_full", ("/x.ttl",)), OPEN))
    assert found.error is InsufficientStorage and "No space left" in found.message


def test_running_out_of_memory_names_the_limit(datasets, monkeypatch):
    def hungry(store):
        raise MemoryError

    monkeypatch.setitem(READ_OPERATIONS, "hungry", hungry)
    found = failure(answer(datasets, ReadJob("hungry"), OPEN, memory_limit=512 << 20))
    assert found.error is QueryFailed and "(512 MiB)" in found.message


def test_failures_cross_the_process_boundary_as_classes():
    sent = Reply(failure=Failure(QuerySyntaxError, "1:7: unexpected end"))
    received = pickle.loads(pickle.dumps(sent))
    with pytest.raises(QuerySyntaxError, match="unexpected end") as caught:
        received.result()
    assert caught.value.status == 400


def test_the_protocol_dataset_is_the_merge_of_the_graphs_named(datasets):
    vocabulary = "https://w3id.org/policykg/graph/vocabulary"
    job = SparqlJob("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", DatasetSpec((vocabulary,), protocol=True))
    count = answer(datasets, job, OPEN).result().body
    expected = sum(1 for _ in datasets.store.quads_for_pattern(None, None, None, ox.NamedNode(vocabulary)))
    assert f'"value":"{expected}"'.encode() in count
