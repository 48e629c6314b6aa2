"""Aggregation rules of corpus/GUIDELINES.md (Stock and flow) as the builder applies them to the corpus."""

from policykg.kg.namespaces import BASE

PKG = BASE + "ontology#"


def select(store, query: str) -> list[tuple[str, ...]]:
    return [tuple(t.value for t in row) for row in store.query(f"PREFIX pkg: <{PKG}>\n" + query)]


def test_a_share_of_a_flow_is_a_ratio_over_its_period_never_a_sum(store):
    """确保60%以上用于一线职工的职业技能培训 (Shandong, Linyi) and 线上培训课时占比 (Tai'an): a % of a
    flow concept is pkg:PeriodShare over the interval, not pkg:PeriodTotal (GUIDELINES, Stock and flow)."""
    found = select(store, """SELECT DISTINCT ?s ?agg WHERE { GRAPH ?g { ?s pkg:aggregation ?agg ;
        pkg:unit <https://w3id.org/policykg/unit/percent> } }""")
    aggregations = {s.rsplit("/target/", 1)[-1]: agg.removeprefix(PKG) for s, agg in found}
    assert "PeriodTotal" not in aggregations.values()
    assert aggregations["education-funds-share-frontline-training/2021--2025"] == "PeriodShare"
    assert aggregations["skilled-share-of-employed/2021-12-31"] == "Level"  # a share at an instant: a stock
