"""The project's exception types; every message names what to fix and where."""

from __future__ import annotations


class PolicyKGError(Exception):
    """Root of all policykg errors."""


class AnnotationError(PolicyKGError):
    """A brat annotation file is malformed or inconsistent."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class AnnotationErrors(AnnotationError):
    """Several annotation errors found at once; behaves as the first of them, prints all of them."""

    def __init__(self, errors: list[AnnotationError]) -> None:
        if not errors:
            raise ValueError("AnnotationErrors needs at least one error")
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.path, first.line, first.message)
        self.args = ("\n".join(str(e) for e in self.errors),)

    def __str__(self) -> str:
        return self.args[0]


class CorpusError(PolicyKGError):
    """The corpus folder is incomplete or a text differs from its recorded checksum."""


class NotAPlanError(PolicyKGError):
    """A file offered to the corpus is not a plan text (empty, binary, or a news article …)."""


class NormalizationError(PolicyKGError):
    """A quoted value (number, unit, period, date) cannot be read."""


class BuildError(PolicyKGError):
    """The graph cannot be built from the annotations."""


class StoreError(PolicyKGError):
    """The built graph is missing or cannot be opened."""


class QueryError(PolicyKGError):
    """A SPARQL query is malformed or failed."""


class ValidationError(PolicyKGError):
    """A shapes graph, an ontology or the data to validate cannot be read or evaluated."""


class UnknownDivisionError(PolicyKGError, KeyError):
    """A code is not in the GB/T 2260 list of administrative divisions (kg/divisions.py)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class NonConformingBuildError(BuildError):
    """The built graph does not conform to the shapes: it is not published (`current/` is kept)."""

    def __init__(self, report) -> None:
        self.report = report
        super().__init__("the new build does not conform to the SHACL shapes; the previous build stays "
                         "current:\n" + report.text())
