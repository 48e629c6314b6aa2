"""The SERVICE allow-list: parsed, normalised endpoint URLs and the one test of a URL against them.

An entry such as `http://127.0.0.1:18252/sparql` allows exactly that scheme, host and port, and the
paths `/sparql`, `/sparql/…` and `/sparql?…` — never `/sparqlx`, port 182520 or `/sparql/../x`.
The test is used twice with the same code: by the sandbox's relay on the HTTP request line that the
engine actually sends (the enforcement, server/sandbox.py), and by the protocol layer for a friendly
early 403 on obvious cases (a courtesy: the query text is not what is enforced).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .errors import HttpError

DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_NAMES = frozenset({"localhost"})


class BadAllowlistEntry(HttpError):
    """An entry of POLICYKG_SERVICE_ALLOWLIST is not an absolute http(s) URL."""


@dataclass(frozen=True)
class Endpoint:
    """One allow-listed endpoint: scheme, normalised host, port and a path prefix ending before a '/'."""

    scheme: str
    host: str
    port: int
    path: str  # "" allows every path; else "/a/b" allows /a/b, /a/b/…, /a/b?…

    @property
    def is_loopback(self) -> bool:
        return _is_loopback(self.host)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.path or '/'}"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # percent-decoded path, without query or fragment


def parse_allowlist(entries: tuple[str, ...] | list[str]) -> tuple[Endpoint, ...]:
    """The endpoints of the configured allow-list; BadAllowlistEntry names every bad entry at once."""
    endpoints, errors = [], []
    for entry in entries:
        target = parse_target(entry)
        if target is None:
            errors.append(f"{entry!r} is not an absolute http(s) URL without '.'/'..' segments")
            continue
        endpoints.append(Endpoint(target.scheme, target.host, target.port, target.path.rstrip("/")))
    if errors:
        raise BadAllowlistEntry("POLICYKG_SERVICE_ALLOWLIST: " + "; ".join(errors))
    return tuple(endpoints)


def parse_target(url: str) -> Target | None:
    """Scheme, normalised host, port and decoded path of an absolute http(s) URL; None if it is not one.

    URLs with userinfo, an unparsable port, or a '.'/'..' path segment (also when percent-encoded)
    are not targets at all: they are refused rather than normalised, so no reading can disagree.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    path = unquote(parts.path)
    if any(segment in (".", "..") for segment in path.split("/")) or "\\" in path:
        return None
    return Target(scheme, normalise_host(parts.hostname), port or DEFAULT_PORTS[scheme], path or "/")


def normalise_host(host: str) -> str:
    """Lower-case; IP literals in their canonical form (only standard notations are IPs here)."""
    host = host.lower().rstrip(".")
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        return host


def allowed(url: str, endpoints: tuple[Endpoint, ...]) -> Endpoint | None:
    """The allow-list entry that admits `url`, or None."""
    target = parse_target(url)
    if target is None:
        return None
    for endpoint in endpoints:
        if (target.scheme, target.host, target.port) != (endpoint.scheme, endpoint.host, endpoint.port):
            continue
        if _under(target.path, endpoint.path):
            return endpoint
    return None


def path_allowed(path: str, endpoint_path: str) -> bool:
    """Whether an HTTP request-target path (origin form, query allowed) lies under `endpoint_path`."""
    target = parse_target("http://h" + (path if path.startswith("/") else "/" + path))
    return target is not None and _under(target.path, endpoint_path)


def _under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
