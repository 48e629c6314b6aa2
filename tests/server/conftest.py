"""Fixtures for the server tests: the tiny corpus built by the real builder, the app over it, a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_testkit import FIXTURES, LiveServer, start_live_server, tiny_build

from policykg.server.app import create_app
from policykg.server.config import ServerConfig


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The data folder of the tiny corpus's build (tests/data/corpus), built once."""
    return tiny_build().path.parent.parent


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
