"""build.dataset_description: the build's VoID/DCAT description with the curated metadata and the cited link sources."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.build.dataset_description import describe_build, dump_links, read_metadata
from policykg.errors import BuildError
from policykg.kg.description import links
from policykg.kg.manifest import FileEntry
from policykg.kg.store import open_store

DATA = Path(__file__).resolve().parent.parent / "data" / "void"
DATASET = "https://w3id.org/policykg/dataset"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
GRAPH = ox.NamedNode("https://w3id.org/policykg/graph/test-document")
SHANDONG = ox.NamedNode("https://w3id.org/policykg/jurisdiction/370000")
DUMPS = [FileEntry("policykg.nq", "application/n-quads", "ab" * 32, 1234)]


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    store.extend([
        ox.Quad(SHANDONG, ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
                ox.NamedNode("http://www.wikidata.org/entity/Q43407"), GRAPH),
        ox.Quad(SHANDONG, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal("山东省", language="zh"), GRAPH),
    ])
    return store


def values(triples: list[ox.Triple], subject: str, predicate: str) -> set:
    return {t.object for t in triples if t.subject.value == subject and t.predicate.value == predicate}


def test_metadata_is_read_from_the_curated_file():
    triples = read_metadata(DATA / "dataset.ttl")
    assert values(triples, DATASET, DCTERMS + "title") == {ox.Literal("test dataset", language="en")}


def test_metadata_errors_name_the_file(tmp_path):
    with pytest.raises(BuildError, match="broken.ttl"):
        read_metadata(DATA / "broken.ttl")
    with pytest.raises(BuildError, match="dataset.ttl is missing"):
        read_metadata(tmp_path / "dataset.ttl")


def test_description_keeps_the_curated_metadata_and_lists_each_dump_once(store):
    triples = describe_build(store, read_metadata(DATA / "dataset.ttl"), DUMPS, DATA)
    assert values(triples, DATASET, DCTERMS + "title") == {ox.Literal("test dataset", language="en")}
    assert values(triples, DATASET, DCTERMS + "license") == {ox.NamedNode("https://example.org/licence")}
    (distribution,) = values(triples, DATASET, DCAT + "distribution")
    assert values(triples, distribution.value, DCAT + "byteSize") == {
        ox.Literal("1234", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))}
    assert values(triples, DATASET, VOID + "triples") == {
        ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
    assert triples == sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def test_the_wikidata_linkset_cites_the_sources_of_links_tsv(store):
    triples = describe_build(store, [], DUMPS, DATA)
    linksets = {t.subject.value for t in triples if t.predicate.value == VOID + "linkPredicate"}
    (wikidata,) = [s for s in linksets if "wikidata" in s]
    assert values(triples, wikidata, DCTERMS + "source") == {ox.NamedNode("https://example.org/source-of-q43407")}
    without = describe_build(store, [], DUMPS)  # no corpus folder: no sources to cite
    assert values(without, wikidata, DCTERMS + "source") == set()


BASE = "https://w3id.org/policykg/"
SHAPES = ox.NamedNode(BASE + "graph/shapes")
DOC = ox.NamedNode(BASE + "graph/doc")


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text if text.startswith("http") else BASE + text)


# (subject, predicate, object, graph): every way a triple can fail to be a link, and the ways it is one
LINK_CASES = [
    ("doc/a", "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q1", DOC),  # link
    ("doc/a", "http://data.europa.eu/eli/ontology#language", "http://publications.europa.eu/x/ZHO", DOC),  # link
    ("doc/b", "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q1", SHAPES),
    ("doc/c", "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q2", SHAPES),
    ("doc/c", "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q2", DOC),  # link
    ("doc/a", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2004/02/skos/core#Concept", DOC),
    ("doc/a", "http://www.w3.org/2000/01/rdf-schema#seeAlso", "http://example.org/page", DOC),
    ("doc/a", "http://www.w3.org/2002/07/owl#sameAs", "http://example.org/same", DOC),
    ("ontology#Plan", "http://www.w3.org/2004/02/skos/core#closeMatch", "http://example.org/plan", DOC),
    ("http://example.org/outside", "http://www.w3.org/2004/02/skos/core#related", "http://example.org/o", DOC),
    ("doc/a", "ontology#inPlan", "doc/plan", DOC),
]


@pytest.fixture
def link_cases(tmp_path) -> tuple[ox.Store, Path]:
    """The cases in a store with a merged default graph (as the builder's) and as a sorted N-Quads dump."""
    quads = [ox.Quad(_iri(s), _iri(p), _iri(o), g) for s, p, o, g in LINK_CASES]
    quads += [ox.Quad(_iri("doc/a"), _iri("ontology#value"), ox.Literal("5", datatype=ox.NamedNode(
                  "http://www.w3.org/2001/XMLSchema#integer")), DOC),
              ox.Quad(ox.BlankNode("b0"), _iri("http://www.w3.org/2004/02/skos/core#exactMatch"),
                      _iri("http://www.wikidata.org/entity/Q3"), DOC)]
    store = ox.Store()
    store.extend(quads)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    path = tmp_path / "policykg.nq"
    path.write_bytes(b"".join(sorted(set(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines(True)))))
    return store, path


def test_the_dump_gives_the_links_the_store_gives(link_cases):
    store, path = link_cases
    expected = {(BASE + "doc/a", "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q1"),
                (BASE + "doc/a", "http://data.europa.eu/eli/ontology#language", "http://publications.europa.eu/x/ZHO"),
                (BASE + "doc/c", "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q2")}
    assert sorted(links(store)) == sorted(expected)
    assert sorted(dump_links(path)) == sorted(expected)


def test_an_empty_dump_has_no_links(tmp_path):
    (tmp_path / "policykg.nq").write_bytes(b"")
    assert dump_links(tmp_path / "policykg.nq") == []


def test_the_build_reads_the_links_the_store_holds(built):
    on_disk = open_store(built)
    found = dump_links(built.path / "policykg.nq")
    assert found and sorted(found) == sorted(links(on_disk))
