"""What the emitter knows while it works through one document, and how it ties facts to their text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from policykg.build.annotations import AnnotatedDocument, Entity
from policykg.build.emit.terms import Writer, en, typed, zh
from policykg.build.iris import ITSRDF, NIF, PKG, PROV, RDF, RDFS, XSD, DocumentIRIs
from policykg.build.registry import Registry
from policykg.errors import AnnotationError, NormalizationError


@dataclass(frozen=True)
class UnitTables:
    """ontology/units.ttl as the normaliser reads it: printed zh forms → unit id, unit id → English label."""

    forms: dict[str, str]
    english: dict[str, str]


@dataclass
class Context:
    """One document, the corpus-wide registry, the unit tables, and the graph being written."""

    doc: AnnotatedDocument
    reg: Registry
    out: Writer
    units: UnitTables
    # annotation id → the IRIs of its spans, once they are written (most annotations are asked for twice:
    # identified, then derived from)
    _spans: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)
    # annotation type → (start, end, annotation) of each, in of_type's order (by start)
    _extents: dict[str, list[tuple[int, int, Entity]]] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def iris(self) -> DocumentIRIs:
        return self.reg.documents[self.doc.stem]

    def error(self, entity: Entity, message: str) -> AnnotationError:
        return AnnotationError(str(self.doc.ann_path), entity.line, f"{entity.id} ({entity.text!r}): {message}")

    @contextmanager
    def blame(self, entity: Entity, *errors: type[Exception]) -> Iterator[None]:
        """Report a failure to read `entity` (a NormalizationError, or `errors`) as an error at its line."""
        try:
            yield
        except (NormalizationError, *errors) as exc:
            raise self.error(entity, str(exc)) from None

    def spans(self, entity: Entity) -> list[str]:
        """Emit the text spans of an annotation and its NIF annotation unit; return the spans' IRIs.

        One span may carry several annotations (an Indicator and a TargetGroup on 贫困劳动力): each is
        its own nif:AnnotationUnit with its brat ID and type, so neither loses which is which.
        """
        written = self._spans.get(entity.id)
        if written is not None:
            return written
        result = self._spans[entity.id] = []
        iris, text, out = self.iris, self.doc.text, self.out
        unit = iris.annotation(entity.id)
        out.add_facts(unit, ((RDF.type, NIF.AnnotationUnit), (PKG.annotationType, ox.Literal(entity.type)),
                             (PKG.annotationId, ox.Literal(entity.id))))
        for start, end in entity.fragments:
            span = iris.span(start, end)
            out.add_facts(span, ((RDF.type, PKG.TextSpan), (NIF.referenceContext, iris.text),
                                 (NIF.beginIndex, typed(start, XSD.nonNegativeInteger)),
                                 (NIF.endIndex, typed(end, XSD.nonNegativeInteger)),
                                 (NIF.anchorOf, ox.Literal(text[start:end])), (NIF.annotationUnit, unit)))
            result.append(span)
        return result

    def derive(self, resource: str, *entities: Entity) -> None:
        """A statement or record read from these annotations: prov:wasDerivedFrom each of their spans."""
        for entity in entities:
            for span in self.spans(entity):
                self.out.add(resource, PROV.wasDerivedFrom, span)

    def identify(self, entity: Entity, resource: str) -> None:
        """The annotation names `resource` (itsrdf:taIdentRef, as NIF 2.1 annotation units do). For a
        mention of a real-world thing (agency, person, place, group, programme, fund) this is the only
        link: the thing is not derived from the text."""
        self.spans(entity)
        self.out.add(self.iris.annotation(entity.id), ITSRDF.taIdentRef, resource)

    def record(self, resource: str, entity: Entity, *others: Entity) -> None:
        """A record read from its own annotation `entity` (and from `others`): identified and derived."""
        self.identify(entity, resource)
        self.derive(resource, entity, *others)

    def one(self, etype: str, *, required: bool = True) -> Entity | None:
        found = self.doc.of_type(etype)
        if len(found) > 1 or (required and not found):
            raise AnnotationError(str(self.doc.ann_path), None, f"needs exactly one {etype}, has {len(found)}")
        return found[0] if found else None

    def containing(self, entity: Entity, etype: str) -> Entity | None:
        """The annotation of `etype` whose span contains `entity`'s span, if any."""
        extents = self._extents.get(etype)
        if extents is None:
            extents = self._extents[etype] = [(e.start, e.end, e) for e in self.doc.of_type(etype)]
        start, end = entity.start, entity.end
        for other_start, other_end, other in extents:
            if other_start > start:  # sorted by start: no later one begins early enough
                break
            if end <= other_end and other.id != entity.id:
                return other
        return None

    def labels(self, resource: str, entity: Entity, prop: str = RDFS.label) -> None:
        """The annotation's text as a reader writes it (zh), and its en= note, as labels of `resource`."""
        self.out.add(resource, prop, zh(entity.reading))
        if "en" in entity.notes:
            self.out.add(resource, prop, en(entity.notes["en"]))
