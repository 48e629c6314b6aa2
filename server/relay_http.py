"""The HTTP/1.1 side of the SERVICE relay (server/sandbox.py): read one request head, check and
rewrite it, and copy bytes between sockets."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

MAX_HEAD_BYTES = 64 * 1024
RELAY_TIMEOUT = 60.0
# What the relay asks a peer for instead of the engine's `application/sparql-results+json,
# application/sparql-results+xml`. The engine's JSON results parser (sparesults, pyoxigraph 0.5)
# fails on any member besides head/results/boolean: Comunica adds `"metadata"` after the bindings
# ("Unexpected JSON after the end of the bindings array"). Its XML parser reads the same results,
# and SPARQL XML results, the oldest standard results format, are served by every peer tested
# (Virtuoso 7.2, Comunica 4, policykg: tests/integration); JSON stays acceptable for a peer without.
# The engine's parser cannot be made lenient from here, and rewriting answers would mean parsing
# untrusted bodies in the relay; choosing the format does not.
RESULTS_ACCEPT = b"accept: application/sparql-results+xml, application/sparql-results+json;q=0.5"


class RelayError(OSError):
    """The client's request cannot be relayed."""


def read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > MAX_HEAD_BYTES:
            raise RelayError("request head too long")
        chunk = sock.recv(65536)
        if not chunk:
            raise RelayError("connection closed before the request head ended")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


@dataclass
class Request:
    method: bytes
    target: str
    lines: list[bytes]  # request line and header lines, without hop-by-hop headers
    length: int

    def header(self, name: bytes) -> bytes | None:
        for line in self.lines[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == name:
                return value.strip()
        return None

    def upstream(self, body: bytes) -> bytes:
        """The request to send on: `connection: close`; a direct `application/sparql-query` POST becomes
        the equivalent form POST (SPARQL 1.1 Protocol §2.1.2), which Virtuoso 7.2 answers and the
        direct form it never does; a request for SPARQL results asks for XML first (RESULTS_ACCEPT)."""
        lines = self.lines
        if b"application/sparql-results+" in (self.header(b"accept") or b"").lower():
            lines = [line for line in lines if line.partition(b":")[0].strip().lower() != b"accept"]
            lines.append(RESULTS_ACCEPT)
        media = (self.header(b"content-type") or b"").split(b";")[0].strip().lower()
        if self.method == b"POST" and media == b"application/sparql-query":
            body = b"query=" + quote_from_bytes(body, safe="").encode("ascii")
            lines = [line for line in lines if line.partition(b":")[0].strip().lower()
                     not in (b"content-type", b"content-length")]
            lines += [b"content-type: application/x-www-form-urlencoded", b"content-length: %d" % len(body)]
        return b"\r\n".join([*lines, b"connection: close"]) + b"\r\n\r\n" + body


def parse_head(head: bytes) -> Request | None:
    """The request line and headers, or None for anything but a plain HTTP/1.x origin-form request."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        return None
    try:
        target = parts[1].decode("ascii")
    except UnicodeDecodeError:
        return None
    if not target.startswith("/"):
        return None  # absolute-form or authority-form: not what a client of this address sends
    kept, lengths = [lines[0]], []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        key = name.strip().lower()
        if not sep or key == b"transfer-encoding":
            return None
        if key in (b"connection", b"keep-alive", b"proxy-connection"):
            continue
        if key == b"content-length":
            lengths.append(value.strip())
        kept.append(line)
    if len(set(lengths)) > 1 or (lengths and not lengths[0].isdigit()):
        return None
    return Request(parts[0], target, kept, int(lengths[0]) if lengths else 0)


def read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(min(65536, count - len(data)))
        if not chunk:
            break
        data += chunk
    return data


def refuse(client: socket.socket, status: str) -> None:
    body = b"refused by the SERVICE allow-list relay\n"
    client.sendall(f"HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {len(body)}\r\n"
                   "connection: close\r\n\r\n".encode("ascii") + body)


def pump(source: socket.socket, sink: socket.socket) -> None:
    while True:
        chunk = source.recv(65536)
        if not chunk:
            return
        sink.sendall(chunk)


def pipe_both(a: socket.socket, b: socket.socket) -> None:
    other = threading.Thread(target=_pump_quietly, args=(b, a), daemon=True)
    other.start()
    _pump_quietly(a, b)
    other.join(RELAY_TIMEOUT)


def _pump_quietly(source: socket.socket, sink: socket.socket) -> None:
    try:
        pump(source, sink)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass
