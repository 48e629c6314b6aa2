"""Which queries the merged default graph alone can answer (kg.dataset.QueryDatasets keeps it in a store
of its own).

Oxigraph's in-memory store indexes every quad in one list per subject, per predicate, per object and
per graph name; a pattern walks the shortest list among its bound terms and filters out the quads of
other graphs as it goes. The build's store holds each asserted triple twice (in its document graph and
in the merged default graph) and the OWL-RL consequences in graph/inferred besides, so a default-graph
pattern walks two to three times the quads it can match, at every step of every join. Measured at 250
documents (2.1 M quads, bench/endpoint.py and docs/performance.md): catalogue query 04 takes 1.7 s on
the worker's store and 0.30 s on a store of the default graph alone, query 12 0.79 s and 0.09 s.

So a query worker also keeps the default graph by itself, and answers from it every query over the
everyday dataset (no request dataset, no FROM, no inference) that has no GRAPH keyword: named graphs
are reachable only through GRAPH or FROM NAMED, so such a query sees exactly the same dataset in both
stores. The keywords are found with the tokeniser that already tells FROM and SERVICE apart from
strings, comments and IRIs (server/query_text.py), so `prov:wasDerivedFrom` or a comment saying
"from" does not count; a text with a `\\u`/`\\U` escape (SPARQL expands those before parsing, so they
could spell GRAPH) always uses the full store. The choice decides speed only, never what a query may do.
"""

from __future__ import annotations

from .jobs import DatasetSpec
from .query_text import mentions_word, tokens

GRAPH_KEYWORDS = frozenset({"GRAPH", "FROM"})


def stays_in_default_graph(query: str, spec: DatasetSpec) -> bool:
    """True when the query runs over the everyday dataset and has no GRAPH or FROM keyword (see above)."""
    if spec.protocol or spec.query_has_dataset or spec.inference:
        return False
    if "\\u" in query or "\\U" in query:
        return False
    if not mentions_word(query, GRAPH_KEYWORDS):
        return True  # the common case needs no tokens
    return not any(token.kind == "word" and token.text.upper() in GRAPH_KEYWORDS for token in tokens(query))
