"""Namespaces and well-known IRIs, defined once for the builder, the store and the server."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

BASE = "https://w3id.org/policykg/"
PKG = Namespace(BASE + "ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
CV = Namespace("http://data.europa.eu/m8g/")  # Core Public Organisation / Core Vocabularies
WD = Namespace("http://www.wikidata.org/entity/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
QB = Namespace("http://purl.org/linked-data/cube#")

ONTOLOGY_IRI = BASE + "ontology"
SHAPES_IRI = BASE + "shapes"
DATASET_IRI = BASE + "dataset"
VOCABULARY_GRAPH = BASE + "graph/vocabulary"
INFERRED_GRAPH = BASE + "graph/inferred"
SHAPES_GRAPH = BASE + "graph/shapes"
VOID_GRAPH = BASE + "graph/void"

PREFIXES: dict[str, str] = {
    "pkg": str(PKG),
    "pkgr": BASE,
    "eli": str(ELI),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "time": str(TIME),
    "nif": str(NIF),
    "itsrdf": str(ITSRDF),
    "qb": str(QB),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "foaf": str(FOAF),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sd": str(SD),
    "sh": str(SH),
    "cv": str(CV),
    "wd": str(WD),
}


def sparql_prologue(prefixes: Mapping[str, str] = PREFIXES) -> str:
    """PREFIX declarations (every project prefix by default), for an engine that cannot be given them
    as a parameter (pyoxigraph takes `prefixes=`), and for the query editor."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())


def bind_prefixes(graph) -> None:
    """Bind the project prefixes on an rdflib Graph or Dataset."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
