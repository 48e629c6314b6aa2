"""The read operations a query worker (or the cheap lane) runs by name, and how one is run.

A `ReadJob` names one of these; the functions live in kg (page reads and whole-dataset reads), take
an open store and return plain data that crosses the process boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from policykg.kg.dataset_reads import statistics
from policykg.kg.page_reads import (
    describe_resource,
    description,
    description_ntriples,
    document_view,
    graph_ntriples,
    is_graph_name,
    labels,
    page_kind,
    similar_iris,
)

from .errors import QueryFailed

READ_OPERATIONS: dict[str, Callable[..., Any]] = {
    "is_graph_name": is_graph_name,
    "labels": labels,
    "page_kind": page_kind,
    "describe_resource": describe_resource,
    "document_view": document_view,
    "description": description,
    "description_ntriples": description_ntriples,
    "graph_ntriples": graph_ntriples,
    "similar_iris": similar_iris,
    "statistics": statistics,
}


def run_read(store: ox.Store, operation: str, args: tuple = ()) -> Any:
    """The answer of the read operation `operation` (QueryFailed when there is none of that name)."""
    function = READ_OPERATIONS.get(operation)
    if function is None:
        known = ", ".join(sorted(READ_OPERATIONS))
        raise QueryFailed(f"there is no read operation named {operation!r}; known: {known}")
    return function(store, *args)
