"""Run SPARQL queries against a build's store and render the results (CLI and tests)."""

from __future__ import annotations

import unicodedata

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.kg.dataset import asserted_graphs, default_dataset
from policykg.kg.namespaces import PREFIXES
from policykg.kg.store import Build

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def default_graphs(build: Build, include_inferred: bool = False) -> list[ox.NamedNode]:
    """The asserted graphs (documents, vocabulary, shapes), plus graph/inferred when asked.

    Their merge is the default graph of a query; an external store (Virtuoso) is given this list.
    """
    graphs = build.manifest["graphs"]
    names = asserted_graphs([*graphs["documents"], *(g for k, g in graphs.items() if k != "documents")])
    return names + [ox.NamedNode(graphs["inferred"])] if include_inferred else names


def execute(store: ox.Store, build: Build, text: str, include_inferred: bool = False):
    """Evaluate a query (project prefixes predeclared) over the build's dataset."""
    try:
        return store.query(text, prefixes=PREFIXES, **default_dataset(store, include_inferred))
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None


def select_rows(store: ox.Store, build: Build, text: str, include_inferred: bool = False) -> list[dict[str, str]]:
    """SELECT results as dicts of variable → lexical value (unbound variables are absent)."""
    results = execute(store, build, text, include_inferred)
    if not isinstance(results, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in results.variables]
    rows = []
    for solution in results:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        rows.append(row)
    return rows


def run_query(store: ox.Store, build: Build, text: str, fmt: str, include_inferred: bool = False) -> str:
    """Render a query's results as table, json, csv, tsv, xml (SELECT/ASK) or turtle (CONSTRUCT)."""
    results = execute(store, build, text, include_inferred)
    if isinstance(results, ox.QueryTriples):
        prefixes = {p: iri for p, iri in PREFIXES.items() if p != "pkgr"}
        return ox.serialize(list(results), format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
    if fmt == "turtle":
        raise QueryError("--format turtle is for CONSTRUCT and DESCRIBE queries")
    if fmt in RESULT_FORMATS:
        return results.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if isinstance(results, ox.QueryBoolean):
        return "true" if bool(results) else "false"
    return render_table(results)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and "/" not in term.value[len(iri):] or prefix == "pkgr" and \
                    term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    return term.value


def render_table(results: ox.QuerySolutions) -> str:
    """A plain-text table with CJK-aware column widths."""
    names = [v.value for v in results.variables]
    rows = [[_cell(solution[n]) for n in names] for solution in results]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
