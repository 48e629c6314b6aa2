"""Linked data: dereferenceable IRIs with content negotiation, pages, ontology, shapes, VoID, dumps."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

import pytest
from markupsafe import escape
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID
from server_testkit import DOC, SHAPES_GRAPH, expected_rows

from policykg.config import ONTOLOGY_DIR
from policykg.server.rdf import jsonld_context

PKG = Namespace("https://w3id.org/policykg/ontology#")
TARGET = f"{DOC}/target/subsidized-training/2021--2021"
TARGET_PATH = TARGET.removeprefix("https://w3id.org/policykg")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
             "application/rdf+xml": "xml"}
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
              "rdf": "application/rdf+xml"}


def parse(response) -> Graph:
    text = response.get_data(as_text=True)
    if response.mimetype == "application/ld+json":  # use the published context without fetching it
        document = json.loads(text)
        document["@context"] = jsonld_context(Graph().parse(ONTOLOGY_DIR / "policykg.ttl"))["@context"]
        text = json.dumps(document)
    return Graph().parse(data=text, format=RDF_TYPES[response.mimetype])


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_machines_get_rdf_by_accept(client, media_type):
    response = client.get(TARGET_PATH, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    graph = parse(response)
    assert graph.value(URIRef(TARGET), PKG.value).toPython() == Decimal(67000)
    # incoming links are part of the description
    assert (URIRef(f"{DOC}/plan"), PKG.hasTarget, URIRef(TARGET)) in graph


@pytest.mark.parametrize(("extension", "media_type"), list(EXTENSIONS.items()))
def test_file_extension_suffix(client, extension, media_type):
    response = client.get(f"{TARGET_PATH}.{extension}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert (URIRef(TARGET), RDF.type, PKG.IndicatorTarget) in parse(response)


def test_jsonld_refers_to_the_published_context(client):
    response = client.get(TARGET_PATH, headers={"Accept": "application/ld+json"})
    document = json.loads(response.get_data(as_text=True))
    # a stable IRI under the configured base, not the request's host
    assert document["@context"] == "https://w3id.org/policykg/context.jsonld"
    context = client.get("/context.jsonld")
    assert context.mimetype == "application/ld+json"
    terms = json.loads(context.get_data(as_text=True))["@context"]
    assert terms["pkg"] == str(PKG)
    assert terms["hasTarget"] == {"@id": "pkg:hasTarget", "@type": "@id"}
    assert terms["value"] == {"@id": "pkg:value", "@type": "xsd:decimal"}
    assert '"value": "67000"' in response.get_data(as_text=True)  # the typed term is used by the output


def test_alternates_are_linked(client):
    response = client.get(TARGET_PATH, headers={"Accept": "text/turtle"})
    assert f'<{TARGET_PATH}.jsonld>; rel="alternate"; type="application/ld+json"' in response.headers["Link"]


def test_browsers_get_the_resource_page(client):
    response = client.get(TARGET_PATH, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    labels = expected_rows(f"SELECT ?l WHERE {{ <{TARGET}> rdfs:label ?l }}")
    assert len(labels) == 2 and all(str(escape(label["l"])) in page for label in labels)  # zh and en labels
    assert 'href="/ontology#IndicatorTarget"' in page  # type, linked
    assert 'href="/doc/tairenshezi-2021-12/plan"' in page  # property value, linked
    plan_label = expected_rows(f'SELECT ?l WHERE {{ <{DOC}/plan> rdfs:label ?l FILTER(LANG(?l) = "zh") }}')
    assert str(escape(plan_label[0]["l"])) in page  # the linked plan's label
    # the source quote, highlighted in its surrounding text, linking to the document view
    assert re.search(r"开展补贴性职业技能培训<mark>6\.7万人次以上</mark>，年底前", page)
    assert 'href="/doc/tairenshezi-2021-12/text?span=621-629#span-621-629"' in page
    assert "inferred" in page  # the inferred type is shown, marked as such


def test_incoming_links_on_the_page(client):
    page = client.get("/agency/taian-hrss", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Incoming links" in page
    assert 'href="/doc/tairenshezi-2021-12"' in page
    assert "泰安市人力资源和社会保障局" in page and "Tai&#39;an Municipal Human Resources" in page


def test_document_view_marks_every_span(client):
    response = client.get("/doc/tairenshezi-2021-12/text?span=621-629", headers={"Accept": BROWSER})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    spans = expected_rows(f"""SELECT DISTINCT ?b ?e WHERE {{ ?span nif:referenceContext <{DOC}/text> ;
                                                             nif:beginIndex ?b ; nif:endIndex ?e }}""")
    assert len(spans) > 50 and all(f'id="span-{span["b"]}-{span["e"]}"' in page for span in spans)
    assert 'id="span-621-629"' in page
    assert re.search(rf'class="ann depth-\d focus" href="{TARGET_PATH}"[^>]*>6\.7万人次以上</a>', page)
    title = expected_rows(f'SELECT ?t WHERE {{ <{DOC}> rdfs:label ?t FILTER(LANG(?t) = "zh") }}')
    assert title and str(escape(title[0]["t"])) in page


def test_span_resources_show_their_own_quote(client):
    page = client.get("/doc/tairenshezi-2021-12/text/171-174", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<mark>周立柱</mark>" in page


def test_unknown_iri_gets_a_helpful_404(client):
    page_response = client.get("/doc/tairenshezi-2021-12/target/nothing", headers={"Accept": BROWSER})
    assert page_response.status_code == 404
    page = page_response.get_data(as_text=True)
    assert "https://w3id.org/policykg/doc/tairenshezi-2021-12/target/nothing" in page
    assert f'href="{TARGET_PATH}"' in page  # nearby resources
    machine = client.get("/doc/nothing-here", headers={"Accept": "text/turtle"})
    assert machine.status_code == 404 and machine.mimetype == "text/plain"


def test_406_for_resources(client):
    assert client.get(TARGET_PATH, headers={"Accept": "image/png"}).status_code == 406


def test_named_graph_iri_serves_the_graph(client):
    response = client.get("/graph/tairenshezi-2021-12", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert len(parse(response)) > 100


def test_ontology_page_and_turtle(client):
    page = client.get("/ontology", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'id="IndicatorTarget"' in page and "指标目标" in page and "Indicator target" in page
    definition = expected_rows('SELECT ?d WHERE { pkg:IndicatorTarget skos:definition ?d FILTER(LANG(?d) = "en") }')
    assert str(escape(definition[0]["d"])) in page
    assert "eli:LegalResource" in page  # alignment
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert (PKG.Notice, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
            URIRef("http://data.europa.eu/eli/ontology#LegalResource")) in graph
    assert client.get("/ontology.ttl").mimetype == "text/turtle"


def test_ontology_page_lists_the_individuals_pages_link_to():
    """Target pages link to /ontology#AtLeast, #Expected …: each instance the ontology defines (comparators,
    natures, aggregations — skos:Concepts typed with an ontology class) has its entry (issue 9 item 6)."""
    from policykg import config
    from policykg.server.vocabulary import document_ontology

    graph = Graph().parse(config.ONTOLOGY_DIR / "policykg.ttl", format="turtle")
    concepts = {s for s in graph.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept"))
                if str(s).startswith(str(PKG))}
    assert {PKG.AtLeast, PKG.Expected} <= concepts
    listed = {term.iri for term in document_ontology(graph)["individuals"]}
    assert {str(c) for c in concepts} - listed == set()


def test_shapes_page_and_turtle(client):
    page = client.get("/shapes", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "NoticeShape" in page and "sh:minCount" in page
    shapes = f"GRAPH <{SHAPES_GRAPH}> {{ ?s a sh:NodeShape }}"
    message = expected_rows(f"SELECT ?m WHERE {{ {shapes} GRAPH <{SHAPES_GRAPH}> {{ ?s sh:property/sh:message ?m }} }}")
    assert str(escape(message[0]["m"])) in page
    turtle = client.get("/shapes.ttl")
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    node_shapes = int(expected_rows(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {shapes} }}")[0]["n"])
    assert len(list(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))) == node_shapes


def test_void_description(client):
    response = client.get("/.well-known/void")
    assert response.mimetype == "text/turtle"
    graph = parse(response)
    dataset = URIRef("https://w3id.org/policykg/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph and (dataset, RDF.type, DCAT.Dataset) in graph
    for predicate in (DCTERMS.title, DCTERMS.license, DCTERMS.publisher, VOID.triples, VOID.classes,
                      VOID.sparqlEndpoint, VOID.vocabulary):
        assert graph.value(dataset, predicate) is not None, predicate
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("https://w3id.org/policykg/sparql")
    partitions = {graph.value(p, VOID["class"]) for p in graph.objects(dataset, VOID.classPartition)}
    assert PKG.IndicatorTarget in partitions
    dumps = {str(d) for d in graph.objects(dataset, VOID.dataDump)}
    assert {"https://w3id.org/policykg/dumps/policykg.trig", "https://w3id.org/policykg/dumps/policykg.nq",
            "https://w3id.org/policykg/dumps/policykg.ttl"} <= dumps
    assert client.get("/dataset", headers={"Accept": "text/turtle"}).status_code == 200
    assert "Dumps" in client.get("/dataset", headers={"Accept": BROWSER}).get_data(as_text=True)


def test_dumps_with_size_and_checksum(client):
    listing = json.loads(client.get("/dumps/", headers={"Accept": "application/json"}).get_data(as_text=True))
    files = {entry["file"]: entry for entry in listing}
    assert {"policykg.trig", "policykg.nq", "inferred.nq", "policykg.ttl"} <= set(files)
    for name, entry in files.items():
        response = client.get(f"/dumps/{name}")
        body = response.get_data()
        assert response.status_code == 200
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        assert len(body) == entry["bytes"]
        assert response.headers["Digest"].startswith("sha-256=")
    turtle = client.get("/dumps/policykg.ttl").get_data(as_text=True)
    assert (URIRef(TARGET), PKG.value, None) in Graph().parse(data=turtle, format="turtle")
    assert client.get("/dumps/secret.txt").status_code == 404


def test_named_graph_page(client):
    page = client.get("/graph/tairenshezi-2021-12", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Named graph" in page and 'href="/graph/tairenshezi-2021-12.ttl"' in page
