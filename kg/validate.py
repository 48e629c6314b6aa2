"""SHACL validation of the policykg dataset whose cost grows linearly with the corpus.

Two engines share one shapes graph:

* **Structural constraints** (SHACL Core) run in pySHACL once per *validation unit*: one asserted
  named graph (a document, or the vocabulary) together with every triple, from any graph, about the
  subjects it owns, the ``rdf:type`` of every node those triples point to (so that ``sh:class`` can
  be checked without loading the rest of the dataset), and the ontology's ``rdfs:subClassOf``
  axioms. A subject that occurs in several graphs (an agency, a jurisdiction) is owned by the first
  of them and validated once, with all its triples. Results are kept only for owned focus nodes.
* **SHACL-SPARQL constraints** (``sh:sparql``) are removed from the shapes given to pySHACL. Each
  one is run *once* over the whole dataset by Oxigraph: the shape's targets are joined into the
  constraint's ``SELECT`` (``$this`` becomes a variable bound by a sub-select over the target
  classes and their subclasses, or by ``VALUES`` for ``sh:targetNode``).

``validate()`` returns a :class:`ValidationReport`; ``conforms`` is false only when there is an
``sh:Violation`` (warnings and infos are reported but do not fail). The CLI maps this to exit codes:
0 conforms, 1 does not conform, 2 input or runtime error (:class:`~policykg.errors.ValidationError`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from policykg.config import ONTOLOGY_DIR, SHAPES_DIR
from policykg.errors import ValidationError
from policykg.kg.dataset import merge_graphs
from policykg.kg.namespaces import BASE, INFERRED_GRAPH, PREFIXES, SH, VOCABULARY_GRAPH
from policykg.kg.validation_cache import DEFAULT_MAX_ENTRIES, UnitCache, files_fingerprint, fingerprint

DEFAULT_SHAPES = SHAPES_DIR / "policykg-shapes.ttl"
DEFAULT_VOCABULARY = (ONTOLOGY_DIR / "policykg.ttl", ONTOLOGY_DIR / "units.ttl")

SEVERITIES = ("Violation", "Warning", "Info")
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_XSD_STRING = str(XSD.string)
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_INFERRED = ox.NamedNode(INFERRED_GRAPH)

Input = ox.Store | Dataset | Graph | Path | str | Sequence[Path | str]
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


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

    def sort_key(self) -> tuple:
        return (_SEVERITY_RANK.get(self.severity, 9), self.source_shape, self.focus_node, self.path or "",
                self.value or "", self.message)


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
    units: int = 0  # validation units (named graphs) checked by the structural engine
    units_reused: int = 0  # of which the results came from the validation cache (content unchanged)

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


# --------------------------------------------------------------------------------------------
# Options, inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationOptions:
    """What to run. The vocabulary (ontology + SKOS schemes) is background knowledge: its
    rdfs:subClassOf axioms make sh:targetClass/sh:class honour subclasses, and the types of its
    individuals (units, comparators …) let sh:class succeed on them."""

    vocabulary: tuple[Path, ...] = DEFAULT_VOCABULARY
    structural: bool = True
    sparql: bool = True
    # where the structural results of units are cached by content (None: no cache)
    cache_dir: Path | None = None
    cache_entries: int = DEFAULT_MAX_ENTRIES


def _rdf_format(path: Path) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise ValidationError(f"{path}: unknown RDF file extension (use .ttl, .trig, .nt or .nq)")
    return fmt


def load_store(source: Input) -> ox.Store:
    """An Oxigraph store with the data: a store is used as is; rdflib data and files are copied in
    (Turtle/N-Triples go to the default graph, TriG/N-Quads keep their graphs)."""
    if isinstance(source, ox.Store):
        return source
    store = ox.Store()
    if isinstance(source, Dataset):
        store.extend(
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), _graph_name(g))
            for s, p, o, g in source.quads((None, None, None, None))
        )
        return store
    if isinstance(source, Graph):
        store.load(source.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return store
    paths = [source] if isinstance(source, str | Path) else list(source)
    for p in map(Path, paths):
        try:
            store.load(path=str(p), format=_rdf_format(p))
        except (OSError, SyntaxError) as exc:
            raise ValidationError(f"cannot read data file {p}: {exc}") from exc
    return store


def _parse_graph(paths: Iterable[Path], what: str) -> Graph:
    graph = Graph()
    for p in paths:
        try:
            graph.parse(str(p))
        except Exception as exc:  # rdflib raises parser-specific exception types
            raise ValidationError(f"cannot read {what} {p}: {exc}") from exc
    return graph


# --------------------------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------------------------


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """An Oxigraph term as an rdflib term (xsd:string literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValidationError(f"unsupported RDF term {term!r}")


def _graph_name(graph: Node | Graph | None) -> GraphName:
    name = graph.identifier if isinstance(graph, Graph) else graph
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return to_oxigraph(name)  # type: ignore[return-value]


def _display(term: object | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term.value
    return str(term)


# --------------------------------------------------------------------------------------------
# Shapes: split into the structural part (pySHACL) and the SPARQL constraints (Oxigraph)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SparqlConstraint:
    """An sh:sparql constraint with the targets of its shape, ready to run over the dataset."""

    shape: str
    constraint: str
    select: str
    prefixes: dict[str, str]
    severity: str
    messages: tuple[str, ...]
    target_classes: tuple[str, ...] = ()
    target_nodes: tuple[Node, ...] = ()
    target_subjects_of: tuple[str, ...] = ()
    target_objects_of: tuple[str, ...] = ()


def _severity_name(node: Node | None) -> str:
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
        if shapes.value(shape, SH.deactivated) == Literal(True) or shapes.value(
            constraint, SH.deactivated
        ) == Literal(True):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ValidationError(f"SPARQL constraint {constraint} of {shape} has no sh:select (SHACL §5.2)")
        messages = tuple(str(m) for m in shapes.objects(constraint, SH.message)) or tuple(
            str(m) for m in shapes.objects(shape, SH.message)
        )
        severity = _severity_name(shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity))
        sc = SparqlConstraint(
            shape=str(shape),
            constraint=str(constraint),
            select=str(select),
            prefixes=_prefix_declarations(shapes, constraint),
            severity=severity,
            messages=messages or (f"SPARQL constraint {constraint} failed",),
            target_classes=tuple(sorted(str(c) for c in shapes.objects(shape, SH.targetClass))),
            target_nodes=tuple(sorted(shapes.objects(shape, SH.targetNode))),
            target_subjects_of=tuple(sorted(str(p) for p in shapes.objects(shape, SH.targetSubjectsOf))),
            target_objects_of=tuple(sorted(str(p) for p in shapes.objects(shape, SH.targetObjectsOf))),
        )
        if (RDFS.Class in set(shapes.objects(shape, RDF.type))) and str(shape) not in sc.target_classes:
            sc = SparqlConstraint(**{**sc.__dict__, "target_classes": (*sc.target_classes, str(shape))})
        constraints.append(sc)
    return structural, constraints


def subclass_closure(vocabulary: Graph) -> dict[str, set[str]]:
    """class → itself and all its subclasses (reflexive-transitive closure of rdfs:subClassOf)."""
    children: dict[str, set[str]] = defaultdict(set)
    for sub, sup in vocabulary.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            children[str(sup)].add(str(sub))
    closure: dict[str, set[str]] = {}

    def down(cls: str) -> set[str]:
        if cls not in closure:
            closure[cls] = {cls}
            for child in children.get(cls, ()):
                closure[cls] |= down(child)
        return closure[cls]

    for cls in list(children):
        down(cls)
    return closure


# --------------------------------------------------------------------------------------------
# SHACL-SPARQL over Oxigraph
# --------------------------------------------------------------------------------------------

_WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SELECT_CLAUSE = re.compile(r"\bSELECT\s+((?:DISTINCT|REDUCED)\s+)?", re.IGNORECASE)
_MESSAGE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _sparql_term(term: Node) -> str:
    return to_oxigraph(term).__str__()


def _target_pattern(sc: SparqlConstraint, subclasses: dict[str, set[str]]) -> str:
    """A graph pattern binding ?this to every focus node of the constraint's shape."""
    branches: list[str] = []
    classes = sorted({c for cls in sc.target_classes for c in subclasses.get(cls, {cls})})
    if classes:
        values = " ".join(f"<{c}>" for c in classes)
        branches.append(f"{{ VALUES ?policykg_class {{ {values} }} ?this a ?policykg_class . }}")
    if sc.target_nodes:
        values = " ".join(_sparql_term(n) for n in sc.target_nodes)
        branches.append(f"{{ VALUES ?this {{ {values} }} }}")
    for p in sc.target_subjects_of:
        branches.append(f"{{ ?this <{p}> ?policykg_o . }}")
    for p in sc.target_objects_of:
        branches.append(f"{{ ?policykg_s <{p}> ?this . }}")
    if not branches:
        return ""
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


def bind_targets(sc: SparqlConstraint, subclasses: dict[str, set[str]]) -> str | None:
    """The constraint's query with its targets joined in and ?this projected; None if no target."""
    targets = _target_pattern(sc, subclasses)
    if not targets:
        return None
    query = sc.select
    where = _WHERE_BRACE.search(query)
    select = _SELECT_CLAUSE.search(query)
    if select is None:
        raise ValidationError(f"{sc.constraint}: sh:select is not a SELECT query")
    brace = where.end() if where else query.find("{", select.end()) + 1
    if brace <= 0:
        raise ValidationError(f"{sc.constraint}: cannot find the WHERE clause of sh:select")
    projection = query[select.end(): (where.start() if where else brace - 1)]
    query = query[:brace] + "\n    " + targets + "\n" + query[brace:]
    if "*" not in projection and not re.search(r"[?$]this\b", projection):
        query = query[: select.end()] + "?this " + query[select.end():]
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted({**PREFIXES, **sc.prefixes}.items()))
    return prologue + query


def _substitute(message: str, solution: ox.QuerySolution, variables: set[str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        term = solution[name] if name in variables else None
        return compact(term.value) if term is not None else "(unbound)"

    return _MESSAGE_VAR.sub(value, message)


def run_sparql_constraints(
    store: ox.Store,
    constraints: Sequence[SparqlConstraint],
    subclasses: dict[str, set[str]],
    graphs: Sequence[GraphName] | None = None,
) -> list[ValidationResult]:
    """Run each SHACL-SPARQL constraint once over the dataset (the RDF merge of ``graphs``, or of
    all asserted graphs) and turn every solution into a result.

    The merge is materialised in a scratch store: Oxigraph's union default graph has bag
    semantics (a triple asserted in n graphs matches n times), so joins over resources that every
    document repeats (periods, jurisdictions, agencies) would multiply."""
    results: list[ValidationResult] = []
    merged = merge_graphs(store, default_graphs(store) if graphs is None else graphs)
    for sc in constraints:
        query = bind_targets(sc, subclasses)
        if query is None:
            continue
        try:
            solutions = merged.query(query)
        except SyntaxError as exc:
            raise ValidationError(f"sh:select of {sc.constraint} is not valid SPARQL: {exc}") from exc
        variables = {v.value for v in solutions.variables}
        for solution in solutions:
            focus = solution["this"]
            if focus is None:
                continue
            path = solution["path"] if "path" in variables else None
            value = solution["value"] if "value" in variables else None
            for message in sc.messages:
                results.append(
                    ValidationResult(
                        severity=sc.severity,
                        focus_node=focus.value,
                        path=_display(path),
                        value=_display(value),
                        message=_substitute(message, solution, variables),
                        source_shape=sc.shape,
                        source_constraint=sc.constraint,
                    )
                )
    return results


# --------------------------------------------------------------------------------------------
# Structural constraints: pySHACL per validation unit
# --------------------------------------------------------------------------------------------


_OWNED: ContextVar[set[Node] | None] = ContextVar("policykg_owned_focus_nodes", default=None)


def _owned_shape_class():
    """A pySHACL Shape whose target lookup is restricted to the current unit's owned nodes.

    pySHACL calls Shape.focus_nodes only to find the targets of top-level shapes, so nested
    evaluations (sh:or, sh:qualifiedValueShape …) still see every value node, while the nodes
    outside the unit (typed only so that sh:class can be checked) are neither targeted nor reported.
    Outside StructuralValidator.validate the restriction is off.
    """
    from pyshacl.shape import Shape

    class OwnedShape(Shape):
        __slots__ = ()

        def focus_nodes(self, data_graph, debug=False):
            found = super().focus_nodes(data_graph, debug)
            owned = _OWNED.get()
            return found if owned is None else {n for n in found if n in owned}

    return OwnedShape


class StructuralValidator:
    """pySHACL with one parsed shapes graph reused for every validation unit.

    The harvested shapes are reused across units (pySHACL would re-read the shapes graph for every
    call), and their target lookup is narrowed to the unit's owned nodes.
    """

    def __init__(self, shapes: Graph) -> None:
        from pyshacl.shapes_graph import ShapesGraph

        self._shapes_graph = shapes
        self._shapes = ShapesGraph(shapes)
        owned_shape = _owned_shape_class()
        for shape in self._shapes.shapes:  # harvest the shapes once, and narrow their targets
            shape.__class__ = owned_shape
        # property shapes that are blank nodes are reported by the node shape that holds them
        self._owner: dict[Node, Node] = {}
        for node_shape, prop in shapes.subject_objects(SH.property):
            if isinstance(prop, BNode):
                self._owner[prop] = node_shape

    def validate(self, data: Graph, focus: set[Node] | None) -> list[ValidationResult]:
        """Validate one data graph; keep only results on ``focus`` nodes (all when None)."""
        from pyshacl import Validator
        from pyshacl.graph_abstraction import DataGraph

        validator = Validator(
            DataGraph.from_rdflib(data),
            shacl_graph=self._shapes_graph,
            options={"inference": "none", "inplace": True, "advanced": False},
        )
        validator.shacl_graph = self._shapes  # reuse the harvested shapes
        token = _OWNED.set(focus)
        try:
            _conforms, report, _text = validator.run()
        finally:
            _OWNED.reset(token)
        results = []
        for result in report.objects(None, SH.result):
            focus_node = report.value(result, SH.focusNode)
            if focus is not None and focus_node not in focus:
                continue
            shape = report.value(result, SH.sourceShape)
            shape = self._owner.get(shape, shape)
            path = report.value(result, SH.resultPath)
            value = report.value(result, SH.value)
            message = report.value(result, SH.resultMessage)
            results.append(
                ValidationResult(
                    severity=_severity_name(report.value(result, SH.resultSeverity)),
                    focus_node=str(focus_node),
                    path=str(path) if isinstance(path, URIRef) else None,
                    value=str(value) if value is not None else None,
                    message=str(message) if message is not None else "constraint not satisfied",
                    source_shape=str(shape),
                )
            )
        return results


_NOT_DATA = {_INFERRED, ox.NamedNode(BASE + "graph/shapes"), ox.NamedNode(BASE + "graph/void")}


def default_graphs(store: ox.Store) -> list[GraphName]:
    """Every asserted data graph (all named graphs but graph/inferred, graph/shapes and
    graph/void), and the default graph when it has triples."""
    graphs: list[GraphName] = sorted(
        (g for g in store.named_graphs() if g not in _NOT_DATA), key=lambda g: str(g)
    )
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.insert(0, ox.DefaultGraph())
    return graphs


def _subjects(store: ox.Store, graph: GraphName) -> set:
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
    return {sol["s"] for sol in store.query(query, default_graph=graph)}


@dataclass
class ValidationUnit:
    """One asserted graph's share of the data for pySHACL: the triples about the subjects it owns
    (from every selected graph), the types of the nodes they point to, and the owned nodes."""

    graph: GraphName
    triples: set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]]
    owned: set

    def digest(self) -> str:
        """A hash of the unit's content (triples and owned nodes), independent of set order."""
        lines = sorted(f"{s} {p} {o}" for s, p, o in self.triples)
        owned = sorted(str(n) for n in self.owned)
        return fingerprint("\n".join(lines), "\n".join(owned))

    def focus(self) -> set[Node]:
        return {to_rdflib(s) for s in self.owned}

    def data_graph(self, tbox: Iterable[tuple[Node, Node, Node]]) -> Graph:
        data = Graph()
        add = data.add
        for s, p, o in self.triples:
            add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        for triple in tbox:
            add(triple)
        return data


def validation_units(
    store: ox.Store, graphs: Sequence[GraphName], vocabulary: Graph
) -> Iterator[ValidationUnit]:
    """The validation unit of each graph in ``graphs``."""
    owner: dict[object, GraphName] = {}
    for graph in graphs:
        for s in _subjects(store, graph):
            owner.setdefault(s, graph)
    selected = set(graphs)
    vocab_types: dict[object, list[object]] = defaultdict(list)
    for s, o in vocabulary.subject_objects(RDF.type):
        vocab_types[to_oxigraph(s)].append(to_oxigraph(o))
    # the asserted types of every node, read once: a node that every document types (a shared
    # jurisdiction or agency) would otherwise be looked up in all graphs by every unit, O(N²)
    asserted_types: dict[object, set] = defaultdict(set)
    for q in store.quads_for_pattern(None, _RDF_TYPE, None, None):
        if q.graph_name != _INFERRED:
            asserted_types[q.subject].add(q.object)

    for graph in graphs:
        triples: set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]] = set()
        owned: set = set()
        for q in store.quads_for_pattern(None, None, None, graph):
            if owner.get(q.subject) != graph:
                continue
            owned.add(q.subject)
            triples.add((q.subject, q.predicate, q.object))
        for s in owned:  # the owned subjects' triples in the other selected graphs
            for q in store.quads_for_pattern(s, None, None, None):
                if q.graph_name != graph and q.graph_name in selected:
                    triples.add((q.subject, q.predicate, q.object))
        boundary = {o for _s, _p, o in triples if isinstance(o, ox.NamedNode | ox.BlankNode) and o not in owned}
        for o in boundary:  # types of referenced nodes, for sh:class
            for t in asserted_types.get(o, ()):
                triples.add((o, _RDF_TYPE, t))
            for t in vocab_types.get(o, ()):
                triples.add((o, _RDF_TYPE, t))
        yield ValidationUnit(graph, triples, owned)


def _cached_results(cache: UnitCache | None, key: str) -> list[ValidationResult] | None:
    entries = cache.get(key) if cache is not None else None
    if entries is None:
        return None
    try:
        return [ValidationResult(**entry) for entry in entries]
    except TypeError:  # an entry written by another version of ValidationResult: validate again
        return None


def _structural_results(
    store: ox.Store, names: Sequence[GraphName], structural: Graph, vocabulary: Graph,
    cache: UnitCache | None,
) -> tuple[list[ValidationResult], int]:
    """pySHACL over every unit, reusing cached results of units whose content is unchanged;
    the results and the number of units taken from the cache."""
    tbox = list(vocabulary.triples((None, RDFS.subClassOf, None)))
    engine: StructuralValidator | None = None
    results: list[ValidationResult] = []
    reused = 0
    for unit in validation_units(store, names, vocabulary):
        key = cache.key(unit.digest()) if cache is not None else ""
        cached = _cached_results(cache, key)
        if cached is not None:
            results.extend(cached)
            reused += 1
            continue
        engine = engine or StructuralValidator(structural)
        found = engine.validate(unit.data_graph(tbox), unit.focus())
        if cache is not None:
            cache.put(key, [asdict(r) for r in found])
        results.extend(found)
    if cache is not None:
        cache.prune()
    return results, reused


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _as_graph_names(graphs: Iterable[object] | None, store: ox.Store) -> list[GraphName]:
    if graphs is None:
        return default_graphs(store)
    names: list[GraphName] = []
    for g in graphs:
        if isinstance(g, ox.NamedNode | ox.BlankNode | ox.DefaultGraph):
            names.append(g)
        elif g is None or str(g) == "":
            names.append(ox.DefaultGraph())
        else:
            names.append(ox.NamedNode(str(g)))
    return names


def _engine_versions() -> str:
    """The libraries whose behaviour decides a unit's results: a new version invalidates the cache."""
    return " ".join(f"{name}={version(name)}" for name in ("pyshacl", "rdflib", "pyoxigraph"))


def validate(
    store: Input,
    shapes_path: Path | str | Sequence[Path | str] = DEFAULT_SHAPES,
    graphs: Iterable[ox.NamedNode | ox.DefaultGraph | str] | None = None,
    options: ValidationOptions | None = None,
) -> ValidationReport:
    """Validate the dataset against the shapes.

    ``store`` is an Oxigraph store, an rdflib Dataset/Graph, or RDF file path(s). ``graphs`` are the
    asserted graphs to check (default: every named graph except ``graph/inferred``, plus the
    default graph when it is not empty). Raises ValidationError when the shapes or vocabulary
    cannot be read or a constraint cannot be evaluated.
    """
    options = options or ValidationOptions()
    ox_store = load_store(store)
    shape_paths = [shapes_path] if isinstance(shapes_path, str | Path) else list(shapes_path)
    shapes = _parse_graph(map(Path, shape_paths), "shapes graph")
    vocabulary = _parse_graph(options.vocabulary, "vocabulary")
    structural, constraints = split_shapes(shapes)
    subclasses = subclass_closure(vocabulary)
    names = _as_graph_names(graphs, ox_store)

    results: list[ValidationResult] = []
    reused = 0
    if options.structural and names:
        cache = None
        if options.cache_dir is not None:
            context = fingerprint(
                files_fingerprint(map(Path, shape_paths)), files_fingerprint(options.vocabulary),
                _engine_versions(),
            )
            cache = UnitCache(options.cache_dir, context, options.cache_entries)
        found, reused = _structural_results(ox_store, names, structural, vocabulary, cache)
        results.extend(found)
    if options.sparql:
        scope = None if graphs is None else names
        results.extend(run_sparql_constraints(ox_store, constraints, subclasses, scope))
    return ValidationReport.from_results(
        results, units=len(names) if options.structural else 0, units_reused=reused
    )


def validate_vocabulary(
    shapes_path: Path | str = DEFAULT_SHAPES, vocabulary: Sequence[Path] = DEFAULT_VOCABULARY
) -> ValidationReport:
    """Validate the vocabulary files themselves (units, controlled individuals) against the shapes."""
    store = ox.Store()
    for p in vocabulary:
        store.load(path=str(p), format=_rdf_format(Path(p)), to_graph=ox.NamedNode(VOCABULARY_GRAPH))
    return validate(store, shapes_path, options=ValidationOptions(vocabulary=tuple(vocabulary)))
