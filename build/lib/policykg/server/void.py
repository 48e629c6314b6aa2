"""The dataset description (/.well-known/void, the dataset IRI) and the downloadable dumps.

The description starts from the build's void.ttl and is completed from the graph (counts, class
partitions, linksets) and from this deployment (endpoint, dumps with size and sha256).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from policykg.kg.namespaces import BASE, DATASET_IRI, ONTOLOGY_IRI, bind_prefixes
from policykg.kg.store import Build

from .errors import NotAcceptable, ResourceNotFound
from .media import HTML_PAGE, RESOURCE_FORMATS, format_by_name, negotiate
from .rdf import serialize_graph
from .state import state

bp = Blueprint("void", __name__)

SPDX = Namespace("http://spdx.org/rdf/terms#")
DEFAULT_TITLE = "policykg: China's vocational skills training plans as linked data"
DEFAULT_LICENSE = "https://www.apache.org/licenses/LICENSE-2.0"
DEFAULT_PUBLISHER = "The policykg project"
TURTLE_DUMP = "policykg.ttl"
DUMP_FILES = (("policykg.trig", "application/trig"), ("policykg.nq", "application/n-quads"),
              ("inferred.nq", "application/n-quads"))


@dataclass(frozen=True)
class Dump:
    file: str
    media_type: str
    sha256: str
    bytes: int
    path: Path

    @property
    def digest_header(self) -> str:
        return "sha-256=" + base64.b64encode(bytes.fromhex(self.sha256)).decode("ascii")


@bp.route("/.well-known/void")
@bp.route("/dataset")
@bp.route("/dataset.<extension>")
def dataset_description(extension: str | None = None) -> Response:
    if extension is not None:
        fmt = format_by_name(extension, RESOURCE_FORMATS)
        if fmt is None:
            raise ResourceNotFound(f"<{DATASET_IRI}> has no .{extension} variant.", DATASET_IRI)
    else:
        # machines get Turtle, browsers the HTML summary
        fmt = negotiate(request.headers.get("Accept"), (RESOURCE_FORMATS[1], *RESOURCE_FORMATS[2:], HTML_PAGE))
    if fmt is None:
        raise NotAcceptable("the dataset description is available as Turtle, JSON-LD, N-Triples, RDF/XML and HTML")
    graph = void_graph()
    if fmt.name == "html":
        body = render_template("dataset.html", ttl=serialize_graph(graph, RESOURCE_FORMATS[1]).decode(),
                               dumps=dumps(), formats=RESOURCE_FORMATS[1:])
        return _vary(Response(body, content_type=fmt.content_type))
    return _vary(Response(serialize_graph(graph, fmt), content_type=fmt.content_type))


@bp.route("/dumps/")
def dump_list() -> Response:
    listed = dumps()
    if negotiate(request.headers.get("Accept"), (HTML_PAGE, RESOURCE_FORMATS[2])) is HTML_PAGE:
        return _vary(Response(render_template("dumps.html", dumps=listed), content_type=HTML_PAGE.content_type))
    body = json.dumps([{"file": d.file, "media_type": d.media_type, "sha256": d.sha256, "bytes": d.bytes,
                        "url": request.host_url + "dumps/" + d.file} for d in listed], indent=2)
    return _vary(Response(body, content_type="application/json"))


@bp.route("/dumps/<name>")
def dump_file(name: str) -> Response:
    for dump in dumps():
        if dump.file == name:
            response = send_file(dump.path, mimetype=dump.media_type, as_attachment=True, download_name=dump.file,
                                 conditional=True, etag=dump.sha256)
            response.headers["Digest"] = dump.digest_header
            response.headers["Repr-Digest"] = f"sha-256=:{dump.digest_header[8:]}:"
            return response
    abort(404)


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response


# -- dumps ----------------------------------------------------------------------------------------


def dumps() -> list[Dump]:
    """The build's dumps (from its manifest when it lists them) plus a Turtle dump of the union."""
    build = state().executor.build
    listed = build.manifest.get("dumps") or []
    found = [
        Dump(d["file"], d["media_type"], d["sha256"], int(d["bytes"]), build.dump(d["file"]))
        for d in listed
        if build.dump(d["file"]).exists()
    ]
    if not listed:
        found = [_describe(build.dump(name), media) for name, media in DUMP_FILES if build.dump(name).exists()]
    if not any(d.file.endswith(".ttl") for d in found):
        found.append(_describe(_turtle_dump(build), "text/turtle"))
    return found


def _describe(path: Path, media_type: str) -> Dump:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return Dump(path.name, media_type, digest.hexdigest(), path.stat().st_size, path)


def _turtle_dump(build: Build) -> Path:
    """The merged asserted graph as Turtle, written once per build to the server's cache folder."""
    target = state().config.data_dir / "server-cache" / build.path.name / TURTLE_DUMP
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        state().read("write_turtle_dump", str(partial))
        partial.replace(target)
    return target


# -- VoID + DCAT ------------------------------------------------------------------------------------


def void_graph() -> Graph:
    build = state().executor.build
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("spdx", SPDX)
    if build.dump("void.ttl").exists():
        graph.parse(build.dump("void.ttl"), format="turtle")
    dataset = URIRef(DATASET_IRI)
    public = state().config.public_base
    stats = state().read("statistics")

    def ensure(predicate, value) -> None:
        if graph.value(dataset, predicate) is None:
            graph.add((dataset, predicate, value))

    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    ensure(DCTERMS.title, Literal(DEFAULT_TITLE, lang="en"))
    ensure(DCTERMS.license, URIRef(DEFAULT_LICENSE))
    if graph.value(dataset, DCTERMS.publisher) is None:
        publisher = BNode()
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((publisher, RDF.type, FOAF.Organization))
        graph.add((publisher, FOAF.name, Literal(DEFAULT_PUBLISHER)))
    ensure(DCTERMS.modified, Literal(build.manifest.get("built_at", ""), datatype=XSD.dateTime))
    ensure(VOID.triples, Literal(stats["triples"], datatype=XSD.integer))
    ensure(VOID.classes, Literal(len(stats["classes"]), datatype=XSD.integer))
    ensure(VOID.uriSpace, Literal(BASE))
    ensure(VOID.vocabulary, URIRef(ONTOLOGY_IRI + "#"))
    ensure(DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI))
    graph.set((dataset, VOID.sparqlEndpoint, URIRef(public + "sparql")))
    graph.set((dataset, DCAT.landingPage, URIRef(public)))
    _class_partitions(graph, dataset, stats)
    _linksets(graph, dataset, stats)
    _distributions(graph, dataset, public)
    return graph


def _class_partitions(graph: Graph, dataset: URIRef, stats: dict) -> None:
    if graph.value(dataset, VOID.classPartition) is not None:
        return
    for entry in stats["classes"]:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(entry["class"])))
        graph.add((partition, VOID.entities, Literal(entry["entities"], datatype=XSD.integer)))


def _linksets(graph: Graph, dataset: URIRef, stats: dict) -> None:
    if any(graph.subjects(RDF.type, VOID.Linkset)):
        return
    for index, entry in enumerate(stats["linksets"], start=1):
        linkset = URIRef(f"{DATASET_IRI}#linkset-{index}")
        target = BNode()
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, VOID.uriSpace, Literal(entry["target"])))
        graph.add((linkset, VOID.linkPredicate, URIRef(entry["predicate"])))
        graph.add((linkset, VOID.triples, Literal(entry["triples"], datatype=XSD.integer)))


def _distributions(graph: Graph, dataset: URIRef, public: str) -> None:
    for dump in dumps():
        url = URIRef(public + "dumps/" + dump.file)
        graph.add((dataset, VOID.dataDump, url))
        distribution = URIRef(f"{DATASET_IRI}#dump-{dump.file}")
        checksum = BNode()
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/"
                                                         + dump.media_type)))
        graph.add((distribution, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
