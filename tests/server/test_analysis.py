"""Analysis views (issue 9 item 5): SVG pictures computed from the real build, CSV, and their query."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from policykg import config as project_config
from policykg.kg.namespaces import PREFIXES
from policykg.server.analysis import quantity
from policykg.server.app import create_app
from policykg.server.config import ServerConfig


@pytest.fixture(scope="module")
def real_client(built):
    app = create_app(ServerConfig(data_dir=built.path.parent.parent, workers=1,
                                  queries_dir=project_config.CORPUS_DIR.parent / "queries"))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["policykg"].executor.close()


def select(store, query: str) -> list[dict]:
    """Rows of a SELECT on the session's store, as {variable name: term} without unbound ones."""
    result = store.query(query, prefixes=PREFIXES)
    names = [variable.value for variable in result.variables]
    return [{name: solution[name] for name in names if solution[name] is not None} for solution in result]


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [("75000000", "人次", "7,500 万人次"), ("6700", "人次", "6,700 人次"), ("67000", "人次", "6.7 万人次"),
     ("6200000000", "元", "62 亿元"), ("25", "%", "25%"), ("1234", "个", "1,234 个"),
     ("1491000", "人次", "149.1 万人次")],
)
def test_quantities_read_as_printed(value, unit, shown):
    assert quantity(value, unit) == shown


def shared_concepts(store) -> list[str]:
    rows = select(store, """SELECT ?concept WHERE { ?plan a pkg:Plan ; pkg:hasIndicator/pkg:measures ?concept }
                            GROUP BY ?concept HAVING (COUNT(DISTINCT ?plan) > 1)""")
    return sorted(row["concept"].value for row in rows)


def test_index_links_a_cascade_for_every_shared_concept(real_client, store):
    page = real_client.get("/analysis/").get_data(as_text=True)
    concepts = shared_concepts(store)
    assert concepts
    for concept in concepts:
        slug = concept.rsplit("/", 1)[1]
        assert f'href="/analysis/cascade/{slug}"' in page


def test_each_cascade_shows_every_value_of_its_concept(real_client, store):
    for concept in shared_concepts(store):
        slug = concept.rsplit("/", 1)[1]
        response = real_client.get(f"/analysis/cascade/{slug}")
        assert response.status_code == 200, slug
        page = unescape(response.get_data(as_text=True))
        assert "<svg" in page and "<script" not in page  # drawn on the server, no script needed
        values = select(store, f"""SELECT DISTINCT ?item ?value ?unitZh WHERE {{
            ?item pkg:indicator/pkg:measures <{concept}> ; pkg:value ?value ; pkg:unit ?unit ; a ?class .
            VALUES ?class {{ pkg:IndicatorTarget pkg:Baseline }}
            OPTIONAL {{ ?unit skos:prefLabel ?unitZh FILTER(lang(?unitZh) = "zh") }} }}""")
        for row in values:
            shown = quantity(row["value"].value, row["unitZh"].value if "unitZh" in row else "")
            assert shown in page, (slug, shown)
        # the query it states is the one whose CSV it offers, and it opens in the editor
        stated = re.search(r'<pre class="code">(.*?)</pre>', page, re.DOTALL).group(1)
        assert f"<{concept}>" in stated
        assert "/?query=" in page
        answer = real_client.get(f"/analysis/cascade/{slug}.csv").get_data(as_text=True)
        table = list(csv.DictReader(io.StringIO(answer)))
        assert {row["item"] for row in table} == {row["item"].value for row in values}


def test_unknown_concept_is_404(real_client):
    assert real_client.get("/analysis/cascade/no-such-concept").status_code == 404
    assert real_client.get("/analysis/cascade/..%2Fx").status_code == 404


def test_group_plan_matrix_matches_the_graph(real_client, store):
    pairs = select(store, "SELECT DISTINCT ?group ?plan WHERE { ?plan a pkg:Plan ; pkg:mentionsGroup ?group }")
    page = real_client.get("/analysis/groups").get_data(as_text=True)
    assert page.count("<td>●</td>") == len(pairs) > 0
    assert page.count('<circle cx=') >= len(pairs)
    rows = list(csv.DictReader(io.StringIO(real_client.get("/analysis/groups.csv").get_data(as_text=True))))
    assert {(r["group"], r["plan"]) for r in rows} == {(p["group"].value, p["plan"].value) for p in pairs}


def test_programme_comparison_lists_every_programme(real_client, store):
    programmes = select(store, "SELECT DISTINCT ?p WHERE { ?p a pkg:Program ; pkg:boxNumber ?n ; pkg:inPlan ?plan }")
    page = real_client.get("/analysis/programmes").get_data(as_text=True)
    assert page.count("<rect ") == len(programmes) > 0
    assert real_client.get("/analysis/programmes.csv").mimetype == "text/csv"


def test_timeline_places_every_dated_document(real_client, store):
    dated = select(store, "SELECT DISTINCT ?n WHERE { ?n a pkg:Notice ; pkg:issuesPlan ?p "
                          "{ ?n eli:date_document ?d } UNION { ?n eli:date_publication ?d } }")
    page = real_client.get("/analysis/timeline").get_data(as_text=True)
    dots = re.findall(r"<circle ", page)
    assert len(dots) == len(dated) > 0
    assert real_client.get("/analysis/timeline.csv").mimetype == "text/csv"
