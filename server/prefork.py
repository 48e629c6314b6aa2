"""Several front-end processes serving one listening socket, so that requests use every core.

One waitress process holds one GIL: however many request threads it has, Python runs on one core
at a time, and on the common path (lookups, pages) the web layer, not the engine, is the cost
(issue 10: 0.9–1.1 ms CPU per lookup in the web process). `policykg serve` therefore binds the
socket in a parent process and forks `processes` children before any thread or store exists; each
child runs the whole front end of server/wsgi.py on the inherited socket, with its own
read-only store (the cheap lane), its own admission control and its own share of the query
workers. The kernel hands each new connection to one of the children.

The parent only supervises: SIGTERM or SIGINT is passed on to every child, and a child that ends
on its own (a crash: the front end never exits by itself) stops the others too, so that the
service fails visibly instead of running at a fraction of its capacity.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

BACKLOG = 1024  # waitress's default


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port and listening (port 0: any free port), inherited by the children."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


def run_children(count: int, child: Callable[[int], None]) -> int:
    """Fork `count` processes running `child(index)`; wait until all have ended. Returns the exit status:
    0 after a requested stop, 1 when a child ended on its own."""
    children: dict[int, int] = {}
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        _signal_all(children, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for index in range(count):
            pid = os.fork()
            if pid == 0:
                _child_main(index, child, previous)
            children[pid] = index
        status = 0
        while children:
            try:
                pid, wait_status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries os.wait
                continue
            if children.pop(pid, None) is None:
                continue
            if not stopping:
                log.error("front-end process %d ended (%s): stopping the others", pid, _describe(wait_status))
                stopping, status = True, 1
                _signal_all(children, signal.SIGTERM)
        return status
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _child_main(index: int, child: Callable[[int], None], handlers: dict) -> None:
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    # Ctrl-C reaches the whole process group: the parent turns it into one SIGTERM per child
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _stop_when_orphaned(os.getppid())
    code = 0
    try:
        child(index)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        log.exception("front-end process %d failed", os.getpid())
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)  # never return into the parent's code (nor run its atexit handlers)


def _stop_when_orphaned(parent: int, poll_seconds: float = 1.0) -> None:
    """SIGTERM this process once its parent is gone (killed outright), so that no front end keeps the port."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True, name="policykg-parent-watch").start()


def _signal_all(children: dict[int, int], sig: int) -> None:
    for pid in list(children):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _describe(wait_status: int) -> str:
    if os.WIFSIGNALED(wait_status):
        return f"signal {os.WTERMSIG(wait_status)}"
    return f"exit status {os.waitstatus_to_exitcode(wait_status)}"
