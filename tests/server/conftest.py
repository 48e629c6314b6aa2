"""Fixtures for the server tests: the hand-written build, the app over it, a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_testkit import FIXTURES, LiveServer, fixture_quads, lay_out_build, start_live_server

from policykg.server.app import create_app
from policykg.server.config import ServerConfig


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    asserted, inferred = fixture_quads()
    lay_out_build(folder, asserted, inferred, void=None)
    return folder


@pytest.fixture(scope="session")
def config(data_dir) -> ServerConfig:
    return ServerConfig(
        data_dir=data_dir,
        workers=2,
        query_timeout=10.0,
        queries_dir=FIXTURES / "queries",
        max_body_bytes=64 * 1024,
    )


@pytest.fixture(scope="session")
def app(config):
    application = create_app(config)
    application.config["TESTING"] = True
    yield application
    application.extensions["policykg"].executor.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[LiveServer]:
    live, stop = start_live_server(app)
    yield live
    stop()
