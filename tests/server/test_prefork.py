"""Front-end processes on one socket (server/prefork.py): each child accepts on the inherited socket;
SIGTERM to the parent stops them all; a child that ends on its own stops the others (status 1)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="front-end processes are forked")

# each child answers every connection with its pid; child 1 exits on its own when told to (argv[1])
SUPERVISOR = """
import os, socket, sys, time
from policykg.server.prefork import listening_socket, run_children
sock = listening_socket("127.0.0.1", 0)
print(sock.getsockname()[1], flush=True)
def child(index):
    sock.setblocking(True)
    sock.settimeout(0.2)
    started = time.monotonic()
    while True:
        if sys.argv[1] == "crash" and index == 1 and time.monotonic() - started > 1:
            raise SystemExit(3)
        try:
            conn, _ = sock.accept()
        except TimeoutError:
            continue
        with conn:
            conn.sendall(str(os.getpid()).encode())
sys.exit(run_children(2, child))
"""


def start(mode: str) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", SUPERVISOR, mode], stdout=subprocess.PIPE, text=True)
    return process, int(process.stdout.readline())


def answer(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        return int(conn.recv(64))


def test_the_children_share_the_socket_and_stop_with_the_parent():
    process, port = start("serve")
    try:
        pids = {answer(port) for _ in range(40)}
        assert len(pids) >= 1 and process.pid not in pids
        assert all(os.path.exists(f"/proc/{pid}") for pid in pids)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_a_child_that_ends_on_its_own_stops_the_others():
    process, port = start("crash")
    assert process.wait(timeout=30) == 1
    time.sleep(0.2)
    with pytest.raises(OSError):
        answer(port)


def test_the_children_stop_when_the_parent_is_killed_outright():
    process, port = start("serve")
    child = answer(port)
    process.kill()
    process.wait(timeout=30)
    for _ in range(100):
        if not os.path.exists(f"/proc/{child}") or "Z" in open(f"/proc/{child}/stat").read().rsplit(")", 1)[1][:3]:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("a front-end process outlived its parent")
