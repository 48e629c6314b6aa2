"""build.dumps: the dumps written from sorted lines are the bytes of sorting Python terms (the writer
before it), including literals the store normalises and IRIs or literals that are prefixes of others."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.build.dumps import GraphLines, write_inferred
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


def test_nquads_bytes_give_the_lines_of_quads(tmp_path):
    """build.emit's emit_document_nquads output goes through the same normalising store as Quads."""
    as_quads, as_bytes = tmp_path / "quads", tmp_path / "bytes"
    for folder in (as_quads, as_bytes):
        (folder / "work").mkdir(parents=True)
    by_quads, by_bytes = GraphLines(as_quads / "work"), GraphLines(as_bytes / "work")
    for batch in quads():
        by_quads.add(batch)
        by_bytes.add(ox.serialize(batch, format=ox.RdfFormat.N_QUADS))
    by_quads.finish(as_quads)
    by_bytes.finish(as_bytes)
    for name in ("policykg.nq", "policykg.trig", "policykg.ttl"):
        assert (as_bytes / name).read_bytes() == (as_quads / name).read_bytes(), name


def test_a_default_graph_quad_is_refused(tmp_path):
    from policykg.errors import BuildError

    lines = GraphLines(tmp_path)
    with pytest.raises(BuildError, match="outside every named graph"):
        lines.add(b'<https://w3id.org/policykg/a> <https://w3id.org/policykg/p> "x" .\n')


def test_graphs_are_handed_on_as_written(tmp_path):
    seen = []
    lines = GraphLines(tmp_path, on_graph=lambda graph, data: seen.append((graph.value, data.count(b"\n"))))
    for batch in quads():
        lines.add(batch)
    assert seen == [(EX + "graph/g", 5), (EX + "graph/g-2", 2), (EX + "graph/g10", 1), (EX + "graph/g", 1)]


def test_inferred_lines_leave_out_asserted_triples_and_sort_as_bytes(tmp_path):
    asserted = tmp_path / "asserted.nt"
    asserted.write_bytes(b'<a> <p> "x" .\n<b> <p> <c> .\n')  # sorted, as GraphLines.finish leaves it
    derived = {'<b> <p> <c> .', '<c> <q> "\u00e9" .', '<a> <p> "x" .', '<a> <q> <b> .', '<c> <q> "z" .'}
    count = write_inferred(derived, asserted, tmp_path / "inferred.nq", "g")
    assert count == 3
    assert (tmp_path / "inferred.nq").read_bytes() == (
        b'<a> <q> <b> <g> .\n<c> <q> "z" <g> .\n' + '<c> <q> "\u00e9" <g> .\n'.encode())
