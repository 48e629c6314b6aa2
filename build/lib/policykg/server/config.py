"""The server's settings: one small dataclass, read from POLICYKG_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from policykg.config import data_dir as default_data_dir
from policykg.kg.namespaces import BASE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_QUERY_TIMEOUT = 30.0
DEFAULT_MAX_BODY_BYTES = 1 << 20
DEFAULT_MAX_RESULT_BYTES = 256 << 20


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
    workers: int = field(default_factory=_default_workers)
    threads: int = 16
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    queries_dir: Path | None = None
    repo_root: Path | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> ServerConfig:
        """Settings from POLICYKG_* variables (see the table in server/README), then `overrides`."""
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("POLICYKG_DATA"):
            values["data_dir"] = Path(env["POLICYKG_DATA"]).resolve()
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
        if env.get("POLICYKG_WORKERS"):
            values["workers"] = int(env["POLICYKG_WORKERS"])
        if env.get("POLICYKG_THREADS"):
            values["threads"] = int(env["POLICYKG_THREADS"])
        if env.get("POLICYKG_HOST"):
            values["host"] = env["POLICYKG_HOST"]
        if env.get("POLICYKG_PORT"):
            values["port"] = int(env["POLICYKG_PORT"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_changes(self, **changes) -> ServerConfig:
        return replace(self, **changes)


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
