"""build.registry: corpus-wide identities, their labels and notes checked across documents."""

import copy
from collections import Counter
from pathlib import Path

import pytest

from policykg import config
from policykg.build.annotations import read_document, read_scheme
from policykg.build.registry import Identity, build_registry, identity_key
from policykg.errors import AnnotationError, BuildError

DATA = Path(__file__).resolve().parent.parent / "data" / "emit"
SCHEME = read_scheme(config.CORPUS_DIR / "annotation.conf")


@pytest.fixture
def doc():
    return read_document(DATA / "notice.txt", SCHEME)


def test_identity_key(doc):
    assert identity_key(doc.entities["T5"]) == ("agency", "taian-hrss")
    assert identity_key(doc.entities["T23"]) == ("concept", "subsidized-training")  # its concept= note
    assert identity_key(doc.entities["T16"]) == ("jurisdiction", "370900")  # its code= note
    assert identity_key(doc.entities["T26"]) == ("group", "migrant-workers")
    assert identity_key(doc.entities["T4"]) is None  # a DocNumber names nothing shared


def test_label_is_the_most_frequent_form_then_the_longer_then_the_smaller():
    ident = Identity("agency", "x", forms=Counter({"市人社局": 3, "泰安市人社局": 2}))
    assert ident.label_zh == "市人社局"
    ident.forms["泰安市人社局"] += 1
    assert ident.label_zh == "泰安市人社局"  # a tie: the longer
    smaller = Identity("agency", "x", forms=Counter({"乙局": 1, "甲局": 1}))
    assert smaller.label_zh == "乙局"  # then the smaller string (乙 U+4E59 < 甲 U+7532)
    assert ident.alt_labels == ["市人社局"]


def test_a_zh_note_names_the_resource_whatever_is_printed():
    ident = Identity("agency", "x", forms=Counter({"市人社局": 3}), notes={"zh": ("泰安市人力资源和社会保障局", "f:1")})
    assert ident.label_zh == "泰安市人力资源和社会保障局"
    assert ident.alt_labels == ["市人社局"]
    assert ident.note("zh") == "泰安市人力资源和社会保障局" and ident.note("en") is None


def test_registry_of_a_document(doc):
    reg = build_registry([doc])
    hrss = reg.get("agency", "taian-hrss")
    assert hrss.forms == Counter({"泰安市人力资源和社会保障局": 1, "市人社局": 1})
    assert hrss.note("juris") == "370900"  # given on one mention, shared by all
    assert reg.has("jurisdiction", "370000") and not reg.has("jurisdiction", "100000")
    assert reg.concept_kind("skilled-talent-stock") == "stock"
    assert reg.concept_kind("subsidized-training") == "flow"
    assert reg.get("work", "mohrss-2021-102").forms == Counter()  # cited documents are known by their id
    assert reg.documents["notice"].slug == "tairenshezi-2099-1"


def test_notes_must_agree_across_mentions(doc):
    doc.entities["T38"].notes["en"] = "Tai'an HRSS"  # 市人社局, line 38; T5 (line 5) says otherwise
    with pytest.raises(AnnotationError, match=r"agency 'taian-hrss': en=\"Tai'an HRSS\" disagrees with "
                                              r"en=\"Tai'an Human Resources and Social Security Bureau\" given at "
                                              r".*notice.ann:5") as info:
        build_registry([doc])
    assert info.value.line == 38


def test_notes_must_agree_across_documents(doc):
    other = copy.deepcopy(doc)
    other.stem = "other"
    other.entities["T4"].text = "泰人社字〔2099〕2号"
    other.entities["T6"].notes["juris"] = "370000"
    with pytest.raises(AnnotationError, match="juris='370000' disagrees with juris='370900'"):
        build_registry([doc, other])


@pytest.mark.parametrize(("kind", "problem"), [(None, "has no kind=stock|flow"),
                                               ("level", "kind='level' is neither stock nor flow")])
def test_every_indicator_concept_is_a_stock_or_a_flow(doc, kind, problem):
    del doc.entities["T33"].notes["kind"]
    if kind:
        doc.entities["T33"].notes["kind"] = kind
    with pytest.raises(AnnotationError, match=f"indicator concept 'skilled-talent-stock' {problem}") as info:
        build_registry([doc])
    assert info.value.line == 33


def test_a_document_number_must_be_readable(doc):
    doc.entities["T4"].text = "第一号"
    with pytest.raises(AnnotationError, match="not of the form") as info:
        build_registry([doc])
    assert info.value.line == 4


def test_a_document_needs_one_number(doc):
    del doc.entities["T4"]
    with pytest.raises(AnnotationError, match="needs exactly one DocNumber, has 0"):
        build_registry([doc])


def test_two_documents_cannot_share_a_slug(doc):
    other = copy.deepcopy(doc)
    other.stem = "other"
    other.entities["T4"].text = "泰人社字[2099]1号"  # the same number printed with other brackets
    with pytest.raises(BuildError, match="documents notice, other share the number-derived slug 'tairenshezi-2099-1'"):
        build_registry([doc, other])
