"""The messages between the web process and its query workers, and what each worker may use."""

from __future__ import annotations

from dataclasses import dataclass, field

from .service_policy import Endpoint


@dataclass(frozen=True)
class DatasetSpec:
    """The RDF dataset of one request (SPARQL 1.1 Protocol §2.1.4 and the server's defaults).

    Without `protocol` graphs and without FROM in the query, the default graph is the union of all
    asserted graphs (the document graphs and graph/vocabulary) — plus graph/inferred when
    `inference` is set — and every named graph is available to GRAPH.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    protocol: bool = False
    query_has_dataset: bool = False
    inference: bool = False


@dataclass(frozen=True)
class SparqlJob:
    query: str
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    results_format: str | None = "json"
    graph_format: str | None = "turtle"
    max_result_bytes: int = 256 << 20
    base_iri: str | None = None


@dataclass(frozen=True)
class ReadJob:
    """A named read operation from policykg.kg.query.READ_OPERATIONS."""

    operation: str
    args: tuple = ()


@dataclass(frozen=True)
class SparqlAnswer:
    kind: str  # "solutions", "boolean" or "graph"
    format: str
    body: bytes
    elapsed: float = 0.0


@dataclass(frozen=True)
class WorkerSettings:
    """What each worker process is allowed (see server/README.md, "Configuration", and docs/security.md).

    `memory_limit`: the address-space cap (RLIMIT_AS) of a worker, in bytes; None sizes it to the
    build: the worker's address space once the build is loaded plus `memory_headroom`.
    `recycle_growth`: a worker whose resident memory grew by more than this after a query is replaced.
    """

    service_allowlist: tuple[Endpoint, ...] = ()
    memory_limit: int | None = None
    memory_headroom: int = 1 << 30
    recycle_growth: int = 256 << 20
