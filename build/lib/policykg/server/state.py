"""What the app holds for its lifetime: configuration, the query executor and per-build caches."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app
from rdflib import Graph

from policykg.config import PROJECT_ROOT, QUERIES_DIR
from policykg.kg.namespaces import BASE, VOCABULARY_GRAPH

from .config import ServerConfig
from .examples import ExampleQuery, load_examples
from .executor import QueryExecutor
from .rdf import graph_from_ntriples

log = logging.getLogger(__name__)
EXTENSION_KEY = "policykg"
SHAPES_GRAPH = BASE + "graph/shapes"


class ServerState:
    """Shared by every request of one web process."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.executor = QueryExecutor(config.data_dir, size=config.workers)
        self.repo_root = config.repo_root or PROJECT_ROOT
        self.queries_dir = config.queries_dir or QUERIES_DIR
        self._vocabulary: tuple[Path, Graph] | None = None
        self._lock = threading.Lock()

    def read(self, operation: str, *args):
        """Run a policykg.kg.query read operation in a worker, under the configured time limit."""
        return self.executor.read(operation, *args, timeout=self.config.query_timeout)

    def vocabulary(self) -> Graph:
        """graph/vocabulary (ontology, SKOS schemes) and graph/shapes of the current build, cached per build."""
        build = self.executor.build
        with self._lock:
            if self._vocabulary is None or self._vocabulary[0] != build.path:
                data = b"".join(self.read("graph_ntriples", name) for name in (VOCABULARY_GRAPH, SHAPES_GRAPH))
                self._vocabulary = (build.path, graph_from_ntriples(data))
            return self._vocabulary[1]

    def examples(self) -> list[ExampleQuery]:
        return load_examples(self.queries_dir)

    def local_path(self, iri: str) -> str | None:
        """The path on this server that serves `iri`, or None for an IRI outside the namespace."""
        base = self.config.iri_base
        if iri.startswith(base):
            return "/" + iri[len(base) :]
        return None


def state() -> ServerState:
    return current_app.extensions[EXTENSION_KEY]


def install(app: Flask, config: ServerConfig) -> ServerState:
    server_state = ServerState(config)
    app.extensions[EXTENSION_KEY] = server_state
    return server_state
