"""Security headers on every page (issue 11 item 7): CSP without inline script, nosniff, no framing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGES = ["/", "/ontology", "/shapes", "/dataset", "/dumps/", "/doc/tairenshezi-2021-12/plan", "/no/such/thing"]
TEMPLATES = Path(__file__).resolve().parents[2] / "server" / "templates"


@pytest.mark.parametrize("path", PAGES)
def test_every_html_page_sends_the_security_headers(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html", (path, response.status_code)
    csp = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_results_and_errors_send_nosniff_too(client):
    assert client.get("/sparql", query_string={"query": "ASK {}"}).headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/sparql", query_string={"query": "ASK {"}).headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_event_handlers():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            # a data block (JSON, JSON-LD) is never executed, and CSP script-src does not apply to it
            assert "src=" in tag or re.search(r'type="application/(ld\+)?json"', tag), (template.name, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
        assert "javascript:" not in text, template.name

