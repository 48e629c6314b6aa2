"""The VoID + DCAT description of a build, computed from its quads and dump files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from policykg.kg.namespaces import BASE, DATASET_IRI, DCAT, DCTERMS, ELI, PREFIXES, RDF, VOID, XSD

SPDX = "http://spdx.org/rdf/terms#"


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD.integer))


def describe(store: ox.Store, metadata: list[ox.Triple], dumps: list[dict], document_graphs: list[str],
             inferred_graph: str) -> list[ox.Triple]:
    """VoID/DCAT triples: counts per class, property and document graph, endpoint, dumps with checksums."""
    ds = N(DATASET_IRI)
    triples = list(metadata)

    def add(s, p, o) -> None:
        s_node = s if isinstance(s, ox.NamedNode) else N(s)
        triples.append(ox.Triple(s_node, p if isinstance(p, ox.NamedNode) else N(p), o))

    asserted = [g for g in _graphs(store) if g != inferred_graph]
    default = [N(g) for g in asserted]
    total = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default)
    add(ds, RDF.type, N(VOID.Dataset))
    add(ds, RDF.type, N(DCAT.Dataset))
    add(ds, VOID.triples, _int(total))
    add(ds, VOID.sparqlEndpoint, N(BASE + "sparql"))
    add(ds, VOID.uriSpace, ox.Literal(BASE))
    add(ds, VOID.rootResource, N(BASE + "ontology"))
    add(ds, VOID.vocabulary, N(BASE + "ontology#"))
    add(ds, VOID.classes, _int(_count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }", default)))
    add(ds, VOID.properties, _int(_count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }", default)))
    add(ds, VOID.distinctSubjects,
        _int(_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }", default)))
    for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY STR(?c)",
                           default_graph=default):
        cls = row["c"].value
        part = N(f"{DATASET_IRI}/class/{_local(cls)}")
        add(ds, VOID.classPartition, part)
        add(part, VOID["class"], row["c"])
        add(part, VOID.entities, _int(int(row["n"].value)))
    for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY STR(?p)",
                           default_graph=default):
        part = N(f"{DATASET_IRI}/property/{_local(row['p'].value)}")
        add(ds, VOID.propertyPartition, part)
        add(part, VOID.property, row["p"])
        add(part, VOID.triples, _int(int(row["n"].value)))
    for graph in document_graphs + [inferred_graph]:
        n = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", [N(graph)])
        sub = N(f"{DATASET_IRI}/graph/{graph.rsplit('/', 1)[-1]}")
        add(ds, VOID.subset, sub)
        add(sub, RDF.type, N(VOID.Dataset))
        add(sub, N("http://www.w3.org/ns/sparql-service-description#name"), N(graph))
        add(sub, VOID.triples, _int(n))
    _linksets(store, add, ds)
    for dump in dumps:
        dist = N(f"{BASE}dumps/{dump['file']}")
        add(ds, VOID.dataDump, dist)
        add(ds, DCAT.distribution, dist)
        add(dist, RDF.type, N(DCAT.Distribution))
        add(dist, DCAT.downloadURL, dist)
        add(dist, DCAT.mediaType, ox.Literal(dump["media_type"]))
        add(dist, DCAT.byteSize, ox.Literal(str(dump["bytes"]), datatype=N(XSD.nonNegativeInteger)))
        add(dist, DCTERMS.title, ox.Literal(dump["file"]))
        checksum = N(f"{BASE}dumps/{dump['file']}#sha256")
        add(dist, SPDX + "checksum", checksum)
        add(checksum, SPDX + "algorithm", N(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", ox.Literal(dump["sha256"], datatype=N(XSD.hexBinary)))
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _linksets(store: ox.Store, add, ds: ox.NamedNode) -> None:
    """One void:Linkset per pair of document subsets joined by plan-to-plan links (based_on, cites)."""
    query = f"""SELECT ?g1 ?g2 ?p (COUNT(*) AS ?n) WHERE {{
        GRAPH ?g1 {{ ?a ?p ?b }} GRAPH ?g2 {{ ?b a <{BASE}ontology#Plan> }}
        FILTER(?g1 != ?g2 && ?p IN (<{ELI.based_on}>, <{ELI.cites}>))
        FILTER(STRSTARTS(STR(?g1), "{BASE}graph/") && STRSTARTS(STR(?g2), "{BASE}graph/"))
    }} GROUP BY ?g1 ?g2 ?p ORDER BY ?g1 ?g2 ?p"""
    for row in store.query(query):
        source, target = (row[g].value.rsplit("/", 1)[-1] for g in ("g1", "g2"))
        pred = row["p"].value.rsplit("#", 1)[-1]
        linkset = N(f"{DATASET_IRI}/linkset/{source}--{pred}--{target}")
        add(ds, VOID.subset, linkset)
        add(linkset, RDF.type, N(VOID.Linkset))
        add(linkset, VOID.subjectsTarget, N(f"{DATASET_IRI}/graph/{source}"))
        add(linkset, VOID.objectsTarget, N(f"{DATASET_IRI}/graph/{target}"))
        add(linkset, VOID.linkPredicate, row["p"])
        add(linkset, VOID.triples, _int(int(row["n"].value)))


def _local(iri: str) -> str:
    """`foaf:name` → `foaf-name`: the project prefix and local name, IRI-safe."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri[len(ns):]:
            return f"{prefix}-{iri[len(ns):]}".replace("/", "-")
    return hashlib.sha256(iri.encode()).hexdigest()[:12]


def _graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs())


def _count(store: ox.Store, query: str, default: list) -> int:
    return int(next(iter(store.query(query, default_graph=default)))["n"].value)


def read_metadata(path: Path) -> list[ox.Triple]:
    """The curated dataset metadata (title, description, licence, publisher) from corpus/dataset.ttl."""
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
