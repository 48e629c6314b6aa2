"""What the server must know about a SPARQL request before running it, read from the query text.

The parser of record is Oxigraph's (in the worker, which reports syntax errors with positions).
This module only tokenises enough to tell: the operation's form (SELECT, ASK, … or an update
keyword), whether the query names its own dataset (FROM / FROM NAMED), and which endpoints its
SERVICE clauses call, so that updates are refused and SERVICE calls are checked against the
allow-list before anything is executed. Strings, comments and IRIs are tokenised as such, so a
keyword inside them is never mistaken for one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][^\s{}()<>,;.'"=!|/^*+\[\]]+)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w\-:%.]|\\.)*)
  | (?P<word>[^\W\d_]\w*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


# the words `analyse` looks for in the whole text, beyond the prologue
_SCANNED_KEYWORDS = frozenset({"FROM", "SERVICE"})


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass
class QueryText:
    """The facts the server acts on before execution."""

    form: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    has_dataset_clause: bool = False
    service_targets: list[str] = field(default_factory=list)
    unresolved_services: list[str] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS


def tokens(text: str) -> list[Token]:
    """Significant tokens of a SPARQL text (whitespace and comments dropped)."""
    return list(iter_tokens(text))


def iter_tokens(text: str) -> Iterator[Token]:
    """The tokens of `tokens`, one at a time (a reader that stops early tokenises no further)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group())


def mentions_word(text: str, words: frozenset[str]) -> bool:
    """False when no token of `text` can be one of `words` (upper case), read without tokenising: a
    word token matches when its `upper()` does, and `text.upper()` holds the `upper()` of each of its
    words (str.upper maps character by character). True means: tokenise to know."""
    upper = text.upper()
    return any(word in upper for word in words)


def analyse(text: str) -> QueryText:
    """Read the prologue, the operation's form, dataset clauses and SERVICE targets."""
    result = QueryText()
    if not mentions_word(text, _SCANNED_KEYWORDS):
        # the common case (12 of the 14 catalogue queries): only the prologue and the form are read,
        # which saves tokenising the whole text (~0.2 ms a query, issue 10)
        _read_head(text, result)
        return result
    toks = tokens(text)
    position = _read_prologue(toks, result)
    if position < len(toks) and toks[position].kind == "word":
        result.form = toks[position].text.upper()
    for index, token in enumerate(toks):
        if token.kind != "word":
            continue
        keyword = token.text.upper()
        if keyword == "FROM":
            result.has_dataset_clause = True
        elif keyword == "SERVICE":
            _read_service(toks, index + 1, result)
    return result


def _read_head(text: str, result: QueryText, span: int = 4) -> None:
    """The prologue and the form, from the first tokens of `text` (more are read while the prologue
    goes on to the end of those taken)."""
    while True:
        head = list(itertools.islice(iter_tokens(text), span))
        result.prefixes.clear()
        result.base = None
        position = _read_prologue(head, result)
        # the prologue's end was decided on tokens all present (a PREFIX needs the two after it)
        if len(head) < span or position + 3 < len(head):
            break
        span *= 4
    if position < len(head) and head[position].kind == "word":
        result.form = head[position].text.upper()


def _read_prologue(toks: list[Token], result: QueryText) -> int:
    position = 0
    while position < len(toks) and toks[position].kind == "word":
        keyword = toks[position].text.upper()
        if keyword == "BASE" and _kind(toks, position + 1) == "iri":
            result.base = _resolve(toks[position + 1].text[1:-1], result.base)
            position += 2
        elif keyword == "PREFIX" and _kind(toks, position + 1) == "pname" and _kind(toks, position + 2) == "iri":
            name = toks[position + 1].text
            result.prefixes[name[:-1] if name.endswith(":") else name] = _resolve(
                toks[position + 2].text[1:-1], result.base
            )
            position += 3
        else:
            break
    return position


def _read_service(toks: list[Token], position: int, result: QueryText) -> None:
    if _kind(toks, position) == "word" and toks[position].text.upper() == "SILENT":
        position += 1
    if position >= len(toks):
        result.unresolved_services.append("(nothing after SERVICE)")
        return
    token = toks[position]
    if token.kind == "iri":
        result.service_targets.append(_resolve(token.text[1:-1], result.base))
    elif token.kind == "pname":
        iri = _expand(token.text.rstrip("."), result.prefixes)
        if iri is None:
            result.unresolved_services.append(token.text)
        else:
            result.service_targets.append(iri)
    else:
        result.unresolved_services.append(token.text)


def _expand(pname: str, prefixes: dict[str, str]) -> str | None:
    prefix, _, local = pname.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _kind(toks: list[Token], position: int) -> str | None:
    return toks[position].kind if position < len(toks) else None
