"""The example queries offered on the query page: every `*.rq` file in `queries/`.

A file's leading comment block gives its title and description as `# title: …`, `# title@zh: …`,
`# description: …` and `# description@zh: …` lines (a field may continue over several lines).
Without such fields the first comment line is the title and the other lines the description.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

_FIELD = re.compile(r"^#\s*(title|description)(?:@([A-Za-z-]+))?\s*:\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    title: str
    description: str
    query: str
    title_zh: str = ""
    description_zh: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def load_examples(folder: Path | None) -> list[ExampleQuery]:
    if folder is None or not folder.is_dir():
        return []
    return [read_example(path) for path in sorted(folder.glob("*.rq"))]


def read_example(path: Path) -> ExampleQuery:
    text = path.read_text(encoding="utf-8")
    fields, free = _header(text)
    title = fields.get("title", "") or (free[0] if free else path.stem.replace("-", " ").replace("_", " "))
    description = fields.get("description", "") or " ".join(free[1:] if "title" not in fields else free)
    return ExampleQuery(path.stem, title, description, text, fields.get("title@zh", ""),
                        fields.get("description@zh", ""))


def _header(text: str) -> tuple[dict[str, str], list[str]]:
    """Fields (`title`, `title@zh`, …) and free comment lines of the leading comment block."""
    fields: dict[str, list[str]] = {}
    free: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _FIELD.match(stripped)
        if match:
            key = match.group(1).lower() + (f"@{match.group(2).lower()}" if match.group(2) else "")
            fields.setdefault(key, []).append(match.group(3).strip())
        elif stripped.lstrip("#").strip():
            free.append(stripped.lstrip("#").strip())
    joined = {key: _join(parts) for key, parts in fields.items()}
    return joined, free


def _join(parts: list[str]) -> str:
    """Join continuation lines: with a space for Latin text, directly for CJK."""
    text = ""
    for part in parts:
        if text and not (_is_cjk(text[-1]) and _is_cjk(part[:1])):
            text += " "
        text += part
    return text


def _is_cjk(char: str) -> bool:
    return bool(char) and ("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef")
