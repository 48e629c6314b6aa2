"""Facts corrected by the December 2026 audit (corpus/review/audit-2026-12.md), checked on the built
graph, and the audit tool itself (bench/fact_audit.py: seeded, quotes equal the source text)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from policykg import config
from policykg.kg.query_runner import select_rows

ROOT = Path(__file__).resolve().parent.parent
LIAONING = "https://w3id.org/policykg/doc/liaorenshefa-2022-20"


def _values(store, built, query: str) -> set[str]:
    return {next(iter(row.values())) for row in select_rows(store, query)}


def test_liaoning_migrant_worker_row_concerns_only_migrant_workers(store, built):
    # 专栏1 row 2 其中:农民工参加职业培训 counts 农民工 only; the 专栏2 item's groups are served, not counted
    groups = _values(store, built, f"""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT ?g WHERE {{ GRAPH ?x {{ <{LIAONING}/indicator/migrant-worker-training> pkg:concerns ?g }} }}""")
    assert groups == {"https://w3id.org/policykg/group/migrant-workers"}


def test_liaoning_new_high_skilled_persons_and_person_times_are_two_concepts(store, built):
    # 新增高技能人才25万人以上 (text, persons) vs 专栏1 row 4 25万 (人次): one unit per concept
    rows = select_rows(store, f"""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT ?c ?u WHERE {{ GRAPH ?x {{ ?t pkg:inPlan <{LIAONING}/plan> ; pkg:indicator/pkg:measures ?c ;
            pkg:unit ?u ; pkg:value ?v FILTER(?v = 250000) }} }}""")
    units = {row["c"].rsplit("/", 1)[-1]: row["u"].rsplit("/", 1)[-1] for row in rows
             if "new-high-skilled" in row["c"]}
    assert units == {"new-high-skilled-talent": "person-time", "new-high-skilled-talent-persons": "person"}


def test_establishment_counts_are_not_called_enterprises(store, built):
    labels = _values(store, built, f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?l WHERE {{ GRAPH ?x {{ <{LIAONING}/baseline/national-master-studios-total/2020-12-31>
            rdfs:label ?l FILTER(LANG(?l) = "en") }} }}""")
    assert labels and not any("enterprises" in label for label in labels)


def _audit_module():
    spec = importlib.util.spec_from_file_location("fact_audit", ROOT / "bench" / "fact_audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_fact_audit_sample_is_seeded_and_quotes_the_source(built, capsys):
    fact_audit = _audit_module()
    args = ["--sample", "12", "--seed", "7", "--data", str(built.path.parent.parent), "--corpus",
            str(config.CORPUS_DIR)]
    assert fact_audit.main(args) == 0
    first = capsys.readouterr().out
    assert fact_audit.main(args) == 0
    assert capsys.readouterr().out == first
    assert first.count("\n## [") == 12
    texts = {p.stem: p.read_text(encoding="utf-8") for p in config.CORPUS_DIR.glob("*.txt")}
    quotes = [line for line in first.splitlines() if line.lstrip().startswith("quote ")]
    assert quotes
    for line in quotes:  # «…» equals the source text at the printed offsets
        _, _, ann_type, offsets, rest = line.split(None, 4)
        start, end = (int(n) for n in offsets.rstrip(":").split("-"))
        quote = rest[rest.index("«") + 1:rest.rindex("»")]
        assert any(text[start:end] == quote for text in texts.values()), line


def test_taian_hrss_leads_the_cross_inspection(store, built):
    # 002 line 39: 由市人社局牵头…开展专账资金使用互查 (牵头 → leads, GUIDELINES "lead agency")
    task = "https://w3id.org/policykg/doc/tairenshezi-2021-12/task/1005"
    leads = _values(store, built, f"""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT ?a WHERE {{ GRAPH ?x {{ <{task}> pkg:leadAgency ?a }} }}""")
    assert leads == {"https://w3id.org/policykg/agency/taian-hrss"}


def test_poverty_alleviated_population_is_not_the_labour_force(store, built):
    # 脱贫享受政策人口 (000, 001) and 脱贫人口 (003) name people, not only 脱贫劳动力 (the labour force)
    labels = _values(store, built, """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?l WHERE { GRAPH ?x { <https://w3id.org/policykg/group/poverty-alleviated-labour>
            skos:prefLabel|skos:altLabel ?l FILTER(LANG(?l) = "zh") } }""")
    assert labels == {"脱贫劳动力"}


def test_ndrc_preferred_label_is_its_full_name(store, built):
    labels = _values(store, built, """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?l WHERE { GRAPH ?x { <https://w3id.org/policykg/agency/ndrc> skos:prefLabel ?l
            FILTER(LANG(?l) = "zh") } }""")
    assert labels == {"国家发展和改革委员会"}


def test_special_account_funds_concept_is_named_as_a_fund(store, built):
    # the shared concept was labelled 从失业保险基金结余中拿出 (004's verb phrase) by the tie-break of forms
    labels = _values(store, built, """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?l WHERE { GRAPH ?x { <https://w3id.org/policykg/indicator/skills-upgrading-special-account-funds>
            skos:prefLabel ?l FILTER(LANG(?l) = "zh") } }""")
    assert labels == {"职业技能提升行动专账资金"}


def test_fact_audit_pool_includes_public_services_and_box_programmes(built, capsys):
    fact_audit = _audit_module()
    data = ["--data", str(built.path.parent.parent), "--corpus", str(config.CORPUS_DIR)]
    assert fact_audit.main(["--list-kinds", *data]) == 0
    kinds = dict(line.split() for line in capsys.readouterr().out.splitlines() if line.strip())
    assert int(kinds["service"]) > 0  # dct:audience, cv:hasLegalResource of cpsv:PublicService
    assert fact_audit.main(["--kind", "item", "--all", *data]) == 0
    assert "pkg:presentsProgramme" in capsys.readouterr().out
