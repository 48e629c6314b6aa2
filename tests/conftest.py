"""Shared fixtures: one real build of the corpus per test session, into a temporary data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policykg import config
from policykg.kg.store import Build, current_build, open_store

TESTS_DIR = Path(__file__).resolve().parent
DATA = TESTS_DIR / "data"


def make_build_options(data_dir: Path, corpus_dir: Path | None = None):
    """Build options for the project's corpus (or another corpus folder) into `data_dir`."""
    from policykg.build.pipeline import BuildOptions

    return BuildOptions(corpus_dir=corpus_dir or config.CORPUS_DIR, ontology_dir=config.ONTOLOGY_DIR,
                        shapes_dir=config.SHAPES_DIR, data_dir=data_dir, progress=False)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Build:
    """The corpus built once for the whole session."""
    from policykg.build.pipeline import run_build

    data_dir = tmp_path_factory.mktemp("policykg-data")
    run_build(make_build_options(data_dir))
    return current_build(data_dir)


@pytest.fixture(scope="session")
def store(built):
    """The built graph in an in-memory pyoxigraph store."""
    return open_store(built, in_memory=True)


@pytest.fixture
def build_options():
    """The factory `make_build_options(data_dir, corpus_dir=None)`."""
    return make_build_options


SANDBOX_REQUIRE_ENV = "POLICYKG_REQUIRE_SANDBOX"
_SANDBOX_PROBE = "from policykg.server.sandbox import enter\ns = enter(())\nprint(s.isolated, s.reason)"


@pytest.fixture(scope="session")
def network_sandbox() -> str:
    """Skip (or fail with POLICYKG_REQUIRE_SANDBOX=1) where query workers cannot get a network namespace.

    There SERVICE is refused outright (fail closed), so tests of the allow-list relay cannot run.
    """
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", _SANDBOX_PROBE], capture_output=True, text=True, timeout=60)
    isolated, _, reason = result.stdout.strip().partition(" ")
    if isolated != "True":
        message = f"this machine cannot give query workers a network namespace ({reason or result.stderr[-300:]})"
        if os.environ.get(SANDBOX_REQUIRE_ENV) == "1":
            pytest.fail(f"{message}; {SANDBOX_REQUIRE_ENV}=1 requires it", pytrace=False)
        pytest.skip(message)
    return "ok"
