"""A 专栏 box whose title names a programme is joined to that programme (pkg:presentsProgramme): the national
boxes 2–5 and Liaoning's box 2 are the named programmes of the running text, not separate resources only."""

from __future__ import annotations

from policykg.kg.namespaces import BASE, INFERRED_GRAPH

PKG = BASE + "ontology#"


def test_boxes_present_the_programmes_their_titles_name(store):
    query = f"""SELECT ?b ?n WHERE {{ GRAPH ?g {{ ?b <{PKG}presentsProgramme> ?n . ?b a <{PKG}Program> .
        ?n a <{PKG}NamedProgram> }} FILTER(?g != <{INFERRED_GRAPH}>) }}"""
    found = {(row["b"].value.removeprefix(BASE + "doc/"), row["n"].value.removeprefix(BASE + "programme/"))
             for row in store.query(query)}
    assert {
        ("renshebufa-2021-102/programme/box-2", "training-venue-sharing-action"),
        ("renshebufa-2021-102/programme/box-3", "rural-revitalization-skills-project"),
        ("renshebufa-2021-102/programme/box-4", "school-vocational-training-action"),
        ("renshebufa-2021-102/programme/box-5", "industry-training-integration-pilot-action"),
        ("liaorenshefa-2022-20/programme/box-2", "rural-transfer-labour-skills-plan"),
    } <= found
    # a box titled with no programme's name presents none (国家 专栏 1 is the indicator table, 专栏 7 a 工程 of its own)
    assert not [box for box, _ in found if box.endswith(("box-1", "box-7"))]
