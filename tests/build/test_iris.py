"""IRIs are readable ASCII derived from the document number, never from counters or file order."""

import pytest

from policykg.build.iris import DocumentIRIs, document_slug
from policykg.errors import BuildError


@pytest.mark.parametrize(
    ("number", "slug"),
    [
        ("人社部发〔2021〕102号", "renshebufa-2021-102"),
        ("鲁人社发〔2022〕7号", "lurenshefa-2022-7"),
        ("辽人社发〔2022〕20号", "liaorenshefa-2022-20"),
        ("临就办发〔2022〕1号", "linjiubanfa-2022-1"),
        ("泰人社字〔2021〕12号", "tairenshezi-2021-12"),
        ("鲁政发[2021]5号", "luzhengfa-2021-5"),
    ],
)
def test_document_slug(number, slug):
    assert document_slug(number) == slug


def test_malformed_number():
    with pytest.raises(BuildError, match="not of the form"):
        document_slug("第102号")


def test_document_iris():
    d = DocumentIRIs("renshebufa-2021-102")
    assert d.notice == "https://w3id.org/policykg/doc/renshebufa-2021-102"
    assert d.span(10, 20) == d.notice + "/text/10-20"
    assert d.item(2, 3) == d.notice + "/programme/box-2/item-3"
    assert d.graph == "https://w3id.org/policykg/graph/renshebufa-2021-102"
