"""What the catalogue tests share: the plans' IRIs and source files, IRI makers, and running a query of
queries/ on the real build.

Every expectation in the test modules was worked out by hand from the source texts (corpus/*.txt), not
from the annotations: the indicator tables (专栏 1) of the national, Shandong, Linyi and Liaoning plans,
the running text of the Tai'an plan, the notice headers and signatures, the 专栏 boxes, the lists of
departments in the 组织保障 sections and the 《》/〔〕号 citations. Where a query's answer differs from
the text, the test fails: the annotation is what needs fixing, not the expectation.
"""

from __future__ import annotations

import re

from policykg import config
from policykg.kg.query_runner import select_rows

QUERIES_DIR = config.QUERIES_DIR
QUERY_FILES = sorted(QUERIES_DIR.glob("*.rq"))

BASE = "https://w3id.org/policykg/"
PKG = BASE + "ontology#"
NATIONAL = BASE + "doc/renshebufa-2021-102/plan"
SHANDONG = BASE + "doc/lurenshefa-2022-7/plan"
LIAONING = BASE + "doc/liaorenshefa-2022-20/plan"
LINYI = BASE + "doc/linjiubanfa-2022-1/plan"
TAIAN = BASE + "doc/tairenshezi-2021-12/plan"
PLAN_FILES = {
    NATIONAL: "004_f5df76930213c5c2.txt",
    SHANDONG: "001_84cd6972a9a5ce06.txt",
    LIAONING: "003_818e747891e234f7.txt",
    LINYI: "000_efd6f1e3e697da64.txt",
    TAIAN: "002_8402b0486c431577.txt",
}

HEADER_RE = re.compile(
    r"\A# title: (?P<title>\S.*)\n"
    r"# title@zh: (?P<title_zh>\S.*)\n"
    r"(?P<description>(?:# description: \S.*\n)+)"
    r"(?P<description_zh>(?:# description@zh: \S.*\n)+)"
    r"\n(?P<query>(?:PREFIX|SELECT|CONSTRUCT|ASK|DESCRIBE)[\s\S]*)\Z"
)
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def concept(slug: str) -> str:
    return f"{BASE}indicator/{slug}"


def group(slug: str) -> str:
    return f"{BASE}group/{slug}"


def agency(slug: str) -> str:
    return f"{BASE}agency/{slug}"


def work(slug: str) -> str:
    return f"{BASE}work/{slug}"


def query_text(name: str) -> str:
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def run(store, built, name: str, text: str | None = None) -> list[dict[str, str]]:
    return select_rows(store, text if text is not None else query_text(name))


def corpus_text(file_name: str) -> str:
    return (config.CORPUS_DIR / file_name).read_text(encoding="utf-8")


def split(value: str | None, separator: str = ", ") -> set[str]:
    return set(value.split(separator)) if value else set()
