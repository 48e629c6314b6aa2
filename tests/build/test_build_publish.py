"""Publishing a build never removes what `current` names; a kill -9 at any step leaves a working
`current`; folders left by killed builds are pruned (issue 11, item 6 and the `.tmp-*` low item)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.build import pipeline
from policykg.kg.manifest import Manifest
from policykg.kg.store import current_build, verify_build

# Runs `publish` in a child that SIGKILLs itself just before its Nth file-system step.
KILLER = """
import os, shutil, signal, sys
from pathlib import Path
from policykg.build import pipeline

tmp, data_dir, digest, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
steps = [0]

def step(function):
    def wrapped(*args, **kwargs):
        steps[0] += 1
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return wrapped

pipeline.os.replace = step(os.replace)
pipeline.shutil.rmtree = step(shutil.rmtree)
Path.symlink_to = step(Path.symlink_to)
Path.unlink = step(Path.unlink)
with pipeline.build_lock(data_dir):
    pipeline.publish(tmp, data_dir, digest)
print("steps", steps[0])
"""


def copy_build(source: Path, target: Path) -> None:
    """A build folder without its on-disk store (what these tests check is the dumps and the manifest)."""
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("store"))


def copy_data(built, target: Path) -> Path:
    """A data folder whose `current` is a copy of the session build, plus an old build and a dead `.tmp-`."""
    builds = target / "builds"
    builds.mkdir(parents=True)
    copy_build(built.path, builds / built.path.name)
    copy_build(built.path, builds / "ancient")
    (builds / ".tmp-killed-build").mkdir()
    (builds / ".tmp-killed-build" / "policykg.nq").write_text("half a dump")
    (target / "current").symlink_to(Path("builds") / built.path.name)
    return target


def stage(built, data_dir: Path, name: str = ".tmp-new") -> Path:
    """A finished build folder waiting in builds/.tmp-… (what run_build has before it publishes)."""
    tmp = data_dir / "builds" / name
    copy_build(built.path, tmp)
    return tmp


def test_rebuild_of_an_unchanged_corpus_never_removes_the_live_build(built, tmp_path, build_options, monkeypatch):
    data_dir = copy_data(built, tmp_path / "data")
    live = (data_dir / "current").resolve()
    inode = (live / "policykg.nq").stat().st_ino
    removed = []
    real_rmtree = shutil.rmtree

    def watching_rmtree(path, *args, **kwargs):
        removed.append(Path(path).resolve())
        assert Path(path).resolve() != (data_dir / "current").resolve(), "removed the live build"
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(pipeline.shutil, "rmtree", watching_rmtree)
    pipeline.run_build(build_options(data_dir))
    assert (data_dir / "current").resolve() == live
    assert (live / "policykg.nq").stat().st_ino == inode  # the very same file: never deleted nor replaced
    verify_build(current_build(data_dir))
    # the dead build's folder and the unreferenced old build are gone
    assert sorted(p.name for p in (data_dir / "builds").iterdir()) == [live.name]


@pytest.mark.parametrize("digest", ["same", "0123456789abcdef"])
def test_kill_at_any_step_leaves_a_working_current(built, tmp_path, digest):
    """Publish the same content (`same`: its folder is live) or new content, killed before each step in turn."""
    for kill_at in range(1, 30):
        data_dir = copy_data(built, tmp_path / f"{digest}-{kill_at}")
        name = built.path.name if digest == "same" else digest
        tmp = stage(built, data_dir)
        result = subprocess.run([sys.executable, "-c", KILLER, str(tmp), str(data_dir), name, str(kill_at)],
                                capture_output=True, text=True, timeout=120)
        verify_build(current_build(data_dir))  # whatever step the kill hit
        if result.returncode == 0:
            assert kill_at > int(result.stdout.split()[-1])  # every step was tried
            break
        assert result.returncode == -9, result.stderr
        # the next build recovers: it publishes and prunes what the killed one left
        with pipeline.build_lock(data_dir):
            final = pipeline.publish(stage(built, data_dir, ".tmp-next"), data_dir, name)
        assert (data_dir / "current").resolve() == final
        verify_build(current_build(data_dir))
        assert not [p for p in (data_dir / "builds").iterdir() if p.name.startswith(".tmp-")]
    else:
        pytest.fail("publish never completed")


def test_a_build_folder_that_no_longer_matches_is_not_reused(built, tmp_path):
    data_dir = copy_data(built, tmp_path / "data")
    live = (data_dir / "current").resolve()
    (live / "inferred.nq").write_bytes(b"")  # corrupted in place
    with pipeline.build_lock(data_dir):
        final = pipeline.publish(stage(built, data_dir), data_dir, built.path.name)
    assert final != live and final.name.startswith(built.path.name)
    verify_build(current_build(data_dir))
    assert Manifest.read(final).dumps
