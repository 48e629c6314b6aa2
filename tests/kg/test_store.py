"""A build is used only when its artefacts match its manifest (kg/store.py; issue 11, item 9)."""

from __future__ import annotations

import shutil

import pytest

from policykg.kg.store import CorruptBuild, current_build, open_store, verify_build


@pytest.fixture
def copy(built, tmp_path):
    target = tmp_path / "builds" / "copy"
    shutil.copytree(built.path, target, ignore=shutil.ignore_patterns("store"))
    (tmp_path / "current").symlink_to("builds/copy")
    return tmp_path


def test_a_good_build_verifies(copy):
    verify_build(current_build(copy))


def test_a_dump_cut_in_half_is_refused_naming_file_and_digests(copy):
    dump = copy / "current" / "policykg.nq"
    data = dump.read_bytes()
    dump.write_bytes(data[: len(data) // 2])
    build = current_build(copy)
    with pytest.raises(CorruptBuild, match=r"policykg\.nq has \d+ bytes, the manifest says \d+"):
        verify_build(build)
    with pytest.raises(CorruptBuild, match="policykg.nq"):
        open_store(build, in_memory=True)


def test_random_bytes_of_the_same_size_are_refused(copy):
    dump = copy / "current" / "inferred.nq"
    dump.write_bytes(bytes(dump.stat().st_size))
    with pytest.raises(CorruptBuild, match="inferred.nq has sha256 [0-9a-f]{64}, the manifest says"):
        verify_build(current_build(copy))


def test_an_invalid_manifest_is_an_error_not_a_traceback(copy):
    (copy / "current" / "manifest.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(CorruptBuild, match="manifest.json cannot be read as JSON"):
        current_build(copy)
