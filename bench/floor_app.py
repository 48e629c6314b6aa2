"""The floor: what a careful Python endpoint reaches with this engine, for bench/endpoint.py.

    gunicorn --workers 2 --preload --bind 127.0.0.1:8100 'bench.floor_app:create("data")'

A Flask app answering /sparql from an in-memory pyoxigraph store loaded from the build's dumps, the
same dataset policykg serves (the merged default graph, every named graph; kg.store.open_store), with
the same predeclared prefixes; `/describe?iri=` answers a resource's description as policykg's
linked-data pages compute it (kg.page_reads.description_ntriples). No limits, no isolation, no admission
control, no access log: the cost of the engine plus the thinnest web layer.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response, request

from policykg.kg.namespaces import PREFIXES
from policykg.kg.page_reads import description_ntriples
from policykg.kg.store import current_build, open_store

GRAPH_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}
RESULT_TYPES = {"text/csv": ox.QueryResultsFormat.CSV, "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "application/sparql-results+json": ox.QueryResultsFormat.JSON}


def create(data_dir: str) -> Flask:
    store = open_store(current_build(Path(data_dir)), in_memory=True)
    app = Flask("floor")

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        result = store.query(request.values["query"], prefixes=PREFIXES)
        accept = request.headers.get("Accept", "")
        if isinstance(result, ox.QueryTriples):
            media = next((m for m in GRAPH_TYPES if m in accept), "text/turtle")
            prefixes = PREFIXES if media == "text/turtle" else None
            return Response(ox.serialize(result, format=GRAPH_TYPES[media], prefixes=prefixes), content_type=media)
        media = next((m for m in RESULT_TYPES if m in accept), "application/sparql-results+json")
        return Response(result.serialize(format=RESULT_TYPES[media]), content_type=media)

    @app.route("/describe")
    def describe() -> Response:
        return Response(description_ntriples(store, request.args["iri"]), content_type="application/n-triples")

    return app
