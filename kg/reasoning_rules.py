"""The OWL 2 RL instance rules of kg/reasoning.py, applied to N-Triples lines in one linear pass.

With the TBox closed beforehand, every instance rule but one has a single premise: prp-spo1,
prp-inv1/2, prp-symp, prp-dom, prp-rng and cax-sco each derive from one triple. The closure of one
triple under them depends only on its predicate and on whether its object is a literal (for
rdf:type, on its class), so it is computed once per predicate on a triple of two placeholders and
then only instantiated: a graph's consequences cost one dictionary look-up per triple. Because the
premise is single, the union of closures is the closure of the union: graphs can be closed one at a
time (and cached) and merged. The one rule with two premises, prp-trp, joins triples that may come
from different graphs; it runs last over the (few) triples of the transitive properties of the
whole dataset, and what it adds gets the single-premise rules too, until nothing new appears.

Triples are N-Triples lines as the engine writes them (``<s> <p> <o> .``), Python strings: hashing
and comparing them is far cheaper than engine term objects, and the engine parses them back in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib.namespace import RDF

from policykg.errors import ValidationError

if TYPE_CHECKING:
    from policykg.kg.reasoning import TBox

RDF_TYPE = f"<{RDF.type}>"
# placeholders for the subject and object of the premise in a predicate's template
_S, _O = 0, 1
_UNSEEN = object()
MAX_ROUNDS = 50


def _nt(iri: str) -> str:
    return f"<{iri}>"


def split_line(line: str) -> tuple[str, str, str]:
    """(subject, predicate, object) of an N-Triples line; the object may hold spaces (a literal)."""
    subject, predicate, rest = line.split(" ", 2)
    return subject, predicate, rest[:-2]


@dataclass(frozen=True)
class Template:
    """What one triple ``s p o`` derives: ``s q o`` for q in forward, ``o q s`` for q in backward,
    ``s a C`` for C in subject_types, ``o a C`` for C in object_types (each already a line suffix)."""

    forward: tuple[str, ...]  # " <q> "
    backward: tuple[str, ...]  # " <q> "
    subject_types: tuple[str, ...]  # " <rdf:type> <C> ."
    object_types: tuple[str, ...]
    transitive: bool = False  # the premise or a derived triple has a transitive predicate

    def apply(self, s: str, o: str, out: set[str]) -> None:
        for q in self.forward:
            out.add(f"{s}{q}{o} .")
        for q in self.backward:
            out.add(f"{o}{q}{s} .")
        for suffix in self.subject_types:
            out.add(s + suffix)
        for suffix in self.object_types:
            out.add(o + suffix)

    def __bool__(self) -> bool:
        return bool(self.forward or self.backward or self.subject_types or self.object_types or self.transitive)


def _multimap(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for a, b in pairs:
        result.setdefault(_nt(a), []).append(_nt(b))
    return result


@dataclass
class Rules:
    """The TBox as look-up tables, and the templates computed from them on first use."""

    tbox: TBox
    _super_properties: dict[str, list[str]] = field(init=False)
    _inverses: dict[str, list[str]] = field(init=False)
    _domains: dict[str, list[str]] = field(init=False)
    _ranges: dict[str, list[str]] = field(init=False)
    _super_classes: dict[str, list[str]] = field(init=False)
    _symmetric: frozenset[str] = field(init=False)
    transitive: frozenset[str] = field(init=False)
    # the templates met so far (None: derives nothing), by class for rdf:type triples, else by
    # predicate for triples with an IRI or blank node object, and with a literal object
    by_class: dict[str, Template | None] = field(init=False, default_factory=dict)
    by_predicate: dict[str, Template | None] = field(init=False, default_factory=dict)
    by_predicate_literal: dict[str, Template | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._super_properties = _multimap(self.tbox.subproperty_of)
        self._inverses = _multimap(self.tbox.inverse_of)
        self._domains = _multimap(self.tbox.domain)
        self._ranges = _multimap(self.tbox.range)
        self._super_classes = _multimap(self.tbox.subclass_of)
        self._symmetric = frozenset(map(_nt, self.tbox.symmetric))
        self.transitive = frozenset(map(_nt, self.tbox.transitive))

    def template(self, predicate: str, obj: str) -> Template | None:
        """The template of ``?s predicate obj`` (None if it derives nothing), computed on first use."""
        if predicate == RDF_TYPE:
            table, key = self.by_class, obj
        else:
            table, key = (self.by_predicate_literal if obj[0] == '"' else self.by_predicate), predicate
        if key not in table:
            template = self._compile(predicate, obj)
            table[key] = template if template else None
        return table[key]

    def _step(self, triple: tuple, literal_object: bool) -> Iterable[tuple]:
        """The triples one single-premise rule derives from ``triple`` (terms or placeholders)."""
        a, p, b = triple
        b_literal = b == _O and literal_object
        yield from ((a, q, b) for q in self._super_properties.get(p, ()))  # prp-spo1
        if not b_literal:
            yield from ((b, q, a) for q in self._inverses.get(p, ()))  # prp-inv1/2
            if p in self._symmetric:
                yield (b, p, a)  # prp-symp
            yield from ((b, RDF_TYPE, c) for c in self._ranges.get(p, ()))  # prp-rng
        yield from ((a, RDF_TYPE, c) for c in self._domains.get(p, ()))  # prp-dom
        if p == RDF_TYPE:
            yield from ((a, RDF_TYPE, c) for c in self._super_classes.get(b, ()))  # cax-sco

    def _compile(self, predicate: str, obj: str) -> Template:
        literal_object = obj[0] == '"'
        premise = (_S, predicate, obj if predicate == RDF_TYPE else _O)
        closure = {premise}
        todo = [premise]
        while todo:
            for derived in self._step(todo.pop(), literal_object):
                if derived not in closure:
                    closure.add(derived)
                    todo.append(derived)
        closure.discard(premise)
        return self._as_template(premise, closure, obj)

    def _as_template(self, premise: tuple, closure: set[tuple], obj: str) -> Template:
        forward, backward, subject_types, object_types = set(), set(), set(), set()
        for a, q, b in closure:
            if q == RDF_TYPE and isinstance(b, str):
                (subject_types if a == _S else object_types).add(f" {RDF_TYPE} {b} .")
            elif q != RDF_TYPE and (a, b) == (_S, _O):
                forward.add(f" {q} ")
            elif q != RDF_TYPE and (a, b) == (_O, _S):
                backward.add(f" {q} ")
            else:  # a sub-property of rdf:type: cax-sco would need the object's value
                raise ValidationError(f"the ontology derives {a} {q} {b} from a {obj} triple, "
                                      "which this reasoner does not support")
        transitive = bool(self.transitive & ({premise[1]} | {q.strip() for q in forward | backward}))
        return Template(*(tuple(sorted(s)) for s in (forward, backward, subject_types, object_types)),
                        transitive=transitive)


def graph_consequences(lines: list[str], rules: Rules) -> tuple[set[str], list[str]]:
    """The single-premise closure of one graph's triples less the graph's own triples, and the
    triples of transitive properties among both (the premises prp-trp may join across graphs)."""
    derived: set[str] = set()
    premises: list[str] = []
    by_class, by_predicate, by_literal = rules.by_class, rules.by_predicate, rules.by_predicate_literal
    for line in lines:  # the hot loop of a build's reasoning: one split, one look-up per triple
        s, p, rest = line.split(" ", 2)
        if p == RDF_TYPE:
            found = by_class.get(rest[:-2], _UNSEEN)
        else:
            found = (by_literal if rest[0] == '"' else by_predicate).get(p, _UNSEEN)
        if found is None:
            continue
        o = rest[:-2]
        if found is _UNSEEN:
            found = rules.template(p, o)
            if found is None:
                continue
        if found.transitive:
            own: set[str] = {line}
            found.apply(s, o, own)
            premises.extend(t for t in own if t.split(" ", 2)[1] in rules.transitive)
        for q in found.forward:
            derived.add(f"{s}{q}{o} .")
        for q in found.backward:
            derived.add(f"{o}{q}{s} .")
        for suffix in found.subject_types:
            derived.add(s + suffix)
        for suffix in found.object_types:
            derived.add(o + suffix)
    derived.difference_update(lines)
    return derived, premises


def _reachable(successors: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(successors.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(successors.get(node, ()))
    return seen


def transitive_closure(premises: Iterable[str], rules: Rules) -> set[str]:
    """What prp-trp adds to a dataset closed under the single-premise rules whose transitive-property
    triples are ``premises`` — and what the other rules derive from that, to a fixpoint."""
    edges: dict[str, dict[str, set[str]]] = {p: {} for p in rules.transitive}
    for line in premises:
        s, p, o = split_line(line)
        edges[p].setdefault(s, set()).add(o)
    added: set[str] = set()
    for _round in range(MAX_ROUNDS):
        new = {f"{s} {p} {o} ." for p, successors in edges.items() for s in list(successors)
               for o in _reachable(successors, s) - successors[s]}
        if not new:
            return added
        consequences = set(new)
        for line in new:
            s, p, o = split_line(line)
            template = rules.template(p, o)
            if template:
                template.apply(s, o, consequences)
        consequences -= added
        added |= consequences
        for line in consequences:
            s, p, o = split_line(line)
            if p in edges:
                edges[p].setdefault(s, set()).add(o)
    raise ValidationError(f"OWL-RL transitive closure did not reach a fixpoint in {MAX_ROUNDS} rounds")
