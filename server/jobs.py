"""The messages between the web process and its query workers, and what each worker may use.

A worker first sends `WorkerStarted`, then answers each job (`SparqlJob`, `ReadJob`) with notes
(a dict: `retire` when its memory grew past the recycling threshold) and a `Reply`: the value, or a
`Failure` that names the server.errors class to raise and its message. Error classes cross the
process boundary as classes (pickled by name), so there is no table of tags to keep in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

from policykg.kg.dataset import DatasetSpec

from .errors import HttpError, QueryFailed
from .service_policy import Endpoint


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
    """A named read operation from server.operations.READ_OPERATIONS."""

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


@dataclass(frozen=True)
class Failure:
    """A job that did not succeed: the error the web process raises, with its message."""

    error: type[HttpError]
    message: str

    @classmethod
    def of(cls, error: HttpError) -> Failure:
        return cls(type(error), error.message)

    def raise_error(self) -> NoReturn:
        try:
            error = self.error(self.message)
        except TypeError:  # a class whose constructor wants more than a message
            error = QueryFailed(self.message)
        raise error


@dataclass(frozen=True)
class Reply:
    """A worker's answer to one job: its value, or the failure to raise in the web process."""

    value: Any = None
    failure: Failure | None = None

    def result(self) -> Any:
        """The value, or the failure raised as its error."""
        if self.failure is not None:
            self.failure.raise_error()
        return self.value


@dataclass(frozen=True)
class WorkerStarted:
    """A worker's first message: the build is loaded (`info`: its size, memory limit, sandbox), or
    `problem` says why not (`corrupt`: the build's files differ from its manifest)."""

    info: dict = field(default_factory=dict)
    problem: str = ""
    corrupt: bool = False
