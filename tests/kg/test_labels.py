"""kg.query.labels: a resource's display label is its own preferred label, never an inferred one."""

from policykg.kg.namespaces import BASE
from policykg.kg.query import labels


def test_display_label_is_the_preferred_label_not_an_inferred_alt_label(store):
    """OWL-RL makes every skos:altLabel an rdfs:label in graph/inferred (我国, 农业农村): not shown first."""
    china, mara = BASE + "jurisdiction/100000", BASE + "agency/mara"
    assert store.query(f'ASK {{ GRAPH <{BASE}graph/inferred> {{ <{china}> ?p "我国"@zh }} }}') or \
        store.query(f'ASK {{ GRAPH ?g {{ <{china}> ?p "我国"@zh }} }}')
    found = labels(store, [china, mara])
    assert found[china]["zh"][0] == "中华人民共和国"
    assert found[mara]["zh"][0] == "农业农村部"
    assert "我国" not in found[china]["zh"][:1]
