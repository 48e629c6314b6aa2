"""The query worker process: holds the build in memory and answers SparqlJob / ReadJob messages.

Runs only in child processes started by server.executor. Every answer is a tuple
("ok", payload) or (error kind, message) that the parent turns into an HTTP response.
"""

from __future__ import annotations

import logging
from multiprocessing.connection import Connection

import pyoxigraph as ox

from policykg.kg.dataset import ScratchMerges, default_dataset
from policykg.kg.namespaces import PREFIXES
from policykg.kg.query import READ_OPERATIONS
from policykg.kg.store import Build, open_store

from .executor import DatasetSpec, ReadJob, SparqlAnswer, SparqlJob

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


class Dataset:
    """The store (its default graph is the merge of the asserted graphs) and the merges a request names."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.merges = ScratchMerges(store)
        self.defaults = {inference: default_dataset(store, inference) for inference in (False, True)}

    def for_request(self, spec: DatasetSpec) -> tuple[ox.Store, dict]:
        """The store to query and the keyword arguments for Store.query."""
        if spec.protocol:
            return self.merges.dataset(spec.default_graphs, spec.named_graphs, spec.inference)
        if spec.query_has_dataset:
            # FROM / FROM NAMED in the query text: Oxigraph builds that dataset itself (see server/README.md)
            return self.store, {}
        return self.store, self.defaults[spec.inference]


def serve_jobs(conn: Connection, build: Build) -> None:
    try:
        dataset = Dataset(open_store(build, in_memory=True))
    except Exception as exc:  # report any load failure to the parent, then stop
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", len(dataset.store)))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(answer(dataset, job))


def answer(dataset: Dataset, job: SparqlJob | ReadJob) -> tuple:
    try:
        if isinstance(job, SparqlJob):
            return ("ok", run_sparql(dataset, job))
        return ("ok", READ_OPERATIONS[job.operation](dataset.store, *job.args))
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except _Refused as exc:
        return (exc.kind, str(exc))
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        return ("failed", f"{type(exc).__name__}: {exc}")


class _Refused(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def run_sparql(dataset: Dataset, job: SparqlJob) -> SparqlAnswer:
    store, kwargs = dataset.for_request(job.dataset)
    # the project's prefixes are predeclared, as on the Wikidata Query Service and Virtuoso
    result = store.query(job.query, base_iri=job.base_iri, prefixes=PREFIXES, **kwargs)
    if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        if job.results_format is None:
            raise _Refused("not_acceptable", "none of the accepted media types can carry SELECT/ASK results")
        body = result.serialize(format=RESULTS_FORMATS[job.results_format])
        fmt = job.results_format
    else:
        kind = "graph"
        if job.graph_format is None:
            raise _Refused("not_acceptable", "none of the accepted media types can carry an RDF graph")
        body = ox.serialize(list(result), format=GRAPH_FORMATS[job.graph_format], prefixes=_prefixes(job))
        fmt = job.graph_format
    if len(body) > job.max_result_bytes:
        raise _Refused(
            "too_large",
            f"the result has {len(body)} bytes, more than this endpoint's limit of {job.max_result_bytes}; "
            "it was not sent in part. Add LIMIT/OFFSET to page through it.",
        )
    return SparqlAnswer(kind, fmt, body)


def _prefixes(job: SparqlJob) -> dict[str, str] | None:
    return PREFIXES if job.graph_format in ("turtle", "trig") else None
