"""The build's output contract served (kg/manifest.py): the tiny corpus built by the real builder, and
one triple count everywhere (VoID, service description, /health, COUNT(*)), each dump listed once."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, VOID
from server_testkit import tiny_build

from policykg.kg.namespaces import DATASET_IRI, SD

TURTLE = {"Accept": "text/turtle"}


def count_star(client) -> int:
    response = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def served_void(client) -> Graph:
    response = client.get("/.well-known/void", headers=TURTLE)
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_one_triple_count_in_void_service_description_health_and_count_star(client):
    manifest = tiny_build().manifest
    void_count = int(served_void(client).value(URIRef(DATASET_IRI), VOID.triples))
    description = Graph().parse(data=client.get("/sparql", headers=TURTLE).get_data(as_text=True), format="turtle")
    sd_count = int(description.value(next(description.objects(None, SD.defaultGraph)), VOID.triples))
    health = client.get("/health").get_json()
    assert void_count == sd_count == health["triples"] == count_star(client) == manifest.triples > 1000
    assert health["documents"] == len(manifest.documents) == 1
    assert health["graph_version"] == manifest.version and health["built_at"] == manifest.built_at


def test_each_dump_of_the_manifest_is_listed_once(client):
    manifest = tiny_build().manifest
    void = served_void(client)
    downloads = [str(void.value(d, DCAT.downloadURL)) for d in void.objects(URIRef(DATASET_IRI), DCAT.distribution)]
    assert sorted(url.rsplit("/", 1)[1] for url in downloads) == sorted(entry.file for entry in manifest.dumps)
    assert len(list(void.objects(URIRef(DATASET_IRI), VOID.dataDump))) == len(manifest.dumps)
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).get_json()
    assert [(e["file"], e["sha256"], e["bytes"]) for e in listing] == \
        [(e.file, e.sha256, e.bytes) for e in manifest.dumps]


def test_every_dump_and_table_downloads_as_the_manifest_records(client):
    import hashlib

    manifest = tiny_build().manifest
    for entry in manifest.dumps:
        body = client.get(f"/dumps/{entry.file}").get_data()
        assert (len(body), hashlib.sha256(body).hexdigest()) == (entry.bytes, entry.sha256), entry.file
    for entry in manifest.tables:
        body = client.get(f"/tables/{entry.file}").get_data()
        assert hashlib.sha256(body).hexdigest() == entry.sha256, entry.file
