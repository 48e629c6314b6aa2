"""The documented Wikidata join (docs/queries/wikidata-population.rq), run through our endpoint's
SERVICE against a local endpoint serving a synthetic fixture in Wikidata's shape."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from server_testkit import fetch, lay_out_build, read_quads, start_live_server

from policykg.server.app import create_app
from policykg.server.config import ServerConfig

ROOT = Path(__file__).resolve().parents[2]
QUERY = ROOT / "docs" / "queries" / "wikidata-population.rq"
FIXTURE = ROOT / "tests" / "data" / "wikidata" / "population.trig"
WIKIDATA = "https://query.wikidata.org/sparql"


def test_targets_join_population_through_the_p442_code(built, tmp_path):
    assert "SYNTHETIC FIXTURE" in FIXTURE.read_text(encoding="utf-8")
    lay_out_build(tmp_path / "wikidata", read_quads(FIXTURE))
    peer = create_app(ServerConfig(data_dir=tmp_path / "wikidata", workers=1))
    peer_live, stop_peer = start_live_server(peer)
    ours = create_app(ServerConfig(data_dir=built.path.parent.parent, workers=1,
                                   service_allowlist=(peer_live.url + "/",)))
    ours_live, stop_ours = start_live_server(ours)
    try:
        query = QUERY.read_text(encoding="utf-8").replace(WIKIDATA, peer_live.url + "/sparql")
        response = fetch(ours_live.url + "/sparql", data={"query": query},
                         headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"]
    finally:
        stop_ours()
        stop_peer()
        ours.extensions["policykg"].executor.close()
        peer.extensions["policykg"].executor.close()
    codes = {row["code"]["value"] for row in rows}
    assert codes <= {"37", "37 09", "37 13", "21"} and len(codes) >= 3  # never the county-level "37 09 82"
    for row in rows:
        ratio = Decimal(row["target"]["value"]) / Decimal(row["population"]["value"])
        assert abs(Decimal(row["perInhabitant"]["value"]) - ratio) < Decimal("1e-9")
        assert row["item"]["value"].startswith("https://example.org/synthetic-wikidata/")
