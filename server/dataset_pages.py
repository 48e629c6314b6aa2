"""The dataset description (/.well-known/void, the dataset IRI), the linksets (/links) and the dumps.

The description is the build's void.ttl (VoID + DCAT-AP 3, written by kg.description); the server
adds nothing to it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file
from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, RDF, VOID

from policykg.kg.namespaces import DATASET_IRI, bind_prefixes
from policykg.kg.tables import TABLES_DIR

from .errors import NotAcceptable, ResourceNotFound
from .media import HTML_PAGE, RESOURCE_FORMATS, format_by_name, negotiate
from .rdf import serialize_graph
from .state import state

bp = Blueprint("void", __name__)

SPDX = Namespace("http://spdx.org/rdf/terms#")


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
@bp.route("/graph/void", endpoint="void_graph_page")
@bp.route("/graph/void.<extension>", endpoint="void_graph_page")
def dataset_description(extension: str | None = None) -> Response:
    """The build's void.ttl, also at its graph's IRI (graph/void): read from the file, not from the
    on-disk store, which would give `dcat:byteSize` as xsd:integer (Oxigraph stores every
    xsd:integer-derived literal as xsd:integer) where DCAT-AP 3 and the file have xsd:nonNegativeInteger."""
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
    if extension is None:
        response = _dataset_response(graph, fmt)
        named = "/graph/void" if request.path == "/graph/void" else "/dataset"
        response.headers["Content-Location"] = f"{named}.{fmt.extension}"
        return response
    return _dataset_response(graph, fmt)


def _dataset_response(graph: Graph, fmt) -> Response:
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
                        "url": state().config.public_base + "dumps/" + d.file} for d in listed], indent=2)
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


@bp.route("/tables/")
def table_list() -> Response:
    """The build's CSV tables and datapackage.json (`policykg export --tables` writes the same files)."""
    base = state().config.public_base + "tables/"
    listed = [{**asdict(entry), "url": base + entry.file} for entry in state().executor.build.manifest.tables]
    body = json.dumps(listed, indent=2, ensure_ascii=False)
    return Response(body, content_type="application/json")


@bp.route("/tables/<name>")
def table_file(name: str) -> Response:
    build = state().executor.build
    entry = build.manifest.table(name)
    if entry is None:
        abort(404)
    return send_file(build.path / TABLES_DIR / name, mimetype=entry.media_type, as_attachment=name.endswith(".csv"),
                     download_name=name, conditional=True, etag=entry.sha256)


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response


# -- dumps ----------------------------------------------------------------------------------------


def dumps() -> list[Dump]:
    """The build's dumps, as its manifest lists them."""
    build = state().local.build
    return [Dump(d.file, d.media_type, d.sha256, d.bytes, build.dump(d.file)) for d in build.manifest.dumps]


# -- VoID + DCAT ------------------------------------------------------------------------------------


def void_graph() -> Graph:
    """The build's void.ttl, written by the builder (kg.description). Nothing is added here, so each
    distribution, count and linkset is stated once."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("spdx", SPDX)
    graph.parse(state().local.build.dump("void.ttl"), format="turtle")
    return graph


def linkset_rows(graph: Graph) -> list[dict]:
    """The VoID linksets of the description, for the /links page (target, predicate, count, sources)."""
    rows = []
    for linkset in sorted(graph.subjects(RDF.type, VOID.Linkset), key=str):
        target = graph.value(linkset, VOID.objectsTarget)
        rows.append({
            "iri": str(linkset),
            "predicate": str(graph.value(linkset, VOID.linkPredicate)),
            "target": str(graph.value(target, VOID.uriSpace) or target),
            "title": str(graph.value(target, DCTERMS.title) or ""),
            "triples": int(graph.value(linkset, VOID.triples)),
            "sources": sorted(str(o) for o in graph.objects(linkset, DCTERMS.source)),
        })
    return rows


@bp.route("/links")
def links_page() -> Response:
    """Every outgoing linkset with its count: HTML for browsers, JSON otherwise."""
    rows = linkset_rows(void_graph())
    if negotiate(request.headers.get("Accept"), (HTML_PAGE, RESOURCE_FORMATS[2])) is HTML_PAGE:
        return _vary(Response(render_template("links.html", rows=rows), content_type=HTML_PAGE.content_type))
    return _vary(Response(json.dumps(rows, indent=2, ensure_ascii=False), content_type="application/json"))
