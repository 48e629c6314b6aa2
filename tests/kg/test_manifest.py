"""kg/manifest.py: the one record of what a build holds, written by the builder and read by everyone."""

from __future__ import annotations

import json
import shutil

import pytest

from policykg.kg.manifest import MANIFEST_FILE, CorruptBuild, FileEntry, Manifest


def test_the_builders_manifest_reads_back_unchanged(built, tmp_path):
    manifest = built.manifest
    assert manifest.graphs.documents and set(manifest.documents.values()) == set(manifest.graphs.documents)
    assert manifest.dump("policykg.nq") is not None and manifest.dump("nothing.nq") is None
    manifest.write(tmp_path)
    assert Manifest.read(tmp_path) == manifest
    assert (tmp_path / MANIFEST_FILE).read_text(encoding="utf-8") == (built.path / MANIFEST_FILE).read_text("utf-8")


def test_asserted_graphs_are_documents_vocabulary_shapes(built):
    graphs = built.manifest.graphs
    assert graphs.asserted() == (*graphs.documents, graphs.vocabulary, graphs.shapes)
    assert graphs.asserted(include_inferred=True)[-1] == graphs.inferred
    assert graphs.void not in graphs.asserted(include_inferred=True)


def test_a_file_entry_says_how_data_differs(tmp_path):
    path = tmp_path / "x.nq"
    path.write_bytes(b"<a:b> <a:c> <a:d> .\n")
    entry = FileEntry.of(path, "application/n-quads")
    assert entry.differs(path.read_bytes()) is None
    assert "has 3 bytes, the manifest says 20" in entry.differs(b"abc")
    assert "has sha256" in entry.differs(b"<a:b> <a:c> <a:e> .\n")


@pytest.mark.parametrize(("change", "message"), [
    (lambda data: data.pop("dumps"), "KeyError"),
    (lambda data: data.update(triples="15102"), "triples is str, not int"),
    (lambda data: data.update(documents=3), "documents is int, not dict"),
    (lambda data: data["graphs"].update(documents="one"), "graphs.documents is not a list"),
    (lambda data: data["dumps"][0].pop("sha256"), "sha256"),
])
def test_a_manifest_of_another_shape_is_refused_with_its_path(built, tmp_path, change, message):
    shutil.copy(built.path / MANIFEST_FILE, tmp_path / MANIFEST_FILE)
    data = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding="utf-8"))
    change(data)
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CorruptBuild, match=message) as error:
        Manifest.read(tmp_path)
    assert str(tmp_path / MANIFEST_FILE) in str(error.value)
