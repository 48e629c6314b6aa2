"""Benchmark: policykg validation and reasoning against plain pySHACL and owlrl.

Generates deterministic synthetic policy graphs in the policykg vocabulary (one named graph per
document: notice, plan, text and spans, indicators with 其中 parts, targets, baselines, programme
boxes, deadlines, tasks, shared agencies and jurisdictions), then measures

* ``kg.validation.validate`` (SHACL Core compiled to SPARQL + SHACL-SPARQL, once over Oxigraph) against
  ``pyshacl.validate`` of the whole graph with the same shapes (SPARQL constraints included);
* ``kg.reasoning.infer`` (owlrl on the TBox + SPARQL rules over Oxigraph) against owlrl's
  ``OWLRL_Semantics`` closure of ontology + data.

The peers run in a child process that is stopped after ``--cap`` seconds and then reported as
``skipped > N s``.

    .venv/bin/python bench/bench_validation.py            # 10k and 100k triples
    .venv/bin/python bench/bench_validation.py --quick    # 10k only, peers capped at 60 s
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import multiprocessing as mp
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from policykg.kg.namespaces import BASE, INFERRED_GRAPH  # noqa: E402
from policykg.kg.reasoning import infer, load_tbox  # noqa: E402
from policykg.kg.validation import (  # noqa: E402
    DEFAULT_SHAPES,
    DEFAULT_VOCABULARY,
    ValidationOptions,
    ValidationReport,
    validate,
)

PKG = BASE + "ontology#"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "dcterms": "http://purl.org/dc/terms/",
    "pkg": PKG,
}
PROVINCES = [("370000", "山东省", "Shandong"), ("210000", "辽宁省", "Liaoning"), ("620000", "甘肃省", "Gansu")]
CONCEPTS = [("subsidized-training", "开展补贴性职业技能培训", "Subsidised training"),
            ("migrant-worker-training", "农民工参加职业技能培训", "Migrant worker training"),
            ("new-high-skilled-talent", "新增高技能人才", "New high-skilled workers"),
            ("new-certificates", "新增取得职业技能等级证书", "New certificates"),
            ("entrepreneurship-training", "创业培训", "Entrepreneurship training"),
            ("new-public-training-bases", "新建公共实训基地", "New public training bases")]
GROUPS = [("migrant-workers", "农民工", "Migrant workers"), ("college-graduates", "高校毕业生", "College graduates"),
          ("veterans", "退役军人", "Veterans"), ("unemployed", "失业人员", "Unemployed persons")]


def iri(name: str) -> ox.NamedNode:
    prefix, _, local = name.partition(":")
    return ox.NamedNode(NS[prefix] + local if prefix in NS and _ else BASE + name)


def lit(value: str, lang: str | None = None, dt: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if dt:
        return ox.Literal(value, datatype=iri(dt))
    return ox.Literal(value)


@dataclass
class SyntheticDocument:
    """Builds one document's named graph; offsets are computed from the text as it grows."""

    slug: str
    graph: ox.NamedNode = field(init=False)
    text: str = ""
    quads: list[ox.Quad] = field(default_factory=list)
    spans: int = 0

    def __post_init__(self) -> None:
        self.graph = ox.NamedNode(f"{BASE}graph/{self.slug}")

    @property
    def doc(self) -> str:
        return f"doc/{self.slug}"

    def add(self, s: str | ox.NamedNode, p: str, o: object) -> None:
        subject = s if isinstance(s, ox.NamedNode) else iri(s)
        obj = o if isinstance(o, ox.NamedNode | ox.Literal) else iri(str(o))
        self.quads.append(ox.Quad(subject, iri(p), obj, self.graph))

    def say(self, words: str, kind: str) -> str:
        """Append a line to the text and a TextSpan for it; return the span's IRI name."""
        start = len(self.text)
        self.text += words + "\n"
        end = start + len(words)
        self.spans += 1
        span = f"{self.doc}/text/{start}-{end}"
        self.add(span, "rdf:type", "pkg:TextSpan")
        self.add(span, "nif:referenceContext", f"{self.doc}/text")
        self.add(span, "nif:beginIndex", lit(str(start), dt="xsd:nonNegativeInteger"))
        self.add(span, "nif:endIndex", lit(str(end), dt="xsd:nonNegativeInteger"))
        self.add(span, "nif:anchorOf", lit(words))
        self.add(span, "pkg:annotationType", lit(kind))
        self.add(span, "pkg:annotationId", lit(f"T{self.spans}"))
        return span

    def labelled(self, s: str, zh: str, en: str, prop: str = "rdfs:label") -> None:
        self.add(s, prop, lit(zh, "zh"))
        self.add(s, prop, lit(en, "en"))


def _period(d: SyntheticDocument, start: int, end: int) -> str:
    p = f"period/{start}--{end}"
    d.add(p, "rdf:type", "time:ProperInterval")
    for prop, day, date_prop in (("time:hasBeginning", f"{start}-01-01", "pkg:startDate"),
                                 ("time:hasEnd", f"{end}-12-31", "pkg:endDate")):
        d.add(p, prop, f"instant/{day}")
        d.add(p, date_prop, lit(day, dt="xsd:date"))
        d.add(f"instant/{day}", "rdf:type", "time:Instant")
        d.add(f"instant/{day}", "time:inXSDDate", lit(day, dt="xsd:date"))
    return p


def synthetic_document(n: int, rng: random.Random, indicators: int = 12) -> SyntheticDocument:
    """Document number n: a provincial (even n) or municipal (odd n) plan with its facts."""
    province = PROVINCES[n % len(PROVINCES)]
    municipal = n % 2 == 1
    code = f"{province[0][:2]}{(n % 17) + 1:02d}00" if municipal else province[0]
    name_zh = f"第{n}市" if municipal else province[1]
    signed = dt.date(2021, 1, 1) + dt.timedelta(days=n)  # later documents are based on earlier ones
    d = SyntheticDocument(f"synth-{signed.year}-{n}")
    number = f"测人社发〔{signed.year}〕{n}号"
    notice, plan = d.doc, f"{d.doc}/plan"
    d.add(notice, "rdf:type", "pkg:Notice")
    d.add(notice, "eli:id_local", lit(number))
    d.add(notice, "prov:wasDerivedFrom", d.say(number, "DocNumber"))
    title = f"关于印发{name_zh}“十四五”职业技能培训规划的通知"
    d.add(notice, "eli:is_realized_by", f"{notice}/zh")
    d.add(f"{notice}/zh", "eli:title", lit(title, "zh"))
    d.labelled(notice, title, f"Notice on the plan of synthetic area {n}")
    d.add(notice, "prov:wasDerivedFrom", d.say(title, "NoticeTitle"))
    d.add(notice, "eli:date_document", lit(signed.isoformat(), dt="xsd:date"))
    d.add(notice, "pkg:issuesPlan", plan)
    d.add(notice, "pkg:text", f"{d.doc}/text")
    agency = f"agency/synth-hrss-{code}"
    d.add(agency, "rdf:type", "pkg:Agency")
    d.labelled(agency, f"{name_zh}人力资源和社会保障厅", f"HRSS of synthetic area {code}", "skos:prefLabel")
    d.add(agency, "pkg:jurisdiction", f"jurisdiction/{code}")
    d.add(agency, "prov:wasDerivedFrom", d.say(f"{name_zh}人力资源和社会保障厅", "Agency"))
    d.add(notice, "pkg:issuer", agency)
    juris = f"jurisdiction/{code}"
    d.add(juris, "rdf:type", "pkg:Jurisdiction")
    d.labelled(juris, name_zh, f"Synthetic area {code}", "skos:prefLabel")
    d.add(juris, "pkg:divisionCode", lit(code))
    d.add(juris, "pkg:level", "pkg:Municipal" if municipal else "pkg:Provincial")
    d.add(juris, "pkg:parentJurisdiction", f"jurisdiction/{province[0]}" if municipal else "jurisdiction/100000")
    period = _period(d, 2021, 2025)
    plan_title = f"{name_zh}“十四五”职业技能培训规划"
    d.add(plan, "rdf:type", "pkg:Plan")
    d.add(plan, "eli:is_realized_by", f"{plan}/zh")
    d.add(f"{plan}/zh", "eli:title", lit(plan_title, "zh"))
    d.labelled(plan, plan_title, f"Plan of synthetic area {n}")
    d.add(plan, "pkg:period", period)
    d.add(plan, "pkg:jurisdiction", juris)
    d.add(plan, "pkg:level", "pkg:Municipal" if municipal else "pkg:Provincial")
    d.add(plan, "pkg:issuedBy", notice)
    d.add(plan, "prov:wasDerivedFrom", d.say(plan_title, "PlanTitle"))
    if n > 0:
        basis = dt.date(2021, 1, 1) + dt.timedelta(days=n - 1)
        d.add(plan, "eli:applies", f"doc/synth-{basis.year}-{n - 1}/plan")
    for k in range(indicators):
        slug, zh, en = CONCEPTS[k % len(CONCEPTS)]
        slug = f"{slug}-{k}"
        concept = f"indicator/{slug}"
        d.add(concept, "rdf:type", "pkg:IndicatorConcept")
        d.labelled(concept, f"{zh}{k}", f"{en} {k}", "skos:prefLabel")
        d.add(concept, "skos:inScheme", "scheme/indicators")
        ind = f"{d.doc}/indicator/{slug}"
        d.add(ind, "rdf:type", "pkg:Indicator")
        d.labelled(ind, f"{zh}{k}", f"{en} {k}")
        d.add(ind, "pkg:measures", concept)
        d.add(ind, "pkg:inPlan", plan)
        d.add(ind, "pkg:unit", "unit/person-time")
        d.add(ind, "prov:wasDerivedFrom", d.say(f"{zh}{k}", "Indicator"))
        d.add(plan, "pkg:hasIndicator", ind)
        if k % 4 == 1:
            d.add(ind, "pkg:partOf", f"{d.doc}/indicator/{CONCEPTS[(k - 1) % len(CONCEPTS)][0]}-{k - 1}")
        value = rng.randint(100, 900) * (10 if k % 4 != 1 else 1) * (1 if municipal else 10)
        for kind, cls, per, amount in (("target", "pkg:IndicatorTarget", period, value),
                                       ("baseline", "pkg:Baseline", _period(d, 2016, 2020), value // 2)):
            s = f"{d.doc}/{kind}/{slug}/{per.rsplit('/', 1)[1]}"
            quote = f"≥{amount}万人次"
            d.add(s, "rdf:type", cls)
            d.add(s, "pkg:indicator", ind)
            d.add(s, "pkg:comparator", "pkg:AtLeast")
            d.add(s, "pkg:value", lit(str(amount * 10000), dt="xsd:decimal"))
            d.add(s, "pkg:unit", "unit/person-time")
            d.add(s, "pkg:valueText", lit(quote))
            d.add(s, "pkg:period", per)
            d.add(s, "pkg:aggregation", "pkg:PeriodTotal")
            d.add(s, "pkg:inPlan", plan)
            d.labelled(s, f"{zh}{quote}", f"{en}: at least {amount}0 thousand")
            d.add(s, "prov:wasDerivedFrom", d.say(quote, kind.capitalize()))
            if kind == "target":
                d.add(s, "pkg:nature", "pkg:Expected")
                d.add(plan, "pkg:hasTarget", s)
            else:
                d.add(plan, "pkg:hasBaseline", s)
    box = f"{d.doc}/programme/box-1"
    d.add(box, "rdf:type", "pkg:Program")
    d.add(box, "pkg:boxNumber", lit("1", dt="xsd:integer"))
    d.labelled(box, "企业职工岗位技能提升", "Job skills upgrading")
    d.add(box, "pkg:inPlan", plan)
    d.add(box, "prov:wasDerivedFrom", d.say("企业职工岗位技能提升", "Program"))
    for k, (gslug, gzh, gen) in enumerate(GROUPS, start=1):
        group = f"group/{gslug}"
        d.add(group, "rdf:type", "pkg:TargetGroup")
        d.labelled(group, gzh, gen, "skos:prefLabel")
        d.add(group, "skos:inScheme", "scheme/target-groups")
        item = f"{box}/item-{k}"
        words = f"{k}.面向{gzh}开展培训"
        d.add(item, "rdf:type", "pkg:ProgramItem")
        d.add(item, "pkg:itemNumber", lit(str(k), dt="xsd:integer"))
        d.add(item, "rdfs:label", lit(words, "zh"))
        d.add(item, "dcterms:isPartOf", box)
        d.add(box, "dcterms:hasPart", item)
        d.add(item, "pkg:inPlan", plan)
        d.add(item, "pkg:serves", group)
        span = d.say(words, "ProgramItem")
        d.add(item, "prov:wasDerivedFrom", span)
        d.add(group, "prov:wasDerivedFrom", span)
        deadline, task = f"{d.doc}/deadline/{k}", f"{d.doc}/task/{k}"
        d.add(deadline, "rdf:type", "pkg:Deadline")
        d.add(deadline, "pkg:dueDate", lit(f"2022-{k + 4:02d}-10", dt="xsd:date"))
        d.add(deadline, "pkg:deadlineFor", task)
        d.add(deadline, "pkg:inPlan", plan)
        d.add(deadline, "prov:wasDerivedFrom", d.say(f"{k + 4}月10日前", "Deadline"))
        d.add(task, "rdf:type", "pkg:Task")
        d.add(task, "rdfs:label", lit(f"报送第{k}批名单", "zh"))
        d.add(task, "pkg:inPlan", plan)
        d.add(task, "pkg:responsibleAgency", agency)
        d.add(task, "prov:wasDerivedFrom", d.say(f"报送第{k}批名单", "Task"))
    text = f"{d.doc}/text"
    d.add(text, "rdf:type", "pkg:DocumentText")
    d.add(text, "nif:isString", lit(d.text))
    d.add(text, "pkg:sourceFile", lit(f"{n:03d}_synthetic.txt"))
    d.add(text, "pkg:sha256", lit(hashlib.sha256(d.text.encode()).hexdigest()))
    return d


def synthetic_store(triples: int, seed: int = 20211) -> tuple[ox.Store, list[ox.NamedNode]]:
    """A store with at least ``triples`` triples in per-document named graphs (deterministic)."""
    rng = random.Random(seed)
    store = ox.Store()
    graphs: list[ox.NamedNode] = []
    n = 0
    china = SyntheticDocument("synth-national")
    china.add("jurisdiction/100000", "rdf:type", "pkg:Jurisdiction")
    china.labelled("jurisdiction/100000", "全国", "China", "skos:prefLabel")
    china.add("jurisdiction/100000", "pkg:divisionCode", lit("100000"))
    store.extend(china.quads)
    graphs.append(china.graph)
    while len(store) < triples:
        doc = synthetic_document(n, rng)
        store.extend(doc.quads)
        graphs.append(doc.graph)
        n += 1
    return store, graphs


# --------------------------------------------------------------------------------------------
# Peers in a child process with a time cap
# --------------------------------------------------------------------------------------------


def _peer_pyshacl(nquads: bytes, queue: mp.Queue) -> None:
    import pyshacl
    from rdflib import Graph

    data = Graph()
    data.parse(data=nquads.decode("utf-8"), format="nt")
    for p in DEFAULT_VOCABULARY:
        data.parse(p)
    shapes = Graph().parse(DEFAULT_SHAPES)
    start = time.perf_counter()
    conforms, _graph, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    queue.put((time.perf_counter() - start, conforms))


def _peer_owlrl(nquads: bytes, queue: mp.Queue) -> None:
    import owlrl
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=nquads.decode("utf-8"), format="nt")
    graph.parse(DEFAULT_VOCABULARY[0])
    before = len(graph)
    start = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    queue.put((time.perf_counter() - start, len(graph) - before))


def run_capped(target, payload: bytes, cap: float) -> tuple[float, object] | None:
    """Run target(payload, queue) in a child process; None when it exceeds ``cap`` seconds
    (the cap covers parsing too, which is excluded from the reported time)."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(payload, queue))
    proc.start()
    try:
        return queue.get(timeout=cap)
    except Exception:  # queue.Empty: the peer did not finish in time
        return None
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()


def as_ntriples(store: ox.Store, graphs: list[ox.NamedNode]) -> bytes:
    """The union of the graphs as N-Triples (what the whole-graph peers receive)."""
    lines = []
    for g in graphs:
        for q in store.quads_for_pattern(None, None, None, g):
            lines.append(f"{q.subject} {q.predicate} {q.object} .\n")
    return "".join(lines).encode("utf-8")


def fmt(seconds: float | None, cap: float) -> str:
    return f"skipped > {cap:.0f} s" if seconds is None else f"{seconds:8.2f} s"


def ratio(peer: float | None, ours: float, cap: float) -> str:
    if peer is None:
        return f"> {cap / ours:.0f}x"
    return f"{peer / ours:.1f}x"


def bench(size: int, cap: float) -> dict[str, object]:
    store, graphs = synthetic_store(size)
    triples = len(store)
    start = time.perf_counter()
    structural = validate(store, graphs=graphs, options=ValidationOptions(sparql=False))
    ours_structural = time.perf_counter() - start
    start = time.perf_counter()
    sparql = validate(store, graphs=graphs, options=ValidationOptions(structural=False))
    ours_sparql = time.perf_counter() - start
    ours_validate = ours_structural + ours_sparql
    report = ValidationReport.from_results([*structural.results, *sparql.results])
    load_tbox()  # the TBox closure is computed once per ontology and cached; time it separately
    start = time.perf_counter()
    inferred = infer(store, graphs)
    ours_infer = time.perf_counter() - start
    payload = as_ntriples(store, graphs)
    shacl = run_capped(_peer_pyshacl, payload, cap)
    owl = run_capped(_peer_owlrl, payload, cap)
    return {
        "size": size, "triples": triples, "graphs": len(graphs),
        "validate": ours_validate, "structural": ours_structural, "sparql": ours_sparql,
        "conforms": report.conforms, "results": len(report.results),
        "infer": ours_infer, "inferred": len(inferred),
        "pyshacl": shacl[0] if shacl else None, "pyshacl_conforms": shacl[1] if shacl else None,
        "owlrl": owl[0] if owl else None, "owlrl_new": owl[1] if owl else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k triples only, peers capped at 60 s")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="triple counts (default 10000 100000)")
    parser.add_argument("--cap", type=float, default=None, help="seconds before a peer is reported as skipped")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000])
    cap = args.cap or (60.0 if args.quick else 120.0)

    start = time.perf_counter()
    tbox_start = time.perf_counter()
    load_tbox()
    print(f"TBox closure with owlrl (once per ontology, cached): {time.perf_counter() - tbox_start:.2f} s")
    print(f"peers are capped at {cap:.0f} s each (parsing included in the cap, excluded from the time)\n")
    header = (f"{'triples':>8} {'graphs':>6} | {'validate':>10} {'pySHACL':>16} {'ratio':>7} | "
              f"{'infer':>10} {'owlrl':>16} {'ratio':>7} | results / inferred")
    print(header)
    print("-" * len(header))
    for size in sizes:
        r = bench(size, cap)
        print(f"{r['triples']:>8} {r['graphs']:>6} | {r['validate']:8.2f} s {fmt(r['pyshacl'], cap):>16} "
              f"{ratio(r['pyshacl'], r['validate'], cap):>7} | {r['infer']:8.2f} s {fmt(r['owlrl'], cap):>16} "
              f"{ratio(r['owlrl'], r['infer'], cap):>7} | {r['results']} results (conforms={r['conforms']}, "
              f"pySHACL conforms={r['pyshacl_conforms']}) / {r['inferred']} inferred (owlrl new: {r['owlrl_new']})",
              flush=True)
        print(f"{'':>16} validate = {r['structural']:.2f} s pySHACL per graph + {r['sparql']:.2f} s SHACL-SPARQL "
              f"over Oxigraph", flush=True)
    print(f"\ntotal {time.perf_counter() - start:.1f} s; inferred triples go to {INFERRED_GRAPH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
