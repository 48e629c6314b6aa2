"""The front end (issue 11, High 5 and the Low items on bodies): slow and silent connections do not
take request threads, a request not read within the deadline is cut off, chunked bodies over the
limit are 413 and a bad chunk size is 400. Runs the real waitress server on a free loopback port."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from server_testkit import fetch

from policykg.server.wsgi import create_front_end

THREADS = 4  # small on purpose: more slow connections than threads


@pytest.fixture(scope="module")
def front_end(app, config) -> Iterator[str]:
    settings = config.with_changes(host="127.0.0.1", port=0, threads=THREADS, read_timeout=1.0)
    server = create_front_end(app, settings, query_lane=0, threads=THREADS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.effective_port}"
    server.task_dispatcher.shutdown()
    server.close()


def connect(address: str) -> socket.socket:
    host, port = address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    return sock


def exchange(address: str, raw: bytes) -> bytes:
    """Send raw bytes, read the whole answer (the server closes or the answer ends the read)."""
    with connect(address) as sock:
        sock.sendall(raw)  # with Connection: close, the server closes after answering
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_slow_headers_do_not_take_the_request_threads(front_end):
    slow = [connect(front_end) for _ in range(THREADS * 4)]
    try:
        for sock in slow:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # headers never finished
        answer = fetch(f"http://{front_end}/health", timeout=30)
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
    finally:
        for sock in slow:
            sock.close()


def test_slow_bodies_do_not_take_the_request_threads(front_end):
    slow = [connect(front_end) for _ in range(THREADS * 4)]
    try:
        for sock in slow:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 1000\r\n\r\nASK {")  # 995 bytes of body still to come
        answer = fetch(f"http://{front_end}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        for sock in slow:
            sock.close()


def test_a_request_not_received_within_the_deadline_is_cut_off(front_end):
    with connect(front_end) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\n")
        # keep dribbling header bytes: an inactivity timeout alone would never fire
        closed = False
        for _ in range(60):
            try:
                sock.sendall(b"X-A: b\r\n")
                sock.settimeout(0.5)
                closed = sock.recv(1024) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
            if closed:
                break
        assert closed, "the server kept reading a request that never ended"


def test_a_chunked_body_over_the_limit_is_413_not_truncated(front_end, config):
    query = b"ASK { ?s ?p ?o }" + b" " * config.max_body_bytes
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(query[i:i + 4096]), query[i:i + 4096])
                      for i in range(0, len(query), 4096))
    raw = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n")
    answer = exchange(front_end, raw)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_chunked_body_within_the_limit_is_read_whole(front_end):
    query = b"ASK { ?s ?p ?o }"
    raw = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
           b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           + b"%x\r\n%s\r\n0\r\n\r\n" % (len(query), query))
    answer = exchange(front_end, raw)
    assert answer.startswith(b"HTTP/1.1 200") and b'"boolean":true' in answer


@pytest.mark.parametrize("size", [b"zz", b"-1", b"\xff", b"1;x=\x00"])
def test_a_bad_chunk_size_is_a_client_error(front_end, size):
    raw = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + size + b"\r\nASK {}\r\n0\r\n\r\n")
    answer = exchange(front_end, raw)
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]
    assert b"Traceback" not in answer


def test_a_chunk_larger_than_the_limit_never_reaches_the_app(front_end):
    # the body can never be complete: the server waits for it until the read deadline, then hangs up
    raw = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + b"1" * 40 + b"\r\nASK {}\r\n0\r\n\r\n")
    answer = exchange(front_end, raw)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:200]


def test_a_running_query_is_stopped_when_its_client_hangs_up(front_end, app, caplog):
    import logging
    import time
    import urllib.parse

    admission = app.extensions["policykg"].admission
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    body = urllib.parse.urlencode({"query": slow}).encode()
    caplog.set_level(logging.INFO, logger="policykg.server.executor")
    with connect(front_end) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
        for _ in range(300):  # until the query holds a worker
            if admission.snapshot()["running"]:
                break
            time.sleep(0.1)
        assert admission.snapshot()["running"] == 1
    for _ in range(300):  # the client is gone: its worker is stopped, not left to the time limit
        if any("client hung up" in r.getMessage() for r in caplog.records) or not admission.snapshot()["running"]:
            break
        time.sleep(0.1)
    messages = [r.getMessage() for r in caplog.records]
    assert any("client hung up" in m for m in messages), messages
    assert not any("query stopped after" in m for m in messages)
