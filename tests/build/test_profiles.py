"""ELI, ORG/CPOV, SKOS and shared identifiers are asserted in the published data, not only inferred."""

from __future__ import annotations

import pytest

from policykg.build.profiles import wikidata_links
from policykg.config import CORPUS_DIR
from policykg.kg import divisions
from policykg.kg.namespaces import INFERRED_GRAPH, PREFIXES

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def rows(store, query: str) -> list[tuple]:
    return [tuple(term.value if term is not None else None for term in solution)
            for solution in store.query(PROLOGUE + query)]


def test_notices_and_plans_are_asserted_eli_works_with_a_chinese_expression(store):
    works = rows(store, f"""SELECT DISTINCT ?w WHERE {{ GRAPH ?g {{ ?w a pkg:Notice }}
        FILTER(?g != <{INFERRED_GRAPH}>) }}""")
    assert len(works) == 5
    found = rows(store, f"""SELECT ?w ?title ?type WHERE {{ GRAPH ?g {{
        ?w a eli:LegalResource ; eli:type_document ?type ; eli:is_realized_by ?e .
        ?e a eli:LegalExpression ; eli:realizes ?w ; eli:title ?title ;
           eli:language <http://publications.europa.eu/resource/authority/language/ZHO> }}
        FILTER(?g != <{INFERRED_GRAPH}>) }}""")
    notices = {w for w, _, t in found if t.endswith("document-type/notice")}
    plans = {w for w, _, t in found if t.endswith("document-type/plan")}
    assert notices == {w for (w,) in works}
    assert plans == {w + "/plan" for (w,) in works}
    assert all(title for _, title, _ in found)


def test_the_expression_title_is_the_notices_printed_title(store):
    found = rows(store, """SELECT ?label ?title WHERE { GRAPH ?g { ?n a pkg:Notice ; eli:is_realized_by ?e ;
        rdfs:label ?label . ?e eli:title ?title FILTER(LANG(?label) = "zh") } }""")
    assert len(found) == 5 and all(label == title for label, title in found)


def test_works_are_passed_by_their_issuing_agencies_and_have_a_jurisdiction(store):
    missing = rows(store, f"""SELECT ?n WHERE {{ GRAPH ?g {{ ?n a pkg:Notice }} FILTER(?g != <{INFERRED_GRAPH}>)
        FILTER NOT EXISTS {{ GRAPH ?h {{ ?n eli:passed_by ?a ; eli:jurisdiction ?j }} }} }}""")
    assert missing == []
    issuers = rows(store, "SELECT ?n ?a WHERE { GRAPH ?g { ?n pkg:issuer ?a } }")
    passed = set(rows(store, "SELECT ?n ?a WHERE { GRAPH ?g { ?n eli:passed_by ?a } }"))
    assert issuers and set(issuers) <= passed


def test_agencies_are_asserted_organisations_and_public_ones_have_a_place(store):
    untyped = rows(store, f"""SELECT ?a WHERE {{ GRAPH ?g {{ ?a a pkg:Agency }} FILTER(?g != <{INFERRED_GRAPH}>)
        FILTER NOT EXISTS {{ GRAPH ?h {{ ?a a org:Organization }} FILTER(?h != <{INFERRED_GRAPH}>) }} }}""")
    assert untyped == []
    public = rows(store, """SELECT ?a ?j WHERE { GRAPH ?g { ?a a cv:PublicOrganisation ; dcterms:spatial ?j .
        ?a pkg:jurisdiction ?j } }""")
    assert public


def test_jurisdictions_carry_the_p442_form_and_the_ministry_name_of_their_code(store):
    found = rows(store, "SELECT DISTINCT ?code ?p442 ?name WHERE { GRAPH ?g { ?j pkg:divisionCode ?code ; "
                        "pkg:p442Code ?p442 ; pkg:officialName ?name } }")
    assert len(found) >= 5
    for code, p442, name in found:
        assert (p442, name) == (divisions.get(code).p442, divisions.get(code).name)


def test_wikidata_items_only_where_the_links_file_cites_a_source(store):
    links = wikidata_links(CORPUS_DIR)
    assert links and all(source.startswith("https://") for _, source in links.values())
    found = set(rows(store, f"SELECT DISTINCT ?j ?item WHERE {{ GRAPH ?g {{ ?j skos:exactMatch ?item }} "
                            f"FILTER(?g != <{INFERRED_GRAPH}> && STRSTARTS(STR(?item), str(wd:))) }}"))
    expected = {(f"https://w3id.org/policykg/jurisdiction/{code}", f"http://www.wikidata.org/entity/{item}")
                for code, (item, _) in links.items()}
    assert found == expected


def test_a_code_outside_the_gbt2260_list_is_an_annotation_error_naming_file_and_line(tmp_path, build_options):
    import shutil

    from policykg.build.pipeline import run_build
    from policykg.errors import AnnotationError

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus)
    ann = next(corpus.glob("000_*.ann"))  # Linyi (371300) → a code the Ministry's list does not have
    text = ann.read_text(encoding="utf-8")
    assert "code=371300" in text
    ann.write_text(text.replace("code=371300", "code=379999").replace("juris=371300", "juris=379999"),
                   encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"000_\w+\.ann:\d+: .*'379999'.*Xzqh20251231"):
        run_build(build_options(tmp_path / "data", corpus))
