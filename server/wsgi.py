"""The front end: waitress reads every request in full before it takes a request thread.

`policykg serve` runs the app under waitress. Its asynchronous main loop reads headers and body
of every connection (bodies over `inbuf_overflow` spill to a temporary file) and hands a request
to a thread only once it is complete, so slow or silent connections cost a socket, not a thread.
Two limits are added to waitress's own (`max_request_header_size`, `max_request_body_size` → 413
also for chunked bodies, `channel_timeout` for idle connections, `connection_limit`):

* a request's headers and body must arrive within `read_timeout` seconds of its first byte
  (a slowloris client that sends one byte every few seconds is cut off, which waitress's
  inactivity timeout alone would not do);
* the thread pool is larger than what admission control lets queries hold
  (server/admission.py), so cheap requests always find a thread.

Why waitress (measured with bench/attack.py and bench/endpoint_frontends.py, see docs/security.md):
it buffers whole requests like uvicorn/hypercorn do but runs the WSGI app directly, without an
ASGI bridge, and tells the app when a client has gone (`waitress.client_disconnected`), which
admission control uses to drop abandoned queries.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from collections.abc import Callable

from flask import Flask
from waitress.adjustments import Adjustments
from waitress.buffers import OverflowableBuffer
from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from .admission import SharedClientShares
from .app import create_app
from .config import ServerConfig
from .errors import GraphUnavailable
from .lookup import INLINE_REQUEST_BYTES, LocalStore
from .prefork import listening_socket, run_children
from .sparql_lane import SparqlLane
from .state import EXTENSION_KEY

log = logging.getLogger(__name__)
access_log = logging.getLogger("policykg.access")

CHEAP_THREADS = 8  # request threads that admission control never lets arbitrary queries hold
MAX_HEADER_BYTES = 64 << 10
MAINTENANCE_SECONDS = 1  # how often deadlines are checked


def create(config: ServerConfig | None = None) -> Flask:
    """WSGI application factory (configuration from POLICYKG_* variables by default)."""
    return create_app(config or ServerConfig.from_env())


def application(environ, start_response):
    """A module-level WSGI callable, created on first use (`waitress-serve policykg.server.wsgi:application`)."""
    global _application
    if _application is None:
        _application = create()
    return _application(environ, start_response)


_application: Flask | None = None


class DeadlineChannel(HTTPChannel):
    """A waitress channel that remembers when the request it is still reading began, and answers
    requests the server marks as inline (see `DeadlineServer.add_task`) in the main loop."""

    request_started: float | None = None
    in_received = False  # the main loop is in received() (and the inline answers it runs)
    inline_pending = False  # the first queued request is to be answered inline once received() returns

    def received(self, data: bytes) -> bool:
        if data and self.request_started is None:
            self.request_started = time.time()
        self.in_received = True
        try:
            result = super().received(data)
            # waitress holds the channel's request lock while it hands a request on, and service()
            # takes it again: so the inline answer runs here, after received() has let go of it
            while self.inline_pending:
                self.inline_pending = False
                self.service()  # hands the next queued request on, inline or to a thread
        finally:
            self.in_received = False
        if self.request is None:  # nothing half-read: the request went to a thread (or none began)
            self.request_started = None
        return result

    def write_soon(self, data) -> int:
        """Queue response bytes. An inline answer (in the main loop) only queues them: the loop sends
        head and body in one go when it next polls, instead of one send() per write, and it must
        never wait for itself to drain the buffers, as a request thread does."""
        if not self.answering_inline or not isinstance(data, bytes):
            return super().write_soon(data)
        if not self.connected:
            raise ClientDisconnected
        with self.outbuf_lock:
            if self.current_outbuf_count >= self.adj.outbuf_high_watermark:
                # as waitress does: a new buffer once the current one is full, so none grows unbounded
                self.outbufs.append(OverflowableBuffer(self.adj.outbuf_overflow))
                self.current_outbuf_count = 0
            self.outbufs[-1].append(data)
            self.current_outbuf_count += len(data)
            self.total_outbufs_len += len(data)
        return len(data)

    def _flush_outbufs_below_high_watermark(self) -> None:
        if not self.answering_inline:
            super()._flush_outbufs_below_high_watermark()

    @property
    def answering_inline(self) -> bool:
        """True in the main loop's thread while it is in received(): a request thread serving this
        channel meanwhile (waitress reads ahead while a request runs) sees False."""
        return self.in_received and threading.get_ident() == getattr(self.server, "loop_thread", None)


class DeadlineServer(TcpWSGIServer):
    """waitress's TCP server, also closing connections whose request is not read in `read_timeout`."""

    channel_class = DeadlineChannel
    read_timeout: float = 10.0
    # which complete requests are answered in the main loop instead of a request thread (None: none)
    inline: Callable[[HTTPRequestParser], bool] | None = None

    loop_thread: int | None = None  # the thread running the main loop

    def run(self) -> None:
        self.loop_thread = threading.get_ident()
        super().run()

    def pull_trigger(self) -> None:
        """Wake the main loop, unless the main loop is the caller (an inline answer): it polls next anyway."""
        if threading.get_ident() != self.loop_thread:
            super().pull_trigger()

    def add_task(self, channel) -> None:
        """Hand a channel's first queued request on: to a request thread, or, when `inline` says the
        request is a single-pattern lookup (server/lookup.py, `answers_inline`), to the main loop.

        A lookup costs a fraction of a millisecond; handing it to a thread costs as much again in
        thread switches and GIL hand-overs (issue 10), so the main loop answers it itself. Only
        requests whose cost is bounded qualify: an arbitrary query would stall every connection."""
        if (self.inline is not None and isinstance(channel, DeadlineChannel) and channel.answering_inline
                and not channel.inline_pending and channel.requests and self._is_inline(channel.requests[0])):
            channel.inline_pending = True
            return
        super().add_task(channel)

    def _is_inline(self, request: HTTPRequestParser) -> bool:
        if request.error:
            return False
        try:
            return bool(self.inline and self.inline(request))
        except Exception:  # a request the reading chokes on simply takes a request thread
            log.exception("choosing the lane of %s %s", request.command, request.path)
            return False

    def maintenance(self, now: float) -> None:
        super().maintenance(now)
        cutoff = now - self.read_timeout
        for channel in list(self.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and started < cutoff and not channel.requests:
                log.info("closing %s: request not received within %g s", channel.addr, self.read_timeout)
                channel.will_close = True


def thread_count(config: ServerConfig, query_lane: int) -> int:
    """Threads for the app: what the query lane may hold plus CHEAP_THREADS for everything else."""
    return max(config.threads, query_lane + CHEAP_THREADS)


def create_front_end(app, config: ServerConfig, query_lane: int, sock: socket.socket | None = None,
                     inline: Callable[[HTTPRequestParser], bool] | None = None,
                     **overrides) -> TcpWSGIServer | MultiSocketServer:
    """A waitress server for `app` on config.host:config.port (port 0: any free port), or on `sock`, a
    listening socket bound already (server/prefork.py); `inline` picks the requests answered in the
    main loop (see `DeadlineServer.add_task`)."""
    settings = {
        **({"sockets": [sock]} if sock is not None else {"host": config.host, "port": config.port}),
        "threads": thread_count(config, query_lane),
        "connection_limit": config.connection_limit,
        "channel_timeout": config.idle_timeout,
        "cleanup_interval": MAINTENANCE_SECONDS,
        "max_request_header_size": MAX_HEADER_BYTES,
        "max_request_body_size": config.max_body_bytes,
        "channel_request_lookahead": 1,  # lets the app see a client hang up (waitress.client_disconnected)
        # a response is buffered whole (spilling to a temporary file), so a slow reader never holds a thread
        "outbuf_high_watermark": config.max_result_bytes + (1 << 20),
        "asyncore_use_poll": True,  # select() cannot watch more than 1,024 sockets
        "clear_untrusted_proxy_headers": True,
        "ident": "policykg",
    }
    if config.trusted_proxy:
        settings.update(trusted_proxy=config.trusted_proxy, trusted_proxy_count=1,
                        trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"})
    settings.update(overrides)
    adj = Adjustments(**settings)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    socket_map: dict = {}
    servers = []
    if sock is not None:
        servers.append(DeadlineServer(app, socket_map, _sock=sock, dispatcher=dispatcher, adj=adj, bind_socket=False,
                                      sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname())))
    else:
        servers.extend(DeadlineServer(app, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo)
                       for sockinfo in adj.listen)
    for server in servers:
        server.read_timeout = config.read_timeout
        server.inline = inline
    if len(servers) == 1:
        return servers[0]
    listening = [(s.effective_host, s.effective_port) for s in servers]
    return MultiSocketServer(socket_map, adj, listening, dispatcher, servers[-1].log_info)


def inline_lookups(local: LocalStore) -> Callable[[HTTPRequestParser], bool]:
    """The `inline` choice of `create_front_end`: the /sparql lookups the cheap lane answers."""

    def inline(request: HTTPRequestParser) -> bool:
        return local.answers_inline(request.command, request.path, request.query,
                                    request.headers.get("CONTENT_TYPE", ""), _small_body(request))

    return inline


def _small_body(request: HTTPRequestParser) -> bytes | None:
    """The request body when it is small enough to be a lookup's (the body stays unread), else None."""
    body = request.body_rcv
    if body is None:
        return b""
    buffer = body.getbuf()
    # the length of what was received (content_length stays 0 for a chunked body): a body is read here
    # whole or not at all, so that this reading and the app's see the same query
    if len(buffer) > INLINE_REQUEST_BYTES:
        return None
    return buffer.get(INLINE_REQUEST_BYTES)  # reads without consuming: the app reads it again


class AccessLog:
    """One log line per request: client, request line, status, bytes, milliseconds."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        if not access_log.isEnabledFor(logging.INFO):
            return self.app(environ, start_response)
        started = time.monotonic()
        seen: dict = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            seen["bytes"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, recording_start_response)
        finally:
            query = environ.get("QUERY_STRING")
            target = environ.get("PATH_INFO", "") + ("?" + query if query else "")
            access_log.info('%s "%s %s %s" %s %s %.1fms', environ.get("REMOTE_ADDR", "-"),
                            environ.get("REQUEST_METHOD"), target, environ.get("SERVER_PROTOCOL"),
                            seen.get("status", "-"), seen.get("bytes", "-"), (time.monotonic() - started) * 1000)


def serve(config: ServerConfig, ensure_built: Callable[[], None]) -> None:
    """Build the graph if it is missing, then serve it until SIGTERM/SIGINT: in this process, or in
    `config.front_ends()` processes sharing one listening socket (server/prefork.py)."""
    ensure_built()
    count = config.front_ends()
    if count == 1:
        serve_front_end(config)
        return
    sock = listening_socket(config.host, config.port)
    shares = SharedClientShares()  # one client's share of the query lane, counted across the front ends
    log.info("serving %s on http://%s:%s/ with %d front-end processes", config.data_dir, config.host,
             sock.getsockname()[1], count)
    status = run_children(count, lambda index: serve_front_end(config.share(count, index), sock, shares))
    sock.close()
    if status:
        raise SystemExit(status)


def serve_front_end(config: ServerConfig, sock: socket.socket | None = None,
                    shares: SharedClientShares | None = None) -> None:
    """Run one front end (waitress, the app, its query workers) until SIGTERM/SIGINT."""
    app = create_app(config, shares)
    state = app.extensions[EXTENSION_KEY]
    try:
        state.executor.start()  # load the graph into the query workers before the first request
        state.local.build  # noqa: B018 - and open it for the cheap lane, so that lookups are inline at once
    except GraphUnavailable as exc:
        log.warning("query workers not started: %s", exc)
    server = create_front_end(AccessLog(SparqlLane(app)), config, state.admission.capacity, sock,
                              inline=inline_lookups(state.local))

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("serving %s on http://%s:%s/ with waitress (%d threads, %d query workers)", config.data_dir,
             config.host, getattr(server, "effective_port", config.port), server.adj.threads, config.workers)
    try:
        server.run()  # returns on SystemExit/KeyboardInterrupt after stopping the request threads
    finally:
        server.close()
        state.executor.close()
        log.info("stopped")
