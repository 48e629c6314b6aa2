"""What the server reads from a query before running it (server/query_text.py)."""

from __future__ import annotations

from policykg.server.query_text import analyse, tokens


def test_form_after_the_prologue():
    text = analyse("# a comment with SERVICE and INSERT\nPREFIX ex: <http://ex/#>\nBASE <http://b/>\nselect * {}")
    assert text.form == "SELECT"
    assert text.prefixes == {"ex": "http://ex/#"}
    assert text.base == "http://b/"
    assert not text.is_update


def test_updates_are_recognised():
    for update in ("INSERT DATA { <a:b> <a:c> <a:d> }", "PREFIX x: <y:>\nDELETE WHERE { ?s ?p ?o }",
                   "LOAD <http://example.org/data>", "CLEAR ALL", "DROP GRAPH <a:b>", "WITH <a:g> DELETE {} WHERE {}",
                   "create graph <a:b>", "ADD DEFAULT TO <a:b>", "MOVE <a:b> TO <a:c>", "COPY <a:b> TO <a:c>"):
        assert analyse(update).is_update, update


def test_keywords_inside_strings_iris_and_variables_do_not_count():
    text = analyse('SELECT ?from WHERE { ?s <http://x/SERVICE> "SERVICE <http://evil/>" . ?service ?p ?from }')
    assert text.form == "SELECT"
    assert text.service_targets == []
    assert not text.has_dataset_clause


def test_service_targets_are_resolved():
    text = analyse(
        "PREFIX ep: <http://endpoint.example/>\nBASE <http://base.example/>\n"
        "SELECT * { SERVICE <http://a.example/sparql> {} SERVICE SILENT ep:sparql {} SERVICE <rel> {} }"
    )
    assert text.service_targets == ["http://a.example/sparql", "http://endpoint.example/sparql",
                                     "http://base.example/rel"]
    assert text.unresolved_services == []


def test_service_with_a_variable_or_unknown_prefix_is_unresolved():
    assert analyse("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }").unresolved_services == ["?endpoint"]
    assert analyse("SELECT * { SERVICE nope:x { } }").unresolved_services == ["nope:x"]


def test_from_clauses_are_noticed():
    assert analyse("SELECT * FROM <http://g/> { ?s ?p ?o }").has_dataset_clause
    assert analyse("ASK FROM NAMED <http://g/> { GRAPH ?g {} }").has_dataset_clause


def test_long_strings_and_less_than():
    found = tokens('SELECT * { ?s ?p """multi\nline "SERVICE" """ FILTER(?a < ?b) }')
    assert [t.kind for t in found if t.kind == "string"] == ["string"]
    assert not analyse('SELECT * { ?s ?p """SERVICE <http://x/>""" }').service_targets
