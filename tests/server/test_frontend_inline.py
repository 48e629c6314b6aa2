"""The front end answers /sparql lookups in its main loop (server/wsgi.py, `inline`): the same answers
as from a request thread, in order on a kept-alive connection, while anything else still takes a
request thread. Runs the real waitress server on a free loopback port."""

from __future__ import annotations

import socket
import threading
import urllib.parse
from collections.abc import Iterator

import pytest
from server_testkit import DOC, fetch

from policykg.server.wsgi import create_front_end, inline_lookups

LOOKUP = f"SELECT ?p ?o WHERE {{ <{DOC}> ?p ?o }}"
NOT_A_LOOKUP = "ASK { ?s ?p ?o . ?o ?q ?r }"


class Recorder:
    """The app, noting which thread answered each request (by its query)."""

    def __init__(self, app) -> None:
        self.app = app
        self.threads: dict[str, int] = {}

    def __call__(self, environ, start_response):
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("query", [""])[0]
        if environ["REQUEST_METHOD"] == "POST":
            query = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
            environ["wsgi.input"].seek(0)
            query = urllib.parse.parse_qs(query).get("query", [query])[0]
        self.threads[query] = threading.get_ident()
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def served(app, config) -> Iterator[tuple[str, Recorder, object]]:
    recorder = Recorder(app)
    settings = config.with_changes(host="127.0.0.1", port=0, threads=4)
    server = create_front_end(recorder, settings, query_lane=0, threads=4,
                              inline=inline_lookups(app.extensions["policykg"].local))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", recorder, server
    server.task_dispatcher.shutdown()
    server.close()


def test_a_lookup_is_answered_in_the_main_loop_with_the_threaded_answer(served, client):
    base, recorder, server = served
    fetch(base + "/sparql", params={"query": LOOKUP})  # the first one opens the build, in a thread
    answer = fetch(base + "/sparql", params={"query": LOOKUP}, headers={"Accept": "text/csv"})
    assert recorder.threads[LOOKUP] == server.loop_thread
    expected = client.get("/sparql", query_string={"query": LOOKUP}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.content == expected.data
    headers = {name.lower(): value for name, value in answer.headers.items()}
    assert headers["access-control-allow-origin"] == "*" and headers["etag"] == expected.headers["ETag"]


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_a_posted_lookup_is_answered_in_the_main_loop(served, content_type):
    base, recorder, server = served
    fetch(base + "/sparql", params={"query": LOOKUP})
    query = LOOKUP.replace("?o", "?value")
    body = query if content_type == "application/sparql-query" else urllib.parse.urlencode({"query": query})
    answer = fetch(base + "/sparql", method="POST", data=body.encode(),
                   headers={"Content-Type": content_type, "Accept": "text/csv"})
    assert answer.status_code == 200 and answer.text.startswith("p,value")
    assert recorder.threads[query] == server.loop_thread


def test_any_other_query_takes_a_request_thread(served):
    base, recorder, server = served
    answer = fetch(base + "/sparql", params={"query": NOT_A_LOOKUP})
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    assert recorder.threads[NOT_A_LOOKUP] != server.loop_thread


def test_pipelined_requests_are_answered_in_order(served):
    base, recorder, server = served
    fetch(base + "/sparql", params={"query": LOOKUP})
    host, port = base.removeprefix("http://").split(":")
    queries = [LOOKUP, NOT_A_LOOKUP, LOOKUP.replace("?p", "?property"), LOOKUP]
    raw = b"".join(b"GET /sparql?%s HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n%s\r\n"
                   % (urllib.parse.urlencode({"query": q}).encode(), b"Connection: close\r\n" if i == 3 else b"")
                   for i, q in enumerate(queries))
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answers = b"".join(chunks).split(b"HTTP/1.1 200 OK")[1:]
    assert len(answers) == 4
    firsts = [answer.split(b"\r\n\r\n", 1)[1].split(b"\r\n", 1)[0] for answer in answers]
    assert firsts == [b"p,o", b"true", b"property,o", b"p,o"]


def test_a_choice_that_fails_sends_the_request_to_a_thread(served, monkeypatch):
    base, recorder, server = served

    def broken(request):
        raise ValueError("unreadable")

    monkeypatch.setattr(server, "inline", broken)
    query = LOOKUP.replace("?p", "?q")
    answer = fetch(base + "/sparql", params={"query": query})
    assert answer.status_code == 200
    assert recorder.threads[query] != server.loop_thread
