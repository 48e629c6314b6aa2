"""The layout of the checkout: pytest imports test modules by their base name (no packages under
tests/), so two test files with one name in different folders stop the whole run at collection; the
builder's source build/ is never ignored by git, only setuptools' output inside it."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


def test_test_module_names_are_unique():
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []


def ignored_by_git(paths: list[str]) -> set[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=REPO, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr  # 1: none of them is ignored
    return set(result.stdout.split())


def test_the_builders_source_is_never_ignored():
    source = sorted(str(path.relative_to(REPO)) for path in (REPO / "build").rglob("*.py"))
    assert source and ignored_by_git(source) == set()


def test_what_setuptools_writes_into_build_is_ignored():
    output = ["build/lib/policykg/__init__.py", "build/bdist.linux-x86_64/wheel/x", "policykg.egg-info/PKG-INFO"]
    assert ignored_by_git(output) == set(output)
