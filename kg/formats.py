"""The serialisations of RDF and of SPARQL results, defined once for the CLI, the workers and the server.

Each format has one short name (what `policykg query --format`, the `format` request parameter and
the query workers use), its media type, a file extension, the engine's (pyoxigraph's) format, and
the aliases that clients send in Accept. server/media.py adds HTML and negotiates among these.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One serialisation; `engine` is None for a format the engine does not write (HTML)."""

    name: str
    media_type: str
    extension: str
    engine: ox.RdfFormat | ox.QueryResultsFormat | None
    aliases: tuple[str, ...] = ()
    label: str = ""

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with the charset for every textual format."""
        return f"{self.media_type}; charset=utf-8"


RESULTS_JSON = Format("json", "application/sparql-results+json", "srj", ox.QueryResultsFormat.JSON,
                      ("application/json",), "JSON")
RESULTS_XML = Format("xml", "application/sparql-results+xml", "srx", ox.QueryResultsFormat.XML,
                     ("application/xml", "text/xml"), "XML")
RESULTS_CSV = Format("csv", "text/csv", "csv", ox.QueryResultsFormat.CSV, (), "CSV")
RESULTS_TSV = Format("tsv", "text/tab-separated-values", "tsv", ox.QueryResultsFormat.TSV, (), "TSV")

TURTLE = Format("turtle", "text/turtle", "ttl", ox.RdfFormat.TURTLE, ("application/x-turtle",), "Turtle")
NTRIPLES = Format("ntriples", "application/n-triples", "nt", ox.RdfFormat.N_TRIPLES, ("text/plain",), "N-Triples")
JSONLD = Format("jsonld", "application/ld+json", "jsonld", ox.RdfFormat.JSON_LD,
                ("application/json", "application/sparql-results+json"), "JSON-LD")
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML,
                ("application/xml", "text/xml", "application/sparql-results+xml"), "RDF/XML")
TRIG = Format("trig", "application/trig", "trig", ox.RdfFormat.TRIG, (), "TriG")

# Order is the server's preference when the client accepts several equally.
RESULT_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG)


def named(name: str, formats: tuple[Format, ...]) -> Format:
    """The format called `name` among `formats` (KeyError names the ones there are)."""
    for fmt in formats:
        if fmt.name == name:
            return fmt
    raise KeyError(f"no format named {name!r}; known: {', '.join(f.name for f in formats)}")
