"""Serialising small graphs (resource descriptions, the service description, VoID): the engine's
writers wherever they serve, rdflib for the JSON-LD compaction with the published context."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD

from policykg.kg.formats import Format
from policykg.kg.namespaces import PREFIXES, bind_prefixes

T = TypeVar("T")
# no prefix for the instance namespace: its local names hold slashes (as build.pipeline writes Turtle)
_TURTLE_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p != "pkgr"}


def jsonld_context(vocabulary: Graph | None = None) -> dict:
    """The published JSON-LD context: the project's prefixes and, from the ontology in `vocabulary`,
    one typed term per property of the pkg: namespace (object properties take IRIs, datatype
    properties their declared range), so that "value": "75000000" reads as an xsd:decimal."""
    context: dict = dict(PREFIXES)
    if vocabulary is None:
        return {"@context": context}
    pkg = PREFIXES["pkg"]
    for prop in sorted(set(vocabulary.subjects(RDF.type, OWL.ObjectProperty))):
        if str(prop).startswith(pkg):
            context[str(prop)[len(pkg):]] = {"@id": f"pkg:{str(prop)[len(pkg):]}", "@type": "@id"}
    for prop in sorted(set(vocabulary.subjects(RDF.type, OWL.DatatypeProperty))):
        if str(prop).startswith(pkg):
            term: dict = {"@id": f"pkg:{str(prop)[len(pkg):]}"}
            ranges = [r for r in vocabulary.objects(prop, RDFS.range) if str(r).startswith(str(XSD))]
            if len(ranges) == 1:
                term["@type"] = f"xsd:{str(ranges[0])[len(str(XSD)):]}"
            context[str(prop)[len(pkg):]] = term
    return {"@context": context}


def once_per_vocabulary(compute: Callable[[Graph], T]) -> Callable[[Graph], T]:
    """`compute(vocabulary)`, remembered for the last vocabulary graph it was asked about (the server
    holds one per build, server/state.py): what the pages derive from the ontology is worked out once,
    not on every request. Callers must not change the answer."""
    last: list[tuple[Graph, T]] = []
    lock = threading.Lock()

    def cached(vocabulary: Graph) -> T:
        with lock:
            if not last or last[0][0] is not vocabulary:
                last[:] = [(vocabulary, compute(vocabulary))]
            return last[0][1]

    return cached


# walking the ontology costs milliseconds, more than the rest of a resource's JSON-LD
vocabulary_jsonld_context = once_per_vocabulary(jsonld_context)


def graph_from_ntriples(data: bytes) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def serialize_graph(graph: Graph, fmt: Format, context_url: str | None = None, context: dict | None = None) -> bytes:
    """The graph in `fmt`; JSON-LD is compacted with `context` (default: the prefixes) and refers to
    `context_url`, where that context is published."""
    bind_prefixes(graph)
    if fmt.name == "jsonld":
        context = context or jsonld_context()
        text = graph.serialize(format="json-ld", context=context["@context"], auto_compact=True)
        document = json.loads(text)
        if context_url and isinstance(document, dict):
            document["@context"] = context_url
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    if not isinstance(fmt.engine, ox.RdfFormat):
        raise ValueError(f"{fmt.label or fmt.name} is not an RDF graph format")
    return _serialize_with_oxigraph(graph, fmt.engine)


def engine_prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    """The prefixes the engine's writer declares in `fmt`: the project's, in Turtle and TriG."""
    return _TURTLE_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


def _serialize_with_oxigraph(graph: Graph, fmt: ox.RdfFormat) -> bytes:
    """Serialise with the engine's writer, which keeps every literal's lexical form: rdflib's Turtle
    writer turns "250000"^^xsd:decimal into 250000.0, a different RDF term than the endpoint and the
    dumps give (one graph through every door)."""
    triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return _serialize_triples(list(triples), fmt)


def _serialize_triples(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples] \
        if fmt.supports_datasets else triples
    return ox.serialize(items, format=fmt, prefixes=engine_prefixes(fmt))
