"""SERVICE is enforced where the connection is made: the query workers' own network namespace.

Each test counts the connections that a loopback listener in the host's namespace receives: the
query text's reading (server/query_text.py) is deliberately not what stands between a query and it.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from policykg.server.errors import ServiceFailed, ServiceNotAllowed
from policykg.server.executor import QueryExecutor, SparqlJob, WorkerSettings
from policykg.server.service_policy import parse_allowlist

SOLUTIONS = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]}}


class Listener:
    """A loopback TCP listener that counts connections (and answers nothing)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


class SparqlStub:
    """A loopback HTTP server answering every POST with one solution; records request paths."""

    def __init__(self) -> None:
        paths = self.paths = []
        bodies = self.bodies = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                paths.append(self.path)
                bodies.append((self.headers.get("Content-Type"),
                               self.rfile.read(int(self.headers.get("Content-Length", 0)))))
                body = json.dumps(SOLUTIONS).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hidden_service(target: str, quote: str = '"""') -> str:
    """The bypass of issue 11: the tokenizer reads a string where the engine reads a comment."""
    return f"SELECT * WHERE {{\n  ?s ?p ?o# {quote}\n  SERVICE <{target}> {{ ?x ?y ?z }}\n  # {quote}\n}} LIMIT 1"


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


@pytest.mark.parametrize("quote", ['"""', "'''"])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.1", "[::ffff:127.0.0.1]"])
def test_hidden_service_makes_no_connection(client, listener, host, quote):
    query = hidden_service(f"http://{host}:{listener.port}/x", quote)
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code in (403, 502), response.get_data(as_text=True)
    assert listener.connections == 0


@pytest.mark.usefixtures("network_sandbox")
def test_open_and_closed_ports_fail_alike(client, listener):
    closed = Listener()
    closed.close()
    bodies = []
    for port in (listener.port, closed.port):
        response = client.get("/sparql", query_string={"query": hidden_service(f"http://127.0.0.1:{port}/x")})
        bodies.append((response.status_code, response.get_data(as_text=True)))
    assert bodies[0] == bodies[1]
    assert bodies[0][0] == 502 and "allow-list" in bodies[0][1]
    assert listener.connections == 0


@pytest.mark.usefixtures("network_sandbox")
def test_health_says_the_workers_are_isolated(client):
    client.get("/sparql", query_string={"query": "ASK {}"})
    assert client.application.extensions["policykg"].executor.health()["sandbox"] in (["netns"], ["userns+netns"])


@pytest.fixture
def stub():
    server = SparqlStub()
    yield server
    server.close()


@pytest.mark.usefixtures("network_sandbox")
def test_allow_listed_endpoint_is_relayed_with_its_path_checked(data_dir, stub, listener):
    settings = WorkerSettings(parse_allowlist((f"http://127.0.0.1:{stub.port}/sparql",)))
    pool = QueryExecutor(data_dir, size=1, settings=settings)
    try:
        query = f"SELECT ?x {{ SERVICE <http://127.0.0.1:{stub.port}/sparql> {{ ?x ?y ?z }} }}"
        answer = pool.run_sparql(SparqlJob(query), timeout=20)
        assert json.loads(answer.body)["results"]["bindings"][0]["x"]["value"] == "remote"
        assert stub.paths == ["/sparql"]
        # the engine's direct POST arrives as the equivalent form POST (what Virtuoso 7.2 answers)
        media, body = stub.bodies[0]
        assert media == "application/x-www-form-urlencoded"
        assert parse_qs(body.decode())["query"][0].startswith("SELECT")
        # the executor is called directly: no early check of the text, only the relay stands in the way
        for target in (f"http://127.0.0.1:{stub.port}/sparql/../../x", f"http://127.0.0.1:{stub.port}/sparqlx",
                       f"http://127.0.0.1:{stub.port}/", f"http://127.0.0.1:{listener.port}/sparql"):
            with pytest.raises(ServiceFailed):
                pool.run_sparql(SparqlJob(hidden_service(target)), timeout=20)
        assert stub.paths == ["/sparql"]
        assert listener.connections == 0
        assert pool.health()["ok"]
    finally:
        pool.close()


def test_without_a_namespace_service_is_refused(data_dir, listener, monkeypatch):
    monkeypatch.setenv("POLICYKG_SANDBOX", "off")  # what a machine without namespaces gets
    pool = QueryExecutor(data_dir, size=1)
    try:
        assert pool.run_sparql(SparqlJob("ASK { ?s ?p ?o }"), timeout=20).body.endswith(b"true}")
        for query in (hidden_service(f"http://127.0.0.1:{listener.port}/x"),
                      f"SELECT * {{ \\u0053ERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} }}"):
            with pytest.raises(ServiceNotAllowed, match="cannot isolate"):
                pool.run_sparql(SparqlJob(query), timeout=20)
        assert listener.connections == 0
        assert pool.health()["sandbox"] == ["none"]
    finally:
        pool.close()


ISOLATION_PROBE = """
import socket, sys
from policykg.server.sandbox import enter
sandbox = enter(())
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    print(sandbox.mode, "connected")
except OSError:
    print(sandbox.mode, "unreachable")
"""


@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs util-linux setpriv to drop CAP_SYS_ADMIN")
@pytest.mark.usefixtures("network_sandbox")
def test_without_cap_sys_admin_a_user_namespace_isolates(listener):
    """What a non-root deployment gets: unshare(CLONE_NEWUSER | CLONE_NEWNET)."""
    command = [shutil.which("setpriv"), "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin",
               sys.executable, "-c", ISOLATION_PROBE, str(listener.port)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if "setpriv:" in result.stderr:
        pytest.skip(f"setpriv cannot drop capabilities here: {result.stderr.strip()}")
    assert result.stdout.split() == ["userns+netns", "unreachable"], result.stderr
    assert listener.connections == 0


def loopback_alias_name() -> str | None:
    """A host name other than `localhost` that this machine's /etc/hosts maps to 127.0.0.1, if any."""
    try:
        lines = open("/etc/hosts", encoding="utf-8").read().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if fields and fields[0] == "127.0.0.1":
            names = [n for n in fields[1:] if n != "localhost" and "." not in n]
            if names:
                return names[0]
    return None


@pytest.mark.skipif(loopback_alias_name() is None, reason="/etc/hosts names no loopback host besides localhost")
@pytest.mark.usefixtures("network_sandbox")
def test_allow_listed_host_name_is_resolved_to_the_relay_inside_the_namespace(data_dir, stub, listener):
    """A host name (not a loopback literal) gets a private /etc/hosts entry pointing at the relay."""
    name = loopback_alias_name()
    allowlist = parse_allowlist((f"http://{name}:{stub.port}/sparql",))
    pool = QueryExecutor(data_dir, size=1, settings=WorkerSettings(allowlist))
    try:
        query = f"SELECT ?x {{ SERVICE <http://{name}:{stub.port}/sparql> {{ ?x ?y ?z }} }}"
        assert json.loads(pool.run_sparql(SparqlJob(query), timeout=20).body)["results"]["bindings"]
        for target in (f"http://{name}:{stub.port}/x", f"http://{name}:{listener.port}/sparql",
                       f"http://127.0.0.1:{stub.port}/sparql"):
            with pytest.raises(ServiceFailed):
                pool.run_sparql(SparqlJob(hidden_service(target)), timeout=20)
        assert stub.paths == ["/sparql"] and listener.connections == 0
    finally:
        pool.close()
