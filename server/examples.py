"""The example queries offered on the query page: every `*.rq` file in `queries/`.

A file's leading comment block gives its title and description, either as `# title: …` /
`# description: …` lines or, failing those, the first comment line as the title and the rest
as the description.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

_FIELD = re.compile(r"^#\s*(title|description|desc|标题|说明)\s*[:：]\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    title: str
    description: str
    query: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def load_examples(folder: Path | None) -> list[ExampleQuery]:
    if folder is None or not folder.is_dir():
        return []
    return [read_example(path) for path in sorted(folder.glob("*.rq"))]


def read_example(path: Path) -> ExampleQuery:
    text = path.read_text(encoding="utf-8")
    title, description = _header(text)
    return ExampleQuery(path.stem, title or path.stem.replace("_", " ").replace("-", " "), description, text)


def _header(text: str) -> tuple[str, str]:
    comments = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        comments.append(stripped)
    fields: dict[str, list[str]] = {}
    free: list[str] = []
    current = None
    for line in comments:
        match = _FIELD.match(line)
        if match:
            current = "title" if match.group(1).lower() in ("title", "标题") else "description"
            fields.setdefault(current, []).append(match.group(2).strip())
        else:
            body = line.lstrip("#").strip()
            if current == "description" and body:
                fields["description"].append(body)
            elif body:
                free.append(body)
    if "title" in fields:
        return " ".join(fields["title"]), " ".join(fields.get("description", free))
    if free:
        return free[0], " ".join(fields.get("description", free[1:]))
    return "", " ".join(fields.get("description", []))
