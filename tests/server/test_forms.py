"""Forms and query strings decoded as the standard library decodes them (server/forms.py)."""

from __future__ import annotations

import urllib.parse

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" error handler
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.server.app import create_app
from policykg.server.config import ServerConfig
from policykg.server.forms import parse_qsl, unquote

# escapes (valid, truncated and of invalid UTF-8), separators and literal characters, ASCII or not
_PIECES = st.sampled_from(["%E4%B8%AD", "%e6%96%87", "%E4%B8", "%AD", "%FF", "%C3", "%41", "%2", "%", "%zz", "%%41",
                           "+", "=", "&", "&&", "a", "é", "中", " ", "?", "%26", "%3D", "%2B", "\\", "%5C", "\\x41",
                           "%5Cx41", "\\N{DIGIT ONE}"])


@settings(max_examples=600, derandomize=True, deadline=None)
@given(st.lists(_PIECES, max_size=30), st.sampled_from(["werkzeug.url_quote", "replace", "strict"]))
def test_parse_qsl_is_the_standard_librarys(pieces, errors):
    text = "".join(pieces)
    try:
        expected = urllib.parse.parse_qsl(text, keep_blank_values=True, errors=errors)
    except UnicodeDecodeError:
        expected = None
    try:
        found = parse_qsl(text, errors)
    except UnicodeDecodeError:
        found = None
    assert found == expected


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_PIECES.filter(lambda piece: "%" not in piece or len(piece) % 3 == 0 and "%%" not in piece
                               and "zz" not in piece), max_size=30))
def test_well_formed_escapes_take_the_fast_way_and_read_the_same(pieces):
    text = "".join(pieces)
    assert unquote(text) == urllib.parse.unquote(text, "utf-8", "werkzeug.url_quote")


def test_unquote_runs_of_escapes():
    assert unquote("SELECT%20%3Fs%20%23%20%E6%9F%A5%E8%AF%A2") == "SELECT ?s # 查询"
    assert unquote("%E4%B8a%AD") == "%E4%B8a%AD"  # invalid bytes stay percent-encoded (werkzeug's handler)
    assert unquote("no escapes") == "no escapes"


def test_the_app_reads_forms_and_query_strings_with_it(tmp_path):
    app = create_app(ServerConfig(data_dir=tmp_path))
    query = "SELECT * { ?s ?p ?o } # 查询 & = +"
    with app.test_request_context("/sparql?query=" + urllib.parse.quote(query) + "&x=%FF"):
        from flask import request

        assert request.args.getlist("query") == [query]
        assert request.args["x"] == "%FF"
    body = urllib.parse.urlencode({"query": query, "format": "json"})
    with app.test_request_context("/sparql", method="POST", data=body,
                                  content_type="application/x-www-form-urlencoded"):
        from flask import request

        assert request.form["query"] == query and request.form["format"] == "json"
