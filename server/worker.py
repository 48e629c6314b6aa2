"""The query worker process: holds the build in memory and answers SparqlJob / ReadJob messages.

Runs only in child processes started by server.executor, in this order: leave the host's network
(server.sandbox, before any thread exists), load the verified build, cap the process's address space
(setrlimit), then answer jobs. Every answer is two messages: notes (`retire`: replace this
worker, its resident memory grew past the recycling threshold), then a tuple (status, payload) that
the parent turns into an HTTP response.
"""

from __future__ import annotations

import ctypes
import io
import logging
import resource
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler

import pyoxigraph as ox

from policykg.kg.dataset import DEFAULT, INFERRED, ScratchMerges, has_merged_default_graph
from policykg.kg.namespaces import PREFIXES
from policykg.kg.query import READ_OPERATIONS
from policykg.kg.store import Build, CorruptBuild, open_store

from .default_store import default_graph_store, stays_in_default_graph
from .jobs import DatasetSpec, ReadJob, SparqlAnswer, SparqlJob, WorkerSettings
from .sandbox import Sandbox

log = logging.getLogger(__name__)

RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}
SERVICE_FAILED = (
    "a SERVICE call failed: the endpoint is not in this endpoint's allow-list, or it could not be "
    "reached, or it did not answer with SPARQL results"
)
SERVICE_REFUSED = (
    "this endpoint cannot isolate its query workers from the network on this machine, so it refuses "
    "every query that could contain SERVICE"
)


class Dataset:
    """The store (its default graph is the merge of the asserted graphs) and the merges a request names."""

    def __init__(self, store: ox.Store, separate_default: bool = False) -> None:
        self.store = store
        # a query worker also holds the default graph alone: server/default_store.py says why
        self.default_only = default_graph_store(store) if separate_default else None
        self.merges = ScratchMerges(store)
        if not has_merged_default_graph(store):
            raise ValueError("the store's default graph is not the merge of its asserted graphs")
        # The everyday dataset is the store's own: its default graph (the merge) and every named graph.
        # Spelling it out (named_graphs=[all of them]) makes Oxigraph evaluate a custom dataset, several
        # times slower at 1,000 documents (issue 10), so only what differs from the store's is passed.
        self.defaults: dict[bool, dict] = {False: {}, True: {"default_graph": [DEFAULT, INFERRED]}}

    def for_request(self, spec: DatasetSpec, query: str = "") -> tuple[ox.Store, dict]:
        """The store to query and the keyword arguments for Store.query."""
        if self.default_only is not None and stays_in_default_graph(query, spec):
            return self.default_only, {}
        if spec.protocol:
            return self.merges.dataset(spec.default_graphs, spec.named_graphs, spec.inference)
        if spec.query_has_dataset:
            # FROM / FROM NAMED in the query text: Oxigraph builds that dataset itself (see server/README.md)
            return self.store, {}
        return self.store, self.defaults[spec.inference]


def serve_jobs(conn: Connection, build: Build, sandbox: Sandbox, settings: WorkerSettings) -> None:
    try:
        dataset = Dataset(open_store(build, in_memory=True), separate_default=True)
    except CorruptBuild as exc:
        conn.send(("corrupt", str(exc)))
        return
    except Exception as exc:  # report any load failure to the parent, then stop
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    _release_free_memory()
    baseline = resident_bytes()
    limit = settings.memory_limit or (address_space_bytes() + settings.memory_headroom)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if sandbox.isolated:
        sandbox.start_relays()
    conn.send(("ready", {"quads": len(dataset.store), "rss": baseline, "memory_limit": limit,
                         "sandbox": sandbox.mode, "sandbox_reason": sandbox.reason}))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        status, payload = answer(dataset, job, sandbox)
        data = ForkingPickler.dumps((status, payload if status == "ok" else str(payload)))
        del payload  # measure what the worker keeps, not the answer on its way out
        _release_free_memory()
        grown = resident_bytes() - baseline - len(data)
        retire = grown > settings.recycle_growth
        conn.send({"retire": retire, "grown": grown})
        conn.send_bytes(data)
        if retire:
            return


def answer(dataset: Dataset, job: SparqlJob | ReadJob, sandbox: Sandbox) -> tuple[str, object]:
    try:
        if isinstance(job, SparqlJob):
            if sandbox.refuses_text(job.query):
                return ("service_refused", SERVICE_REFUSED)
            return ("ok", run_sparql(dataset, job))
        return ("ok", READ_OPERATIONS[job.operation](dataset.store, *job.args))
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except _Refused as exc:
        return (exc.kind, str(exc))
    except MemoryError:
        return ("memory", "the query needed more memory than a query worker may use")
    except OSError as exc:  # pyoxigraph raises OSError for SERVICE (HTTP) failures only
        log.info("SERVICE failed: %s", exc)
        return ("service_failed", SERVICE_FAILED)
    except (ValueError, TypeError, RuntimeError) as exc:
        return ("failed", f"{type(exc).__name__}: {exc}")


class _Refused(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class BoundedWriter(io.RawIOBase):
    """A file-like sink for pyoxigraph's serialisers that refuses to grow past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(self.buffer) + len(data) > self.limit:
            raise _Refused(
                "too_large",
                f"the result is larger than this endpoint's limit of {self.limit} bytes; it was not sent "
                "in part. Add LIMIT/OFFSET to page through it.",
            )
        self.buffer += data
        return len(data)


def run_sparql(dataset: Dataset, job: SparqlJob) -> SparqlAnswer:
    store, kwargs = dataset.for_request(job.dataset, job.query)
    # the project's prefixes are predeclared, as on the Wikidata Query Service and Virtuoso
    result = store.query(job.query, base_iri=job.base_iri, prefixes=PREFIXES, **kwargs)
    sink = BoundedWriter(job.max_result_bytes)
    if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        if job.results_format is None:
            raise _Refused("not_acceptable", "none of the accepted media types can carry SELECT/ASK results")
        result.serialize(sink, format=RESULTS_FORMATS[job.results_format])
        fmt = job.results_format
    else:
        kind = "graph"
        if job.graph_format is None:
            raise _Refused("not_acceptable", "none of the accepted media types can carry an RDF graph")
        ox.serialize(result, sink, format=GRAPH_FORMATS[job.graph_format], prefixes=_prefixes(job))
        fmt = job.graph_format
    return SparqlAnswer(kind, fmt, bytes(sink.buffer))


def _prefixes(job: SparqlJob) -> dict[str, str] | None:
    return PREFIXES if job.graph_format in ("turtle", "trig") else None


# -- memory ---------------------------------------------------------------------------------


def resident_bytes() -> int:
    return _status_kib("VmRSS") * 1024


def address_space_bytes() -> int:
    return _status_kib("VmSize") * 1024


def _status_kib(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _release_free_memory() -> None:
    """Give freed heap back to the OS (glibc keeps it otherwise), so RSS tells what the worker holds."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
