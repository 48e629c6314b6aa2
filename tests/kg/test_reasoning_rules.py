"""kg/reasoning_rules.py: single-premise templates, per-graph consequences, the transitive pass."""

from __future__ import annotations

import pytest

from policykg.errors import ValidationError
from policykg.kg.reasoning import TBox
from policykg.kg.reasoning_rules import RDF_TYPE, Rules, graph_consequences, transitive_closure

EX = "http://example.org/"


def tbox(**fields) -> TBox:
    empty = dict(subclass_of=(), subproperty_of=(), domain=(), range=(), inverse_of=(), symmetric=(),
                 transitive=(), functional=(), inverse_functional=(), disjoint=())
    return TBox(**{**empty, **fields})


def term(name: str) -> str:
    return name if name.startswith('"') else f"<{EX}{name}>"


def line(s: str, p: str, o: str) -> str:
    return f"{term(s)} {term(p)} {term(o)} ."


def type_line(s: str, c: str) -> str:
    return f"<{EX}{s}> {RDF_TYPE} <{EX}{c}> ."


RULES = tbox(
    subproperty_of=((EX + "label", EX + "name"), (EX + "parent", EX + "ancestor")),
    inverse_of=((EX + "name", EX + "nameOf"), (EX + "nameOf", EX + "name"),
                (EX + "ancestor", EX + "descendant"), (EX + "descendant", EX + "ancestor")),
    domain=((EX + "name", EX + "Named"),),
    range=((EX + "nameOf", EX + "Named"),),
    subclass_of=((EX + "Named", EX + "Thing"),),
    transitive=(EX + "ancestor", EX + "descendant"),
)


def test_a_literal_object_is_never_made_a_subject():
    derived, premises = graph_consequences([line("a", "label", '"A"@en')], Rules(RULES))
    assert derived == {line("a", "name", '"A"@en'), type_line("a", "Named"), type_line("a", "Thing")}
    assert premises == []


def test_an_iri_object_gets_the_inverse_and_its_range():
    derived, _ = graph_consequences([line("a", "label", "b")], Rules(RULES))
    assert line("b", "nameOf", "a") in derived
    assert type_line("a", "Named") in derived  # domain of name, and range of nameOf on a


def test_a_graph_s_own_triples_are_not_among_its_consequences():
    graph = [line("a", "label", "b"), line("a", "name", "b")]
    derived, _ = graph_consequences(graph, Rules(RULES))
    assert line("a", "name", "b") not in derived


def test_transitive_premises_are_collected_and_joined_across_graphs():
    rules = Rules(RULES)
    _, first = graph_consequences([line("a", "parent", "b")], rules)
    _, second = graph_consequences([line("b", "parent", "c")], rules)
    assert sorted(first) == [line("a", "ancestor", "b"), line("b", "descendant", "a")]
    added = transitive_closure(first + second, rules)
    assert added == {line("a", "ancestor", "c"), line("c", "descendant", "a")}


def test_a_sub_property_of_rdf_type_is_refused():
    rules = Rules(tbox(subproperty_of=((EX + "kind", RDF_TYPE[1:-1]),)))
    with pytest.raises(ValidationError, match="does not support"):
        graph_consequences([line("a", "kind", "K")], rules)
