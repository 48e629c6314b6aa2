"""Jurisdiction lookup (GB/T 2260 names ↔ codes) on the project's one list, `policykg.kg.divisions`.

Only the province- and prefecture-level names (full and short) are matched in running text: county
names are too often ordinary words; the names the curated corpus uses are added on top (全国 → 100000).
"""

from __future__ import annotations

from policykg.kg import divisions

NATIONAL = "100000"


def short_name(name: str) -> str:
    """山东省 → 山东, 临沂市 → 临沂 (the divisions module's own rule)."""
    return divisions.short_name(name)


class Places:
    """Names → codes (provinces before prefectures when a short name is shared) and codes → full names."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.by_name: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for level in (divisions.Level.PROVINCE, divisions.Level.PREFECTURE):
            for d in divisions.all_divisions(level):
                self.add(d.name, d.code)
                if len(d.short_name) >= 2:
                    self.by_name.setdefault(d.short_name, d.code)
        for name, code in (known or {}).items():
            self.add(name, code)

    def add(self, name: str, code: str) -> None:
        if name.startswith(("全", "我")):
            return
        self.by_name.setdefault(name, code)
        self.names.setdefault(code, name)

    def prefix_code(self, text: str) -> str | None:
        """The code of the longest place name (two characters or more) that `text` starts with."""
        for n in range(min(len(text), 12), 1, -1):
            if (code := self.by_name.get(text[:n])) is not None:
                return code
        return None

    def code_of(self, name: str) -> str | None:
        return self.by_name.get(name)

    def name_of(self, code: str) -> str | None:
        if code in self.names:
            return self.names[code]
        found = divisions.find(code)
        return found.name if found else None

    def province_of(self, code: str) -> str:
        return NATIONAL if code == NATIONAL else divisions.province(code).code
