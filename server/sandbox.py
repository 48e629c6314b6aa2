"""A query worker's network: its own Linux network namespace, reachable only through an allow-list relay.

pyoxigraph (0.5) makes its own HTTP connections for SERVICE and offers no hook to veto them, and
any reading of the query text can disagree with the engine's parser. So the policy is enforced where
the connection is made: before it loads anything, each query worker process leaves the host's
network namespace (unshare(CLONE_NEWNET); as non-root with CLONE_NEWUSER too). Its new namespace has
only a loopback interface and no route out, so any SERVICE call fails whatever the query text says.

For each allow-listed endpoint the worker listens inside its namespace on the endpoint's loopback
address (127.0.0.0/8, ::1, localhost), or, for a host name, on a loopback alias that a private
/etc/hosts (mount namespace) maps the name to, at the endpoint's port. A connection there is relayed, after its HTTP
request line has been checked against the allow-list (server/service_policy.py), over a connection
made in the host namespace by a small connector process forked before the unshare; the connector
only ever connects to allow-listed host:port pairs, named by index, and hands the socket back over
a Unix socketpair (SCM_RIGHTS). Allow-listed non-loopback IP literals are not reachable (fail
closed; see docs/security.md). When no namespace can be created, the worker runs without one and refuses
every query that could contain SERVICE (fail closed, logged).
"""

from __future__ import annotations

import ctypes
import fcntl
import ipaddress
import logging
import os
import re
import signal
import socket
import struct
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field, replace

from .relay_http import RELAY_TIMEOUT, parse_head, pipe_both, pump, read_exactly, read_head, refuse
from .service_policy import Endpoint, path_allowed

log = logging.getLogger(__name__)

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
HOSTS_FILE = "/etc/hosts"
ALIAS_NETWORK = "127.77"  # loopback addresses standing in for allow-listed host names inside the namespace
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
PR_SET_PDEATHSIG = 1
CONNECT_TIMEOUT = 10.0
NEW_CHANNEL = 0xFFFFFFFF  # asks the connector for a private channel served by a connector of its own
SANDBOX_ENV = "POLICYKG_SANDBOX"  # "off": do not try namespaces (SERVICE is then refused outright)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class SandboxError(OSError):
    """The network namespace could not be set up."""


@dataclass
class Sandbox:
    """What a worker got: `isolated` when it runs in its own network namespace."""

    isolated: bool
    reason: str = ""
    method: str = ""  # "netns", or "userns+netns" without CAP_SYS_ADMIN
    relayed: tuple[Endpoint, ...] = ()
    unreachable: tuple[Endpoint, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # allow-listed host name → loopback alias
    _connector: socket.socket | None = field(default=None, repr=False)
    _connector_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def mode(self) -> str:
        return self.method if self.isolated else "none"

    def start_relays(self) -> None:
        """Listen on every allow-listed loopback address:port inside the namespace (threads)."""
        groups: dict[tuple[str, int], list[int]] = defaultdict(list)
        for index, endpoint in enumerate(self.relayed):
            if endpoint.host in self.aliases:
                addresses = [self.aliases[endpoint.host]]
            else:
                addresses = _bind_addresses(endpoint.host)
            for address in addresses:
                groups[(address, endpoint.port)].append(index)
        for (address, port), indexes in groups.items():
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            try:
                listener = socket.create_server((address, port), family=family, backlog=64)
            except OSError as exc:
                log.warning("SERVICE relay cannot listen on %s:%s: %s", address, port, exc)
                continue
            threading.Thread(target=self._accept, args=(listener, tuple(indexes)), daemon=True,
                             name=f"service-relay-{port}").start()

    def for_worker(self) -> Sandbox:
        """The sandbox of one worker forked from this (zygote) process: the same namespaces, with a
        connector channel of its own, since two processes sharing one channel could read each other's
        connections. Call before the fork; the parent then calls `release()` on the copy."""
        if self._connector is None:
            return replace(self, _connector_lock=threading.Lock())
        with self._connector_lock:
            self._connector.sendall(NEW_CHANNEL.to_bytes(4, "big"))
            message, fds, _flags, _addr = socket.recv_fds(self._connector, 1, 1)
        if message != b"\x00" or not fds:
            raise SandboxError(0, "the SERVICE connector could not open a channel for a new worker")
        return replace(self, _connector=socket.socket(fileno=fds[0]), _connector_lock=threading.Lock())

    def enter_own_network(self) -> None:
        """In a worker forked from the zygote, before it starts a thread: a network namespace of its own,
        as a worker that entered the sandbox itself had. Workers sharing the zygote's namespace could
        reach one another's relays, and a second worker could not listen on an allow-listed port the
        first one holds. The zygote's namespace (or its user namespace, where this process is root)
        lets it unshare again; should that fail, the worker stays in the zygote's namespace, which
        has no route to the host either."""
        if not self.isolated:
            return
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNET) != 0:
            log.warning("query worker %d shares its zygote's network namespace: unshare(CLONE_NEWNET): %s",
                        os.getpid(), os.strerror(ctypes.get_errno()))
            return
        if self.relayed:
            _bring_loopback_up()

    def release(self) -> None:
        """Close this copy's connector channel (in the zygote, after the worker that owns it was forked)."""
        if self._connector is not None:
            self._connector.close()

    def refuses_text(self, query: str) -> bool:
        """Without a namespace: whether a query could contain SERVICE (a deliberately broad test)."""
        if self.isolated:
            return False
        decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
        return "service" in decoded.casefold()

    # -- relay ------------------------------------------------------------------------------

    def _accept(self, listener: socket.socket, indexes: tuple[int, ...]) -> None:
        while True:
            client, _ = listener.accept()
            threading.Thread(target=self._relay, args=(client, indexes), daemon=True).start()

    def _relay(self, client: socket.socket, indexes: tuple[int, ...]) -> None:
        upstream = None
        try:
            client.settimeout(RELAY_TIMEOUT)
            endpoints = [(i, self.relayed[i]) for i in indexes]
            https = [(i, e) for i, e in endpoints if e.scheme == "https"]
            if https:  # TLS: only host and port can be checked (documented)
                upstream = self._connect(https[0][0])
                if upstream is None:
                    return
                pipe_both(client, upstream)
                return
            head, rest = read_head(client)
            request = parse_head(head)
            if request is None:
                refuse(client, "400 Bad Request")
                return
            chosen = next((i for i, e in endpoints if path_allowed(request.target, e.path)), None)
            if chosen is None:
                log.warning("SERVICE relay refused request target %r", request.target[:200])
                refuse(client, "403 Forbidden")
                return
            upstream = self._connect(chosen)
            if upstream is None:
                refuse(client, "502 Bad Gateway")
                return
            body = rest + read_exactly(client, max(0, request.length - len(rest)))
            upstream.sendall(request.upstream(body[: request.length]))
            pump(upstream, client)
        except OSError as exc:
            log.debug("SERVICE relay: %s", exc)
        finally:
            client.close()
            if upstream is not None:
                upstream.close()

    def _connect(self, index: int) -> socket.socket | None:
        """A connection to allow-listed endpoint `index`, made in the host namespace by the connector."""
        if self._connector is None:
            return None
        with self._connector_lock:
            self._connector.sendall(index.to_bytes(4, "big"))
            message, fds, _flags, _addr = socket.recv_fds(self._connector, 1, 1)
        if message != b"\x00" or not fds:
            return None
        upstream = socket.socket(fileno=fds[0])
        upstream.settimeout(RELAY_TIMEOUT)
        return upstream


def enter(endpoints: tuple[Endpoint, ...]) -> Sandbox:
    """Move this (single-threaded) process into its own network namespace; see the module docstring.

    Must run before the process starts any thread: unshare(CLONE_NEWNET) moves the calling thread only,
    and CLONE_NEWUSER needs a single-threaded process.
    """
    named = tuple(e for e in endpoints if not e.is_loopback and not _is_ip(e.host))
    relayed = tuple(e for e in endpoints if e.is_loopback) + named
    unreachable = tuple(e for e in endpoints if not e.is_loopback and _is_ip(e.host))
    if os.environ.get(SANDBOX_ENV, "").lower() in ("off", "0", "no", "false"):
        return Sandbox(False, f"{SANDBOX_ENV}=off")
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        return Sandbox(False, f"the process already runs {threads} threads")
    connector = _fork_connector(relayed) if relayed else None
    try:
        method = _unshare_network()
        if relayed:
            _bring_loopback_up()
    except OSError as exc:
        if connector is not None:
            connector.close()
        return Sandbox(False, str(exc))
    hosts = sorted({e.host for e in named})
    aliases = {host: f"{ALIAS_NETWORK}.{i // 250}.{i % 250 + 1}" for i, host in enumerate(hosts)}
    if aliases:
        try:
            _private_hosts_file(aliases)
        except OSError as exc:  # keep the isolation; those endpoints are then simply unreachable
            log.warning("allow-listed host names are unreachable: no private %s (%s)", HOSTS_FILE, exc)
            relayed = tuple(e for e in relayed if e.host not in aliases)
            unreachable += named
            aliases = {}
    return Sandbox(True, "", method, relayed, unreachable, aliases, connector)


# -- namespaces -----------------------------------------------------------------------------


def _unshare_network() -> str:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return "netns"
    first = ctypes.get_errno()
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise SandboxError(errno, f"unshare(CLONE_NEWNET): {os.strerror(first)}; "
                                  f"with CLONE_NEWUSER: {os.strerror(errno)}")
    # map our own ids so that files keep their owner; root inside may configure its own namespace
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"0 {uid} 1")
    _write("/proc/self/gid_map", f"0 {gid} 1")
    return "userns+netns"


def _private_hosts_file(aliases: dict[str, str]) -> None:
    """In a mount namespace of its own, show this process an /etc/hosts that maps each allow-listed
    host name to its loopback alias, where the relay listens (the connector resolves the real name)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        raise SandboxError(ctypes.get_errno(), "unshare(CLONE_NEWNS): " + os.strerror(ctypes.get_errno()))
    if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise SandboxError(ctypes.get_errno(), "making mounts private: " + os.strerror(ctypes.get_errno()))
    lines = ["127.0.0.1 localhost", "::1 localhost"] + [f"{address} {host}" for host, address in aliases.items()]
    fd, path = tempfile.mkstemp(prefix="policykg-hosts-")
    try:
        os.write(fd, ("\n".join(lines) + "\n").encode("ascii"))
        os.fchmod(fd, 0o644)
        if libc.mount(path.encode(), HOSTS_FILE.encode(), None, MS_BIND, None) != 0:
            errno = ctypes.get_errno()
            raise SandboxError(errno, f"bind-mounting {HOSTS_FILE}: {os.strerror(errno)}")
    finally:
        os.close(fd)
        os.unlink(path)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)


def _bring_loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | IFF_UP, b""))


def _bind_addresses(host: str) -> list[str]:
    return ["127.0.0.1", "::1"] if host == "localhost" else [host]


# -- connector (stays in the host namespace) --------------------------------------------------


def _fork_connector(endpoints: tuple[Endpoint, ...]) -> socket.socket:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the forked child
        try:
            ours.close()
            _close_other_fds(theirs.fileno())
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            _serve_connections(theirs, endpoints)
        finally:
            os._exit(0)
    theirs.close()
    return ours


def _close_other_fds(keep: int) -> None:
    """The connector must not hold the worker's pipe to the web process (it would hide the worker's death)."""
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))


def _serve_connections(sock: socket.socket, endpoints: tuple[Endpoint, ...]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the channel connectors forked below reap themselves
    while True:
        data = read_exactly(sock, 4)
        if len(data) < 4:
            return
        index = int.from_bytes(data, "big")
        if index == NEW_CHANNEL:
            channel = _fork_connector(endpoints)
            socket.send_fds(sock, [b"\x00"], [channel.fileno()])
            channel.close()
            continue
        if index >= len(endpoints):
            sock.sendall(b"\x01")
            continue
        endpoint = endpoints[index]
        host = "127.0.0.1" if endpoint.host == "localhost" else endpoint.host
        try:
            upstream = socket.create_connection((host, endpoint.port), timeout=CONNECT_TIMEOUT)
        except OSError:
            sock.sendall(b"\x01")
            continue
        socket.send_fds(sock, [b"\x00"], [upstream.fileno()])
        upstream.close()
