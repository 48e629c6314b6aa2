"""Federation outwards to a real Comunica 4 endpoint (`comunica-sparql-http`, npm) serving the synthetic
Wikidata-shaped fixture: our endpoint's SERVICE, through the workers' allow-list relay, gets the right
rows although Comunica's JSON results carry a non-standard `"metadata"` member that the engine's JSON
parser rejects; the relay asks for SPARQL XML results first (server/relay_http.py RESULTS_ACCEPT)."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from comunica_peer import comunica_endpoint
from werkzeug.serving import make_server

from policykg.server.app import create_app
from policykg.server.config import ServerConfig

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "wikidata" / "population.trig"
JOIN_QUERY = ROOT / "docs" / "queries" / "wikidata-population.rq"
WIKIDATA = "https://query.wikidata.org/sparql"
WDT = "http://www.wikidata.org/prop/direct/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
# the local half of the documented join, to compute its expected rows without any SERVICE
LOCAL_HALF = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT DISTINCT ?statement ?code ?target WHERE {
  ?statement a pkg:IndicatorTarget ; pkg:inPlan ?plan ; pkg:value ?target ; pkg:unit ?unit ;
             pkg:indicator/pkg:measures ?concept .
  FILTER(?unit IN (<https://w3id.org/policykg/unit/person>, <https://w3id.org/policykg/unit/person-time>))
  ?plan pkg:jurisdiction/pkg:p442Code ?code .
}"""

pytestmark = pytest.mark.usefixtures("network_sandbox")


@pytest.fixture(scope="module")
def comunica(tmp_path_factory) -> Iterator[str]:
    with comunica_endpoint(FIXTURE, "application/trig", tmp_path_factory.mktemp("comunica")) as url:
        yield url


@pytest.fixture(scope="module")
def ours(built, comunica) -> Iterator[str]:
    """Our endpoint over the session build, with the Comunica endpoint (and nothing else) allow-listed."""
    app = create_app(ServerConfig(data_dir=built.path.parent.parent, workers=1, service_allowlist=(comunica,)))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["policykg"].executor.close()


def select(url: str, query: str, accept: str = "application/sparql-results+json") -> dict:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def fixture_items() -> dict[str, dict[str, ox.Literal]]:
    """item IRI → {"code", "population", "label"} from the fixture file."""
    names = {WDT + "P442": "code", WDT + "P1082": "population", RDFS + "label": "label"}
    items: dict[str, dict[str, ox.Literal]] = {}
    for quad in ox.parse(path=FIXTURE, format=ox.RdfFormat.TRIG):
        items.setdefault(quad.subject.value, {})[names[quad.predicate.value]] = quad.object
    return items


def test_comunica_answers_json_with_an_extra_member(comunica):
    """The case the relay works around: asked for JSON, Comunica adds `"metadata"` to the results."""
    answer = select(comunica, f"SELECT ?s WHERE {{ ?s <{WDT}P442> ?c }}")
    assert set(answer) == {"head", "results", "metadata"}
    assert len(answer["results"]["bindings"]) == 5


def test_service_to_comunica_returns_its_rows(ours, comunica):
    query = (f"SELECT ?item ?code ?population ?label WHERE {{ SERVICE <{comunica}> {{ "
             f"?item <{WDT}P442> ?code ; <{WDT}P1082> ?population ; <{RDFS}label> ?label }} }}")
    rows = select(ours, query)["results"]["bindings"]
    got = Counter((r["item"]["value"], r["code"]["value"], r["population"]["value"], r["population"]["datatype"],
                   r["label"]["value"], r["label"]["xml:lang"]) for r in rows)
    expected = Counter((item, v["code"].value, v["population"].value, v["population"].datatype.value,
                        v["label"].value, v["label"].language) for item, v in fixture_items().items())
    assert got == expected and len(expected) == 5


def test_documented_wikidata_join_through_comunica(ours, comunica, store):
    """docs/queries/wikidata-population.rq with Comunica in Wikidata's place: exactly the rows the
    local half of the join meets in the fixture (computed here without SERVICE)."""
    query = JOIN_QUERY.read_text(encoding="utf-8").replace(WIKIDATA, comunica)
    rows = select(ours, query)["results"]["bindings"]
    population = {v["code"].value: Decimal(v["population"].value) for v in fixture_items().values()
                  if len(v["code"].value) <= 5}
    local = list(store.query(LOCAL_HALF, use_default_graph_as_union=True))
    expected = Counter((s["code"].value, Decimal(s["target"].value), population[s["code"].value])
                       for s in local if s["code"].value in population)
    got = Counter((r["code"]["value"], Decimal(r["target"]["value"]), Decimal(r["population"]["value"]))
                  for r in rows)
    assert got == expected and len(rows) >= 3
    for row in rows:
        ratio = Decimal(row["target"]["value"]) / Decimal(row["population"]["value"])
        assert abs(Decimal(row["perInhabitant"]["value"]) - ratio) < Decimal("1e-9")
