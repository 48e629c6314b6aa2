"""What the server reads from a query before running it (server/query_text.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.server.query_text import analyse, mentions_word, tokens


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


def _read_in_full(text: str):
    """What analyse reads when it tokenises the whole text (the path taken when FROM/SERVICE may occur)."""
    from policykg.server import query_text

    result = query_text.QueryText()
    toks = tokens(text)
    position = query_text._read_prologue(toks, result)
    if position < len(toks) and toks[position].kind == "word":
        result.form = toks[position].text.upper()
    return result.form, result.prefixes, result.base


_PIECES = ["PREFIX", "prefix", "BASE", " ", "\n", "#c\n", "ex:", ":", "<http://a/>", "<b>", "SELECT", "ask",
           "INSERT", "{", "}", "?x", '"s"', "ı", "ß", "graph", "from", "service"]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_the_prologue_alone_reads_as_the_whole_text(pieces):
    """Without FROM/SERVICE anywhere, analyse reads only the first tokens: it finds what reading every
    token finds, however long the prologue."""
    text = "".join(pieces)
    found = analyse(text)
    assert (found.form, found.prefixes, found.base) == _read_in_full(text)


def test_a_long_prologue_is_read_to_its_end():
    text = "".join(f"PREFIX p{i}: <http://p/{i}/>\n" for i in range(40)) + "BASE <http://b/>\nconstruct {} where {}"
    found = analyse(text)
    assert found.form == "CONSTRUCT" and len(found.prefixes) == 40 and found.base == "http://b/"


def test_mentions_word_never_misses_a_keyword():
    assert mentions_word("select * { ?s ?p ?o } # from", frozenset({"FROM"}))
    assert mentions_word("SELECT * fRoM <g> {}", frozenset({"FROM"}))
    assert not mentions_word("SELECT * { ?s prov:wasDerived ?o }", frozenset({"FROM", "SERVICE"}))
    # a word whose upper case is the keyword, though its lower case is not (dotless i)
    assert mentions_word("SERVıCE <x> {}", frozenset({"SERVICE"}))
    assert analyse("SELECT * { SERVıCE <http://a/> {} }").service_targets == ["http://a/"]
