"""The shapes graph: read, and split into SHACL-SPARQL constraints and the rest (SHACL Core)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from policykg.config import ONTOLOGY_DIR, SHAPES_DIR
from policykg.errors import ValidationError
from policykg.kg.namespaces import SH
from policykg.kg.validation.inputs import parse_graph
from policykg.kg.validation.report import SEVERITIES

DEFAULT_SHAPES = SHAPES_DIR / "policykg-shapes.ttl"
DEFAULT_VOCABULARY = (ONTOLOGY_DIR / "policykg.ttl", ONTOLOGY_DIR / "units.ttl")


def read_shapes(paths: Iterable[Path]) -> Graph:
    return parse_graph(paths, "shapes graph")


@dataclass(frozen=True)
class Targets:
    """The targets of a shape (SHACL §2.1.3); sh:targetClass is honoured with its subclasses."""

    classes: tuple[str, ...] = ()
    nodes: tuple[Node, ...] = ()
    subjects_of: tuple[str, ...] = ()
    objects_of: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.classes or self.nodes or self.subjects_of or self.objects_of)


def targets_of(shapes: Graph, shape: Node) -> Targets:
    classes = {str(c) for c in shapes.objects(shape, SH.targetClass)}
    if RDFS.Class in set(shapes.objects(shape, RDF.type)):  # implicit class target (SHACL §2.1.3.3)
        classes.add(str(shape))
    return Targets(
        classes=tuple(sorted(classes)),
        nodes=tuple(sorted(shapes.objects(shape, SH.targetNode))),
        subjects_of=tuple(sorted(str(p) for p in shapes.objects(shape, SH.targetSubjectsOf))),
        objects_of=tuple(sorted(str(p) for p in shapes.objects(shape, SH.targetObjectsOf))),
    )


def is_deactivated(shapes: Graph, node: Node) -> bool:
    return shapes.value(node, SH.deactivated) == Literal(True)


@dataclass(frozen=True)
class SparqlConstraint:
    """An sh:sparql constraint with the targets of its shape, ready to run over the dataset."""

    shape: str
    constraint: str
    select: str
    prefixes: dict[str, str]
    severity: str
    messages: tuple[str, ...]
    targets: Targets = Targets()


def severity_name(node: Node | None) -> str:
    if node is None:
        return "Violation"
    name = str(node).removeprefix(str(SH))
    if name not in SEVERITIES:
        raise ValidationError(f"unsupported sh:severity {node} (use sh:Violation, sh:Warning or sh:Info)")
    return name


def _prefix_declarations(shapes: Graph, constraint: Node) -> dict[str, str]:
    """sh:prefixes → sh:declare (SHACL §5.2.1), transitively through owl:imports is not supported."""
    prefixes: dict[str, str] = {}
    for holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            namespace = shapes.value(decl, SH.namespace)
            if prefix is None or namespace is None:
                raise ValidationError(f"sh:declare of {holder} lacks sh:prefix or sh:namespace")
            prefixes[str(prefix)] = str(namespace)
    return prefixes


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes graph without sh:sparql, and the SPARQL constraints taken out of it."""
    structural = Graph()
    for prefix, ns in shapes.namespaces():
        structural.bind(prefix, ns)
    for triple in shapes:
        if triple[1] != SH.sparql:
            structural.add(triple)
    constraints: list[SparqlConstraint] = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if is_deactivated(shapes, shape) or is_deactivated(shapes, constraint):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ValidationError(f"SPARQL constraint {constraint} of {shape} has no sh:select (SHACL §5.2)")
        messages = tuple(str(m) for m in shapes.objects(constraint, SH.message)) or tuple(
            str(m) for m in shapes.objects(shape, SH.message)
        )
        constraints.append(SparqlConstraint(
            shape=str(shape),
            constraint=str(constraint),
            select=str(select),
            prefixes=_prefix_declarations(shapes, constraint),
            severity=severity_name(shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)),
            messages=messages or (f"SPARQL constraint {constraint} failed",),
            targets=targets_of(shapes, shape),
        ))
    return structural, constraints
