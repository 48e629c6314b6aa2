"""Domain errors of the web layer, each with the HTTP status it maps to (mapped in app.py only)."""

from __future__ import annotations

from policykg.errors import PolicyKGError, QueryError


class ServerError(PolicyKGError):
    """An error a client receives as an HTTP response with `status` and a readable message."""

    status = 500
    title = "Server error"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadProtocolRequest(ServerError):
    """The request does not follow the SPARQL 1.1 Protocol (missing or repeated query, bad encoding)."""

    status = 400
    title = "Bad request"


class QuerySyntaxError(ServerError, QueryError):
    """The SPARQL parser rejected the query; the message carries its line:column position."""

    status = 400
    title = "Malformed query"


class UpdateRefused(ServerError):
    """SPARQL Update on a read-only endpoint."""

    status = 403
    title = "Read-only endpoint"


class ServiceNotAllowed(ServerError):
    """A SERVICE clause names an endpoint that the allow-list does not contain."""

    status = 403
    title = "SERVICE not allowed"


class ServiceFailed(ServerError):
    """A SERVICE call was refused by the workers' network sandbox or its endpoint failed (one message for both)."""

    status = 502
    title = "SERVICE call failed"


class ResourceNotFound(ServerError):
    status = 404
    title = "Not found"

    def __init__(self, message: str, iri: str = "") -> None:
        super().__init__(message)
        self.iri = iri


class NotAcceptable(ServerError):
    status = 406
    title = "Not acceptable"


class UnsupportedMediaType(ServerError):
    status = 415
    title = "Unsupported media type"


class QueryFailed(ServerError, QueryError):
    """The query was valid but its evaluation failed (e.g. a SERVICE endpoint did not answer)."""

    status = 500
    title = "Query failed"


class ResultTooLarge(ServerError):
    """The serialised result exceeds the configured cap; results are never truncated silently."""

    status = 500
    title = "Result too large"


class QueryTimeout(ServerError):
    status = 503
    title = "Query time limit reached"


class QueryCancelled(ServerError):
    """The client hung up while its query ran: the worker was stopped (nobody reads this answer)."""

    status = 503
    title = "Query cancelled"


class ServiceBusy(ServerError):
    status = 503
    title = "All query workers busy"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, headers={"Retry-After": "5", **(headers or {})})


class GraphUnavailable(ServerError):
    """No build to serve yet."""

    status = 503
    title = "Graph not built"


class Overloaded(ServerError):
    """Admission control refused the query: the client's share or the queue is full, or it waited too long.

    Always carries Retry-After, so that well-behaved clients back off instead of retrying at once.
    """

    status = 503
    title = "Too many queries"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class QueryTooComplex(ServerError):
    """The query text is over the size or bracket-nesting limit; the engine never sees it."""

    status = 400
    title = "Query too large"


class InsufficientStorage(ServerError):
    """The disk is full: the server cannot buffer or write what it needs to (temporary, so 503)."""

    status = 503
    title = "Insufficient storage"

    def __init__(self, message: str, retry_after: int = 60) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
