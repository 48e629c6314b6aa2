"""What validation reads: the data as an Oxigraph store, RDF files, and terms between rdflib and Oxigraph."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.term import Node

from policykg.errors import ValidationError

_XSD_STRING = str(XSD.string)

Input = ox.Store | Dataset | Graph | Path | str | Sequence[Path | str]
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def rdf_format(path: Path) -> ox.RdfFormat:
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
            store.load(path=str(p), format=rdf_format(p))
        except (OSError, SyntaxError) as exc:
            raise ValidationError(f"cannot read data file {p}: {exc}") from exc
    return store


def parse_graph(paths: Iterable[Path], what: str) -> Graph:
    graph = Graph()
    for p in paths:
        try:
            graph.parse(str(p))
        except Exception as exc:  # rdflib raises parser-specific exception types
            raise ValidationError(f"cannot read {what} {p}: {exc}") from exc
    return graph


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


def display(term: object | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term.value
    return str(term)


