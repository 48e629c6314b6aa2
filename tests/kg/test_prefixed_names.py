"""Prefixed names (kg/prefixed_names.py): as the pages show them they paste back into a query (issue 9
item 3); as tables show them they read plainly."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.config import ONTOLOGY_DIR, SHAPES_DIR
from policykg.kg.namespaces import BASE, PREFIXES
from policykg.kg.prefixed_names import compact, sparql_local_name

DATA = Path(__file__).resolve().parents[1] / "data"


def round_trip(shown: str) -> str:
    """Run the shown form in a query with the endpoint's predeclared prefixes; the IRI it denotes."""
    store = ox.Store()
    solutions = store.query(f"SELECT ?x WHERE {{ VALUES ?x {{ {shown} }} }}", prefixes=PREFIXES)
    return next(iter(solutions))["x"].value


@pytest.mark.parametrize(
    "iri",
    [
        BASE + "doc/renshebufa-2021-102/plan",
        BASE + "doc/tairenshezi-2021-12/target/subsidised-training/2021",
        BASE + "period/2021--2025",
        BASE + "indicator/subsidized-training",
        BASE + "ontology#AtLeast",
        BASE + "jurisdiction/370000",
        BASE + "x/-lead",
        BASE + "-lead",
        BASE + "trailing.",
        BASE + ".lead",
        BASE + "a~b!c$d&e'f(g)h*i+j,k;l=m?n#o@p",
        BASE + "percent%20ok",
        BASE + "中文/名",
        "http://example.org/elsewhere",
    ],
)
def test_what_is_shown_parses_back_to_the_same_iri(iri):
    shown = compact(iri)
    assert round_trip(shown) == iri


def test_every_iri_of_the_fixture_builds_round_trips():
    store = ox.Store()
    # the page fixture plus the ontology and shapes the builder ships: project, borrowed and odd IRIs alike
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")) + sorted(SHAPES_DIR.glob("*.ttl")) + [DATA / "kg" / "pages.trig"]:
        store.load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]), to_graph=None
                   if path.suffix == ".trig" else ox.NamedNode(BASE + "graph/vocabulary"))
    iris = {term.value for quad in store for term in (quad.subject, quad.predicate, quad.object)
            if isinstance(term, ox.NamedNode)}
    assert len(iris) > 50
    for iri in iris:
        assert round_trip(compact(iri)) == iri, compact(iri)


def test_project_iris_are_short_and_slashes_escaped():
    assert compact(BASE + "doc/renshebufa-2021-102/plan") == r"pkgr:doc\/renshebufa-2021-102\/plan"
    assert compact(BASE + "ontology#Plan") == "pkg:Plan"
    assert compact(BASE + "with space") == f"<{BASE}with space>"
    assert sparql_local_name("a b") is None


@pytest.mark.parametrize(("iri", "shown"), [
    (BASE + "doc/renshebufa-2021-102/plan", "pkgr:doc/renshebufa-2021-102/plan"),
    (BASE + "ontology#Plan", "pkg:Plan"),
    ("http://www.wikidata.org/entity/Q148", "wd:Q148"),
    (BASE + "with space", f"<{BASE}with space>"),
    ("http://example.org/elsewhere", "<http://example.org/elsewhere>"),
])
def test_tables_show_the_local_part_as_it_reads(iri, shown):
    assert compact(iri, pasteable=False) == shown
