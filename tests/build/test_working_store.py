"""build.working_store: the previous build's store changed by the difference of the sorted dumps holds
what a fresh load of the new dumps holds."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.build.working_store import bulk_load, changed_lines, updated_store
from policykg.kg.namespaces import VOID_GRAPH
from policykg.kg.store import Build

EX = "https://w3id.org/policykg/"


def line(s: str, p: str, o: str, g: str) -> str:
    return f"<{EX}{s}> <{EX}{p}> {o} <{EX}graph/{g}> .\n"


def write_sorted(path: Path, lines: list[str]) -> None:
    path.write_bytes(b"".join(sorted({text.encode() for text in lines})))


def folder_with(path: Path, asserted: list[str], inferred: list[str]) -> Path:
    path.mkdir()
    write_sorted(path / "policykg.nq", asserted)
    write_sorted(path / "inferred.nq", inferred)
    return path


def fresh_store(path: Path, folder: Path) -> ox.Store:
    """As the build loads it: the dumps, then the default graph (the merge of the asserted graphs)."""
    store = ox.Store(str(path))
    bulk_load(store, folder / "policykg.nq", folder / "inferred.nq")
    merge = {ox.Quad(q.subject, q.predicate, q.object) for q in
             ox.parse(path=str(folder / "policykg.nq"), format=ox.RdfFormat.N_QUADS)}
    store.extend(merge)
    return store


def test_changed_lines_of_sorted_files(tmp_path):
    write_sorted(tmp_path / "old", ["a\n", "b\n", "c\n"])
    write_sorted(tmp_path / "new", ["b\n", "c\n", "d\n", "\u00e9\n"])
    assert changed_lines(tmp_path / "old", tmp_path / "new") == ([b"a\n"], [b"d\n", "\u00e9\n".encode()])


def test_updated_store_holds_what_a_fresh_load_holds(tmp_path):
    shared = line("x", "label", '"shared"', "a")
    old = folder_with(tmp_path / "old", [
        shared, shared.replace("graph/a", "graph/b"),  # one triple in two graphs: it stays in the merge
        line("x", "p", '"1"', "a"), line("y", "p", '"gone"', "a"), line("z", "p", '"kept"', "b"),
    ], [line("x", "type", f"<{EX}C>", "inferred")])
    new = folder_with(tmp_path / "new", [
        shared.replace("graph/a", "graph/b"),
        line("x", "p", '"2"', "a"), line("z", "p", '"kept"', "b"), line("w", "p", '"new"', "b"),
    ], [line("w", "type", f"<{EX}C>", "inferred")])
    previous_store = fresh_store(tmp_path / "old" / "store", old)
    previous_store.add(ox.Quad(ox.NamedNode(EX + "d"), ox.NamedNode(EX + "p"), ox.Literal("old"),
                               ox.NamedNode(VOID_GRAPH)))
    previous_store.flush()
    del previous_store
    store = updated_store(Build(old, None), new, tmp_path / "new" / "store", new_lines=1000)  # type: ignore[arg-type]
    assert store is not None
    expected = fresh_store(tmp_path / "expected", new)
    assert set(store) == set(expected)


def test_a_large_change_is_loaded_afresh(tmp_path):
    old = folder_with(tmp_path / "old", [line("x", "p", '"1"', "a")], [])
    new = folder_with(tmp_path / "new", [line("x", "p", '"2"', "a")], [])
    fresh_store(tmp_path / "old" / "store", old).flush()
    assert updated_store(Build(old, None), new, tmp_path / "new" / "store", new_lines=1) is None  # type: ignore[arg-type]
    assert updated_store(None, new, tmp_path / "new" / "store", new_lines=100) is None


@pytest.mark.parametrize("threads", [1, 2])
def test_bulk_load_in_chunks_holds_every_line(tmp_path, monkeypatch, threads):
    """Chunks smaller than each file, loaded one or two at a time: every quad of every file, the
    N-Triples file's triples in the default graph, and nothing else."""
    monkeypatch.setattr("policykg.build.working_store.LOAD_CHUNK", 3)
    asserted = [line(f"s{i}", "p", f'"{i}"', f"d{i % 3}") for i in range(20)]
    inferred = [line(f"s{i}", "q", f"<{EX}o{i}>", "inferred") for i in range(7)]
    folder = folder_with(tmp_path / "dumps", asserted, inferred)
    triples = sorted({text.rsplit(" ", 2)[0] + " .\n" for text in asserted})
    (folder / "merged.nt").write_text("".join(triples), encoding="utf-8")
    store = ox.Store(str(tmp_path / "store"))
    bulk_load(store, folder / "policykg.nq", folder / "inferred.nq", folder / "merged.nt", threads=threads)
    expected = set(ox.parse("".join(asserted + inferred + triples), format=ox.RdfFormat.N_QUADS))
    assert set(store) == expected
    assert len(store) == 20 + 7 + 20
