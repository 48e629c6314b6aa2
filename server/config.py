"""The server's settings: one small dataclass, read from POLICYKG_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from policykg.config import QUERIES_DIR
from policykg.config import data_dir as default_data_dir
from policykg.kg.namespaces import BASE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_QUERY_TIMEOUT = 30.0
DEFAULT_MAX_BODY_BYTES = 1 << 20
DEFAULT_MAX_RESULT_BYTES = 256 << 20
DEFAULT_MAX_QUERY_BYTES = 128 << 10
DEFAULT_MAX_QUERY_BRACKETS = 500


def _default_workers() -> int:
    return max(2, min(4, os.cpu_count() or 2))


@dataclass(frozen=True)
class ServerConfig:
    """Everything the server needs to know; every field has a sane default.

    `public_base` is the URL at which the server's root is published (what `/sparql`, the dumps and
    the VoID description are announced under). The resource IRIs are always those the builder mints
    under `iri_base`; a request for path `/x` on this server serves the IRI `iri_base + "x"`, so a
    deployment behind the w3id.org redirect works unchanged.
    """

    data_dir: Path = field(default_factory=default_data_dir)
    public_base: str = BASE
    iri_base: str = BASE
    query_timeout: float = DEFAULT_QUERY_TIMEOUT
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES
    service_allowlist: tuple[str, ...] = ()
    worker_memory: int | None = None  # bytes of address space per query worker; None: build + headroom
    worker_memory_headroom: int = 1 << 30
    worker_recycle_growth: int = 256 << 20
    workers: int = field(default_factory=_default_workers)
    # front-end processes sharing the listening socket (server/prefork.py); 0: one per core, at most
    # one per query worker (each front end needs a worker of its own)
    processes: int = 0
    threads: int = 16
    # admission control (server/admission.py): arbitrary queries beyond the running ones wait in a
    # queue of `query_queue`; one client (its address) runs or waits for at most `client_queries`
    query_queue: int = 16
    # 6: a browser opens up to six connections per host, and the query page sends its query, the
    # autocompletion term lists and the label look-ups at once
    client_queries: int = 6
    retry_after: int = 5
    # request limits checked before the engine sees a query (server/limits.py)
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES
    max_query_brackets: int = DEFAULT_MAX_QUERY_BRACKETS
    # the front end (server/wsgi.py): a request's headers and body must arrive within
    # `read_timeout` seconds of its first byte; an idle connection is closed after `idle_timeout`
    read_timeout: float = 10.0
    idle_timeout: float = 30.0
    connection_limit: int = 1000
    # the address of a reverse proxy whose X-Forwarded-For/-Proto/-Host headers are believed
    trusted_proxy: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    queries_dir: Path = QUERIES_DIR  # the example queries of the query page

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> ServerConfig:
        """Settings from POLICYKG_* variables (see the table in server/README), then `overrides`."""
        env = os.environ if environ is None else environ
        values: dict = {"data_dir": default_data_dir(env)}
        if env.get("POLICYKG_PUBLIC_BASE"):
            values["public_base"] = _with_slash(env["POLICYKG_PUBLIC_BASE"])
        if env.get("POLICYKG_QUERY_TIMEOUT"):
            values["query_timeout"] = float(env["POLICYKG_QUERY_TIMEOUT"])
        if env.get("POLICYKG_MAX_BODY_BYTES"):
            values["max_body_bytes"] = int(env["POLICYKG_MAX_BODY_BYTES"])
        if env.get("POLICYKG_MAX_RESULT_BYTES"):
            values["max_result_bytes"] = int(env["POLICYKG_MAX_RESULT_BYTES"])
        if env.get("POLICYKG_SERVICE_ALLOWLIST"):
            values["service_allowlist"] = tuple(env["POLICYKG_SERVICE_ALLOWLIST"].split())
        for name, key in (("POLICYKG_WORKER_MEMORY", "worker_memory"),
                          ("POLICYKG_WORKER_MEMORY_HEADROOM", "worker_memory_headroom"),
                          ("POLICYKG_WORKER_RECYCLE_GROWTH", "worker_recycle_growth")):
            if env.get(name):
                values[key] = parse_bytes(env[name], name)
        if env.get("POLICYKG_WORKERS"):
            values["workers"] = int(env["POLICYKG_WORKERS"])
        if env.get("POLICYKG_PROCESSES"):
            values["processes"] = int(env["POLICYKG_PROCESSES"])
        if env.get("POLICYKG_THREADS"):
            values["threads"] = int(env["POLICYKG_THREADS"])
        for name, key, kind in _LIMIT_VARIABLES:
            if env.get(name):
                values[key] = kind(env[name])
        if env.get("POLICYKG_TRUSTED_PROXY"):
            values["trusted_proxy"] = env["POLICYKG_TRUSTED_PROXY"]
        if env.get("POLICYKG_HOST"):
            values["host"] = env["POLICYKG_HOST"]
        if env.get("POLICYKG_PORT"):
            values["port"] = int(env["POLICYKG_PORT"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_changes(self, **changes) -> ServerConfig:
        return replace(self, **changes)

    def front_ends(self) -> int:
        """How many front-end processes to run: `processes`, or one per core; never more than workers."""
        wanted = self.processes if self.processes > 0 else (os.cpu_count() or 1)
        return max(1, min(wanted, self.workers))

    def share(self, count: int, index: int) -> ServerConfig:
        """The settings of front end `index` of `count`: its part of the query workers, of the queue of
        waiting queries and of the connections, so that the totals stay what was configured (the
        per-client share is counted across the front ends instead, server/admission.py)."""
        if count <= 1:
            return self
        return replace(self, workers=_part(self.workers, count, index),
                       query_queue=_part(self.query_queue, count, index),
                       connection_limit=max(1, _part(self.connection_limit, count, index)))


def _part(total: int, count: int, index: int) -> int:
    """Share `index` of `total` split as evenly as possible into `count` shares."""
    return total // count + (1 if index < total % count else 0)


def parse_bytes(text: str, name: str) -> int:
    """A size such as `1073741824`, `512M` or `2G` (binary units)."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    value = text.strip().upper().removesuffix("IB").removesuffix("B")
    number, unit = (value[:-1], value[-1]) if value[-1:] in units and value[-1:] else (value, "")
    try:
        return int(float(number) * units[unit])
    except ValueError as exc:
        raise ValueError(f"{name}={text!r}: give a number of bytes, optionally with K, M or G") from exc


_LIMIT_VARIABLES = (
    ("POLICYKG_QUERY_QUEUE", "query_queue", int),
    ("POLICYKG_CLIENT_QUERIES", "client_queries", int),
    ("POLICYKG_RETRY_AFTER", "retry_after", int),
    ("POLICYKG_MAX_QUERY_BYTES", "max_query_bytes", int),
    ("POLICYKG_MAX_QUERY_BRACKETS", "max_query_brackets", int),
    ("POLICYKG_READ_TIMEOUT", "read_timeout", float),
    ("POLICYKG_IDLE_TIMEOUT", "idle_timeout", float),
    ("POLICYKG_CONNECTION_LIMIT", "connection_limit", int),
)


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
