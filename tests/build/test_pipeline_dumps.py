"""build.dumps: the dumps written from sorted lines are the bytes of sorting Python terms (the writer
before it), including literals the store normalises and IRIs or literals that are prefixes of others."""

from pathlib import Path

import pyoxigraph as ox

from policykg.build.dumps import GraphLines
from policykg.build.pipeline import quad_key, write_sorted

EX = "https://w3id.org/policykg/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def reference(quads: list[ox.Quad], folder: Path) -> None:
    """The earlier writer: every quad through an in-memory store, sorted by the terms' strings."""
    store = ox.Store()
    store.extend(quads)
    asserted = sorted(store, key=quad_key)
    write_sorted(folder / "policykg.nq", asserted, ox.RdfFormat.N_QUADS)
    write_sorted(folder / "policykg.trig", asserted, ox.RdfFormat.TRIG)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in asserted},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    write_sorted(folder / "policykg.ttl", triples, ox.RdfFormat.TURTLE)


def quads() -> list[list[ox.Quad]]:
    a, ab, p, q = (ox.NamedNode(EX + n) for n in ("doc/a", "doc/a-b", "ontology#p", "ontology#p2"))
    g1, g2, g10 = (ox.NamedNode(EX + f"graph/{n}") for n in ("g", "g-2", "g10"))
    five = ox.Literal("5", datatype=ox.NamedNode(XSD + "nonNegativeInteger"))  # stored as xsd:integer
    return [
        [ox.Quad(a, p, ox.Literal("x"), g1), ox.Quad(a, p, ox.Literal("x", language="en"), g1),
         ox.Quad(ab, p, ox.Literal("x y"), g1), ox.Quad(a, q, five, g1), ox.Quad(a, p, ab, g1)],
        [ox.Quad(a, p, ox.Literal("x"), g2), ox.Quad(ab, q, ox.Literal("中文"), g2), ox.Quad(a, p, a, g10)],
        [ox.Quad(a, p, ox.Literal("x"), g1)],  # the same quad from a second batch, kept once
    ]


def test_sorted_lines_give_the_bytes_of_sorted_terms(tmp_path):
    work, ours, theirs = tmp_path / "work", tmp_path / "ours", tmp_path / "theirs"
    for folder in (work, ours, theirs):
        folder.mkdir()
    lines = GraphLines(work)
    for batch in quads():
        lines.add(batch)
    lines.finish(ours)
    reference([q for batch in quads() for q in batch], theirs)
    for name in ("policykg.nq", "policykg.trig", "policykg.ttl"):
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name
    assert b"nonNegativeInteger" not in (ours / "policykg.nq").read_bytes()  # what the store holds
    assert lines.triple_count == 7  # `a p "x"` is in two graphs: once in the merge
    assert len((work / "asserted.nt").read_bytes().splitlines()) == 7
