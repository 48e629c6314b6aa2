"""`pip install .` (not -e) gives a working policykg: in a fresh virtual environment the installed
package builds the tiny corpus, serves it on 127.0.0.1, answers queries, and passes a subset of the
server tests, with the ontology, shapes and example queries read from the package, not the checkout.

The fresh environment gets the dependencies of the running one through a .pth file (nothing is
downloaded but the build backend pip needs for `pip install .`); the source is copied first, so the
checkout gets no build/lib or egg-info and the wheel holds only what the package declares.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TINY_CORPUS = REPO / "tests" / "data" / "corpus"
# what `pip install .` needs: the project file and the folders pyproject.toml maps to packages
SOURCES = ("pyproject.toml", "README.md", "policykg", "build", "kg", "server", "ontology", "shapes", "queries")
# server tests that read the ontology, shapes, dumps and pages through the installed package
SERVER_TESTS = ("tests/server/test_build_contract.py", "tests/server/test_linked_data.py",
                "tests/server/test_pages.py")
SECONDS = 300


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a fresh virtual environment with `pip install --no-deps .` of a copy of the source."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=_not_source)
        elif path.exists():
            shutil.copy2(path, source / name)
    environment = root / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    site = Path(subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        text=True).strip())
    # the dependencies (and pytest) of the running environment, after the fresh one's own packages
    (site / "policykg-test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(source)], cwd=root)
    return python


def _not_source(folder: str, names: list[str]) -> set[str]:
    """Caches, and setuptools' own output in build/ (build/lib, build/bdist.*) should a wheel have been made."""
    ignored = {n for n in names if n == "__pycache__"}
    if Path(folder) == REPO / "build":
        ignored |= {n for n in names if n == "lib" or n.startswith("bdist.")}
    return ignored


def run(command: list, *, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=SECONDS)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def clean_env(**extra: str) -> dict:
    """The environment without anything that would put the checkout on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "POLICYKG_DATA")}
    env.update(extra)
    return env


def test_the_package_and_its_data_come_from_the_installation(installed):
    probe = ("import json, policykg, policykg.server, policykg.config as c; "
             "print(json.dumps([policykg.__file__, policykg.server.__file__, str(c.ONTOLOGY_DIR), "
             "str(c.SHAPES_DIR), str(c.QUERIES_DIR)]))")
    paths = json.loads(run([installed, "-c", probe], cwd=installed.parent, env=clean_env()))
    venv_root = str(installed.parent.parent)
    assert all(path.startswith(venv_root) and "site-packages" in path for path in paths), paths
    for folder, pattern in zip(paths[2:], ("*.ttl", "*.ttl", "*.rq"), strict=True):
        assert list(Path(folder).glob(pattern)), folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, accept: str = "application/json") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as response:
        return response.read()


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode("utf-8", "replace")[-3000:]
        try:
            if json.loads(get(url + "/health"))["status"] == "ok":
                return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.2)  # polling a process we started; no event to wait on
    raise AssertionError(f"{url} did not come up within {SECONDS} s")


def test_the_installed_package_builds_serves_and_answers(installed, tmp_path):
    data = tmp_path / "data"
    env = clean_env(POLICYKG_DATA=str(data), POLICYKG_WORKERS="1")
    policykg = installed.parent / "policykg"
    out = run([policykg, "build", "--corpus", TINY_CORPUS, "--no-progress"], cwd=tmp_path, env=env)
    assert "1 documents" in out
    manifest = json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))
    port = free_port()
    server = subprocess.Popen([str(policykg), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=tmp_path,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server)
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        answer = json.loads(get(f"{url}/sparql?{query}", "application/sparql-results+json"))
        assert int(answer["results"]["bindings"][0]["n"]["value"]) == manifest["triples"]
        assert b"owl:Ontology" in get(url + "/ontology", "text/turtle")
        assert b"sh:NodeShape" in get(url + "/shapes", "text/turtle")
        page = get(url + "/", "text/html").decode("utf-8")
        assert all(f'data-name="{path.stem}"' in page for path in (REPO / "queries").glob("*.rq"))
    finally:
        server.terminate()
        server.wait(timeout=60)
        server.stderr.close()


def test_server_tests_pass_against_the_installed_package(installed):
    run([installed, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", REPO,
         *(REPO / test for test in SERVER_TESTS)],
        cwd=installed.parent, env=clean_env())
