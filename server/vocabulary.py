"""The ontology and the SHACL shapes at their IRIs: HTML documentation, Turtle (and other RDF).

/ontology serves every triple of graph/vocabulary (ontology/*.ttl: the ontology, its concept schemes
and units) and /shapes every triple of graph/shapes (shapes/*.ttl), with the builder's skolem IRIs
(/.well-known/genid/…) turned back into blank nodes, so that the download is the files' graph and
usable SHACL. A build without graph/shapes falls back to the repository's shapes/*.ttl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Response, render_template, request
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from policykg.kg.namespaces import BASE, ONTOLOGY_IRI, SHAPES_GRAPH, SHAPES_IRI, VOCABULARY_GRAPH, bind_prefixes

from .errors import NotAcceptable, ResourceNotFound
from .media import RESOURCE_FORMATS, Format, format_by_extension, negotiate, offered_media_types
from .rdf import serialize_graph
from .state import state
from .views import compact, href

bp = Blueprint("vocabulary", __name__)
GENID_PREFIX = BASE + ".well-known/genid/"  # the builder's skolem IRIs (build.vocabulary)

ALIGNMENT_PREDICATES = (
    RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty,
    SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
DEFINITION_PREDICATES = (SKOS.definition, RDFS.comment, DCTERMS.description)


@bp.route("/ontology")
@bp.route("/ontology.<extension>")
def ontology(extension: str | None = None) -> Response:
    fmt = _format(extension, ONTOLOGY_IRI)
    graph = ontology_graph()
    if fmt.name == "html":
        response = _page(render_template("ontology.html", doc=document_ontology(graph), **_helpers()))
    else:
        response = _rdf(graph, fmt)
    return _located(response, "/ontology", fmt, extension)


@bp.route("/shapes")
@bp.route("/shapes.<extension>")
def shapes(extension: str | None = None) -> Response:
    fmt = _format(extension, SHAPES_IRI)
    graph = shapes_graph()
    if fmt.name == "html":
        response = _page(render_template("shapes.html", shapes=document_shapes(graph), **_helpers()))
    else:
        response = _rdf(graph, fmt)
    return _located(response, "/shapes", fmt, extension)


def _located(response: Response, path: str, fmt: Format, extension: str | None) -> Response:
    """A negotiated answer names the variant it is (Content-Location), as the W3C recipes for
    publishing RDF vocabularies ask; the IRI itself answers 200 with Vary: Accept (no 303)."""
    if extension is None:
        response.headers["Content-Location"] = f"{path}.{fmt.extension}"
    return response


def _helpers() -> dict:
    return {"compact": compact, "href": href, "formats": RESOURCE_FORMATS[1:]}


def _format(extension: str | None, iri: str) -> Format:
    if extension is not None:
        fmt = format_by_extension(extension, RESOURCE_FORMATS)
        if fmt is None:
            raise ResourceNotFound(f"<{iri}> has no .{extension} variant.", iri + "." + extension)
        return fmt
    fmt = negotiate(request.headers.get("Accept"), RESOURCE_FORMATS)
    if fmt is None:
        raise NotAcceptable(f"<{iri}> is available as " + offered_media_types(RESOURCE_FORMATS))
    return fmt


def _page(body: str) -> Response:
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _rdf(graph: Graph, fmt: Format) -> Response:
    response = Response(serialize_graph(graph, fmt), content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


# -- extracting the ontology and the shapes -------------------------------------------------------


def _deskolemised(data: bytes) -> Graph:
    """N-Triples of a graph with /.well-known/genid/ IRIs as blank nodes again."""
    graph = Graph()
    bind_prefixes(graph)
    if not data:
        return graph
    source = Graph().parse(data=data.decode("utf-8"), format="nt")

    def node(term):
        if isinstance(term, URIRef) and str(term).startswith(GENID_PREFIX):
            return BNode(str(term)[len(GENID_PREFIX):])
        return term

    for s, p, o in source:
        graph.add((node(s), p, node(o)))
    return graph


def _from_files(paths: list[Path]) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def ontology_graph() -> Graph:
    """Every triple of graph/vocabulary but shapes (a build laid out by hand may keep them there)."""
    graph = _deskolemised(state().read("graph_ntriples", VOCABULARY_GRAPH))
    for shape in [s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(SHAPES_IRI)]:
        _remove_with_blank_nodes(graph, shape)
    if len(graph) == 0:
        graph = _from_files(sorted((state().repo_root / "ontology").glob("*.ttl")))
    return graph


def _copy_with_blank_nodes(source: Graph, target: Graph, subject) -> None:
    for predicate, obj in source.predicate_objects(subject):
        target.add((subject, predicate, obj))
        if isinstance(obj, BNode):
            _copy_with_blank_nodes(source, target, obj)


def _remove_with_blank_nodes(graph: Graph, subject) -> None:
    for _, obj in list(graph.predicate_objects(subject)):
        if isinstance(obj, BNode):
            _remove_with_blank_nodes(graph, obj)
    graph.remove((subject, None, None))


def shapes_graph() -> Graph:
    """Every triple of graph/shapes (a build laid out by hand may keep its shapes in graph/vocabulary)."""
    graph = _deskolemised(state().read("graph_ntriples", SHAPES_GRAPH))
    if len(graph) == 0:
        vocabulary = _deskolemised(state().read("graph_ntriples", VOCABULARY_GRAPH))
        for shape in [s for s in vocabulary.subjects() if isinstance(s, URIRef) and str(s).startswith(SHAPES_IRI)]:
            _copy_with_blank_nodes(vocabulary, graph, shape)
    if len(graph) == 0:
        graph = _from_files(sorted((state().repo_root / "shapes").glob("*.ttl")))
    return graph


# -- documentation models ---------------------------------------------------------------------------


@dataclass
class Term:
    iri: str
    local: str
    labels: dict[str, str]
    definition: str
    kind: str
    details: list[tuple[str, list[str]]] = field(default_factory=list)
    alignments: list[tuple[str, str]] = field(default_factory=list)


def _labels(graph: Graph, node) -> dict[str, str]:
    found: dict[str, str] = {}
    for predicate in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        for label in graph.objects(node, predicate):
            found.setdefault(getattr(label, "language", None) or "", str(label))
    return found


def _definition(graph: Graph, node) -> str:
    for predicate in DEFINITION_PREDICATES:
        values = list(graph.objects(node, predicate))
        english = [v for v in values if getattr(v, "language", None) in ("en", None)]
        if english or values:
            return str((english or values)[0])
    return ""


def _term(graph: Graph, node: URIRef, kind: str, detail_predicates) -> Term:
    iri = str(node)
    term = Term(iri, iri.rsplit("#", 1)[-1], _labels(graph, node), _definition(graph, node), kind)
    for label, predicate in detail_predicates:
        values = [compact(str(v)) for v in graph.objects(node, predicate) if isinstance(v, URIRef)]
        if values:
            term.details.append((label, sorted(values)))
    for predicate in ALIGNMENT_PREDICATES:
        for target in graph.objects(node, predicate):
            if isinstance(target, URIRef) and not str(target).startswith(ONTOLOGY_IRI):
                term.alignments.append((compact(str(predicate)), str(target)))
    return term


def document_ontology(graph: Graph) -> dict:
    ontology_node = URIRef(ONTOLOGY_IRI)
    classes = sorted({s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
                     | {s for s in graph.subjects(RDF.type, RDFS.Class) if isinstance(s, URIRef)})
    properties = sorted({s for t in PROPERTY_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)})
    # individuals: named ones, and every ontology term that is an instance rather than a class or property
    # (comparators, aggregations, natures … are skos:Concepts typed with an ontology class; pages link to them)
    declared = set(classes) | set(properties) | {ontology_node}
    individuals = sorted({s for s, kind in graph.subject_objects(RDF.type)
                          if isinstance(s, URIRef) and s not in declared
                          and (kind == OWL.NamedIndividual or str(s).startswith(ONTOLOGY_IRI + "#"))})
    class_details = [("subclass of", RDFS.subClassOf), ("equivalent to", OWL.equivalentClass)]
    property_details = [("domain", RDFS.domain), ("range", RDFS.range), ("subproperty of", RDFS.subPropertyOf),
                        ("inverse of", OWL.inverseOf)]
    return {
        "iri": ONTOLOGY_IRI,
        "labels": _labels(graph, ontology_node),
        "description": _definition(graph, ontology_node),
        "version": str(graph.value(ontology_node, OWL.versionInfo) or ""),
        "classes": [_term(graph, c, "class", class_details) for c in classes],
        "properties": [_term(graph, p, _property_kind(graph, p), property_details) for p in properties],
        "individuals": [_term(graph, i, "individual", [("type", RDF.type)]) for i in individuals],
        "triples": len(graph),
    }


def _property_kind(graph: Graph, node: URIRef) -> str:
    for kind, rdf_type in (("object property", OWL.ObjectProperty), ("datatype property", OWL.DatatypeProperty),
                           ("annotation property", OWL.AnnotationProperty)):
        if (node, RDF.type, rdf_type) in graph:
            return kind
    return "property"


def document_shapes(graph: Graph) -> list[dict]:
    node_shapes = sorted({s for s in graph.subjects(RDF.type, SH.NodeShape)} | set(graph.subjects(SH.targetClass)))
    documented = []
    for shape in node_shapes:
        documented.append(
            {
                "iri": str(shape),
                "local": str(shape).rsplit("#", 1)[-1],
                "labels": _labels(graph, shape),
                "targets": [str(t) for t in graph.objects(shape, SH.targetClass)],
                "properties": [_property_shape(graph, p) for p in graph.objects(shape, SH.property)],
            }
        )
    return documented


def _property_shape(graph: Graph, node) -> dict:
    constraints = []
    for predicate in (SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH.pattern, SH["in"],
                      SH.hasValue, SH.minInclusive, SH.maxInclusive):
        for value in graph.objects(node, predicate):
            constraints.append((compact(str(predicate)), compact(str(value))))
    path = graph.value(node, SH.path)
    return {
        "path": str(path) if isinstance(path, URIRef) else "(complex path)",
        "constraints": constraints,
        "message": str(graph.value(node, SH.message) or ""),
        "severity": compact(str(graph.value(node, SH.severity) or "")),
    }
