"""build.dataset_description: the build's VoID/DCAT description with the curated metadata and the cited link sources."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.build.dataset_description import describe_build, read_metadata
from policykg.errors import BuildError
from policykg.kg.manifest import FileEntry

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
