"""The query page at `/`: an editor with the project's prefixes, the example queries and results."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from policykg.kg.namespaces import PREFIXES

from .media import GRAPH_FORMATS, RESULT_FORMATS
from .state import state

bp = Blueprint("pages", __name__)

# The endpoint predeclares the project's prefixes, so the starter query needs no PREFIX lines.
STARTER_QUERY = """SELECT ?plan ?title ?target ?value ?valueText WHERE {
  ?plan a pkg:Plan ; eli:is_realized_by/eli:title ?title ; pkg:hasTarget ?target .
  ?target pkg:value ?value ; pkg:valueText ?valueText .
}
ORDER BY ?plan ?target
LIMIT 100
"""


@bp.route("/")
def query_page() -> str:
    config = state().config
    return render_template(
        "query.html",
        prefixes=PREFIXES,
        starter=STARTER_QUERY,
        examples=[example.as_dict() for example in state().examples()],
        result_formats=RESULT_FORMATS,
        graph_formats=GRAPH_FORMATS,
        timeout=config.query_timeout,
        config_iri_base=config.iri_base,
    )


@bp.route("/queries/<name>.rq")
def example_query(name: str) -> Response:
    for example in state().examples():
        if example.name == name:
            return Response(example.query, content_type="application/sparql-query; charset=utf-8")
    abort(404)
