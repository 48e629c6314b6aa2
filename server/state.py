"""What the app holds for its lifetime: configuration, the query executor and per-build caches."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app
from rdflib import Graph

from .admission import ClientShares, QueryAdmission
from .config import ServerConfig
from .examples import ExampleQuery, load_examples
from .executor import QueryExecutor, WorkerSettings
from .lookup import LocalStore
from .rdf import graph_from_ntriples
from .service_policy import parse_allowlist

log = logging.getLogger(__name__)
EXTENSION_KEY = "policykg"


class ServerState:
    """Shared by every request of one web process."""

    def __init__(self, config: ServerConfig, shares: ClientShares | None = None) -> None:
        self.config = config
        settings = WorkerSettings(parse_allowlist(config.service_allowlist), config.worker_memory,
                                  config.worker_memory_headroom, config.worker_recycle_growth)
        self.executor = QueryExecutor(config.data_dir, size=config.workers, settings=settings)
        self.local = LocalStore(config.data_dir, select_build=lambda: self.executor.build)
        self.admission = QueryAdmission(
            running=config.workers,
            queued=config.query_queue,
            per_client=config.client_queries,
            max_wait=config.query_timeout,
            retry_after=config.retry_after,
            shares=shares,
        )
        self._vocabulary: tuple[Path, Graph] | None = None
        self._lock = threading.Lock()

    def read(self, operation: str, *args):
        """Run a policykg.kg.query read operation on the in-process store (the cheap lane)."""
        return self.local.read(operation, *args)

    def vocabulary(self) -> Graph:
        """graph/vocabulary (ontology, SKOS schemes) and graph/shapes of the current build, cached per build."""
        build = self.local.build
        with self._lock:
            if self._vocabulary is None or self._vocabulary[0] != build.path:
                graphs = build.manifest.graphs
                data = b"".join(self.read("graph_ntriples", name) for name in (graphs.vocabulary, graphs.shapes))
                self._vocabulary = (build.path, graph_from_ntriples(data))
            return self._vocabulary[1]

    def examples(self) -> list[ExampleQuery]:
        return load_examples(self.config.queries_dir)

    def local_path(self, iri: str) -> str | None:
        """The path on this server that serves `iri`, or None for an IRI outside the namespace."""
        base = self.config.iri_base
        if iri.startswith(base):
            return "/" + iri[len(base) :]
        return None


def state() -> ServerState:
    return current_app.extensions[EXTENSION_KEY]


def install(app: Flask, config: ServerConfig, shares: ClientShares | None = None) -> ServerState:
    server_state = ServerState(config, shares)
    app.extensions[EXTENSION_KEY] = server_state
    return server_state
