"""A real Comunica 4 SPARQL endpoint (`comunica-sparql-http` from npm) serving a small fixture, for the
federation tests. The suite never fetches from npm: Comunica is found in POLICYKG_COMUNICA_DIR (a
folder where `npm install @comunica/query-sparql` ran; .ci/run does it). Without Node or Comunica the
tests skip with the reason, unless POLICYKG_REQUIRE_COMUNICA=1 (CI), in which case they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from process_group import stop_process_group

DIR_ENV = "POLICYKG_COMUNICA_DIR"
REQUIRE_ENV = "POLICYKG_REQUIRE_COMUNICA"
STARTUP_TIMEOUT = 180.0  # the endpoint forks a worker that compiles Comunica's config: slow on a loaded machine


def unavailable(reason: str) -> None:
    """Skip, or fail when the environment says Comunica must be there."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 requires it)", pytrace=False)
    pytest.skip(reason)


def comunica_command(script: str) -> list[str]:
    """`node <POLICYKG_COMUNICA_DIR>/node_modules/@comunica/query-sparql/bin/<script>`."""
    folder = os.environ.get(DIR_ENV, "")
    node = shutil.which("node")
    binary = Path(folder) / "node_modules" / "@comunica" / "query-sparql" / "bin" / script
    if node is None:
        unavailable("Node.js is not installed (Comunica needs it)")
    if not folder or not binary.exists():
        unavailable(f"set {DIR_ENV} to a folder where `npm install @comunica/query-sparql` ran "
                    f"(no {binary if folder else 'folder given'})")
    return [node, str(binary)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def comunica_endpoint(fixture: Path, media_type: str, workdir: Path) -> Iterator[str]:
    """`comunica-sparql-http` on a free port of 127.0.0.1 whose only source is the text of `fixture`
    (a serialized source, named graphs in the default graph too); yields its /sparql URL and stops
    the endpoint's whole process group (its master and worker) at the end."""
    command = comunica_command("http.js")
    context = workdir / "comunica-context.json"
    context.write_text(json.dumps({
        "sources": [{"type": "serialized", "value": fixture.read_text(encoding="utf-8"), "mediaType": media_type,
                     "baseIRI": fixture.as_uri()}],
        "unionDefaultGraph": True,
    }), encoding="utf-8")
    port = free_port()
    log_path = workdir / "comunica-http.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen([*command, "-p", str(port), "-c", str(context)], stdin=subprocess.DEVNULL,
                                   stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        _wait_until_answering(url, process, log_path)
        yield url
    finally:
        stop_process_group(process)


def _wait_until_answering(url: str, process: subprocess.Popen, log_path: Path) -> None:
    probe = url + "?query=ASK%7B%7D"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            log = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"comunica-sparql-http exited with status {process.returncode}:\n{log}", pytrace=False)
        try:
            with urllib.request.urlopen(probe, timeout=30) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            log = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"comunica-sparql-http did not answer {probe} within {STARTUP_TIMEOUT:.0f} s:\n{log}",
                        pytrace=False)
        time.sleep(0.3)
