"""Fixtures of the emitter's tests: one small notice (tests/data/emit/notice.txt/.ann, a received copy
of a municipal plan with a box, targets, a stock, tasks and a deadline) and three units."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg import config
from policykg.build.annotations import AnnotatedDocument, read_document, read_scheme
from policykg.build.emit.context import Context, UnitTables
from policykg.build.emit.terms import GraphWriter
from policykg.build.registry import build_registry
from policykg.build.vocabulary import unit_tables

DATA = Path(__file__).resolve().parents[2] / "data" / "emit"


class Quads:
    """The quads a test emitted, asked by subject and predicate (IRIs as strings)."""

    def __init__(self, quads: set[ox.Quad]) -> None:
        self.quads = quads

    def objects(self, subject: str, predicate: str) -> set[ox.NamedNode | ox.Literal]:
        return {q.object for q in self.quads
                if q.subject.value == str(subject) and q.predicate.value == str(predicate)}

    def iris(self, subject: str, predicate: str) -> set[str]:
        return {o.value for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)}

    def subjects(self, predicate: str, obj: str) -> set[str]:
        return {q.subject.value for q in self.quads
                if q.predicate.value == str(predicate) and q.object.value == str(obj)}


@pytest.fixture(scope="session")
def scheme():
    return read_scheme(config.CORPUS_DIR / "annotation.conf")


@pytest.fixture(scope="session")
def units() -> UnitTables:
    return UnitTables(*unit_tables(DATA / "units.ttl"))


@pytest.fixture
def doc(scheme) -> AnnotatedDocument:
    """A fresh copy of the notice, which a test may change before it makes its context."""
    return read_document(DATA / "notice.txt", scheme)


@pytest.fixture
def make_context(units) -> Callable[[AnnotatedDocument], Context]:
    """Context of a document with a registry of that document alone (made after any change to it)."""

    def make(document: AnnotatedDocument) -> Context:
        reg = build_registry([document])
        return Context(document, reg, GraphWriter(reg.documents[document.stem].graph), units)

    return make


@pytest.fixture
def ctx(doc, make_context) -> Context:
    return make_context(doc)


@pytest.fixture
def written() -> Callable[[GraphWriter], Quads]:
    """The quads written so far through a GraphWriter (a context's `out`)."""
    return lambda out: Quads(out.quads)
