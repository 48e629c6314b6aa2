"""SHACL Core shapes compiled to SPARQL: one SELECT per constraint, over the whole data graph at once.

A check returns the focus nodes (``?this``) that violate one constraint of one shape and, for
constraints on value nodes, the offending value (``?value``). Shapes used inside sh:node, sh:or,
sh:and, sh:xone, sh:not and sh:qualifiedValueShape are compiled to a graph pattern that matches
exactly when a node does *not* conform to them (``violation``), so conformance is ``NOT EXISTS``.

A shape that uses anything this compiler does not translate (sh:closed, SPARQL-based targets,
recursion …) raises :class:`Unsupported`; the caller then validates it with pySHACL instead, so
nothing is silently skipped. Semantics follow SHACL §4 (Core constraint components).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from policykg.kg.namespaces import SH
from policykg.kg.validation.inputs import to_oxigraph
from policykg.kg.validation.shapes import is_deactivated, severity_name

# shape predicates that are not constraints (or are read together with one: flags, qualified counts)
_NOT_CONSTRAINTS = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.message,
    SH.severity, SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.sparql,
    SH.declare, SH.prefixes, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.property,
}
# value types whose lexical form Oxigraph can check by casting (an ill-formed literal fails sh:datatype)
_CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date, XSD.dateTime, XSD.time}
_NODE_KINDS = {
    SH.IRI: "!isIRI({v})", SH.Literal: "!isLiteral({v})", SH.BlankNode: "!isBlank({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})", SH.BlankNodeOrLiteral: "isIRI({v})", SH.IRIOrLiteral: "isBlank({v})",
}
_COMPARISONS = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
_MAX_COUNT = 5  # counts are checked with that many distinct value variables; larger ones go to pySHACL
RDF_TYPE = f"<{RDF.type}>"
# property constraints compiled to a filter on the focus node (NOT EXISTS …), not to a triple pattern
_FOCUSED = {SH.minCount, SH.hasValue, SH.qualifiedMinCount}


class Unsupported(Exception):
    """A shape uses a SHACL feature that is not compiled (it is validated by pySHACL instead)."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a query: its solutions are the violations (SHACL results)."""

    shape: Node  # the shape that holds the constraint
    component: str  # sh:…ConstraintComponent
    parameter: Node  # the constraint's parameter (sh:class …) and its value, for default messages
    argument: Node
    path: Node | None  # sh:path of a property shape
    where: str  # a pattern over ?this (bound to a focus node) and, for value nodes, ?value
    has_value: bool  # whether ?value is the result's sh:value (else the focus node is, or none)
    # whether ``where`` binds ?this itself, by a triple pattern of a predicate (or inverse predicate)
    # path that every filter of it follows: its solutions with ?this free then hold every violation
    # (a filter over bound variables may be applied before the join with the focus nodes or after)
    unfocused: bool = False


def component_of(parameter: URIRef) -> str:
    name = str(parameter).removeprefix(str(SH))
    return f"{SH}{name[:1].upper()}{name[1:]}ConstraintComponent"


class ShapeCompiler:
    """Translates the shapes of one shapes graph; ``subclasses`` gives a class with its subclasses."""

    def __init__(self, shapes: Graph, subclasses: Callable[[str], list[str]]) -> None:
        self.g = shapes
        self.subclasses = subclasses
        self._count = 0
        self._open: set[Node] = set()  # shapes being compiled: a cycle means a recursive shape
        # parameters of SHACL-SPARQL constraint components declared in the shapes graph (SHACL §6)
        self._custom = {shapes.value(p, SH.path) for c in shapes.subjects(RDF.type, SH.ConstraintComponent)
                        for p in shapes.objects(c, SH.parameter)}

    # ---- terms -----------------------------------------------------------------------------

    def var(self) -> str:
        self._count += 1
        return f"?policykg_v{self._count}"

    def term(self, node: Node) -> str:
        if isinstance(node, BNode):
            raise Unsupported(f"a blank node {node} as a constraint value")
        return str(to_oxigraph(node))

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def path(self, node: Node) -> str:
        """A SHACL property path (§2.3.1) as a SPARQL property path."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in self.items(node)) + ")"
        for predicate, form in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = self.g.value(node, predicate)
            if inner is not None:
                return form.format(self.path(inner))
        alternatives = self.g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in self.items(alternatives)) + ")"
        raise Unsupported(f"property path {node}")

    # ---- constraints on one value node --------------------------------------------------------

    def value_violation(self, shape: Node, parameter: Node, arg: Node, v: str, bound_here: bool = False) -> str:
        """A pattern that matches when the value node ``v`` violates the constraint of ``shape``.

        ``bound_here``: ``v`` is bound by a triple pattern of the same group, before this pattern."""
        if parameter == SH["class"]:
            t = self.var()
            classes = " ".join(f"<{c}>" for c in self.subclasses(str(arg)))
            if bound_here:  # the same solutions as NOT EXISTS (they share the bound ``v``), as a hash anti-join
                return f"MINUS {{ {v} {RDF_TYPE} {t} . VALUES {t} {{ {classes} }} }}"
            return f"FILTER NOT EXISTS {{ {v} {RDF_TYPE} {t} . VALUES {t} {{ {classes} }} }}"
        if parameter == SH.datatype:
            wrong = f"!isLiteral({v}) || datatype({v}) != <{arg}>"
            if arg in _CASTABLE:  # ill-formed (SHACL §4.2.2)
                wrong += f" || !COALESCE(isLiteral(<{arg}>(STR({v}))), false)"
            return f"FILTER ({wrong})"
        if parameter == SH.nodeKind:
            if arg not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {arg}")
            return f"FILTER ({_NODE_KINDS[arg].format(v=v)})"
        if parameter == SH["in"]:
            members = " || ".join(f"sameTerm({v}, {self.term(m)})" for m in self.items(arg)) or "false"
            return f"FILTER (!({members}))"
        if parameter == SH.hasValue:
            return f"FILTER (!sameTerm({v}, {self.term(arg)}))"
        if parameter == SH.languageIn:
            ranges = " || ".join(f"langMatches(lang({v}), {self.term(r)})" for r in self.items(arg)) or "false"
            return f"FILTER (!isLiteral({v}) || !({ranges}))"
        if parameter == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            extra = f", {self.term(flags)}" if flags is not None else ""
            return f"FILTER (isBlank({v}) || !REGEX(STR({v}), {self.term(arg)}{extra}))"
        if parameter in (SH.minLength, SH.maxLength):
            op = "<" if parameter == SH.minLength else ">"
            return f"FILTER (isBlank({v}) || STRLEN(STR({v})) {op} {int(arg)})"
        if parameter in _COMPARISONS:  # not comparable is a violation too (SHACL §4.3)
            return f"FILTER (!COALESCE({v} {_COMPARISONS[parameter]} {self.term(arg)}, false))"
        if parameter == SH.node:
            return f"FILTER EXISTS {{ {self.violation(arg, v)} }}"
        if parameter == SH["not"]:
            return f"FILTER NOT EXISTS {{ {self.violation(arg, v)} }}"
        if parameter in (SH["or"], SH["and"], SH.xone):
            members = [f"EXISTS {{ {self.violation(s, v)} }}" for s in self.items(arg)]
            if parameter == SH["or"]:
                return f"FILTER ({' && '.join(members) or 'true'})"
            if parameter == SH["and"]:
                return f"FILTER ({' || '.join(members) or 'false'})"
            conforming = " + ".join(f"IF({m}, 0, 1)" for m in members) or "0"
            return f"FILTER (({conforming}) != 1)"
        raise Unsupported(f"constraint {parameter}")

    # ---- constraints of a property shape at one focus node ---------------------------------------

    def _distinct_values(self, f: str, path: str, n: int, condition: Callable[[str], str] | None = None) -> str:
        """A pattern matching when ``f`` has at least ``n`` distinct values (meeting ``condition``)."""
        if n > _MAX_COUNT:
            raise Unsupported(f"a count of {n}")
        names = [self.var() for _ in range(n)]
        parts = [f"{f} {path} {w} ." + (f" {condition(w)}" if condition else "") for w in names]
        distinct = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
        if distinct:
            parts.append(f"FILTER ({' && '.join(distinct)})")
        return " ".join(parts)

    def is_predicate_path(self, shape: Node) -> bool:
        """Whether the shape's sh:path is a predicate or the inverse of one (a plain index scan)."""
        node = self.g.value(shape, SH.path)
        return isinstance(node, URIRef) or (
            isinstance(node, BNode) and isinstance(self.g.value(node, SH.inversePath), URIRef)
            and len(set(self.g.predicate_objects(node))) == 1)

    def property_violations(self, shape: Node, f: str, top: bool = False) -> list[tuple[Node, Node, str, str | None]]:
        """(parameter, argument, pattern over ``f``, value variable or None) per constraint of a
        property shape: each pattern matches when the focus node ``f`` violates that constraint.

        ``top``: the patterns are the checks themselves, evaluated once, not inside an EXISTS that
        is evaluated once per outer solution (where an anti-join would read its whole right side
        each time)."""
        if (shape, SH.property, None) in self.g:
            raise Unsupported(f"sh:property of property shape {shape}")
        path = self.path(self.g.value(shape, SH.path))
        found: list[tuple[Node, Node, str, str | None]] = []
        for parameter, arg in self._constraints(shape):
            if parameter == SH.minCount:
                if int(arg) > 0:
                    found.append((parameter, arg, f"FILTER NOT EXISTS {{ {self._distinct_values(f, path, int(arg))} }}",
                                  None))
            elif parameter == SH.maxCount:
                found.append((parameter, arg, self._distinct_values(f, path, int(arg) + 1), None))
            elif parameter == SH.hasValue:
                found.append((parameter, arg, f"FILTER NOT EXISTS {{ {f} {path} {self.term(arg)} }}", None))
            elif parameter == SH.uniqueLang:
                if arg == Literal(True):
                    a, b = self.var(), self.var()
                    same = (f"FILTER (!sameTerm({a}, {b}) && lang({a}) != \"\" && "
                            f"LCASE(lang({a})) = LCASE(lang({b})))")
                    found.append((parameter, arg, f"{f} {path} {a} . {f} {path} {b} . {same}", None))
            elif parameter == SH.qualifiedValueShape:
                found.extend(self._qualified(shape, arg, f, path))
            elif parameter in _PAIRS:
                w, u = self.var(), self.var()
                found.append((parameter, arg, f"{f} {path} {w} . {f} <{arg}> {u} . "
                              f"FILTER (!COALESCE({w} {_PAIRS[parameter]} {u}, false))", w))
            elif parameter == SH.equals:
                w = self.var()
                found.append((parameter, arg, f"{{ {f} {path} {w} . FILTER NOT EXISTS {{ {f} <{arg}> {w} }} }} UNION "
                              f"{{ {f} <{arg}> {w} . FILTER NOT EXISTS {{ {f} {path} {w} }} }}", w))
            elif parameter == SH.disjoint:
                w = self.var()
                found.append((parameter, arg, f"{f} {path} {w} . {f} <{arg}> {w} .", w))
            else:
                w = self.var()
                found.append((parameter, arg, f"{f} {path} {w} . {self.value_violation(shape, parameter, arg, w, top)}",
                              w))
        return found

    def _qualified(self, shape: Node, q: Node, f: str, path: str) -> list[tuple[Node, Node, str, str | None]]:
        if self.g.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        def conforming(w: str) -> str:
            return f"FILTER NOT EXISTS {{ {self.violation(q, w)} }}"

        found = []
        low, high = self.g.value(shape, SH.qualifiedMinCount), self.g.value(shape, SH.qualifiedMaxCount)
        if low is not None and int(low) > 0:
            found.append((SH.qualifiedMinCount, q,
                          f"FILTER NOT EXISTS {{ {self._distinct_values(f, path, int(low), conforming)} }}", None))
        if high is not None:
            found.append((SH.qualifiedMaxCount, q, self._distinct_values(f, path, int(high) + 1, conforming), None))
        return found

    # ---- shapes --------------------------------------------------------------------------------

    def _constraints(self, shape: Node) -> list[tuple[Node, Node]]:
        pairs = []
        for parameter, arg in sorted(self.g.predicate_objects(shape)):
            if parameter in self._custom:
                raise Unsupported(f"the constraint component of parameter {parameter}")
            if parameter in _NOT_CONSTRAINTS or not str(parameter).startswith(str(SH)):
                continue
            pairs.append((parameter, arg))
        return pairs

    def node_violations(self, shape: Node, v: str) -> list[tuple[Node, Node, str]]:
        """(parameter, argument, pattern) per node-level constraint of a node shape on ``v``."""
        if self.g.value(shape, SH.path) is not None:
            raise Unsupported(f"{shape} used as a node shape")
        found = []
        for parameter, arg in self._constraints(shape):
            if parameter in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape, *_PAIRS,
                             SH.equals, SH.disjoint):
                raise Unsupported(f"{parameter} on node shape {shape}")
            found.append((parameter, arg, self.value_violation(shape, parameter, arg, v)))
        return found

    def violation(self, shape: Node, v: str) -> str:
        """A pattern that matches when ``v`` does not conform to ``shape`` (no result is reported)."""
        if shape in self._open:
            raise Unsupported(f"recursive shape {shape}")
        if is_deactivated(self.g, shape):
            return "FILTER (false)"
        self._open.add(shape)
        try:
            if self.g.value(shape, SH.path) is not None:
                patterns = [p for _param, _arg, p, _w in self.property_violations(shape, v)]
            else:
                patterns = [p for _param, _arg, p in self.node_violations(shape, v)]
                for prop in sorted(self.g.objects(shape, SH.property)):
                    if not is_deactivated(self.g, prop):
                        patterns += [p for _param, _arg, p, _w in self.property_violations(prop, v)]
        finally:
            self._open.discard(shape)
        if not patterns:
            return "FILTER (false)"
        return " UNION ".join(f"{{ {p} }}" for p in patterns)

    def checks(self, shape: Node) -> list[Check]:
        """The checks of a shape with targets: its node-level constraints on the focus node, and
        the constraints of each of its property shapes (SHACL §2.1: a focus node's results)."""
        if (shape, SH.target, None) in self.g:
            raise Unsupported("SPARQL-based targets (sh:target)")
        found: list[Check] = []
        property_shapes = [shape] if self.g.value(shape, SH.path) is not None else []
        if not property_shapes:
            for parameter, arg, pattern in self.node_violations(shape, "?this"):
                found.append(Check(shape, component_of(parameter), parameter, arg, None, pattern, False))
            property_shapes = [p for p in sorted(self.g.objects(shape, SH.property)) if not is_deactivated(self.g, p)]
        for prop in property_shapes:
            simple = self.is_predicate_path(prop)
            for parameter, arg, pattern, w in self.property_violations(prop, "?this", top=True):
                where = pattern if w is None else f"{pattern} BIND ({w} AS ?value)"
                # the constraints whose pattern is a filter on ?this alone need the focus nodes first
                unfocused = simple and parameter not in _FOCUSED
                found.append(Check(prop, component_of(parameter), parameter, arg, self.g.value(prop, SH.path), where,
                                   w is not None, unfocused))
        return found

    def severity(self, shape: Node) -> str:
        return severity_name(self.g.value(shape, SH.severity))

    def messages(self, shape: Node) -> tuple[str, ...]:
        return tuple(sorted(str(m) for m in self.g.objects(shape, SH.message)))


def is_node_shape_with_targets(shapes: Graph, shape: Node) -> bool:
    return any((shape, p, None) in shapes for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                                                      SH.targetObjectsOf, SH.target)) or (
        (shape, RDF.type, RDFS.Class) in shapes and (shape, RDF.type, SH.NodeShape) in shapes)
