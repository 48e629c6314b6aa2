"""The one description of the published dataset: VoID statistics and linksets, a DCAT-AP 3 catalogue.

The builder writes it to void.ttl (and graph/void); the server serves that file, and computes the same
description with this module only for a build that has none. Every count is over the default graph,
the RDF merge of the asserted graphs (kg.dataset), so VoID, the service description, /health and
`SELECT (COUNT(*) AS ?n) { ?s ?p ?o }` give one number.

Profiles: DCAT-AP 3.0.1 (Catalog, Dataset, Distribution, DataService, contact point, themes,
spatial and temporal coverage; media types from IANA and formats from the EU file-type table as
IRIs) and VoID (class/property partitions, one subset per named graph, one linkset per outgoing
link predicate and target dataset). No blank nodes: every node has an IRI under the dataset IRI.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from policykg.kg.dataset import DEFAULT, asserted_graphs, has_merged_default_graph, merge_graphs
from policykg.kg.manifest import FileEntry
from policykg.kg.namespaces import (
    BASE,
    DCAT,
    DCTERMS,
    FOAF,
    INFERRED_GRAPH,
    PKG,
    PREFIXES,
    RDF,
    RDFS,
    SD,
    SHAPES_GRAPH,
    SKOS,
    VOID,
    VOID_GRAPH,
    XSD,
)

SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
# EU file-type authority table codes for the dump media types
FILE_TYPES = {"application/trig": "RDF_TRIG", "application/n-quads": "RDF_N_QUADS", "text/turtle": "RDF_TURTLE",
              "application/n-triples": "RDF_N_TRIPLES", "application/ld+json": "JSON_LD", "text/csv": "CSV",
              "application/json": "JSON"}
# EU data-theme authority table: code → its English label there
THEMES = {"EDUC": "Education, culture and sport", "GOVE": "Government and public sector"}
DEFAULT_TITLE = ("policykg: knowledge graph of China's vocational skills training plans", "en")
DEFAULT_DESCRIPTION = ("Indicators, targets, programmes, target groups and agencies of vocational skills training "
                       "plans, each fact linked to the characters of its source text.", "en")
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"  # as corpus/dataset.ttl states
# Outgoing links are counted for these target datasets (namespace → slug, title); others by namespace
KNOWN_TARGETS = {
    "http://www.wikidata.org/entity/": ("wikidata", "Wikidata"),
    EU + "language/": ("eu-language", "EU Publications Office: languages authority table"),
    "http://qudt.org/vocab/unit/": ("qudt-units", "QUDT units"),
    "http://www.w3.org/2006/time#": ("owl-time", "W3C OWL-Time"),
    "https://dmfw.mca.gov.cn/": ("mca", "Ministry of Civil Affairs: administrative division codes"),
}


def N(iri) -> ox.NamedNode | ox.BlankNode:
    return iri if isinstance(iri, ox.NamedNode | ox.BlankNode) else ox.NamedNode(str(iri))


def _int(value: int, datatype=XSD.integer) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(datatype))


class _Triples:
    def __init__(self, metadata: Iterable[ox.Triple]) -> None:
        self.items: set[ox.Triple] = set(metadata)

    def add(self, s, p, o) -> None:
        obj = o if isinstance(o, ox.Literal | ox.NamedNode) else N(o)
        self.items.add(ox.Triple(N(s), N(p), obj))

    def has(self, s, p) -> bool:
        return any(t.subject == N(s) and t.predicate == N(p) for t in self.items)


def default_graph_size(store: ox.Store) -> int:
    """Triples in the default graph: the merge of the asserted graphs (kg.dataset), counted once each."""
    if has_merged_default_graph(store):
        return _count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")  # the engine counts: no Python object per quad
    return len(merge_graphs(store, asserted_graphs(store)))


def describe(store: ox.Store, dumps: Iterable[FileEntry], metadata: Iterable[ox.Triple] = (),
             base: str = BASE, modified: str | None = None,
             link_sources: dict[str, list[str]] | None = None,
             outgoing: list[tuple[str, str, str]] | None = None) -> list[ox.Triple]:
    """The VoID + DCAT-AP description of the dataset in `store`, sorted (deterministic output).

    `link_sources` maps a target uriSpace to the pages that confirm its links (dcterms:source of the
    linkset), e.g. the sources recorded in corpus/links/wikidata.tsv. Counts read the store's default
    graph when it holds the merge of the asserted graphs (the builder's store, kg.dataset), else a merge
    made here; links read the named data graphs. `outgoing`: the links() of `store` when the caller
    has them already (the builder reads them once for the tables and the description).
    """
    dataset = base + "dataset"
    out = _Triples(metadata)
    merged = store if has_merged_default_graph(store) else merge_graphs(store, asserted_graphs(store))
    _catalogue(out, dataset, base, modified)
    _coverage(out, dataset, merged)
    _statistics(out, dataset, base, store, merged)
    for linkset in linksets(store, base, outgoing):
        _linkset(out, dataset, linkset, (link_sources or {}).get(linkset.target_space, []))
    for dump in dumps:
        _distribution(out, dataset, base, dump)
    return sorted(out.items, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _catalogue(out: _Triples, dataset: str, base: str, modified: str | None) -> None:
    catalog, service = dataset + "#catalog", dataset + "#sparql-service"
    publisher, contact = dataset + "#publisher", dataset + "#contact"
    if not out.has(dataset, DCTERMS.title):
        out.add(dataset, DCTERMS.title, ox.Literal(DEFAULT_TITLE[0], language=DEFAULT_TITLE[1]))
    if not out.has(dataset, DCTERMS.description):
        out.add(dataset, DCTERMS.description, ox.Literal(DEFAULT_DESCRIPTION[0], language=DEFAULT_DESCRIPTION[1]))
    if not out.has(dataset, DCTERMS.license):
        out.add(dataset, DCTERMS.license, DEFAULT_LICENSE)
    publishers = [t.object for t in out.items if t.subject == N(dataset) and t.predicate == N(DCTERMS.publisher)]
    if not publishers:
        out.add(dataset, DCTERMS.publisher, publisher)
        out.add(publisher, FOAF.name, ox.Literal("policykg project", language="en"))
        publishers = [N(publisher)]
    for agent in publishers:
        out.add(agent, RDF.type, FOAF.Agent)
    titles = [t.object for t in out.items if t.subject == N(dataset) and t.predicate == N(DCTERMS.title)]
    descriptions = [t.object for t in out.items if t.subject == N(dataset) and t.predicate == N(DCTERMS.description)]
    for license_doc in [t.object for t in out.items if t.predicate == N(DCTERMS.license)]:
        out.add(license_doc, RDF.type, DCTERMS.LicenseDocument)
    for language in [t.object for t in out.items if t.predicate == N(DCTERMS.language)]:
        out.add(language, RDF.type, DCTERMS.LinguisticSystem)

    out.add(catalog, RDF.type, DCAT.Catalog)
    for title in titles:
        out.add(catalog, DCTERMS.title, title)
    for description in descriptions:
        out.add(catalog, DCTERMS.description, description)
    out.add(catalog, DCTERMS.publisher, publishers[0])
    out.add(catalog, DCAT.dataset, dataset)
    out.add(catalog, DCAT.service, service)
    out.add(catalog, FOAF.homepage, base)
    out.add(base, RDF.type, FOAF.Document)

    out.add(dataset, RDF.type, DCAT.Dataset)
    out.add(dataset, RDF.type, VOID.Dataset)
    out.add(dataset, DCAT.contactPoint, contact)
    out.add(contact, RDF.type, N(VCARD + "Kind"))
    out.add(contact, N(VCARD + "fn"), ox.Literal("policykg project", language="en"))
    out.add(contact, N(VCARD + "hasURL"), base)
    for theme, label in THEMES.items():
        out.add(dataset, DCAT.theme, EU + "data-theme/" + theme)
        out.add(EU + "data-theme/" + theme, RDF.type, SKOS.Concept)
        out.add(EU + "data-theme/" + theme, SKOS.prefLabel, ox.Literal(label, language="en"))
        out.add(EU + "data-theme/" + theme, SKOS.inScheme, EU + "data-theme")
    out.add(EU + "data-theme", RDF.type, SKOS.ConceptScheme)
    out.add(catalog, DCAT.themeTaxonomy, EU + "data-theme")  # the themes' scheme (DCAT-AP's MDR shapes ask)
    out.add(EU + "data-theme", DCTERMS.title, ox.Literal("Data theme", language="en"))
    out.add(dataset, DCAT.landingPage, base)
    out.add(dataset, DCTERMS.conformsTo, base + "ontology")
    out.add(base + "ontology", RDF.type, DCTERMS.Standard)
    if modified:
        out.add(dataset, DCTERMS.modified, ox.Literal(modified, datatype=N(XSD.dateTime)))

    out.add(service, RDF.type, DCAT.DataService)
    out.add(service, RDF.type, SD.Service)
    for title in titles:
        out.add(service, DCTERMS.title, title)
    out.add(base + "sparql", RDF.type, RDFS.Resource)
    out.add(service, DCAT.endpointURL, base + "sparql")
    out.add(service, DCAT.endpointDescription, base + "sparql")
    out.add(service, DCAT.servesDataset, dataset)
    out.add(service, DCTERMS.conformsTo, "https://www.w3.org/TR/sparql11-protocol/")
    out.add("https://www.w3.org/TR/sparql11-protocol/", RDF.type, DCTERMS.Standard)
    out.add(service, SD.endpoint, base + "sparql")


def _coverage(out: _Triples, dataset: str, data: ox.Store) -> None:
    """Spatial coverage: the plans' jurisdictions (and the country); temporal: the plans' periods."""
    out.add(dataset, DCTERMS.spatial, EU + "country/CHN")
    out.add(EU + "country/CHN", RDF.type, DCTERMS.Location)
    query = f"SELECT DISTINCT ?j WHERE {{ ?p a <{PKG.Plan}> ; <{PKG.jurisdiction}> ?j }} ORDER BY ?j"
    for row in data.query(query, default_graph=DEFAULT):
        out.add(dataset, DCTERMS.spatial, row["j"])
        out.add(row["j"], RDF.type, DCTERMS.Location)
    query = f"""SELECT (MIN(?s) AS ?start) (MAX(?e) AS ?end) WHERE {{
        ?p a <{PKG.Plan}> ; <{PKG.period}> ?i . ?i <{PKG.startDate}> ?s ; <{PKG.endDate}> ?e }}"""
    row = next(iter(data.query(query, default_graph=DEFAULT)))
    if row["start"] is not None:
        period = dataset + "#temporal"
        out.add(dataset, DCTERMS.temporal, period)
        out.add(period, RDF.type, DCTERMS.PeriodOfTime)
        out.add(period, DCAT.startDate, row["start"])
        out.add(period, DCAT.endDate, row["end"])


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query, default_graph=DEFAULT)))["n"].value)


def _statistics(out: _Triples, dataset: str, base: str, store: ox.Store, merged: ox.Store) -> None:
    # Each count is an aggregate the engine computes over its encoded terms; only the groups' keys are
    # decoded (a term read from the on-disk store costs microseconds). The triples and the properties
    # are the sums and the number of the property partitions, the classes the number of class partitions.
    properties = [(row["p"], int(row["n"].value)) for row in merged.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p", default_graph=DEFAULT)]
    classes = [(row["c"], int(row["n"].value)) for row in merged.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c", default_graph=DEFAULT)]
    out.add(dataset, VOID.triples, _int(sum(n for _, n in properties)))
    out.add(dataset, VOID.sparqlEndpoint, base + "sparql")
    out.add(dataset, VOID.uriSpace, ox.Literal(base))
    out.add(dataset, VOID.rootResource, base + "ontology")
    out.add(dataset, VOID.vocabulary, base + "ontology#")
    out.add(dataset, VOID.classes, _int(len(classes)))
    out.add(dataset, VOID.properties, _int(len(properties)))
    out.add(dataset, VOID.distinctSubjects, _int(_count(merged, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")))
    for cls, n in classes:
        part = f"{dataset}/class/{_local(cls.value)}"
        out.add(dataset, VOID.classPartition, part)
        out.add(part, VOID["class"], cls)
        out.add(part, VOID.entities, _int(n))
    for prop, n in properties:
        part = f"{dataset}/property/{_local(prop.value)}"
        out.add(dataset, VOID.propertyPartition, part)
        out.add(part, VOID.property, prop)
        out.add(part, VOID.triples, _int(n))
    for graph in [*asserted_graphs(store, shapes=False), N(INFERRED_GRAPH)]:
        if not store.contains_named_graph(graph):
            continue
        sub = f"{dataset}/graph/{graph.value.rsplit('/', 1)[-1]}"
        out.add(dataset, VOID.subset, sub)
        out.add(sub, RDF.type, VOID.Dataset)
        out.add(sub, SD.name, graph)
        # the engine counts one graph at a time: a third less than grouping every quad by its graph
        out.add(sub, VOID.triples, _int(_count(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))


@dataclass(frozen=True)
class Linkset:
    """The links of one predicate from our resources to one other dataset."""

    slug: str
    predicate: str
    target_space: str
    target_title: str | None
    triples: int


NOT_LINK_PREDICATES = ("http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#")  # vocabulary


def is_link(triple: ox.Triple | ox.Quad, base: str = BASE) -> bool:
    """Whether the triple is an outgoing link (links() says which, in SPARQL, over a store)."""
    s, p, o = triple.subject, triple.predicate, triple.object
    return (isinstance(o, ox.NamedNode) and isinstance(s, ox.NamedNode) and p.value != str(RDF.type)
            and not o.value.startswith(base) and s.value.startswith(base) and not s.value.startswith(base + "ontology")
            and not p.value.startswith(NOT_LINK_PREDICATES))


def links(store: ox.Store, base: str = BASE) -> list[tuple[str, str, str]]:
    """Outgoing links in the instance data (the data graphs of `store`, each triple once):
    (subject, predicate, object) where the object is an IRI outside our namespace. Types, vocabulary
    definitions and shapes are not links.

    With a merged default graph (kg.dataset) the links are read there, a triple that graph/shapes
    also holds only when a data graph asserts it too; else from the named data graphs. No copy of
    the data is made either way."""
    # cheapest tests first: most objects that are IRIs are ours, which ends the test after one string
    where = f"""FILTER(isIRI(?o) && isIRI(?s) && ?p != <{RDF.type}> && !STRSTARTS(STR(?o), "{base}")
               && STRSTARTS(STR(?s), "{base}") && !STRSTARTS(STR(?s), "{base}ontology")
               && !STRSTARTS(STR(?p), "{NOT_LINK_PREDICATES[0]}") && !STRSTARTS(STR(?p), "{NOT_LINK_PREDICATES[1]}"))"""
    skip = [ox.NamedNode(g) for g in (SHAPES_GRAPH, INFERRED_GRAPH, VOID_GRAPH)]
    if not has_merged_default_graph(store):
        names = ", ".join(str(g) for g in skip)
        query = f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({names})) {where} }}"
        return [(row["s"].value, row["p"].value, row["o"].value) for row in store.query(query)]
    targets = _outside_objects(store, base)
    if not targets:
        return []
    values = " ".join(str(o) for o in targets)
    found = []
    for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?o {{ {values} }} ?s ?p ?o {where} }}",
                           default_graph=DEFAULT):
        s, p, o = row["s"], row["p"], row["o"]
        if ox.Quad(s, p, o, skip[0]) in store and not any(
                q.graph_name not in skip for q in store.quads_for_pattern(s, p, o)
                if not isinstance(q.graph_name, ox.DefaultGraph)):
            continue  # only graph/shapes says it
        found.append((s.value, p.value, o.value))
    return found


def _outside_objects(store: ox.Store, base: str) -> list[ox.NamedNode]:
    """The IRIs outside `base` that are objects of a triple other than rdf:type in the default graph.

    Reading a term's text from the on-disk store costs microseconds, and nearly every triple points
    at one of our own resources: the engine groups the triples by object on its encoded terms, so
    only each distinct object is read once, not each triple."""
    query = f"""SELECT ?o WHERE {{
        {{ SELECT ?o (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?p != <{RDF.type}>) }} GROUP BY ?o }}
        FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "{base}")) }}"""
    return [row["o"] for row in store.query(query, default_graph=DEFAULT)]


def linksets(data: ox.Store, base: str = BASE, outgoing: list[tuple[str, str, str]] | None = None) -> list[Linkset]:
    """The outgoing links (links(), or `outgoing` when given) counted by predicate and target dataset."""
    counts: dict[tuple[str, str], int] = {}
    for _, predicate, target in links(data, base) if outgoing is None else outgoing:
        space = next((ns for ns in KNOWN_TARGETS if target.startswith(ns)), None)
        if space is None:
            space = target[: max(target.rfind("/"), target.rfind("#")) + 1]
        key = (predicate, space)
        counts[key] = counts.get(key, 0) + 1
    found = []
    for (predicate, space), n in sorted(counts.items()):
        slug, title = KNOWN_TARGETS.get(space, (hashlib.sha256(space.encode()).hexdigest()[:10], None))
        found.append(Linkset(f"{slug}--{_local(predicate)}", predicate, space, title, n))
    return found


def _linkset(out: _Triples, dataset: str, linkset: Linkset, sources: list[str]) -> None:
    node, target = f"{dataset}#linkset-{linkset.slug}", f"{dataset}#target-{linkset.slug.split('--')[0]}"
    out.add(dataset, VOID.subset, node)
    out.add(node, RDF.type, VOID.Linkset)
    out.add(node, VOID.subjectsTarget, dataset)
    out.add(node, VOID.objectsTarget, target)
    out.add(node, VOID.linkPredicate, linkset.predicate)
    out.add(node, VOID.triples, _int(linkset.triples))
    for source in sources:
        out.add(node, DCTERMS.source, source)
    out.add(target, RDF.type, VOID.Dataset)
    out.add(target, VOID.uriSpace, ox.Literal(linkset.target_space))
    if linkset.target_title:
        out.add(target, DCTERMS.title, ox.Literal(linkset.target_title, language="en"))


def _distribution(out: _Triples, dataset: str, base: str, dump: FileEntry) -> None:
    node, url = f"{dataset}#distribution-{dump.file}", base + "dumps/" + dump.file
    checksum = f"{dataset}#checksum-{dump.file}"
    out.add(dataset, VOID.dataDump, url)
    out.add(dataset, DCAT.distribution, node)
    out.add(node, RDF.type, DCAT.Distribution)
    out.add(node, DCAT.accessURL, base + "dumps/")
    out.add(node, DCAT.downloadURL, url)
    out.add(node, DCTERMS.title, ox.Literal(dump.file))
    out.add(node, DCAT.mediaType, IANA + dump.media_type)
    out.add(IANA + dump.media_type, RDF.type, DCTERMS.MediaType)
    if dump.media_type in FILE_TYPES:
        file_type = EU + "file-type/" + FILE_TYPES[dump.media_type]
        out.add(node, DCTERMS.format, file_type)
        out.add(file_type, RDF.type, DCTERMS.MediaTypeOrExtent)
    out.add(node, DCAT.byteSize, _int(dump.bytes, XSD.nonNegativeInteger))
    out.add(node, N(SPDX + "checksum"), checksum)
    out.add(checksum, RDF.type, N(SPDX + "Checksum"))
    out.add(checksum, N(SPDX + "algorithm"), N(SPDX + "checksumAlgorithm_sha256"))
    out.add(SPDX + "checksumAlgorithm_sha256", RDF.type, SPDX + "ChecksumAlgorithm")
    out.add(checksum, N(SPDX + "checksumValue"), ox.Literal(dump.sha256, datatype=N(XSD.hexBinary)))


def _local(iri: str) -> str:
    """`foaf:name` → `foaf-name`: the project prefix and local name, IRI-safe."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri[len(ns):]:
            return f"{prefix}-{iri[len(ns):]}".replace("/", "-")
    return hashlib.sha256(iri.encode()).hexdigest()[:12]

