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
    circulated = select(store, f"""SELECT ?a WHERE {{ GRAPH ?g {{ <{NATIONAL}/receipt> pkg:circulatedTo ?a .
        ?a a pkg:Agency }} }} ORDER BY ?a""")
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


# --- mentions and things -------------------------------------------------------------------------------------


def test_things_are_named_by_annotations_not_derived_from_spans(store):
    """itsrdf:taIdentRef from an annotation unit; no agency, person or concept becomes a prov:Entity."""
    assert ask(store, f"""PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
        ASK {{ GRAPH ?g {{ ?u itsrdf:taIdentRef <{BASE}agency/mohrss> }} }}""")
    for kind in ("agency/mohrss", "person/he-wei", "group/migrant-workers", "jurisdiction/100000"):
        assert not ask(store, f"ASK {{ GRAPH ?g {{ <{BASE}{kind}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }} }}")
    inferred_entities = select(store, f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX org: <http://www.w3.org/ns/org#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?x WHERE {{ GRAPH <{BASE}graph/inferred> {{ ?x a prov:Entity }}
            GRAPH ?g {{ ?x a ?c }} FILTER (?c IN (pkg:Agency, foaf:Person, pkg:TargetGroup, pkg:Jurisdiction,
                                               pkg:IndicatorConcept, pkg:NamedProgram)) }}""")
    assert inferred_entities == []


def test_two_annotations_on_one_span_keep_their_own_id_and_type(store):
    """004 贫困劳动力 (text/851-854… of the table row) is an Indicator and a TargetGroup: two units."""
    rows = select(store, f"""PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        SELECT ?span ?id ?type WHERE {{ GRAPH <{BASE}graph/renshebufa-2021-102> {{
            ?span nif:annotationUnit ?u1 , ?u2 ; nif:anchorOf "贫困劳动力" .
            ?u1 pkg:annotationType "Indicator" . ?u2 pkg:annotationType "TargetGroup" .
            ?span nif:annotationUnit ?u . ?u pkg:annotationId ?id ; pkg:annotationType ?type }} }}
        ORDER BY ?span ?type""")
    assert rows, "no span of 004 carries both an Indicator and a TargetGroup"
    by_span: dict[str, dict[str, str]] = {}
    for span, ann_id, ann_type in rows:
        by_span.setdefault(span, {})[ann_type] = ann_id
    ann = (config.CORPUS_DIR / "004_f5df76930213c5c2.ann").read_text(encoding="utf-8")
    for span, pairs in by_span.items():
        begin, end = span.rsplit("/", 1)[1].split("-")
        for ann_type, ann_id in pairs.items():  # the brat file says this ID has this type at these offsets
            fragment = rf"(?:\d+ \d+;)*{begin} {end}(?:;\d+ \d+)*"  # the span, or one fragment of a discontinuous one
            assert re.search(rf"^{ann_id}\t{ann_type} {fragment}\t", ann, re.M), (ann_id, ann_type, span)


def test_every_term_the_builder_emits_is_declared(store):
    """pkg: terms and borrowed ones alike: predicates and classes of the document graphs are in the ontology."""
    rows = select(store, f"""SELECT DISTINCT ?t WHERE {{
        {{ GRAPH ?g {{ ?s ?t ?o }} }} UNION {{ GRAPH ?g {{ ?s a ?t }} }}
        FILTER (STRSTARTS(STR(?g), "{BASE}graph/") && !STRENDS(STR(?g), "/vocabulary") && !STRENDS(STR(?g), "/shapes")
                && !STRENDS(STR(?g), "/inferred") && !STRENDS(STR(?g), "/void"))
        FILTER NOT EXISTS {{ GRAPH <{BASE}graph/vocabulary> {{ ?t a ?kind }} }} }} ORDER BY ?t""")
    undeclared = {t for (t,) in rows} - {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                                         "http://www.w3.org/2000/01/rdf-schema#label"}
    assert undeclared == set()


# --- labels of discontinuous spans ---------------------------------------------------------------------------


@pytest.mark.parametrize(("resource", "label"), [
    ("doc/lurenshefa-2022-7", "关于印发《山东省“十四五”职业技能培训规划》的通知"),  # 职业技能\n培训规划
    ("programme/training-venue-sharing-action", "职业技能培训场地、设备共建共享行动"),
])
def test_labels_of_line_broken_phrases_have_no_joining_space(store, resource, label):
    labels = select(store, f"""SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ <{BASE}{resource}> rdfs:label ?l
        FILTER (lang(?l) = "zh") }} }}""")
    assert (label,) in labels
    assert not [lab for (lab,) in labels if re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", lab)]


def test_reading_joins_cjk_fragments_and_keeps_latin_spaces():
    from policykg.build.annotations import Entity

    assert Entity("T1", "NoticeTitle", ((0, 4), (5, 9)), "职业技能 培训规划", 1).reading == "职业技能培训规划"
    assert Entity("T2", "Target", ((0, 2), (3, 5)), "至少 5类", 1).reading == "至少5类"
    assert Entity("T3", "CitedDocument", ((0, 3), (4, 8)), "ISO 9001", 1).reading == "ISO9001"
    assert Entity("T4", "CitedDocument", ((0, 6), (7, 11)), "Skills China", 1).reading == "Skills China"


# --- programme items -----------------------------------------------------------------------------------------


def test_programme_item_label_is_its_short_title_and_the_paragraph_its_description(store):
    """3. 退役军人培训计划。结合退役军人实际和就业愿望，开展全员适\\n应性培训… (Linyi 专栏, broken across lines)."""
    rows = select(store, """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?label ?description WHERE { GRAPH ?g { ?i a pkg:ProgramItem ; rdfs:label ?label ;
            dcterms:description ?description FILTER (lang(?label) = "zh" && ?label = "退役军人培训计划"@zh) } }""")
    assert rows
    for _, description in rows:
        assert description.startswith("3.退役军人培训计划。") or description.startswith("3. 退役军人培训计划。")
        assert "开展全员适应性培训" in description and description.endswith("。")
    labels = [label for (label,) in select(store, """SELECT ?l WHERE { GRAPH ?g { ?i a pkg:ProgramItem ;
        rdfs:label ?l FILTER (lang(?l) = "zh") } }""")]
    assert labels and not [label for label in labels if "。" in label or re.match(r"^\s*\d", label)]


# --- indicators: 其中, concerns, one unit, text/table pairs -------------------------------------------------

LIAONING = BASE + "doc/liaorenshefa-2022-20"


def test_part_of_only_where_the_row_prints_qizhong(store):
    """企业新型学徒制培训(人次) 5万 has no 其中: it is not a part of 开展补贴性职业技能培训; 农民工参加职业培训 is."""
    parts = select(store, f"""SELECT ?part WHERE {{ GRAPH ?g {{
        ?part pkg:partOf <{LIAONING}/indicator/subsidized-training> }} }}""")
    assert parts == [(f"{LIAONING}/indicator/migrant-worker-training",)]


def test_concerns_is_whom_the_row_counts(store):
    groups = select(store, f"""SELECT ?g WHERE {{ GRAPH ?x {{
        <{LIAONING}/indicator/migrant-worker-training> pkg:concerns ?g }} }}""")
    assert groups == [(BASE + "group/migrant-workers",)]


def test_text_and_table_restating_one_target_are_one_statement(store):
    """150万 / 150万人次以上 and 75万 / 75万人次以上 are one ≥ target each; 新增高技能人才25万人以上 (persons) and the
    row 新增取得高级工以上…证书(人次) 25万 differ in unit, so they are two indicators, not one target twice."""
    rows = select(store, f"""SELECT ?concept ?unit (COUNT(DISTINCT ?s) AS ?n)
        (GROUP_CONCAT(?vt; separator="|") AS ?texts)
        WHERE {{ GRAPH <{BASE}graph/liaorenshefa-2022-20> {{ ?s a pkg:IndicatorTarget ;
            pkg:indicator/pkg:measures ?concept ; pkg:unit ?unit ; pkg:valueText ?vt }} }}
        GROUP BY ?concept ?unit""")
    by_concept = {c.removeprefix(BASE + "indicator/"): (u.removeprefix(BASE + "unit/"), int(n), set(t.split("|")))
                  for c, u, n, t in rows}
    assert by_concept["subsidized-training"] == ("person-time", 1, {"150万", "150万人次以上"})
    assert by_concept["new-certificates"][:2] == ("person-time", 1)
    assert by_concept["new-high-skilled-talent"] == ("person-time", 1, {"25万"})
    assert by_concept["new-high-skilled-talent-persons"] == ("person", 1, {"25万人以上"})
    assert not [s for (s,) in select(store, "SELECT ?s WHERE { GRAPH ?g { ?s a pkg:IndicatorTarget } "
                                            "FILTER (CONTAINS(STR(?s), '-at-')) }")]


def _corpus_with(tmp_path: Path, stem: str, old: str, new: str) -> Path:
    corpus = copy_corpus(tmp_path)
    ann = corpus / f"{stem}.ann"
    text = ann.read_text(encoding="utf-8")
    assert old in text
    ann.write_text(text.replace(old, new), encoding="utf-8")
    return corpus


def test_two_units_for_one_indicator_of_a_plan_are_refused(tmp_path, build_options):
    corpus = _corpus_with(tmp_path, "003_818e747891e234f7",
                          "concept=new-high-skilled-talent-persons; en=New high-skilled workers (persons); kind=flow",
                          "concept=new-high-skilled-talent")
    with pytest.raises(AnnotationError, match="one unit per indicator of a plan"):
        run_build(build_options(tmp_path / "data", corpus))


def test_mentions_of_one_indicator_concerning_different_groups_are_refused(tmp_path, build_options):
    corpus = _corpus_with(tmp_path, "003_818e747891e234f7", "R66\tconcerns Arg1:T70 Arg2:T102",
                          "R66\tconcerns Arg1:T70 Arg2:T102\nR9999\tconcerns Arg1:T143 Arg2:T140")
    with pytest.raises(AnnotationError, match="of the same indicator migrant-worker-training concerns"):
        run_build(build_options(tmp_path / "data", corpus))


def test_concept_without_kind_is_refused(tmp_path, build_options):
    corpus = _corpus_with(tmp_path, "003_818e747891e234f7", "; kind=flow", "")
    with pytest.raises(AnnotationError, match="has no kind=stock|flow"):
        run_build(build_options(tmp_path / "data", corpus))


# --- time: deadlines of targets, recurrence of tasks, every period ---------------------------------------------


def test_nian_di_qian_is_the_deadline_of_the_taian_share_targets(store):
    """2021年 … 年底前力争实现全市技能劳动者占就业人员总量的比例达到25%以上，高技能人才…达到30%以上 (Tai'an line 31)."""
    rows = select(store, f"""SELECT ?vt ?due WHERE {{ GRAPH <{BASE}graph/tairenshezi-2021-12> {{
        ?t a pkg:IndicatorTarget ; pkg:valueText ?vt ; pkg:deadline ?d . ?d pkg:dueDate ?due ; pkg:deadlineFor ?t }} }}
        ORDER BY ?vt""")
    assert rows == [("达到25%以上", "2021-12-31"), ("达到30%以上", "2021-12-31")]


def test_yearly_labour_star_competition_recurs(store):
    """通过企业岗位练兵，每年组织“劳动之星”职业技能大赛市级重点赛事 (Linyi line 175)."""
    rows = select(store, f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?l ?every WHERE {{ GRAPH <{BASE}graph/linjiubanfa-2022-1> {{
        ?t a pkg:Task ; rdfs:label ?l ; pkg:recurrence/skos:notation ?every ; pkg:period ?p
        FILTER (lang(?l) = "zh" && CONTAINS(?l, "劳动之星")) }} }}""")
    assert rows == [("组织“劳动之星”职业技能大赛市级重点赛事", "P1Y")]


def test_every_annotated_period_is_in_the_graph(store):
    """Shandong's “十三五”时期 (001 T27) heads its review section; no value points at it, it is still there."""
    rows = select(store, f"""PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
        SELECT ?p WHERE {{ GRAPH <{BASE}graph/lurenshefa-2022-7> {{
        <{BASE}doc/lurenshefa-2022-7/text/annotation/T27> itsrdf:taIdentRef ?p .
        <{BASE}doc/lurenshefa-2022-7/plan> pkg:mentionsPeriod ?p }} }}""")
    assert rows == [(BASE + "period/2016--2020",)]


def test_liaoning_shi_si_wu_qi_mo_targets_are_levels_at_the_end_of_2025(store):
    rows = select(store, f"""SELECT DISTINCT ?p WHERE {{ GRAPH <{BASE}graph/liaorenshefa-2022-20> {{
        ?t pkg:valueText "达到300家"@zh ; pkg:period ?p ; pkg:aggregation pkg:Level }} }}""")
    assert rows == [(BASE + "instant/2025-12-31",)]


def test_kinds_of_organisation_are_not_groups_of_people(store):
    """面向农业企业、农民合作社、家庭农场、农业社会化服务组织… : organisation categories, served like groups."""
    rows = select(store, """SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x a pkg:OrganisationCategory } } ORDER BY ?x""")
    assert [x.removeprefix(BASE + "group/") for (x,) in rows] == [
        "agricultural-enterprises", "agricultural-service-organisations", "family-farms", "farmer-cooperatives"]
    assert not ask(store, "ASK { GRAPH ?g { ?x a pkg:OrganisationCategory , pkg:TargetGroup } }")
    assert not ask(store, f"ASK {{ GRAPH <{BASE}graph/inferred> {{ <{BASE}group/family-farms> a pkg:TargetGroup }} }}")


# --- responsibilities and money ------------------------------------------------------------------------------


def test_lead_agency_is_distinguished_and_qualified(store):
    """由市人社局牵头 … 开展专账资金使用互查 (Tai'an): the lead, as a property and as an org:Role."""
    rows = select(store, f"""SELECT ?task ?role WHERE {{ GRAPH <{BASE}graph/tairenshezi-2021-12> {{
        ?task a pkg:Task ; pkg:leadAgency <{BASE}agency/taian-hrss> ; pkg:responsibleAgency <{BASE}agency/taian-hrss> ;
              pkg:responsibility ?r . ?r pkg:agent <{BASE}agency/taian-hrss> ; pkg:role ?role ;
              pkg:responsibilityOf ?task }} }}""")
    assert [role for _, role in rows] == [PKG + "LeadRole"]
    roles = {r for (r,) in select(store, "SELECT DISTINCT ?r WHERE { GRAPH ?g { ?x pkg:role ?r } }")}
    assert PKG + "ParticipantRole" in roles


def test_duty_about_money_names_its_fund(store):
    rows = select(store, f"""SELECT ?l WHERE {{ GRAPH <{BASE}graph/tairenshezi-2021-12> {{
        ?task pkg:concernsFunding ?f . ?f a pkg:FundingSource . ?task rdfs:label ?l FILTER (lang(?l) = "zh") }} }}""")
    # line 39 开展专账资金使用互查; line 55 规范…专账资金管理使用, 对培训的过程真实性进行专项审核 (before applying
    # for the account's funds); line 57 切实压实专账资金管理使用责任
    assert sorted(rows) == sorted([("开展专账资金使用互查",), ("进一步规范职业技能提升行动专账资金管理使用",),
                                   ("对培训的过程真实性进行专项审核",), ("切实压实专账资金管理使用责任",)])


# --- units ---------------------------------------------------------------------------------------------------


def test_unit_english_label_is_its_preferred_label(store):
    """28家 is 28 establishments, not “enterprises” (an altLabel of the unit chosen by alphabetical order)."""
    labels = [label for (label,) in select(store, f"""SELECT ?l WHERE {{ GRAPH <{BASE}graph/liaorenshefa-2022-20> {{
        ?b a pkg:Baseline ; pkg:valueText "28家"@zh ; rdfs:label ?l FILTER (lang(?l) = "en") }} }}""")]
    assert labels and all("28 establishment" in label and "enterprise" not in label for label in labels)


def test_units_match_qudt_where_qudt_has_them():
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    units = Graph().parse(config.ONTOLOGY_DIR / "units.ttl")
    unit = "https://w3id.org/policykg/unit/"
    assert units.value(URIRef(unit + "yuan"), SKOS.exactMatch) == URIRef("http://qudt.org/vocab/unit/CCY_CNY")
    assert units.value(URIRef(unit + "percent"), SKOS.exactMatch) == URIRef("http://qudt.org/vocab/unit/PERCENT")
    assert units.value(URIRef(unit + "person-time"), SKOS.exactMatch) is None


@pytest.mark.parametrize(("programme", "kind"), [
    ("malanhua-plan", "ProgrammeOfMeasures"), ("malanhua-lecturer-contest", "Competition"),
    ("china-skills-award", "Honour"), ("golden-blue-collar", "Brand"), ("two-catalogues-one-system", "Platform"),
    ("lifelong-vocational-skills-training-system", "Institution"), ("one-city-one-brand", "Campaign"),
])
def test_named_programmes_have_kinds(store, programme, kind):
    node = f"<{BASE}programme/{programme}>"
    rows = select(store, f"SELECT DISTINCT ?k WHERE {{ GRAPH ?g {{ {node} pkg:programmeKind ?k }} }}")
    assert rows == [(PKG + kind,)]


def test_offsets_are_non_negative_integers_in_the_published_dumps(built):
    """NIF's offsets are non-negative integers. Oxigraph (the store behind the endpoint and the pages) keeps
    every integer subtype as xsd:integer, so the dumps carry them as the store does: one graph through every
    door (docs/design.md); the value is what NIF's xsd:nonNegativeInteger range asks for."""
    offsets = re.compile(r'nif-core#(?:begin|end)Index> "(-?\d+)"\^\^<([^>]+)>')
    found = offsets.findall((built.path / "policykg.nq").read_text(encoding="utf-8"))
    assert found and {datatype for _, datatype in found} == {"http://www.w3.org/2001/XMLSchema#integer"}
    assert all(int(value) >= 0 for value, _ in found)


# --- RDF Data Cube -------------------------------------------------------------------------------------------

QB_PREFIX = "PREFIX qb: <http://purl.org/linked-data/cube#>\n"


def test_targets_and_baselines_are_data_cube_observations(store):
    """Every statement is a qb:Observation of one data set with a structure; its dimensions and measure are
    given (W3C Data Cube IC-1, IC-2, IC-11) and no two observations of a data set share them (IC-12)."""
    observations = select(store, QB_PREFIX + """SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g {
        ?o a qb:Observation ; qb:dataSet ?d ; pkg:indicator ?i ; pkg:period ?p ; pkg:aggregation ?a ; pkg:value ?v .
        ?d a qb:DataSet ; qb:structure pkg:StatementStructure } }""")
    all_statements = select(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { { ?s a pkg:IndicatorTarget } "
                                   "UNION { ?s a pkg:Baseline } } }")
    assert int(observations[0][0]) == int(all_statements[0][0]) > 60
    assert not ask(store, QB_PREFIX + """ASK { GRAPH ?g { ?o qb:dataSet ?d1 , ?d2 FILTER (?d1 != ?d2) } }""")
    assert not ask(store, QB_PREFIX + """ASK { GRAPH ?g {
        ?a qb:dataSet ?d ; pkg:indicator ?i ; pkg:period ?p ; pkg:aggregation ?x .
        ?b qb:dataSet ?d ; pkg:indicator ?i ; pkg:period ?p ; pkg:aggregation ?x . FILTER (?a != ?b) } }""")


def test_every_person_has_a_role(store):
    """送阅 leaders are the receipt's circulation; 编辑 and 校核人 are the notice's editor and proofreader."""
    lonely = select(store, """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
        SELECT ?p WHERE { GRAPH ?g { ?p a foaf:Person }
            FILTER NOT EXISTS { GRAPH ?h { ?x ?r ?p } FILTER (?r != itsrdf:taIdentRef) } }""")
    assert lonely == []
    circulated = select(store, f"""SELECT (COUNT(?p) AS ?n) WHERE {{ GRAPH ?g {{
        <{NATIONAL}/receipt> pkg:circulatedTo ?p . ?p a <http://xmlns.com/foaf/0.1/Person> }} }}""")
    assert circulated == [("10",)]

