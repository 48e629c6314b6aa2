"""Annotation rules of corpus/GUIDELINES.md as the builder applies them to the corpus (issue 6)."""

import re
import shutil
from pathlib import Path

import pytest

from policykg import config
from policykg.build.pipeline import run_build
from policykg.errors import AnnotationError
from policykg.kg.namespaces import BASE

PKG = BASE + "ontology#"
NATIONAL = BASE + "doc/renshebufa-2021-102"
PREFIXES = f"PREFIX pkg: <{PKG}>\nPREFIX pkgr: <{BASE}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def ask(store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


def select(store, query: str) -> list[tuple[str, ...]]:
    return [tuple(t.value if t is not None else None for t in row) for row in store.query(PREFIXES + query)]


def copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    return corpus


# --- notice recipients ---------------------------------------------------------------------------------------


def test_national_notice_is_addressed_by_its_own_text_not_the_receipt_form(store):
    """各省、自治区、直辖市人民政府，国务院各部委、各直属机构 (line 47); Gansu's 送阅 list is the receipt's."""
    assert not ask(store, f"ASK {{ GRAPH ?g {{ <{NATIONAL}> pkg:recipientAgency ?a }} }}")
    addressees = select(store, f"""SELECT ?l WHERE {{ GRAPH ?g {{ <{NATIONAL}> pkg:addressee ?a .
        ?a rdfs:label ?l }} }} ORDER BY ?l""")
    assert addressees == [("各省、自治区、直辖市人民政府",), ("国务院各部委、各直属机构",)]
    circulated = select(store, f"""SELECT ?a WHERE {{ GRAPH ?g {{ <{NATIONAL}/receipt> pkg:circulatedTo ?a }} }}
        ORDER BY ?a""")
    # 送阅: [秘书一处、二处、三处、六处, 综合一处] 省人社厅、发展改革委、教育厅、财政厅
    assert [a.removeprefix(BASE + "agency/") for (a,) in circulated] == [
        "gansu-drc", "gansu-education", "gansu-finance", "gansu-general-office-general-affairs-div-1",
        "gansu-general-office-secretariat-div-1", "gansu-general-office-secretariat-div-2",
        "gansu-general-office-secretariat-div-3", "gansu-general-office-secretariat-div-6", "gansu-hrss"]


def test_recipient_taken_from_the_receipt_form_is_refused(tmp_path, build_options):
    corpus = copy_corpus(tmp_path)
    ann = corpus / "004_f5df76930213c5c2.ann"
    text = ann.read_text(encoding="utf-8")
    ann.write_text(re.sub(r"^(A\d+\tRole T18) Circulation$", r"\1 Recipient", text, flags=re.M), encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("T18\t"))
    with pytest.raises(AnnotationError, match="receipt form") as info:
        run_build(build_options(tmp_path / "data", corpus))
    assert info.value.path.endswith("004_f5df76930213c5c2.ann") and info.value.line == line


# --- approvals -----------------------------------------------------------------------------------------------


def test_approvals_are_facts_with_the_approving_body(store):
    rows = select(store, """SELECT ?plan ?agency ?l WHERE { GRAPH ?g {
        ?a a pkg:Approval ; pkg:approves ?plan ; pkg:approvingAgency ?agency ; rdfs:label ?l .
        ?plan pkg:approval ?a . FILTER (lang(?l) = "zh") } } ORDER BY ?agency""")
    assert [(p.removeprefix(BASE + "doc/"), a.removeprefix(BASE + "agency/"), label) for p, a, label in rows] == [
        ("liaorenshefa-2022-20/plan", "liaoning-government", "经省政府同意"),
        ("lurenshefa-2022-7/plan", "shandong-government", "经省政府同意"),
        ("renshebufa-2021-102/plan", "state-council", "经国务院同意"),
    ]


# --- comparators ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("quote", "comparator"), [
    ("达到565万人", "Reach"),       # 全省技能人才总量达到565万人: a level to be reached
    ("达到300家", "Reach"),
    ("达到25%以上", "AtLeast"),     # the bound wins over 达到
    ("近1亿人次", "Nearly"),        # 近 is a little below, not "about"
    ("达490万人", "Exactly"),       # 达 on a baseline reports the level reached
])
def test_comparators_follow_the_scheme(store, quote, comparator):
    rows = select(store, f"""SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{
        ?s pkg:valueText "{quote}"@zh ; pkg:comparator ?c }} }}""")
    assert rows == [(PKG + comparator,)]


def test_exactly_is_not_labelled_da_dao(store):
    labels = select(store, """SELECT ?l WHERE { GRAPH ?g { pkg:Exactly rdfs:label ?l FILTER (lang(?l) = "zh") } }""")
    assert labels == [("等于",)]
