"""SHACL-SPARQL constraints (sh:sparql, SHACL §5), each run once over the whole data graph by Oxigraph.

SHACL pre-binds ``$this`` to each focus node. Evaluating the query once per focus node would cost
a query per node, so the query is evaluated once with ``$this`` free and its solutions are kept
for the shape's focus nodes: the same solutions, because the query must project ``$this`` (a
query that does not is refused with a ValidationError, as every constraint of shapes/ projects it).
The engine parses the query: project prefixes are passed to it (``prefixes=``), never written in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from policykg.errors import ValidationError
from policykg.kg.namespaces import PREFIXES
from policykg.kg.validation.data_graph import DataGraph
from policykg.kg.validation.inputs import display
from policykg.kg.validation.report import ValidationResult, compact
from policykg.kg.validation.shapes import SparqlConstraint

COMPONENT = "http://www.w3.org/ns/shacl#SPARQLConstraintComponent"
_MESSAGE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _substitute(message: str, solution: ox.QuerySolution, variables: set[str]) -> str:
    """SHACL §5.3.2: {?var} and {$var} in sh:message are replaced by the solution's values."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        term = solution[name] if name in variables else None
        return compact(term.value) if term is not None else "(unbound)"

    return _MESSAGE_VAR.sub(value, message)


Focus = ox.NamedNode | ox.BlankNode | ox.Literal


def _solutions(data: DataGraph, sc: SparqlConstraint) -> Iterator[tuple[Focus, ox.QuerySolution, set[str]]]:
    """(focus node, solution, projected variables) of the constraint's query for its focus nodes."""
    prefixes = {**PREFIXES, **sc.prefixes}
    try:
        solutions = data.store.query(sc.select, prefixes=prefixes)
    except SyntaxError as exc:
        raise ValidationError(f"sh:select of {sc.constraint} is not valid SPARQL: {exc}") from exc
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValidationError(f"sh:select of {sc.constraint} is not a SELECT query (SHACL §5.2)")
    variables = {v.value for v in solutions.variables}
    if "this" not in variables:
        raise ValidationError(f"sh:select of {sc.constraint} must project $this (its focus node)")
    rows = iter(solutions)
    first = next(rows, None)
    if first is None:  # the usual case: no solution, and the focus nodes (a set of thousands) are not needed
        return
    focus = data.focus_nodes(sc.targets)
    for solution in itertools.chain([first], rows):
        if solution["this"] in focus:
            yield solution["this"], solution, variables


def run_sparql_constraints(data: DataGraph, constraints: Sequence[SparqlConstraint]) -> list[ValidationResult]:
    """Every solution of every constraint, as results (one per sh:message)."""
    results: list[ValidationResult] = []
    for sc in constraints:
        for focus, solution, variables in _solutions(data, sc):
            path = solution["path"] if "path" in variables else None
            value = solution["value"] if "value" in variables else None
            for message in sc.messages:
                results.append(ValidationResult(
                    severity=sc.severity,
                    focus_node=focus.value,
                    path=display(path),
                    value=display(value),
                    message=_substitute(message, solution, variables),
                    source_shape=sc.shape,
                    source_constraint=sc.constraint,
                    component=COMPONENT,
                ))
    return results
