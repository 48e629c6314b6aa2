"""The SERVICE allow-list compares parsed, normalised URLs (server/service_policy.py)."""

from __future__ import annotations

import pytest

from policykg.server.service_policy import BadAllowlistEntry, allowed, parse_allowlist, path_allowed

LIST = parse_allowlist(("http://127.0.0.1:18252/sparql", "https://Query.Example.org/"))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:18252/sparql", "http://127.0.0.1:18252/sparql/", "http://127.0.0.1:18252/sparql?x=1",
    "http://127.0.0.1:18252/sparql/sub", "HTTP://127.0.0.1:18252/sparql", "https://query.example.org/anything",
    "https://QUERY.example.org:443/x",
])
def test_admitted(url):
    assert allowed(url, LIST) is not None


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:182520/sparql",  # not a port prefix
    "http://127.0.0.1:1825/sparql", "http://127.0.0.1:18252/sparqlx", "http://127.0.0.1:18252/",
    "http://127.0.0.1:18252/sparql/../../x", "http://127.0.0.1:18252/sparql/%2e%2e/x",
    "http://127.0.0.1:18252/sparql/./x", "http://127.1:18252/sparql", "http://2130706433:18252/sparql",
    "http://localhost:18252/sparql", "http://127.0.0.1.evil.example:18252/sparql",
    "http://user@127.0.0.1:18252/sparql", "https://127.0.0.1:18252/sparql", "ftp://127.0.0.1:18252/sparql",
    "http://query.example.org/x", "https://query.example.org.evil.example/", "not a url",
])
def test_refused(url):
    assert allowed(url, LIST) is None


def test_request_line_paths():
    assert path_allowed("/sparql?query=x", "/sparql")
    assert not path_allowed("/sparql/../x", "/sparql")
    assert not path_allowed("/sparql%2F..%2Fx", "/sparql")
    assert not path_allowed("/sparqlx", "/sparql")
    assert path_allowed("/anything", "")


def test_bad_entries_are_named_all_at_once():
    with pytest.raises(BadAllowlistEntry, match="'ftp://x/'.*'/relative'"):
        parse_allowlist(("http://ok.example/", "ftp://x/", "/relative"))
