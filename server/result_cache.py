"""Answers of /sparql kept in memory for the build they were computed on, with HTTP validators.

The graph is read-only between builds, so the answer to a query depends on the query, its dataset,
the result format and the build only. An entry is keyed by exactly those: the query text, the
`DatasetSpec`, the two negotiated format names, the base IRI and the build's name (the digest in
`builds/<digest>`). A new build changes the key, so nothing computed on the old one is ever served
again; old entries simply age out of the LRU.

The query text is used as it was sent, not normalised: pyoxigraph (0.5) exposes no parsed query
object whose canonical form could serve as the key, and a hand-written reading of the text could
make two different queries share an entry. Clients that repeat a query (catalogue pages, notebooks,
dashboards) send the same bytes, so identity is what matters.

The cache is bounded in bytes (bodies plus key text) and evicts the least recently used entries.
Only successful answers are stored: errors, time-outs and refusals are raised before `put`. Every
answer carries a strong `ETag` (a digest of format and bytes) and `Cache-Control`, and a GET whose
`If-None-Match` matches is answered 304 (werkzeug's `make_conditional`), so clients and proxies
cache too. Configure with POLICYKG_RESULT_CACHE (bytes, `64M` by default, `0` or `off` disables)
and POLICYKG_RESULT_MAX_AGE (seconds for `Cache-Control: max-age`, 60 by default).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Request, Response
from werkzeug.http import quote_etag

from .config import parse_bytes
from .jobs import DatasetSpec, SparqlJob

EXTENSION_KEY = "policykg.result_cache"
DEFAULT_MAX_BYTES = 64 << 20
DEFAULT_MAX_AGE = 60
# one answer may take at most this share of the cache, so a single large result cannot flush it
ENTRY_SHARE = 4
ENTRY_OVERHEAD = 256  # bytes counted per entry for the key tuple and bookkeeping


@dataclass(frozen=True)
class CacheKey:
    query: str
    dataset: DatasetSpec
    results_format: str | None
    graph_format: str | None
    base_iri: str | None
    build: str

    @classmethod
    def of(cls, job: SparqlJob, build: str) -> CacheKey:
        return cls(job.query, job.dataset, job.results_format, job.graph_format, job.base_iri, build)

    @property
    def size(self) -> int:
        return len(self.query.encode("utf-8")) + ENTRY_OVERHEAD


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> CachedAnswer:
        return cls(body, content_type, etag_of(body, content_type))


def etag_of(body: bytes, content_type: str) -> str:
    """A strong entity tag: the same bytes in the same media type, whatever build or query made them."""
    digest = hashlib.blake2b(body, digest_size=16)
    digest.update(content_type.encode("ascii", "replace"))
    return digest.hexdigest()


class ResultCache:
    """A byte-bounded LRU of answers; `max_bytes` 0 switches storing off (validators are still sent)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_age: int = DEFAULT_MAX_AGE) -> None:
        self.max_bytes = max(0, max_bytes)
        self.max_age = max(0, max_age)
        self._entries: OrderedDict[CacheKey, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ResultCache:
        env = os.environ if environ is None else environ
        size = env.get("POLICYKG_RESULT_CACHE", "").strip()
        max_bytes = DEFAULT_MAX_BYTES
        if size.lower() in ("0", "off", "no", "false"):
            max_bytes = 0
        elif size:
            max_bytes = parse_bytes(size, "POLICYKG_RESULT_CACHE")
        max_age = int(env.get("POLICYKG_RESULT_MAX_AGE", DEFAULT_MAX_AGE))
        return cls(max_bytes, max_age)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> CachedAnswer | None:
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: CacheKey, body: bytes, content_type: str) -> CachedAnswer:
        """Remember a successful answer (unless it is too large for its share) and return it."""
        entry = CachedAnswer.of(body, content_type)
        size = len(body) + key.size
        if not self.enabled or size > self.max_bytes // ENTRY_SHARE:
            return entry
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body) + key.size
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                old_key, old = self._entries.popitem(last=False)
                self._bytes -= len(old.body) + old_key.size
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def snapshot(self) -> dict:
        """For /health: what the cache holds and how often it answered."""
        return {"entries": len(self._entries), "bytes": self._bytes, "max_bytes": self.max_bytes,
                "hits": self.hits, "misses": self.misses}

    def headers(self, entry: CachedAnswer, *, hit: bool) -> list[tuple[str, str]]:
        """The headers of an answer besides its length: type, validator and freshness (one list for the
        app's responses and the SPARQL lane's, server/sparql_lane.py)."""
        headers = [("Content-Type", entry.content_type), ("ETag", quote_etag(entry.etag)),
                   ("Cache-Control", f"public, max-age={self.max_age}"), ("Vary", "Accept")]
        if hit:
            headers.append(("Server-Timing", "cache;desc=hit"))
        return headers

    def respond(self, entry: CachedAnswer, request: Request, *, hit: bool) -> Response:
        """The HTTP answer: body, validators and freshness; 304 for a GET whose If-None-Match matches."""
        response = Response(entry.body, headers=self.headers(entry, hit=hit))
        if request.headers.get("If-None-Match") is None:  # (`in` costs a raised exception in werkzeug)
            return response
        # werkzeug answers 304 for GET/HEAD only; for POST a matching If-None-Match changes nothing
        return response.make_conditional(request)


def install(app: Flask, cache: ResultCache | None = None) -> ResultCache:
    cache = cache if cache is not None else ResultCache.from_env()
    app.extensions[EXTENSION_KEY] = cache
    return cache


def of(app: Flask) -> ResultCache:
    return app.extensions[EXTENSION_KEY]
