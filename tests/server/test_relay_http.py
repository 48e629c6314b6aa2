"""The relay's rewriting of the engine's SERVICE request (server/relay_http.py)."""

from __future__ import annotations

from urllib.parse import parse_qs

from policykg.server.relay_http import RESULTS_ACCEPT, parse_head

ENGINE_HEAD = (b"POST /sparql HTTP/1.1\r\nhost: 127.0.0.1:3000\r\n"
               b"accept: application/sparql-results+json, application/sparql-results+xml\r\n"
               b"content-type: application/sparql-query\r\nuser-agent: Oxigraph/0.5.13\r\ncontent-length: 29")
QUERY = b"SELECT * WHERE { ?s ?p ?o . }"


def split(message: bytes) -> tuple[list[bytes], bytes]:
    head, _, body = message.partition(b"\r\n\r\n")
    return head.split(b"\r\n"), body


def test_direct_post_becomes_a_form_post_asking_for_xml_results_first():
    request = parse_head(ENGINE_HEAD)
    assert request is not None
    lines, body = split(request.upstream(QUERY))
    assert lines[0] == b"POST /sparql HTTP/1.1"
    headers = [line.lower() for line in lines[1:]]
    assert [h for h in headers if h.startswith(b"accept:")] == [RESULTS_ACCEPT]
    assert b"content-type: application/x-www-form-urlencoded" in headers
    assert b"content-length: %d" % len(body) in headers and b"connection: close" in headers
    assert parse_qs(body.decode("ascii")) == {"query": [QUERY.decode()]}


def test_a_request_that_does_not_ask_for_results_keeps_its_accept():
    request = parse_head(b"GET /sparql?query=x HTTP/1.1\r\nhost: h\r\naccept: text/turtle")
    assert request is not None
    lines, body = split(request.upstream(b""))
    assert b"accept: text/turtle" in lines and RESULTS_ACCEPT not in lines and body == b""


def test_the_results_accept_prefers_xml():
    value = RESULTS_ACCEPT.partition(b":")[2].decode()
    ranges = [part.strip() for part in value.split(",")]
    assert ranges[0] == "application/sparql-results+xml"
    assert ranges[1].startswith("application/sparql-results+json;q=")
