"""annotations: brat files are read strictly and every error names the file and line."""

import json
from pathlib import Path

import pytest

from policykg import config
from policykg.build.annotations import read_document, read_scheme
from policykg.errors import AnnotationError

DATA = Path(__file__).resolve().parent.parent / "data" / "annotations"
SCHEME = read_scheme(config.CORPUS_DIR / "annotation.conf")
BROKEN = json.loads((DATA / "broken" / "expected.json").read_text(encoding="utf-8"))


def test_scheme_declares_the_relations_the_builder_uses():
    assert {"measures", "during", "partOf", "itemOf", "serves", "responsibleFor"} <= set(SCHEME.relations)
    assert SCHEME.attributes["Cumulative"][1] is None  # a flag
    assert "Issuer" in SCHEME.attributes["Role"][1]


def test_reads_a_valid_document():
    doc = read_document(DATA / "mini.txt", SCHEME)
    target = doc.entities["T4"]
    assert doc.text[target.start:target.end] == "≥7500 万"
    assert [e.id for e in doc.targets_of(target, "measures")] == ["T2"]
    assert doc.entities["T2"].notes == {"concept": "subsidized-training",
                                        "en": "Subsidised vocational skills training"}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_annotation_is_refused_with_file_and_line(name):
    message, line = BROKEN[name]
    with pytest.raises(AnnotationError) as info:
        read_document(DATA / "broken" / f"{name}.txt", SCHEME)
    assert message in str(info.value)
    assert info.value.path.endswith(f"{name}.ann")
    assert info.value.line == line


def test_corpus_annotations_are_valid():
    for text in sorted(config.CORPUS_DIR.glob("*.txt")):
        doc = read_document(text, SCHEME)
        assert doc.of_type("DocNumber"), text
