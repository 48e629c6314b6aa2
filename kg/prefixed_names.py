"""IRIs written as prefixed names with the project's predeclared prefixes (`pkg:Plan`), defined once
for the pages, the CLI's tables and the reports."""

from __future__ import annotations

import re

from policykg.kg.namespaces import PREFIXES

_NAMESPACES = sorted(((iri, prefix) for prefix, iri in PREFIXES.items()), key=lambda p: -len(p[0]))
# SPARQL 1.1 / Turtle PN_LOCAL: these characters are written with a backslash (PN_LOCAL_ESC)
_LOCAL_ESCAPES = frozenset("_~.-!$&'()*+,;=/?#@%")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def compact(iri: str, *, pasteable: bool = True) -> str:
    """`prefix:local` for an IRI in a predeclared namespace (the longest one), else `<iri>`.

    `pasteable`: the local part escaped where SPARQL requires it (`pkgr:doc\\/x\\/plan`), so that the
    name can be pasted back into a query; otherwise as it reads (`pkgr:doc/x/plan`), for tables and
    messages. Either way only an IRI whose local part a prefixed name can hold is shortened.
    """
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = sparql_local_name(iri[len(namespace):])
            if local is not None:
                return f"{prefix}:{local if pasteable else iri[len(namespace):]}"
    return f"<{iri}>"


def sparql_local_name(local: str) -> str | None:
    """`local` written as a SPARQL/Turtle PN_LOCAL (escaping `/`, `#`, … and a leading `-` or trailing
    `.`), or None when it holds a character that no escape allows (space, `<`, `"`, …)."""
    out = []
    index = 0
    while index < len(local):
        char = local[index]
        if char == "%" and _PERCENT.match(local, index):
            out.append(local[index:index + 3])
            index += 3
            continue
        first, last = index == 0, index == len(local) - 1
        if _is_pn_chars(char) and not (first and (char == "-" or _is_combining(char))):
            out.append(char)
        elif char == ":" or (char == "." and not first and not last):
            out.append(char)
        elif char in _LOCAL_ESCAPES:
            out.append("\\" + char)
        else:
            return None
        index += 1
    return "".join(out)


def _is_pn_chars(char: str) -> bool:
    """PN_CHARS of the SPARQL grammar (letters, digits, `_`, `-`, `·` and the listed Unicode ranges)."""
    code = ord(char)
    return (char.isascii() and (char.isalnum() or char in "_-")) or code == 0xB7 or any(
        low <= code <= high for low, high in _PN_RANGES)


def _is_combining(char: str) -> bool:
    return 0x300 <= ord(char) <= 0x36F or 0x203F <= ord(char) <= 0x2040


_PN_RANGES = (
    (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x300, 0x36F), (0x370, 0x37D), (0x37F, 0x1FFF),
    (0x200C, 0x200D), (0x203F, 0x2040), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF),
    (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF),
)
