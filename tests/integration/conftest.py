"""Fixtures for the integration tests: a real Virtuoso server holding the session's build, and the
policykg endpoint serving the same build in a subprocess (for SERVICE federation).

Virtuoso (Debian: `apt-get install virtuoso-opensource`) is started in the foreground from a
temporary folder with a generated virtuoso.ini on free ports of 127.0.0.1 and stopped at the end of
the session whatever happens. Without it the tests are skipped, unless POLICYKG_REQUIRE_VIRTUOSO=1
(set by CI), in which case they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from process_group import stop_process_group
from virtuoso_testkit import LocalVirtuoso, free_port

from policykg.errors import StoreError
from policykg.kg import virtuoso
from policykg.kg.store import Build

REQUIRE_ENV = "POLICYKG_REQUIRE_VIRTUOSO"
SERVE_STARTUP_TIMEOUT = 120.0


def _unavailable(reason: str) -> None:
    """Skip, or fail when the environment says Virtuoso must be there."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 requires it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def virtuoso_local(tmp_path_factory, built: Build) -> Iterator[LocalVirtuoso]:
    """A running Virtuoso (empty but for the federation grants) whose DirsAllowed has its own folder and
    the build folder; stopped at the end of the session, whatever happened."""
    for program in ("virtuoso-t", "isql-vt"):
        if shutil.which(program) is None:
            _unavailable(f"{program} is not installed (Debian package virtuoso-opensource)")
    workdir = tmp_path_factory.mktemp("virtuoso")
    local = LocalVirtuoso(workdir, dirs_allowed=[built.path])
    try:
        try:
            local.start()
        except StoreError as exc:
            _unavailable(f"Virtuoso did not start: {exc}")
        virtuoso.enable_federation(local.server)
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def virtuoso_server(virtuoso_local: LocalVirtuoso) -> virtuoso.VirtuosoServer:
    return virtuoso_local.server


@pytest.fixture(scope="session")
def virtuoso_loaded(virtuoso_server: virtuoso.VirtuosoServer, built: Build) -> virtuoso.LoadReport:
    """The session build (asserted and inferred graphs) published into the Virtuoso server."""
    return virtuoso.load_build(built, virtuoso_server, include_inferred=True)


def _get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="session")
def policykg_endpoint(tmp_path_factory, built: Build) -> Iterator[str]:
    """`policykg serve` on a free port of 127.0.0.1 serving the session build; yields its /sparql URL."""
    data_dir = built.path.parent.parent  # <data>/builds/<hash>
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    env = dict(os.environ, POLICYKG_DATA=str(data_dir), POLICYKG_WORKERS="1")
    command = [sys.executable, "-m", "policykg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVE_STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                log = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                pytest.fail(f"`{' '.join(command)}` exited with status {process.returncode}:\n{log}", pytrace=False)
            try:
                status, body = _get(base + "/health")
                if status == 200 and json.loads(body).get("status") == "ok":
                    break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                log = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                pytest.fail(f"`{' '.join(command)}` did not answer {base}/health within "
                            f"{SERVE_STARTUP_TIMEOUT:.0f} s:\n{log}", pytrace=False)
            time.sleep(0.3)
        # the first query starts the query workers: make sure the endpoint answers SPARQL at all, so that a
        # broken endpoint fails here, clearly, and not as Virtuoso's HTTP client timing out
        probe = base + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
        try:
            status, body = _get(probe, timeout=SERVE_STARTUP_TIMEOUT)
        except OSError as exc:
            pytest.fail(f"{base}/sparql does not answer `ASK {{}}`: {exc}", pytrace=False)
        if status != 200:
            pytest.fail(f"{base}/sparql answers `ASK {{}}` with HTTP {status}: {body[:500]!r}", pytrace=False)
        yield base + "/sparql"
    finally:
        stop_process_group(process)  # the server runs in its own session, workers included
