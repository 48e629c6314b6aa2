"""Read brat standoff files (.ann) and the annotation scheme (annotation.conf), and check them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from policykg.errors import AnnotationError, AnnotationErrors

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_KEYS = {"id", "concept", "parent"}
NOTE_KEY_RE = re.compile(r"^[a-z]+$")

# Notes each entity type must carry; relations each type must have as Arg1 (exactly once).
REQUIRED_NOTES = {
    "Agency": ("id",),
    "Person": ("id",),
    "Jurisdiction": ("code",),
    "Indicator": ("concept",),
    "Program": ("box",),
    "NamedProgram": ("id",),
    "TargetGroup": ("id",),
    "CitedDocument": ("id",),
    "PlanTitle": ("juris",),
    "Funding": ("id",),
}
REQUIRED_RELATIONS = {
    "Target": ("measures", "during"),
    "Baseline": ("measures", "during"),
    "ProgramItem": ("itemOf",),
    "Approval": ("approvedBy",),
}
# relations each type must have as Arg1 at least once (one 年底前 for two targets)
REQUIRED_AT_LEAST_ONE = {"Deadline": ("deadlineFor",)}
REQUIRED_ATTRIBUTES = {"Agency": ("Role",), "Date": ("DateRole",), "CitedDocument": ("CiteRole",)}


@dataclass(frozen=True)
class Scheme:
    """The entity types, relation signatures and attributes declared in annotation.conf."""

    entities: frozenset[str]
    relations: dict[str, tuple[frozenset[str], frozenset[str]]]
    attributes: dict[str, tuple[frozenset[str], frozenset[str] | None]]


@dataclass
class Entity:
    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str
    line: int
    attributes: dict[str, str | bool] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def reading(self) -> str:
        """The text as a reader writes it: the fragments of a discontinuous span (a phrase broken across
        lines) joined with no space, except between two Latin letters or digits (corpus/GUIDELINES.md)."""
        parts = self.text.split(" ") if len(self.fragments) > 1 else [self.text]
        if len(parts) != len(self.fragments):  # a fragment with its own spaces: rejoin by lengths
            parts, rest = [], self.text
            for start, end in self.fragments:
                parts.append(rest[: end - start])
                rest = rest[end - start + 1:]
        joined = parts[0]
        for part in parts[1:]:
            latin = joined[-1:].isascii() and joined[-1:].isalnum() and part[:1].isascii() and part[:1].isalpha()
            joined += (" " if latin else "") + part
        return joined

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True)
class Relation:
    id: str
    type: str
    arg1: str
    arg2: str
    line: int


@dataclass
class AnnotatedDocument:
    """One corpus text with its annotations, all offsets checked against the text."""

    stem: str
    ann_path: Path
    text: str
    entities: dict[str, Entity]
    relations: list[Relation]

    def of_type(self, *types: str) -> list[Entity]:
        return sorted(
            (e for e in self.entities.values() if e.type in types), key=lambda e: e.fragments
        )

    def targets_of(self, entity: Entity, relation: str) -> list[Entity]:
        """Arg2 entities of `relation` whose Arg1 is `entity`."""
        return [self.entities[r.arg2] for r in self.relations if r.type == relation and r.arg1 == entity.id]

    def sources_of(self, entity: Entity, relation: str) -> list[Entity]:
        """Arg1 entities of `relation` whose Arg2 is `entity`."""
        return [self.entities[r.arg1] for r in self.relations if r.type == relation and r.arg2 == entity.id]

    def indexed(self) -> IndexedDocument:
        """This document, answering of_type, targets_of and sources_of from indexes made once."""
        return IndexedDocument(self.stem, self.ann_path, self.text, self.entities, self.relations)


@dataclass
class IndexedDocument(AnnotatedDocument):
    """A document read many times and changed no more (the emitter asks of_type, targets_of and
    sources_of tens of thousands of times per document, each a pass over every annotation otherwise).
    The answers are those of AnnotatedDocument, in the same order; make it after any change."""

    def __post_init__(self) -> None:
        # every entity in of_type's order: sorted by fragments, ties in file order (a stable sort)
        self._in_order = sorted(self.entities.values(), key=lambda e: e.fragments)
        self._of_type: dict[tuple[str, ...], list[Entity]] = {}
        self._by_arg: dict[tuple[str, str, int], list[Relation]] = defaultdict(list)
        for rel in self.relations:
            self._by_arg[(rel.type, rel.arg1, 1)].append(rel)
            self._by_arg[(rel.type, rel.arg2, 2)].append(rel)

    def of_type(self, *types: str) -> list[Entity]:
        found = self._of_type.get(types)
        if found is None:
            found = self._of_type[types] = [e for e in self._in_order if e.type in types]
        return list(found)

    def targets_of(self, entity: Entity, relation: str) -> list[Entity]:
        return [self.entities[r.arg2] for r in self._by_arg.get((relation, entity.id, 1), ())]

    def sources_of(self, entity: Entity, relation: str) -> list[Entity]:
        return [self.entities[r.arg1] for r in self._by_arg.get((relation, entity.id, 2), ())]


def _split_types(spec: str) -> frozenset[str]:
    return frozenset(t.strip() for t in spec.split("|") if t.strip())


def read_scheme(path: Path) -> Scheme:
    """Parse the [entities], [relations] and [attributes] sections of a brat annotation.conf."""
    section = None
    entities: set[str] = set()
    relations: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    attributes: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("<") else raw.strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section == "entities":
            entities.add(line)
        elif section == "relations" and not line.startswith("<"):
            name, _, rest = line.partition(" ")
            args = dict(part.strip().split(":", 1) for part in rest.split(","))
            relations[name] = (_split_types(args["Arg1"]), _split_types(args["Arg2"]))
        elif section == "attributes":
            name, _, rest = line.partition(" ")
            parts = dict(part.strip().split(":", 1) for part in rest.split(","))
            if "Arg" not in parts:
                raise AnnotationError(str(path), number, f"attribute {name} has no Arg:")
            values = _split_types(parts["Value"]) if "Value" in parts else None
            attributes[name] = (_split_types(parts["Arg"]), values)
    return Scheme(frozenset(entities), relations, attributes)


def parse_notes(text: str, where: tuple[str, int]) -> dict[str, str]:
    """Parse `key=value; key=value` annotator notes."""
    notes: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not NOTE_KEY_RE.match(key) or not value:
            raise AnnotationError(*where, f"note part {part!r} is not key=value")
        if key in SLUG_KEYS and not SLUG_RE.match(value):
            raise AnnotationError(*where, f"{key}={value!r} is not an ASCII slug [a-z0-9-]")
        if key in notes:
            raise AnnotationError(*where, f"note key {key!r} given twice")
        notes[key] = value
    return notes


def _parse_fragments(spec: str, where: tuple[str, int]) -> tuple[tuple[int, int], ...]:
    fragments = []
    for part in spec.split(";"):
        try:
            start, end = (int(x) for x in part.split())
        except ValueError:
            raise AnnotationError(*where, f"bad offsets {spec!r}") from None
        if not 0 <= start < end:
            raise AnnotationError(*where, f"empty or negative span {part!r}")
        fragments.append((start, end))
    return tuple(fragments)


def _parse_line(doc: AnnotatedDocument, number: int, line: str, notes_for: list) -> None:
    where = (str(doc.ann_path), number)
    ann_id, _, rest = line.partition("\t")
    if not rest:
        raise AnnotationError(*where, "expected a TAB after the annotation ID")
    kind = ann_id[:1]
    if kind == "T":
        head, _, quote = rest.partition("\t")
        etype, _, offsets = head.partition(" ")
        fragments = _parse_fragments(offsets, where)
        if ann_id in doc.entities:
            raise AnnotationError(*where, f"duplicate ID {ann_id}")
        doc.entities[ann_id] = Entity(ann_id, etype, fragments, quote, number)
    elif kind == "R":
        parts = rest.split()
        if len(parts) != 3 or not parts[1].startswith("Arg1:") or not parts[2].startswith("Arg2:"):
            raise AnnotationError(*where, "relation must read 'Type Arg1:T1 Arg2:T2'")
        doc.relations.append(Relation(ann_id, parts[0], parts[1][5:], parts[2][5:], number))
    elif kind == "A":
        parts = rest.split()
        if len(parts) not in (2, 3):
            raise AnnotationError(*where, "attribute must read 'Name T1 [Value]'")
        notes_for.append(("A", number, parts))
    elif kind == "#":
        head, _, note = rest.partition("\t")
        parts = head.split()
        if len(parts) != 2 or parts[0] != "AnnotatorNotes":
            raise AnnotationError(*where, "note must read 'AnnotatorNotes T1<TAB>key=value; ...'")
        notes_for.append(("#", number, (parts[1], note)))
    else:
        raise AnnotationError(*where, f"unsupported annotation kind {ann_id!r} (use T, R, A or #)")


def _check_entity(doc: AnnotatedDocument, entity: Entity, scheme: Scheme) -> None:
    where = (str(doc.ann_path), entity.line)
    if entity.type not in scheme.entities:
        raise AnnotationError(*where, f"unknown entity type {entity.type!r} (see annotation.conf)")
    for start, end in entity.fragments:
        if end > len(doc.text):
            raise AnnotationError(*where, f"offset {end} is past the end of the text ({len(doc.text)})")
        if "\n" in doc.text[start:end]:
            raise AnnotationError(*where, f"span {start}-{end} crosses a line break")
    actual = " ".join(doc.text[s:e] for s, e in entity.fragments)
    if actual != entity.text:
        raise AnnotationError(
            *where, f"{entity.id} quote {entity.text!r} differs from the text at its offsets: {actual!r}"
        )
    if actual != actual.strip():
        raise AnnotationError(*where, f"{entity.id} span {actual!r} has surrounding white space")


def _apply_extras(doc: AnnotatedDocument, extras: list, scheme: Scheme, errors: list[AnnotationError]) -> None:
    for extra in extras:
        try:
            _apply_extra(doc, extra, scheme)
        except AnnotationError as exc:
            errors.append(exc)


def _apply_extra(doc: AnnotatedDocument, extra: tuple, scheme: Scheme) -> None:
    kind, number, parts = extra
    where = (str(doc.ann_path), number)
    if kind == "A":
        name, target = parts[0], parts[1]
        value: str | bool = parts[2] if len(parts) == 3 else True
        if name not in scheme.attributes:
            raise AnnotationError(*where, f"unknown attribute {name!r}")
        entity = doc.entities.get(target)
        if entity is None:
            raise AnnotationError(*where, f"attribute on unknown annotation {target}")
        arg_types, values = scheme.attributes[name]
        if entity.type not in arg_types:
            raise AnnotationError(*where, f"attribute {name} does not apply to {entity.type}")
        if (values is None) != (value is True) or (values and value not in values):
            allowed = "no value (a flag)" if values is None else "|".join(sorted(values))
            raise AnnotationError(*where, f"{name} value {value!r} invalid; allowed: {allowed}")
        if name in entity.attributes:
            raise AnnotationError(*where, f"{target} has attribute {name} twice")
        entity.attributes[name] = value
    else:
        target, note = parts
        entity = doc.entities.get(target)
        if entity is None:
            raise AnnotationError(*where, f"note on unknown annotation {target}")
        for key, value in parse_notes(note, where).items():
            if key in entity.notes:
                raise AnnotationError(*where, f"{target} has note key {key!r} twice")
            entity.notes[key] = value


def _check_relations(doc: AnnotatedDocument, scheme: Scheme, errors: list[AnnotationError]) -> None:
    seen: set[str] = set()
    for rel in doc.relations:
        if rel.id in seen:
            errors.append(AnnotationError(str(doc.ann_path), rel.line, f"duplicate ID {rel.id}"))
            continue
        seen.add(rel.id)
        try:
            _check_relation(doc, rel, scheme)
        except AnnotationError as exc:
            errors.append(exc)


def _check_relation(doc: AnnotatedDocument, rel: Relation, scheme: Scheme) -> None:
    where = (str(doc.ann_path), rel.line)
    if rel.type not in scheme.relations:
        raise AnnotationError(*where, f"unknown relation {rel.type!r} (see annotation.conf)")
    arg1_types, arg2_types = scheme.relations[rel.type]
    for arg, allowed in ((rel.arg1, arg1_types), (rel.arg2, arg2_types)):
        entity = doc.entities.get(arg)
        if entity is None:
            raise AnnotationError(*where, f"{rel.type} refers to unknown annotation {arg}")
        if entity.type not in allowed:
            raise AnnotationError(
                *where,
                f"{rel.type} cannot take {entity.type} {arg} ({entity.text!r}); "
                f"allowed: {'|'.join(sorted(allowed))}",
            )


def _check_completeness(doc: AnnotatedDocument, errors: list[AnnotationError]) -> None:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for rel in doc.relations:
        counts[(rel.arg1, rel.type)] += 1
    for entity in doc.entities.values():
        problems = [f"needs a note {key}=" for key in REQUIRED_NOTES.get(entity.type, ()) if key not in entity.notes]
        problems += [f"needs the attribute {name}" for name in REQUIRED_ATTRIBUTES.get(entity.type, ())
                     if name not in entity.attributes]
        for rel_type in REQUIRED_RELATIONS.get(entity.type, ()):
            n = counts[(entity.id, rel_type)]
            if n != 1:
                problems.append(f"needs exactly one {rel_type} relation, has {n}")
        problems += [f"needs at least one {rel_type} relation"
                     for rel_type in REQUIRED_AT_LEAST_ONE.get(entity.type, ()) if not counts[(entity.id, rel_type)]]
        # the label only for an entity with a problem: the corpus has a few hundred thousand annotations
        errors.extend(AnnotationError(str(doc.ann_path), entity.line, f"{entity.type} {entity.id} ({entity.text!r}) "
                                      f"{problem}") for problem in problems)


def read_document(text_path: Path, scheme: Scheme) -> AnnotatedDocument:
    """Read `<stem>.txt` and `<stem>.ann`, checking every line against the text and the scheme.

    Raises AnnotationErrors (an AnnotationError naming the first problem) carrying every error found.
    """
    doc, errors = read_document_collecting(text_path, scheme)
    if errors:
        raise AnnotationErrors(errors)
    return doc


def read_document_collecting(text_path: Path, scheme: Scheme) -> tuple[AnnotatedDocument, list[AnnotationError]]:
    """Read a document and return it with every error found, in the order the checks find them (causes first)."""
    ann_path = text_path.with_suffix(".ann")
    text = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
    doc = AnnotatedDocument(text_path.stem, ann_path, text, {}, [])
    if not ann_path.exists():
        return doc, [AnnotationError(str(ann_path), None, "annotation file is missing")]
    errors: list[AnnotationError] = []
    extras: list = []
    for number, line in enumerate(ann_path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                _parse_line(doc, number, line.rstrip("\r"), extras)
            except AnnotationError as exc:
                errors.append(exc)
    for entity in doc.entities.values():
        try:
            _check_entity(doc, entity, scheme)
        except AnnotationError as exc:
            errors.append(exc)
    _apply_extras(doc, extras, scheme, errors)
    _check_relations(doc, scheme, errors)
    _check_completeness(doc, errors)
    return doc, errors

