"""Limits a request must meet before the engine sees it: query size, bracket count, time limit, graph IRIs.

These are resource limits, not a reading of the query: the bracket count is taken over the raw
text (brackets inside strings, IRIs and comments count too), so it can only over-count the
nesting the parser will meet. The engine's parser recurses once per nesting level and crashes
its process (SIGSEGV) somewhere between 1,000 and 3,000 levels; a total of `max_brackets`
opening brackets bounds every nesting depth well below that, and the catalogue queries use
fewer than 30.
"""

from __future__ import annotations

import math

import pyoxigraph as ox

from .errors import BadProtocolRequest, QueryTooComplex

OPENING_BRACKETS = ("{", "(", "[")
MIN_TIMEOUT = 0.01  # seconds: below this no query can even be parsed; such a limit is a mistake


def check_query_text(query: str, max_bytes: int, max_brackets: int) -> None:
    """QueryTooComplex when the query is longer than `max_bytes` (UTF-8) or has more opening brackets."""
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise QueryTooComplex(
            f"the query has {size} bytes, more than this endpoint's limit of {max_bytes}; "
            "shorten it (e.g. split a long VALUES list over several queries)."
        )
    brackets = sum(query.count(bracket) for bracket in OPENING_BRACKETS)
    if brackets > max_brackets:
        raise QueryTooComplex(
            f"the query has {brackets} opening brackets ({{, ( or [), more than this endpoint's limit of "
            f"{max_brackets}; the limit bounds how deeply a query may nest. Flatten the query."
        )


def parse_timeout(value: str | None, limit: float) -> float:
    """The request's own time limit in seconds: a finite number ≥ MIN_TIMEOUT; it may lower the
    server's limit but never raise it."""
    if value is None or value.strip() == "":
        return limit
    try:
        requested = float(value)
    except ValueError as exc:
        raise BadProtocolRequest(f"timeout must be a number of seconds, not {value!r}") from exc
    if not math.isfinite(requested):
        raise BadProtocolRequest(f"timeout must be a finite number of seconds, not {value!r}")
    if requested < MIN_TIMEOUT:
        raise BadProtocolRequest(
            f"timeout must be at least {MIN_TIMEOUT:g} s (got {value!r}); leave it out to use the "
            f"server's limit of {limit:g} s"
        )
    return min(requested, limit)


def check_graph_iris(parameter: str, values: tuple[str, ...]) -> None:
    """`default-graph-uri` / `named-graph-uri` values must be absolute IRIs (SPARQL Protocol §2.1.4)."""
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise BadProtocolRequest(f"{parameter} must be an absolute IRI, not {value!r}: {exc}") from exc
