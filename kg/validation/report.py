"""What a validation run found: SHACL results, the report, and its text and Turtle forms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from policykg.kg.namespaces import PREFIXES, SH

SEVERITIES = ("Violation", "Warning", "Info")
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL result: which shape found what wrong on which node."""

    severity: str  # "Violation", "Warning" or "Info"
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str
    source_constraint: str | None = None  # the sh:SPARQLConstraint, for SHACL-SPARQL results
    component: str | None = None  # sh:sourceConstraintComponent (sh:MinCountConstraintComponent …)

    def sort_key(self) -> tuple:
        return (_SEVERITY_RANK.get(self.severity, 9), self.source_shape, self.focus_node, self.path or "",
                self.value or "", self.message, self.component or "")


def _report_term(value: str) -> URIRef | BNode | Literal:
    """A node of a result as the report keeps it (a string): an IRI, a blank node or a literal's text."""
    if value.startswith("_:"):
        return BNode(value[2:])
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
        return URIRef(value)
    return Literal(value)


@dataclass
class ValidationReport:
    """All results of one validation run. ``conforms`` is false only if there is an sh:Violation."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    units: int = 0  # graphs checked
    units_reused: int = 0  # of which the pySHACL results came from the validation cache (content unchanged)

    @classmethod
    def from_results(cls, results: Iterable[ValidationResult], units: int = 0,
                     units_reused: int = 0) -> ValidationReport:
        unique = sorted(set(results), key=ValidationResult.sort_key)
        return cls(conforms=not any(r.severity == "Violation" for r in unique), results=unique, units=units,
                   units_reused=units_reused)

    def of_severity(self, severity: str) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == severity]

    @property
    def exit_code(self) -> int:
        """0 when the data conforms, 1 when there is a violation (2 is for errors, raised instead)."""
        return 0 if self.conforms else 1

    def turtle(self) -> str:
        """The report as a SHACL validation report (sh:ValidationReport) in Turtle, results sorted."""
        graph = Graph()
        graph.bind("sh", SH)
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        report = BNode("report")
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for index, r in enumerate(self.results):
            node = BNode(f"result{index}")
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.resultSeverity, SH[r.severity]))
            graph.add((node, SH.focusNode, _report_term(r.focus_node)))
            graph.add((node, SH.resultMessage, Literal(r.message)))
            graph.add((node, SH.sourceShape, _report_term(r.source_shape)))
            if r.path:
                graph.add((node, SH.resultPath, URIRef(r.path)))
            if r.value is not None:
                graph.add((node, SH.value, _report_term(r.value)))
            if r.source_constraint:
                graph.add((node, SH.sourceConstraint, _report_term(r.source_constraint)))
            if r.component:
                graph.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
        return graph.serialize(format="turtle")

    def text(self) -> str:
        """Human-readable report, grouped by severity, one line per result."""
        counts = {s: len(self.of_severity(s)) for s in SEVERITIES}
        lines = [
            f"Conforms: {'yes' if self.conforms else 'no'} — {counts['Violation']} violation(s), "
            f"{counts['Warning']} warning(s), {counts['Info']} info(s); {self.units} graph(s) checked"
            + (f" ({self.units_reused} unchanged: results reused)" if self.units_reused else "")
        ]
        for severity in SEVERITIES:
            group = self.of_severity(severity)
            if not group:
                continue
            lines.append("")
            lines.append(f"{severity}s ({len(group)}):")
            for r in group:
                where = compact(r.focus_node)
                if r.path:
                    where += f" {compact(r.path)}"
                value = f" [value: {compact(r.value)}]" if r.value is not None else ""
                lines.append(f"  {where}: {r.message}{value}  ({compact(r.source_shape)})")
        return "\n".join(lines) + "\n"


_SHAPES_NS = "https://w3id.org/policykg/shapes#"
_LOCAL_NAME = re.compile(r"[A-Za-z_][\w\-./]*")


def compact(iri: str) -> str:
    """`https://w3id.org/policykg/ontology#Plan` → `pkg:Plan` (longest matching namespace);
    strings that are not IRIs of a known namespace are returned unchanged."""
    namespaces = [*PREFIXES.items(), ("pkgsh", _SHAPES_NS)]
    matches = [(ns, prefix) for prefix, ns in namespaces
               if iri.startswith(ns) and _LOCAL_NAME.fullmatch(iri[len(ns):])]
    if not matches:
        return iri
    ns, prefix = max(matches, key=lambda match: len(match[0]))
    return f"{prefix}:{iri[len(ns):]}"
