"""What the linked-data pages read from the built graph, as plain (picklable) data.

Each function takes an open pyoxigraph Store and returns dicts, lists, strings and bytes only, so it
can run inside a query worker process and send its answer back through a pipe (the server names
them in server/operations.py). RDF terms are returned in the SPARQL 1.1 JSON results shape:
{"type": "uri"|"bnode"|"literal", "value", "xml:lang"?, "datatype"?}. Asserted triples live in the
document graphs and graph/vocabulary; OWL-RL consequences live in graph/inferred only.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from policykg.kg.namespaces import (
    ELI,
    INFERRED_GRAPH,
    PREFIXES,
    VOCABULARY_GRAPH,
)

# In order of preference: a resource's display label is its own preferred label, then its name or title,
# then any rdfs:label it asserts; never an inferred one (OWL-RL makes every skos:altLabel an rdfs:label).
LABEL_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    str(ELI.title),
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2000/01/rdf-schema#label",
)
_LABEL_NODES = tuple(ox.NamedNode(p) for p in LABEL_PREDICATES)
_INFERRED = ox.NamedNode(INFERRED_GRAPH)
CONTEXT_CHARS = 60
INCOMING_LIMIT = 500

Term = dict[str, str]


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Term | None:
    """An Oxigraph term in the SPARQL JSON results shape."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found: Term = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        else:
            found["datatype"] = term.datatype.value
        return found
    return {"type": "triple", "value": str(term)}


def _iri_node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)  # raises ValueError for a string that is not an IRI


def _substitutions(bindings: dict[str, ox.NamedNode]) -> dict[ox.Variable, ox.NamedNode]:
    """The engine's own binding of variables to terms (SEP-0007): no query text is rewritten."""
    return {ox.Variable(name): value for name, value in bindings.items()}


def select(store: ox.Store, query: str, **bindings: ox.NamedNode) -> list[dict[str, ox.Term]]:
    """The solutions of a SELECT (project prefixes predeclared, `?name` bound to each IRI given: the
    query must project it, as SEP-0007 asks) as dicts of variable → term, unbound variables left out."""
    solutions = store.query(query, prefixes=PREFIXES, substitutions=_substitutions(bindings))
    names = [v.value for v in solutions.variables]
    return [{name: row[name] for name in names if row[name] is not None} for row in solutions]


def is_graph_name(store: ox.Store, iri: str) -> bool:
    return store.contains_named_graph(_iri_node(iri))


def labels(store: ox.Store, iris: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """Labels by IRI, then by language tag ("" for none), from the usual label properties of the asserted
    graphs, the preferred one first (LABEL_PREDICATES order, then the label itself).

    The answer of `SELECT DISTINCT ?x ?p ?label WHERE { VALUES ?x {…} VALUES ?p {LABEL_PREDICATES}
    GRAPH ?g { ?x ?p ?label } FILTER(isLiteral(?label) && ?g != graph/inferred) }`, read straight from
    the indexes: one lookup per IRI and property costs microseconds where that query costs ~6 ms a
    page (issue 10). skos:prefLabel comes first, and never a label the reasoner inferred (OWL-RL makes
    every skos:altLabel, e.g. 我国 for China, an rdfs:label): the page shows the preferred name, not an
    alias."""
    rows: set[tuple[str, int, str, str]] = set()
    for iri in {iri for iri in iris if iri}:
        node = _iri_node(iri)
        for rank, predicate in enumerate(_LABEL_NODES):
            for quad in _asserted_quads(store, node, predicate, None):
                if isinstance(quad.object, ox.Literal):
                    rows.add((iri, rank, quad.object.value, quad.object.language or ""))
    found: dict[str, dict[str, list[str]]] = {}
    for iri, _, value, language in sorted(rows):
        values_for_lang = found.setdefault(iri, {}).setdefault(language, [])
        if value not in values_for_lang:
            values_for_lang.append(value)
    return found


def page_kind(store: ox.Store, iri: str) -> dict:
    """What a page must know before it reads the rest: whether the resource is described at all (a triple
    about it, or one from an IRI to it, in a named graph: what `describe_resource` shows), whether it
    names a graph, and its types (from every named graph): a document text gets the document view,
    which does not need the description (its thousand incoming links and their labels)."""
    node = _iri_node(iri)
    types = {quad.object.value for quad in store.quads_for_pattern(node, _RDF_TYPE, None, None)
             if not isinstance(quad.graph_name, ox.DefaultGraph) and isinstance(quad.object, ox.NamedNode)}
    described = bool(types) or any(
        not isinstance(quad.graph_name, ox.DefaultGraph) for quad in store.quads_for_pattern(node, None, None, None)
    ) or any(
        not isinstance(quad.graph_name, ox.DefaultGraph) and isinstance(quad.subject, ox.NamedNode)
        for quad in store.quads_for_pattern(None, None, node, None)
    )
    return {"described": described, "is_graph": store.contains_named_graph(node), "types": sorted(types)}


def describe_resource(store: ox.Store, iri: str, incoming_limit: int = INCOMING_LIMIT) -> dict:
    """Everything the resource page shows: outgoing and incoming triples, labels, source quotes."""
    node = _iri_node(iri)
    outgoing = [
        {"p": row["p"].value, "o": term_json(row["o"]), "g": row["g"].value}
        for row in select(store, "SELECT ?x ?p ?o ?g WHERE { GRAPH ?g { ?x ?p ?o } } ORDER BY ?p ?o", x=node)
    ]
    incoming_rows = select(
        store,
        f"SELECT ?x ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p ?x }} FILTER(isIRI(?s)) }} ORDER BY ?p ?s "
        f"LIMIT {incoming_limit + 1}",
        x=node,
    )
    incoming = [{"s": r["s"].value, "p": r["p"].value, "g": r["g"].value} for r in incoming_rows]
    mentioned = {iri} | {t["p"] for t in outgoing} | {t["s"] for t in incoming} | {t["p"] for t in incoming}
    mentioned |= {t["o"]["value"] for t in outgoing if t["o"]["type"] == "uri"}
    return {
        "iri": iri,
        "outgoing": outgoing,
        "incoming": incoming[:incoming_limit],
        "incoming_truncated": len(incoming) > incoming_limit,
        "labels": labels(store, mentioned),
        "sources": source_quotes(store, iri),
        "graphs": sorted({t["g"] for t in outgoing}),
    }


def source_quotes(store: ox.Store, iri: str, context_chars: int = CONTEXT_CHARS) -> list[dict]:
    """The spans the resource was derived from (or the resource itself when it is a span), each with
    its quote and the text around it."""
    rows = _span_rows(store, _iri_node(iri))
    texts = _context_strings(store, {row["context"].value for row in rows})
    quotes = []
    for row in rows:
        begin, end = int(row["begin"].value), int(row["end"].value)
        text = texts.get(row["context"].value, "")
        quotes.append(
            {
                "span": row["span"].value,
                "context": row["context"].value,
                "begin": begin,
                "end": end,
                "anchor": row["anchor"].value if "anchor" in row else text[begin:end],
                "quote": text[begin:end],
                "before": text[max(0, begin - context_chars) : begin],
                "after": text[end : end + context_chars],
                "type": row["type"].value if "type" in row else "",
                "id": row["id"].value if "id" in row else "",
            }
        )
    return quotes


_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
_SPAN_REQUIRED = {name: ox.NamedNode(PREFIXES["nif"] + local)
                  for name, local in (("context", "referenceContext"), ("begin", "beginIndex"), ("end", "endIndex"))}
_SPAN_OPTIONAL = {"anchor": ox.NamedNode(PREFIXES["nif"] + "anchorOf")}
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TEXT = ox.NamedNode(PREFIXES["pkg"] + "text")
_IS_STRING = ox.NamedNode(PREFIXES["nif"] + "isString")
_ANNOTATION_UNIT = ox.NamedNode(PREFIXES["nif"] + "annotationUnit")
_IDENTIFIES = ox.NamedNode(PREFIXES["itsrdf"] + "taIdentRef")
_UNIT_FIELDS = {"type": ox.NamedNode(PREFIXES["pkg"] + "annotationType"),
                "id": ox.NamedNode(PREFIXES["pkg"] + "annotationId")}


def _span_rows(store: ox.Store, node: ox.NamedNode) -> list[dict[str, ox.Term]]:
    """The solutions of
    `SELECT DISTINCT ?span ?begin ?end ?context ?anchor ?type ?id WHERE {
       { GRAPH ?g { ?x prov:wasDerivedFrom ?span } } UNION { BIND(?x AS ?span) }
       UNION { GRAPH ?g { ?unit itsrdf:taIdentRef ?x . ?span nif:annotationUnit ?unit } }
       GRAPH ?g2 { ?span nif:referenceContext ?context ; nif:beginIndex ?begin ; nif:endIndex ?end .
         OPTIONAL { ?span nif:anchorOf ?anchor } }
       OPTIONAL { GRAPH ?g3 { ?span nif:annotationUnit ?u . ?u pkg:annotationType ?type ; pkg:annotationId ?id }
                  FILTER (!BOUND(?unit) || ?u = ?unit) } } ORDER BY ?context ?begin ?end ?id`
    read straight from the indexes: Oxigraph plans that query as a scan (~90 ms), the lookups take
    well under 1 ms (issue 10). A statement is derived from its spans; a thing (agency, group …) is
    identified by the annotation units of the spans that mention it (corpus/GUIDELINES.md)."""

    def objects(subject, predicate, graph=None) -> list:
        return [quad.object for quad in store.quads_for_pattern(subject, predicate, None, graph)
                if not isinstance(quad.graph_name, ox.DefaultGraph)]

    derived = {obj for obj in objects(node, _DERIVED_FROM) if not isinstance(obj, ox.Literal)}
    via_unit: dict[ox.Term, set] = {}
    for quad in store.quads_for_pattern(None, _IDENTIFIES, node, None):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        for mention in store.quads_for_pattern(None, _ANNOTATION_UNIT, quad.subject, None):
            if not isinstance(mention.graph_name, ox.DefaultGraph):
                via_unit.setdefault(mention.subject, set()).add(quad.subject)
    found: dict[tuple, dict[str, ox.Term]] = {}
    for span in {node} | derived | set(via_unit):
        units = via_unit.get(span) or set(objects(span, _ANNOTATION_UNIT))
        unit_rows = [{name: value for name, predicate in _UNIT_FIELDS.items() for value in objects(unit, predicate)[:1]}
                     for unit in units]
        unit_rows = [row for row in unit_rows if len(row) == len(_UNIT_FIELDS)] or [{}]
        graphs = {quad.graph_name for quad in store.quads_for_pattern(span, _SPAN_REQUIRED["context"], None, None)
                  if not isinstance(quad.graph_name, ox.DefaultGraph)}
        for graph in graphs:
            partial = [{"span": span}]
            for name, predicate in _SPAN_REQUIRED.items():
                partial = [{**row, name: value} for row in partial for value in objects(span, predicate, graph)]
            for name, predicate in _SPAN_OPTIONAL.items():
                partial = [{**row, name: value} if value is not None else row
                           for row in partial for value in (objects(span, predicate, graph) or [None])]
            for row in partial:
                for unit_row in unit_rows:
                    full = {**row, **unit_row}
                    found.setdefault(tuple(sorted((k, str(v)) for k, v in full.items())), full)
    return sorted(found.values(), key=lambda row: (row["context"].value, _number(row["begin"]),
                                                    _number(row["end"]), row["id"].value if "id" in row else "",
                                                    row["span"].value))


def _number(term: ox.Term) -> float:
    try:
        return float(term.value)
    except ValueError:
        return float("inf")


def _context_strings(store: ox.Store, contexts: set[str]) -> dict[str, str]:
    """Each context's nif:isString (one of them, as `SELECT … { GRAPH ?g { ?c nif:isString ?text } }
    LIMIT 1` would give), read from the index."""
    found = {}
    for context in contexts:
        for quad in store.quads_for_pattern(_iri_node(context), _IS_STRING, None, None):
            if not isinstance(quad.graph_name, ox.DefaultGraph) and isinstance(quad.object, ox.Literal):
                found[context] = quad.object.value
                break
    return found


def document_view(store: ox.Store, text_iri: str) -> dict | None:
    """A document's full text with every annotated span and the resources derived from each.

    The spans are the groups of `SELECT ?span ?begin ?end ?type ?id (GROUP_CONCAT(DISTINCT STR(?r)) AS
    ?derived) WHERE { GRAPH ?g { ?span nif:referenceContext ?x ; nif:beginIndex ?begin ; nif:endIndex
    ?end . OPTIONAL { ?span nif:annotationUnit ?unit . ?unit pkg:annotationType ?type ; pkg:annotationId
    ?id } } OPTIONAL { { GRAPH ?g2 { ?r prov:wasDerivedFrom ?span } } UNION { GRAPH ?g3 { ?unit
    itsrdf:taIdentRef ?r } } } } GROUP BY … ORDER BY ?begin DESC(?end) ?id`, read from the indexes: the
    query took ~60 ms a document (issue 10). A span's derived resources are sorted (the query left their
    order to the engine); the marked text links to the first."""
    node = _iri_node(text_iri)
    text = _context_strings(store, {text_iri}).get(text_iri)
    if text is None:
        return None
    groups: dict[tuple, dict[str, None]] = {}
    for quad in _named_quads(store, None, _SPAN_REQUIRED["context"], node):
        span, graph = quad.subject, quad.graph_name
        units = [(unit, kind, number) for unit in _named_objects(store, span, _ANNOTATION_UNIT, graph)
                 for kind in _named_objects(store, unit, _UNIT_FIELDS["type"], graph)
                 for number in _named_objects(store, unit, _UNIT_FIELDS["id"], graph)] or [(None, None, None)]
        derived = [q.subject for q in _named_quads(store, None, _DERIVED_FROM, span)]
        for begin in _named_objects(store, span, _SPAN_REQUIRED["begin"], graph):
            for end in _named_objects(store, span, _SPAN_REQUIRED["end"], graph):
                for unit, kind, number in units:
                    # with no unit, `?unit itsrdf:taIdentRef ?r` joins any unit (the query's OPTIONAL)
                    identified = [q.object for q in _named_quads(store, unit, _IDENTIFIES, None)]
                    group = groups.setdefault((span, begin, end, kind, number), {})
                    group.update((term.value, None) for term in derived + identified
                                 if not isinstance(term, ox.BlankNode))
    spans = [
        {"span": span.value, "begin": int(begin.value), "end": int(end.value), "type": kind.value if kind else "",
         "id": number.value if number else "", "derived": sorted(derived)}
        for (span, begin, end, kind, number), derived in groups.items()
    ]
    spans.sort(key=lambda s: (s["begin"], -s["end"], s["id"], s["span"], s["type"]))
    notices = [quad.subject.value for quad in _named_quads(store, None, _TEXT, node)]
    mentioned = {text_iri, *notices, *(iri for span in spans for iri in span["derived"])}
    return {"iri": text_iri, "text": text, "spans": spans, "notices": notices, "labels": labels(store, mentioned)}


def _named_quads(store: ox.Store, subject, predicate, obj) -> list[ox.Quad]:
    """The quads matching the pattern in any named graph (graph/inferred too), as `GRAPH ?g { … }`."""
    return [quad for quad in store.quads_for_pattern(subject, predicate, obj, None)
            if not isinstance(quad.graph_name, ox.DefaultGraph)]


def _named_objects(store: ox.Store, subject, predicate, graph) -> list[ox.Term]:
    return [quad.object for quad in store.quads_for_pattern(subject, predicate, None, graph)]


def description(store: ox.Store, iri: str, media_type: str = "application/n-triples",
                prefixes: dict[str, str] | None = None) -> bytes:
    """The resource's asserted description in the RDF format of `media_type`, written by the engine's
    serialiser (with `prefixes` where the format has them): its triples (following blank nodes) and
    the triples that point at it, each once, sorted (the resource's own first); for a named graph IRI,
    the graph's triples. Empty bytes when there is no triple to describe.

    The triples of `CONSTRUCT { ?x ?p ?o . ?o ?bp ?bo . ?s ?ip ?x } WHERE {
      { GRAPH ?g { ?x ?p ?o OPTIONAL { ?o ?bp ?bo FILTER(isBlank(?o)) } } FILTER(?g != graph/inferred) }
      UNION { GRAPH ?g { ?s ?ip ?x } FILTER(?g != graph/inferred) } }`, read from the indexes (issue 10:
    the query, and a round trip through rdflib, cost more than the rest of the page)."""
    node = _iri_node(iri)
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None or fmt.supports_datasets:
        raise ValueError(f"{media_type} is not an RDF graph format the engine writes")
    if store.contains_named_graph(node):
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, node)]
    else:
        found: set[ox.Triple] = set()
        for quad in _asserted_quads(store, node, None, None):
            found.add(quad.triple)
            if isinstance(quad.object, ox.BlankNode):  # the blank node's triples in the same graph
                found.update(q.triple for q in store.quads_for_pattern(quad.object, None, None, quad.graph_name))
        found.update(quad.triple for quad in _asserted_quads(store, None, None, node))
        triples = sorted(found, key=lambda t: (t.subject != node, str(t.subject), str(t.predicate), str(t.object)))
    return ox.serialize(triples, format=fmt, prefixes=prefixes) if triples else b""


def description_ntriples(store: ox.Store, iri: str) -> bytes:
    """The resource's description (see `description`) as N-Triples."""
    return description(store, iri)


def _asserted_quads(store: ox.Store, subject, predicate, obj) -> list[ox.Quad]:
    """The quads matching the pattern in the named graphs that hold asserted triples (not the default
    graph, which merges them, nor graph/inferred)."""
    return [quad for quad in store.quads_for_pattern(subject, predicate, obj, None)
            if quad.graph_name != _INFERRED and not isinstance(quad.graph_name, ox.DefaultGraph)]


def graph_ntriples(store: ox.Store, graph_iri: str = VOCABULARY_GRAPH) -> bytes:
    """All triples of one named graph as N-Triples."""
    quads = store.quads_for_pattern(None, None, None, _iri_node(graph_iri))
    return ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)


def similar_iris(store: ox.Store, iri: str, limit: int = 20) -> list[str]:
    """IRIs that share the longest path prefix with `iri` (for a helpful 404 page)."""
    prefix = iri
    while "/" in prefix.rstrip("/")[8:]:
        prefix = prefix.rstrip("/").rsplit("/", 1)[0] + "/"
        rows = select(
            store,
            f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?s) &&
                STRSTARTS(STR(?s), {ox.Literal(prefix)})) }} ORDER BY ?s LIMIT {limit}""",
        )
        if rows:
            return [row["s"].value for row in rows]
    return []
