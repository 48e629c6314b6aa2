"""A jurisdiction's level (national, provincial, municipal) and the division above, from GB/T 2260."""

from __future__ import annotations

from policykg.build.iris import PKG
from policykg.build.profiles import NATIONAL_CODE
from policykg.kg import divisions

LEVELS = {"national": "National", "provincial": "Provincial", "municipal": "Municipal"}


def level_of(code: str) -> str:
    """national for 100000 (the whole country), provincial for a province, municipal below, as the
    GB/T 2260 list (policykg.kg.divisions) records the division's level."""
    if code == NATIONAL_CODE:
        return "national"
    return "provincial" if divisions.get(code).level is divisions.Level.PROVINCE else "municipal"


def level_term(code: str) -> str:
    """The pkg:Level concept of a division code (raises UnknownDivisionError for a code not in the list)."""
    return PKG[LEVELS[level_of(code)]]


def parent_code(code: str) -> str | None:
    """The division above in the GB/T 2260 list (a province's parent is the country, 100000)."""
    if code == NATIONAL_CODE:
        return None
    parent = divisions.parent(code)
    return parent.code if parent else NATIONAL_CODE
