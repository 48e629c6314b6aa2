"""build.emit.levels: levels and parents of GB/T 2260 divisions; the whole country is 100000."""

import pytest

from policykg.build.emit.levels import level_of, level_term, parent_code
from policykg.errors import UnknownDivisionError
from policykg.kg.namespaces import PKG


@pytest.mark.parametrize(("code", "level"), [
    ("100000", "national"), ("370000", "provincial"), ("370900", "municipal"), ("371300", "municipal"),
    ("110000", "provincial"),
])
def test_level_of(code, level):
    assert level_of(code) == level


def test_level_term_is_the_ontology_concept():
    assert level_term("370000") == PKG.Provincial
    assert level_term("100000") == PKG.National


@pytest.mark.parametrize(("code", "parent"), [("370900", "370000"), ("370000", "100000"), ("100000", None)])
def test_parent_code(code, parent):
    assert parent_code(code) == parent


def test_unknown_code_is_refused():
    with pytest.raises(UnknownDivisionError):
        level_of("379999")
