"""The command-line query runner (`policykg query`): evaluate SPARQL over a build's store and render the
results as a table or a standard results format. The SPARQL protocol is server/sparql.py."""

from __future__ import annotations

import unicodedata

import pyoxigraph as ox

from policykg.errors import QueryError
from policykg.kg.dataset import default_dataset
from policykg.kg.formats import RESULT_FORMATS, named
from policykg.kg.namespaces import PREFIXES
from policykg.kg.prefixed_names import compact


def execute(store: ox.Store, text: str, include_inferred: bool = False):
    """Evaluate a query (project prefixes predeclared) over the build's dataset."""
    try:
        return store.query(text, prefixes=PREFIXES, **default_dataset(store, include_inferred))
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None


def select_rows(store: ox.Store, text: str, include_inferred: bool = False) -> list[dict[str, str]]:
    """SELECT results as dicts of variable → lexical value (unbound variables are absent)."""
    results = execute(store, text, include_inferred)
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


def run_query(store: ox.Store, text: str, fmt: str, include_inferred: bool = False) -> str:
    """Render a query's results as table, json, csv, tsv, xml (SELECT/ASK) or turtle (CONSTRUCT)."""
    results = execute(store, text, include_inferred)
    if isinstance(results, ox.QueryTriples):
        prefixes = {p: iri for p, iri in PREFIXES.items() if p != "pkgr"}
        return ox.serialize(list(results), format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
    if fmt == "turtle":
        raise QueryError("--format turtle is for CONSTRUCT and DESCRIBE queries")
    if fmt in {f.name for f in RESULT_FORMATS}:
        return results.serialize(format=named(fmt, RESULT_FORMATS).engine).decode("utf-8")
    if isinstance(results, ox.QueryBoolean):
        return "true" if bool(results) else "false"
    return render_table(results)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value, pasteable=False)
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
