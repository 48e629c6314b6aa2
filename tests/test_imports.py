"""The package's import structure: data flows one way (corpus → build → kg → server), no two modules
import each other (directly or round a longer loop), and no module outgrows ~400 lines.

The graph is read from the source with `ast`, the way Python resolves the imports (absolute and
relative), so a new module joins the check without being listed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# import name → folder, as pyproject.toml maps them
FOLDERS = {"policykg": ROOT / "policykg", "policykg.build": ROOT / "build", "policykg.kg": ROOT / "kg",
           "policykg.server": ROOT / "server"}
# a layer may import only the layers listed for it (and itself); policykg (cli, config, errors) sits apart
ALLOWED = {
    "build": {"build", "kg", "core"},
    "kg": {"kg", "core"},
    "server": {"server", "kg", "core"},
}
MAX_LINES = 400


def module_files() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            if ".venv" in path.parts:
                continue
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if package == "policykg" and len(parts) > 1:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join([package, *parts])] = path
    return modules


MODULES = module_files()


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else "core"


def imports_of(module: str, path: Path, top_level_only: bool) -> set[str]:
    """The project modules `module` imports (top level only, or anywhere in the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in MODULES and name != module)
    return found


def test_the_modules_are_found():
    assert {"policykg.cli", "policykg.build.pipeline", "policykg.kg.store", "policykg.server.app"} <= set(MODULES)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) != "core"))
def test_each_layer_imports_only_the_layers_below(module):
    wrong = sorted(i for i in imports_of(module, MODULES[module], top_level_only=False)
                   if layer(i) not in ALLOWED[layer(module)])
    assert not wrong, f"{module} ({layer(module)}) imports {wrong}"


def test_no_import_cycle():
    graph = {m: imports_of(m, p, top_level_only=True) for m, p in MODULES.items()}
    # a package's __init__ importing its own modules is how packages re-export, not a loop
    graph = {m: {i for i in deps if not (i.startswith(m + ".") and MODULES[m].name == "__init__.py")}
             for m, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_an_import_cycle_would_be_seen(tmp_path):
    """The reader resolves relative imports, so a loop written with them is not missed."""
    module = "policykg.server.pool_example"
    path = tmp_path / "pool_example.py"
    path.write_text("from .worker import serve\nfrom . import jobs\n", encoding="utf-8")
    assert imports_of(module, path, top_level_only=True) == {
        "policykg.server", "policykg.server.worker", "policykg.server.jobs"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_outgrows_its_room(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[module].relative_to(ROOT)} has {lines} lines: split it along its seams"
