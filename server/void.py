"""The dataset description (/.well-known/void, the dataset IRI), the linksets (/links) and the dumps.

The description is the build's void.ttl (VoID + DCAT-AP 3, written by kg.description); the server
adds nothing to it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file
from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, RDF, VOID

from policykg.kg.namespaces import DATASET_IRI, bind_prefixes
from policykg.kg.store import Build
from policykg.kg.tables import TABLES_DIR

from .errors import NotAcceptable, ResourceNotFound
from .media import HTML_PAGE, RESOURCE_FORMATS, format_by_name, negotiate
from .rdf import serialize_graph
from .state import state

bp = Blueprint("void", __name__)

SPDX = Namespace("http://spdx.org/rdf/terms#")
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
    listed = state().executor.build.manifest.get("tables") or []
    body = json.dumps([{**entry, "url": state().config.public_base + "tables/" + entry["file"]} for entry in listed],
                      indent=2, ensure_ascii=False)
    return Response(body, content_type="application/json")


@bp.route("/tables/<name>")
def table_file(name: str) -> Response:
    build = state().executor.build
    for entry in build.manifest.get("tables") or []:
        if entry["file"] == name:
            path = build.path / TABLES_DIR / name
            return send_file(path, mimetype=entry["media_type"], as_attachment=name.endswith(".csv"),
                             download_name=name, conditional=True, etag=entry["sha256"])
    abort(404)


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response


# -- dumps ----------------------------------------------------------------------------------------


def dumps() -> list[Dump]:
    """The build's dumps (from its manifest when it lists them) plus a Turtle dump of the union."""
    build = state().local.build
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
        partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        state().read("write_turtle_dump", str(partial))
        partial.replace(target)
    return target


# -- VoID + DCAT ------------------------------------------------------------------------------------


def void_graph() -> Graph:
    """The build's void.ttl, written by the builder (kg.description); a build without one (an older
    layout) gets the same description computed from its store. Nothing is added here, so each
    distribution, count and linkset is stated once."""
    build = state().local.build
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("spdx", SPDX)
    if build.dump("void.ttl").exists():
        graph.parse(build.dump("void.ttl"), format="turtle")
        return graph
    listed = [{"file": d.file, "media_type": d.media_type, "sha256": d.sha256, "bytes": d.bytes} for d in dumps()]
    data = state().read("dataset_description", listed, state().config.iri_base)
    graph.parse(data=data.decode("utf-8"), format="nt")
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
