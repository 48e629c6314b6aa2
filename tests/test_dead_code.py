"""No dead code in the package (issue 12): vulture over policykg/, build/, kg/ and server/.

Code the tests or the benchmarks call counts as used (they are scanned for uses, not reported on);
the whitelist (tests/vulture_whitelist.py) names what is used where vulture cannot see: templates,
libraries reading an attribute, dataclass fields. Flask views and click commands are used by their
decorators.
"""

from __future__ import annotations

import ast
from pathlib import Path

import vulture

REPO = Path(__file__).resolve().parents[1]
PACKAGE = ("policykg", "build", "kg", "server")
USERS = ("tests", "bench")
WHITELIST = REPO / "tests" / "vulture_whitelist.py"
MIN_CONFIDENCE = 60  # vulture's lowest level: unused imports, functions, classes, variables, attributes
DECORATORS = ["@*.route", "@*.command", "@*.group", "@*.errorhandler", "@*.app_template_filter",
              "@*.before_request", "@*.after_request", "@pytest.fixture"]


def reported() -> list[tuple[str, str]]:
    """(name, report line) of everything vulture finds unused in the package, whitelist not applied."""
    scan = vulture.Vulture(ignore_decorators=DECORATORS)
    scan.scavenge([str(REPO / name) for name in PACKAGE + USERS], exclude=[str(WHITELIST)])
    found = []
    for item in scan.get_unused_code(min_confidence=MIN_CONFIDENCE):
        path = Path(item.filename).resolve().relative_to(REPO)
        if path.parts[0] in PACKAGE:
            found.append((item.name, f"{path}:{item.first_lineno}: {item.message} ({item.confidence}% confidence)"))
    return found


def whitelisted_names() -> set[str]:
    """The names of tests/vulture_whitelist.py (vulture applies a whitelist by name, as here)."""
    names = set()
    for node in ast.parse(WHITELIST.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Attribute):
            names.add(node.value.attr)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Name):
            names.add(node.value.id)
    return names


def test_no_dead_code_and_no_stale_whitelist_entry():
    found, allowed = reported(), whitelisted_names()
    dead = [line for name, line in found if name not in allowed]
    assert dead == [], "remove the dead code (or whitelist a true false positive, saying where it is used):\n" + \
        "\n".join(dead)
    stale = sorted(allowed - {name for name, _ in found})
    assert stale == [], f"vulture no longer reports {stale}: remove them from {WHITELIST.name}"
