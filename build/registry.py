"""Corpus-wide identities: the agencies, groups, concepts, jurisdictions … that several documents share."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from policykg.build.annotations import AnnotatedDocument, Entity
from policykg.build.iris import DocumentIRIs, document_slug
from policykg.build.normalize import fold
from policykg.errors import AnnotationError, BuildError

# entity type → (registry kind, note key holding the identity)
IDENTIFIED = {
    "Agency": ("agency", "id"),
    "Person": ("person", "id"),
    "TargetGroup": ("group", "id"),
    "NamedProgram": ("programme", "id"),
    "Indicator": ("concept", "concept"),
    "Jurisdiction": ("jurisdiction", "code"),
    "CitedDocument": ("work", "id"),
    "Funding": ("funding", "id"),
}
# note keys whose value must agree on every mention of one identity
SHARED_NOTES = ("en", "zh", "parent", "juris", "doc", "kind")


@dataclass
class Identity:
    """Everything the corpus says about one shared resource."""

    kind: str
    key: str
    forms: Counter = field(default_factory=Counter)
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (value, where)

    @property
    def label_zh(self) -> str:
        """The `zh=` note, else the most frequent printed form (ties: the longer, then the smaller string)."""
        if "zh" in self.notes:
            return self.notes["zh"][0]
        return sorted(self.forms.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]

    @property
    def alt_labels(self) -> list[str]:
        preferred = self.label_zh
        return sorted(f for f in self.forms if f != preferred)

    def note(self, key: str) -> str | None:
        found = self.notes.get(key)
        return found[0] if found else None


@dataclass
class Registry:
    identities: dict[tuple[str, str], Identity]
    documents: dict[str, DocumentIRIs]  # file stem → IRIs

    def get(self, kind: str, key: str) -> Identity:
        return self.identities[(kind, key)]

    def has(self, kind: str, key: str) -> bool:
        return (kind, key) in self.identities

    def concept_kind(self, concept: str) -> str:
        """stock or flow: the kind= note of an indicator concept (checked by build_registry)."""
        return self.get("concept", concept).note("kind")


def identity_key(entity: Entity) -> tuple[str, str] | None:
    spec = IDENTIFIED.get(entity.type)
    if spec is None:
        return None
    kind, note = spec
    return kind, entity.notes[note]


def _document_iris(doc: AnnotatedDocument) -> DocumentIRIs:
    numbers = doc.of_type("DocNumber")
    if len(numbers) != 1:
        raise AnnotationError(str(doc.ann_path), None, f"needs exactly one DocNumber, has {len(numbers)}")
    try:
        return DocumentIRIs(document_slug(fold(numbers[0].text)))  # 號, full-width digits: as in the number read
    except BuildError as exc:
        raise AnnotationError(str(doc.ann_path), numbers[0].line, str(exc)) from None


MEASURE_KINDS = ("stock", "flow")


def _check_concept_kinds(docs: list[AnnotatedDocument], identities: dict[tuple[str, str], Identity]) -> None:
    """Every indicator concept says once whether it is a stock or a flow (GUIDELINES "Stock and flow")."""
    for doc in docs:
        for entity in doc.of_type("Indicator"):
            ident = identities[("concept", entity.notes["concept"])]
            kind = ident.note("kind")
            if kind not in MEASURE_KINDS:
                problem = f"kind={kind!r} is neither stock nor flow" if kind else "has no kind=stock|flow"
                raise AnnotationError(str(doc.ann_path), entity.line,
                                      f"indicator concept {ident.key!r} {problem} (give it on one mention)")


def build_registry(docs: list[AnnotatedDocument]) -> Registry:
    """Collect shared identities and check that their notes agree across the corpus."""
    identities: dict[tuple[str, str], Identity] = {}
    for doc in docs:
        for entity in doc.entities.values():
            key = identity_key(entity)
            if key is None:
                continue
            ident = identities.setdefault(key, Identity(*key))
            if entity.type != "CitedDocument":
                ident.forms[entity.reading] += 1
            where = f"{doc.ann_path}:{entity.line}"
            for note in SHARED_NOTES:
                if note not in entity.notes:
                    continue
                value = entity.notes[note]
                previous = ident.notes.setdefault(note, (value, where))
                if previous[0] != value:
                    raise AnnotationError(
                        str(doc.ann_path), entity.line,
                        f"{key[0]} {key[1]!r}: {note}={value!r} disagrees with {note}={previous[0]!r} "
                        f"given at {previous[1]}",
                    )
    _check_concept_kinds(docs, identities)
    documents = {doc.stem: _document_iris(doc) for doc in docs}
    slugs = defaultdict(list)
    for stem, iris in documents.items():
        slugs[iris.slug].append(stem)
    for slug, stems in slugs.items():
        if len(stems) > 1:
            raise BuildError(f"documents {', '.join(stems)} share the number-derived slug {slug!r}")
    return Registry(identities, documents)
