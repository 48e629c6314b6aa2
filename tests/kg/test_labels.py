"""A resource's label is its preferred name, never an alias the reasoner made into an rdfs:label (issue 9
item 6: the national jurisdiction showed “我国”, agency/mara “农业农村”)."""

from __future__ import annotations

from policykg.kg.namespaces import BASE, PREFIXES
from policykg.kg.page_reads import labels


def rows(store, query: str):
    result = store.query(query, prefixes=PREFIXES)
    names = [v.value for v in result.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in result]


def test_the_first_label_is_the_preferred_one_for_every_resource_with_aliases(store):
    with_aliases = rows(store, """SELECT DISTINCT ?x ?pref WHERE { ?x skos:altLabel ?alt ; skos:prefLabel ?pref
                                  FILTER(lang(?pref) = "zh") }""")
    assert with_aliases
    found = labels(store, [row["x"].value for row in with_aliases])
    for row in with_aliases:
        assert found[row["x"].value]["zh"][0] == row["pref"].value, row["x"].value


def test_aliases_are_not_labels(store):
    """OWL-RL puts every skos:altLabel into graph/inferred as an rdfs:label; the pages must not show them."""
    aliases = rows(store, """SELECT DISTINCT ?x ?alt WHERE {
        ?x skos:altLabel ?alt . GRAPH pkgr:graph\\/inferred { ?x rdfs:label ?alt }
        FILTER NOT EXISTS { GRAPH ?g { ?x rdfs:label|skos:prefLabel ?alt } FILTER(?g != pkgr:graph\\/inferred) } }""")
    assert aliases  # the reasoner does make them labels: this test checks something
    found = labels(store, [row["x"].value for row in aliases])
    for row in aliases:
        shown = found.get(row["x"].value, {}).get(row["alt"].language or "", [])
        assert row["alt"].value not in shown, (row["x"].value, row["alt"].value)


def test_display_label_is_the_preferred_label_not_an_inferred_alt_label(store):
    """OWL-RL makes every skos:altLabel an rdfs:label in graph/inferred (我国, 农业农村): not shown first."""
    china, agriculture = BASE + "jurisdiction/100000", BASE + "agency/china-local-agriculture"
    assert store.query(f'ASK {{ GRAPH <{BASE}graph/inferred> {{ <{china}> ?p "我国"@zh }} }}') or \
        store.query(f'ASK {{ GRAPH ?g {{ <{china}> ?p "我国"@zh }} }}')
    found = labels(store, [china, agriculture])
    assert found[china]["zh"][0] == "中华人民共和国"
    assert found[agriculture]["zh"][0] == "全国各地农业农村部门"  # printed 农业农村 (an altLabel)
    assert "我国" not in found[china]["zh"][:1]
