"""SHACL Core validation by compiled SPARQL queries over the whole data graph (kg.validation.core_compiler).

Each shape with targets is compiled as a whole or not at all: a shape with any constraint the
compiler cannot translate is handed back, and the caller validates it with pySHACL (the reference
implementation). Results carry the SHACL terms pySHACL reports: focus node, sh:resultPath (for a
predicate path), sh:value, sh:sourceShape (a blank-node property shape is reported as its node
shape, as for pySHACL results), sh:sourceConstraintComponent, the shape's sh:message or else a
message worded as pySHACL words it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from policykg.kg.namespaces import SH
from policykg.kg.validation.core_compiler import Check, ShapeCompiler, Unsupported, is_node_shape_with_targets
from policykg.kg.validation.data_graph import DataGraph
from policykg.kg.validation.inputs import display
from policykg.kg.validation.report import ValidationResult
from policykg.kg.validation.shapes import Targets, is_deactivated, targets_of


@dataclass
class CorePlan:
    """The checks of every compiled shape, and the shapes left to pySHACL (with the reason)."""

    checks: list[tuple[Node, Targets, Check]] = field(default_factory=list)
    fallback: dict[Node, str] = field(default_factory=dict)


def plan_core(shapes: Graph, data: DataGraph) -> CorePlan:
    """Compile every active shape that has targets (its sh:sparql constraints are not part of it)."""
    compiler = ShapeCompiler(shapes, data.subclasses)
    plan = CorePlan()
    tops = {s for s in shapes.subjects() if is_node_shape_with_targets(shapes, s)}
    for shape in sorted(tops, key=str):
        if is_deactivated(shapes, shape):
            continue
        try:
            checks = compiler.checks(shape)
        except Unsupported as exc:
            plan.fallback[shape] = str(exc)
            continue
        targets = targets_of(shapes, shape)
        plan.checks.extend((shape, targets, check) for check in checks)
    return plan


def without_compiled_targets(shapes: Graph, plan: CorePlan) -> Graph:
    """The shapes graph for pySHACL: the compiled shapes lose their targets, so it checks only the rest."""
    compiled = {top for top, _t, _c in plan.checks} - set(plan.fallback)
    rest = Graph()
    for prefix, ns in shapes.namespaces():
        rest.bind(prefix, ns)
    targeting = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
    for s, p, o in shapes:
        if s in compiled and p in targeting:
            continue
        rest.add((s, p, o))
    return rest


def _n3(shapes: Graph, node: Node) -> str:
    try:
        return node.n3(namespace_manager=shapes.namespace_manager)
    except Exception:  # rdflib raises several types for a name it cannot shorten
        return str(node)


def default_message(shapes: Graph, check: Check, focus: str, value: str | None) -> str:
    """The message pySHACL gives a result whose shape has no sh:message (its generic messages)."""
    arg = _n3(shapes, check.argument)
    path = _n3(shapes, check.path) if isinstance(check.path, URIRef) else "path"
    name = str(check.parameter).removeprefix(str(SH))
    messages = {
        "class": f"Value does not have class {arg}",
        "datatype": f"Value is not Literal with datatype {arg}",
        "nodeKind": f"Value is not of Node Kind {arg}",
        "minCount": f"Less than {check.argument} values on <{focus}>->{path}",
        "maxCount": f"More than {check.argument} values on <{focus}>->{path}",
        "in": f"Value {value} not in list {[_n3(shapes, m) for m in shapes.items(check.argument)]}",
        "node": f"Value does not conform to Shape {arg}. See details for more information.",
        "hasValue": f"Node <{focus}>->{path} does not contain a value in the set: [{arg!r}]",
        "pattern": f"Value does not match pattern '{check.argument}'",
        "minLength": f"String length not >= {arg}",
        "maxLength": f"String length not <= {arg}",
        "languageIn": f"String language is not in {arg}",
        "uniqueLang": "More than one String shares the same Language",
        "minInclusive": f"Value is not >= {arg}",
        "minExclusive": f"Value is not > {arg}",
        "maxInclusive": f"Value is not <= {arg}",
        "maxExclusive": f"Value is not < {arg}",
        "lessThan": f"Value of <{focus}>->{arg} <= {value}",
        "lessThanOrEquals": f"Value of <{focus}>->{arg} < {value}",
    }
    return messages.get(name, f"Value does not satisfy {check.component.removeprefix(str(SH))}")


def _grouped(plan: CorePlan) -> dict[tuple[Node, Targets], list[Check]]:
    groups: dict[tuple[Node, Targets], list[Check]] = {}
    for top, targets, check in plan.checks:
        groups.setdefault((top, targets), []).append(check)
    return groups


_VARIABLE = re.compile(r"\?policykg_v[0-9]+")


def _canonical(where: str) -> str:
    """The pattern with its compiler variables numbered by first occurrence: two shapes that check
    the same thing (sh:class of one predicate's values …) have the same text."""
    names: dict[str, str] = {}
    return _VARIABLE.sub(lambda m: names.setdefault(m.group(0), f"?policykg_c{len(names)}"), where)


def _may_fail(data: DataGraph, check: Check, asked: dict[str, bool]) -> bool:
    """Whether the check can have a result: an unfocused check is first asked over every node (an
    index scan of its predicate, without a lookup per focus node); no solution there, no violation.
    The same pattern in several shapes is asked once."""
    if not check.unfocused:
        return True
    where = _canonical(check.where)
    if where not in asked:
        asked[where] = bool(data.store.query(f"ASK {{ {where} }}"))
    return asked[where]


def run_core(data: DataGraph, shapes: Graph, plan: CorePlan) -> list[ValidationResult]:
    """Run the compiled checks over the data graph: one query per shape with a UNION branch per check
    (numbered by ?policykg_check) that may fail. Its solutions are the results."""
    compiler = ShapeCompiler(shapes, data.subclasses)
    results: list[ValidationResult] = []
    asked: dict[str, bool] = {}
    for (top, targets), every in _grouped(plan).items():
        checks = [c for c in every if _may_fail(data, c, asked)]
        if not checks:
            continue
        focus = data.focus_pattern(targets)  # in each branch: a branch is evaluated on its own (SPARQL §18.2)
        branches = " UNION ".join(f"{{ {focus} {c.where} BIND ({i} AS ?policykg_check) }}"
                                  for i, c in enumerate(checks))
        query = f"SELECT DISTINCT ?this ?value ?policykg_check WHERE {{ {branches} }}"
        for solution in data.store.query(query):
            check = checks[int(solution["policykg_check"].value)]
            this = solution["this"]
            value = display(solution["value"] if check.has_value else this if check.path is None else None)
            reported = top if isinstance(check.shape, BNode) else check.shape
            path = str(check.path) if isinstance(check.path, URIRef) else None
            for message in compiler.messages(check.shape) or (default_message(shapes, check, this.value, value),):
                results.append(ValidationResult(
                    severity=compiler.severity(check.shape), focus_node=this.value, path=path, value=value,
                    message=message, source_shape=str(reported), component=check.component,
                ))
    return results
