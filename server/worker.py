"""The query worker process: holds the build in memory and answers SparqlJob / ReadJob messages.

Runs only in processes forked from a zygote (server/zygote.py), which left the host's network
(server.sandbox, before any thread existed) and loaded the verified build (`load_datasets`). A
worker then caps its address space (setrlimit), starts its SERVICE relays and answers jobs
(`serve_jobs`). It sends `WorkerStarted` once, then for every
job two messages: notes (`retire`: replace this worker, its resident memory grew past the recycling
threshold) and a `Reply` (server/jobs.py). A request never ends the worker: whatever a job raises
becomes a `Failure` the web process raises; only a signal, the memory cap or the parent's exit do.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import io
import logging
import os
import pickle
import resource
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler

import pyoxigraph as ox

from policykg.kg.dataset import QueryDatasets
from policykg.kg.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, named
from policykg.kg.namespaces import PREFIXES
from policykg.kg.store import Build, CorruptBuild, open_store

from .default_store import stays_in_default_graph
from .errors import (
    HttpError,
    InsufficientStorage,
    NotAcceptable,
    QueryFailed,
    QuerySyntaxError,
    ResultTooLarge,
    ServiceFailed,
    ServiceNotAllowed,
)
from .jobs import Failure, ReadJob, Reply, SparqlAnswer, SparqlJob, WorkerSettings, WorkerStarted
from .operations import run_read
from .sandbox import Sandbox

log = logging.getLogger(__name__)

SERVICE_FAILED = (
    "a SERVICE call failed: the endpoint is not in this endpoint's allow-list, or it could not be "
    "reached, or it did not answer with SPARQL results"
)
SERVICE_REFUSED = (
    "this endpoint cannot isolate its query workers from the network on this machine, so it refuses "
    "every query that could contain SERVICE"
)
OUT_OF_MEMORY = "the query needed more memory than a query worker may use"


def load_datasets(conn: Connection, build: Build) -> QueryDatasets | None:
    """The build loaded into memory, or None after telling the parent why not (a `WorkerStarted`)."""
    try:
        datasets = QueryDatasets(open_store(build, in_memory=True), separate_default=True)
    except CorruptBuild as exc:
        conn.send(WorkerStarted(problem=str(exc), corrupt=True))
        return None
    except Exception as exc:  # report any load failure to the parent, then stop
        conn.send(WorkerStarted(problem=f"{type(exc).__name__}: {exc}"))
        return None
    release_free_memory()
    return datasets


def serve_jobs(conn: Connection, datasets: QueryDatasets, sandbox: Sandbox, settings: WorkerSettings,
               info: dict | None = None) -> None:
    """Cap this process's memory, start its SERVICE relays and answer jobs until EOF. In a worker forked
    from a zygote everything here happens after the fork: the cap counts the address space inherited
    from the zygote, and the recycling baseline is this worker's own resident memory. `info` (the
    build's size, counted once by the zygote: counting reads every quad, and each read in a forked
    worker may copy the page it touches) goes into the `WorkerStarted` message."""
    baseline = resident_bytes()
    limit = settings.memory_limit or (address_space_bytes() + settings.memory_headroom)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if sandbox.isolated:
        sandbox.start_relays()
    conn.send(WorkerStarted({**(info or {}), "rss": baseline, "memory_limit": limit, "sandbox": sandbox.mode,
                             "sandbox_reason": sandbox.reason}))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed the pipe: the pool stopped this worker
        except Exception as exc:  # a message that does not unpickle: answer it, keep serving
            job = exc
        data = _pickled(answer(datasets, job, sandbox, limit))
        grown = kept_bytes(baseline, len(data), settings.recycle_growth)
        retire = grown > settings.recycle_growth
        conn.send({"retire": retire, "grown": grown})
        conn.send_bytes(data)
        if retire:
            return


def kept_bytes(baseline: int, answer_bytes: int, recycle_growth: int) -> int:
    """How much the worker's resident memory grew past `baseline` after a job: what it keeps, not the
    answer on its way out. Freed heap is handed back to the OS (malloc_trim) before deciding, but only
    once the growth reaches a quarter of `recycle_growth`: trimming after every query cost more than a
    lookup-sized query (0.13-0.24 ms of system time a job in page faults afterwards, issue 10), and
    below that mark the untrimmed growth, which is never less than the trimmed one, already shows that
    the worker is not to be recycled."""
    grown = resident_bytes() - baseline - answer_bytes
    if grown > recycle_growth // 4:
        release_free_memory()
        grown = resident_bytes() - baseline - answer_bytes
    return grown


def answer(datasets: QueryDatasets, job: object, sandbox: Sandbox, memory_limit: int = 0) -> Reply:
    """The reply to one job; never raises (an error becomes a Failure for the web process to raise)."""
    try:
        if isinstance(job, SparqlJob):
            if sandbox.refuses_text(job.query):
                raise ServiceNotAllowed(SERVICE_REFUSED)
            return Reply(run_sparql(datasets, job))
        if isinstance(job, ReadJob):
            return Reply(run_read(datasets.store, job.operation, job.args))
        raise QueryFailed(f"a query worker cannot run {type(job).__name__}: {job}")
    except HttpError as exc:
        return Reply(failure=Failure.of(exc))
    except SyntaxError as exc:
        return Reply(failure=Failure(QuerySyntaxError, str(exc)))
    except MemoryError:
        size = f" ({memory_limit >> 20} MiB)" if memory_limit else ""
        return Reply(failure=Failure(QueryFailed, f"{OUT_OF_MEMORY}{size}; simplify the query and try again"))
    except OSError as exc:
        if isinstance(job, SparqlJob):  # pyoxigraph raises OSError for SERVICE (HTTP) failures only
            log.info("SERVICE failed: %s", exc)
            return Reply(failure=Failure(ServiceFailed, SERVICE_FAILED))
        # a read operation that touches files: a full disk is temporary and said so
        error = InsufficientStorage if exc.errno in (errno.ENOSPC, errno.EDQUOT) else QueryFailed
        return Reply(failure=Failure(error, f"{job.operation} failed: {exc}"))
    except (ValueError, TypeError, RuntimeError) as exc:
        return Reply(failure=Failure(QueryFailed, f"{type(exc).__name__}: {exc}"))
    except Exception as exc:  # a bug in an operation: the client hears of it, the worker keeps serving
        log.exception("query worker: unexpected error")
        return Reply(failure=Failure(QueryFailed, f"the request failed unexpectedly ({type(exc).__name__}: {exc})"))


def _pickled(reply: Reply) -> bytes:
    """The reply as it goes through the pipe; a value that cannot be pickled becomes a Failure."""
    try:
        return ForkingPickler.dumps(reply)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        failure = Failure(QueryFailed, f"the answer could not be sent back ({type(exc).__name__}: {exc})")
        return ForkingPickler.dumps(Reply(failure=failure))


class BoundedWriter(io.RawIOBase):
    """A file-like sink for pyoxigraph's serialisers that refuses to grow past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(self.buffer) + len(data) > self.limit:
            raise ResultTooLarge(
                f"the result is larger than this endpoint's limit of {self.limit} bytes; it was not sent "
                "in part. Add LIMIT/OFFSET to page through it."
            )
        self.buffer += data
        return len(data)


def run_sparql(datasets: QueryDatasets, job: SparqlJob) -> SparqlAnswer:
    store, kwargs = datasets.for_request(job.dataset, stays_in_default_graph(job.query, job.dataset))
    # the project's prefixes are predeclared, as on the Wikidata Query Service and Virtuoso
    result = store.query(job.query, base_iri=job.base_iri, prefixes=PREFIXES, **kwargs)
    sink = BoundedWriter(job.max_result_bytes)
    if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        if job.results_format is None:
            raise NotAcceptable("none of the accepted media types can carry SELECT/ASK results; accept one of "
                                + _media_types(RESULT_FORMATS))
        result.serialize(sink, format=named(job.results_format, RESULT_FORMATS).engine)
        fmt = job.results_format
    else:
        kind = "graph"
        if job.graph_format is None:
            raise NotAcceptable("none of the accepted media types can carry an RDF graph; accept one of "
                                + _media_types(GRAPH_FORMATS))
        ox.serialize(result, sink, format=named(job.graph_format, GRAPH_FORMATS).engine, prefixes=_prefixes(job))
        fmt = job.graph_format
    return SparqlAnswer(kind, fmt, bytes(sink.buffer))


def _media_types(formats: tuple[Format, ...]) -> str:
    return ", ".join(fmt.media_type for fmt in formats)


def _prefixes(job: SparqlJob) -> dict[str, str] | None:
    return PREFIXES if job.graph_format in ("turtle", "trig") else None


# -- memory ---------------------------------------------------------------------------------


def resident_bytes() -> int:
    """Resident memory (VmRSS), from /proc/self/statm: one number to read, where /proc/self/status is
    forty lines formatted by the kernel."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * _PAGE_BYTES


_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def address_space_bytes() -> int:
    return _status_kib("VmSize") * 1024


def thread_count() -> int:
    return len(os.listdir("/proc/self/task"))


def _status_kib(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def release_free_memory() -> None:
    """Give freed heap back to the OS (glibc keeps it otherwise), so RSS tells what the worker holds."""
    try:
        _libc().malloc_trim(0)
    except (OSError, AttributeError):
        pass


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6")
