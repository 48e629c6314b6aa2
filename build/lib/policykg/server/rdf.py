"""Serialising small graphs (resource descriptions, the service description, VoID) with rdflib."""

from __future__ import annotations

import json

from rdflib import Graph

from policykg.kg.namespaces import PREFIXES, bind_prefixes

from .media import Format

_RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "rdfxml": "xml",
    "trig": "trig",
    "nquads": "nquads",
}


def jsonld_context() -> dict:
    """The published JSON-LD context: the project's prefixes."""
    return {"@context": dict(PREFIXES)}


def graph_from_ntriples(data: bytes) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def serialize_graph(graph: Graph, fmt: Format, context_url: str | None = None) -> bytes:
    """The graph in `fmt`; JSON-LD is compacted with the project context and refers to `context_url`."""
    bind_prefixes(graph)
    if fmt.name == "jsonld":
        text = graph.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
        document = json.loads(text)
        if context_url and isinstance(document, dict):
            document["@context"] = context_url
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    data = graph.serialize(format=_RDFLIB_FORMATS[fmt.name], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
