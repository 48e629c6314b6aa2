"""Fact audit: draw a seeded random sample of the statements a researcher would cite and print
each one next to the source text it was derived from, for a hand check against the documents.

Statements are read from the built graph (`$POLICYKG_DATA/current/policykg.nq`, the asserted
document graphs only). The quotes come from the graph's provenance (`prov:wasDerivedFrom` →
`pkg:TextSpan`, see docs/design.md) and, for things that are *mentioned* rather than derived
(agencies, groups, named programmes, indicator concepts, cited works, people, funds), from the
annotations that name them (`id=`/`concept=` notes of corpus/*.ann, read with the builder's own
parser). Each quote is shown in its source line with the span marked 【…】, plus the lines around it.

    .venv/bin/python bench/fact_audit.py --sample 60 --seed 1         # one audit sample
    .venv/bin/python bench/fact_audit.py --kind target --all          # every target and baseline
    .venv/bin/python bench/fact_audit.py --list-kinds                 # statement kinds and counts

The output is plain text meant to be read by a person; the verdicts go to
corpus/review/audit-*.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from policykg.build.corpus import load_corpus  # noqa: E402
from policykg.kg.namespaces import BASE  # noqa: E402

PKG = "https://w3id.org/policykg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ELI = "http://data.europa.eu/eli/ontology#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"

# Statement kinds: predicate IRI → kind name. Values of quantitative statements are audited as one
# statement per target/baseline (kind "target"/"baseline"), not predicate by predicate.
PREDICATE_KINDS = {
    PKG + "serves": "serves",
    PKG + "responsibleAgency": "duty",
    PKG + "leadAgency": "duty",
    PKG + "primaryResponsibleAgency": "duty",
    PKG + "fundedBy": "funding",
    PKG + "concernsFunding": "funding",
    PKG + "jurisdiction": "jurisdiction",
    ORG + "subOrganizationOf": "jurisdiction",
    ELI + "cites": "citation",
    ELI + "based_on": "citation",
    DCT + "references": "citation",
    ELI + "date_document": "date",
    ELI + "date_publication": "date",
    PKG + "receivedOn": "date",
    PKG + "dueDate": "date",
    ELI + "id_local": "docmeta",
    ELI + "title": "docmeta",
    PKG + "issuer": "docmeta",
    PKG + "coIssuer": "docmeta",
    PKG + "sealAgency": "docmeta",
    PKG + "recipientAgency": "docmeta",
    PKG + "approvingAgency": "docmeta",
    PKG + "receivedBy": "docmeta",
    PKG + "receiptNumber": "docmeta",
    PKG + "partOf": "indicator",
    PKG + "concerns": "indicator",
    PKG + "measures": "indicator",
    DCT + "isPartOf": "item",
    PKG + "presentsProgramme": "item",
    ELI + "title_alternative": "docmeta",
    # CPSV-AP public services (build/profiles.py)
    DCT + "audience": "service",
    CV + "hasCompetentAuthority": "service",
    CV + "hasLegalResource": "service",
}
LABEL_CLASSES = {  # class → kind for zh labels
    PKG + "Agency": "label",
    PKG + "TargetGroup": "label",
    PKG + "NamedProgram": "label",
    PKG + "Program": "label",
    PKG + "ProgramItem": "item",
}
QUANT_CLASSES = {PKG + "IndicatorTarget": "target", PKG + "Baseline": "baseline"}
QUANT_DETAIL = ["indicator", "value", "unit", "comparator", "valueText", "period", "aggregation",
                "recurrence", "nature", "inProgram", "inPlan"]
# IRI path segment of a mentioned thing → annotation types and note key naming it
MENTION_KINDS = {
    "agency": (("Agency",), "id"),
    "group": (("TargetGroup",), "id"),
    "programme": (("NamedProgram",), "id"),
    "indicator": (("Indicator",), "concept"),
    "work": (("CitedDocument",), "id"),
    "person": (("Person",), "id"),
    "funding": (("Funding",), "id"),
    "jurisdiction": (("Jurisdiction",), "code"),
}


@dataclass(frozen=True)
class Span:
    doc: str  # corpus file stem
    start: int
    end: int
    ann_id: str
    ann_type: str


@dataclass
class Statement:
    kind: str
    graph: str
    subject: str
    predicate: str
    obj: ox.NamedNode | ox.Literal | ox.BlankNode
    details: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.subject, self.predicate, str(self.obj))


class Audit:
    """The built graph plus the corpus texts and mention index the quotes are taken from."""

    def __init__(self, nq_path: Path, corpus_dir: Path) -> None:
        self.store = ox.Store()
        self.store.bulk_load(path=str(nq_path), format=ox.RdfFormat.N_QUADS)
        self.docs = {d.stem: d for d in load_corpus(corpus_dir)}
        self.graph_doc: dict[str, str] = {}
        for row in self._q(f"SELECT ?g ?file WHERE {{ GRAPH ?g {{ ?t <{PKG}sourceFile> ?file }} }}"):
            self.graph_doc[row["g"].value] = Path(row["file"].value).stem
        self.derived: dict[str, list[Span]] = defaultdict(list)
        for row in self._q(f"""SELECT ?g ?s ?span ?b ?e ?id ?type WHERE {{ GRAPH ?g {{
                ?s <{PROV_DERIVED}> ?span . ?span <{NIF}beginIndex> ?b ; <{NIF}endIndex> ?e ;
                <{PKG}annotationId> ?id ; <{PKG}annotationType> ?type }} }}"""):
            doc = self.graph_doc[row["g"].value]
            self.derived[row["s"].value].append(
                Span(doc, int(row["b"].value), int(row["e"].value), row["id"].value, row["type"].value))
        self.mentions: dict[str, list[Span]] = defaultdict(list)
        for stem, doc in self.docs.items():
            for ent in doc.entities.values():
                for seg, (types, key) in MENTION_KINDS.items():
                    if ent.type in types and key in ent.notes:
                        for a, b in ent.fragments:
                            self.mentions[f"{BASE}{seg}/{ent.notes[key]}"].append(
                                Span(stem, a, b, ent.id, ent.type))

    def _q(self, query: str):
        return list(self.store.query(query))

    # -- labels -----------------------------------------------------------------------------
    def label(self, term) -> str:
        if isinstance(term, ox.Literal):
            dt = term.datatype.value.rsplit("#", 1)[-1]
            return f'"{term.value}"' + (f"@{term.language}" if term.language else f"^^{dt}")
        iri = term.value
        rows = self._q(f"""SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ <{iri}> ?p ?l
                 FILTER(?p IN (<{SKOS}prefLabel>, <{RDFS_LABEL}>) && LANG(?l) = "zh") }} }}""")
        zh = sorted({r["l"].value for r in rows})
        short = iri.replace(BASE, "").replace(PKG, "pkg:")
        return f"{short} [{' | '.join(zh)}]" if zh else short

    # -- statement pool ---------------------------------------------------------------------
    def statements(self) -> list[Statement]:
        pool: dict[tuple, Statement] = {}
        doc_graphs = " ".join(f"<{g}>" for g in self.graph_doc)
        preds = " ".join(f"<{p}>" for p in PREDICATE_KINDS)
        for row in self._q(f"""SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {doc_graphs} }}
                VALUES ?p {{ {preds} }} GRAPH ?g {{ ?s ?p ?o }} }}"""):
            st = Statement(PREDICATE_KINDS[row["p"].value], row["g"].value, row["s"].value,
                           row["p"].value, row["o"])
            if st.kind == "jurisdiction" and not self._is_agency(st.subject):
                st.kind = "docmeta"
            pool.setdefault(st.key, st)
        classes = " ".join(f"<{c}>" for c in LABEL_CLASSES)
        for row in self._q(f"""SELECT ?g ?s ?c ?l WHERE {{ VALUES ?g {{ {doc_graphs} }}
                VALUES ?c {{ {classes} }} GRAPH ?g {{ ?s a ?c .
                {{ ?s <{SKOS}prefLabel> ?l }} UNION {{ ?s <{SKOS}altLabel> ?l }} UNION {{ ?s <{RDFS_LABEL}> ?l }}
                FILTER(LANG(?l) = "zh") }} }}"""):
            kind = LABEL_CLASSES[row["c"].value]
            st = Statement(kind, row["g"].value, row["s"].value, "label", row["l"])
            pool.setdefault((kind if kind == "item" else "label",) + st.key[1:], st)
        for cls, kind in QUANT_CLASSES.items():
            for row in self._q(f"""SELECT ?g ?s WHERE {{ VALUES ?g {{ {doc_graphs} }}
                    GRAPH ?g {{ ?s a <{cls}> }} }}"""):
                st = Statement(kind, row["g"].value, row["s"].value, "value", ox.Literal(""))
                pool.setdefault(st.key, st)
        return sorted(pool.values(), key=lambda s: s.key)

    def _is_agency(self, iri: str) -> bool:
        return bool(self.store.query(f"ASK {{ GRAPH ?g {{ <{iri}> a <{PKG}Agency> }} }}"))

    def quant_details(self, st: Statement) -> list[str]:
        out = []
        for name in QUANT_DETAIL:
            rows = self._q(f"SELECT ?o WHERE {{ GRAPH <{st.graph}> {{ <{st.subject}> <{PKG}{name}> ?o }} }}")
            for r in rows:
                out.append(f"{name:11} {self.label(r['o'])}")
        ind = self._q(f"""SELECT ?c ?u ?kind WHERE {{ GRAPH <{st.graph}> {{ <{st.subject}> <{PKG}indicator> ?i .
                 OPTIONAL {{ ?i <{PKG}measures> ?c }} OPTIONAL {{ ?i <{PKG}unit> ?u }} }} }}""")
        for r in ind:
            if r["c"] is not None:
                out.append(f"concept     {self.label(r['c'])}")
        return out

    # -- quotes -----------------------------------------------------------------------------
    def spans_of(self, iri: str, stem: str | None) -> list[Span]:
        spans = self.derived.get(iri, []) + self.mentions.get(iri, [])
        if stem is not None:
            spans = [s for s in spans if s.doc == stem]
        return sorted(set(spans), key=lambda s: (s.doc, s.start))

    def quotes(self, st: Statement) -> list[Span]:
        stem = self.graph_doc[st.graph]
        subj = self.spans_of(st.subject, stem)
        if isinstance(st.obj, ox.NamedNode) and st.obj.value.startswith(BASE):
            obj = self.spans_of(st.obj.value, stem)
            if subj and obj:  # the object mention nearest to the subject's text
                near = min(((abs(o.start - s.start), s, o) for s in subj for o in obj), key=lambda t: t[0])
                picked = subj[:6] if st.kind in ("target", "baseline") else [near[1]]
                return sorted(set(picked + [near[2]]), key=lambda s: s.start)
            return (subj or obj)[:6]
        return subj[:8]

    def context(self, span: Span, around: int = 1) -> list[str]:
        text = self.docs[span.doc].text
        lines = text.split("\n")
        line_no = text.count("\n", 0, span.start)
        line_start = text.rfind("\n", 0, span.start) + 1
        out = []
        for k in range(max(0, line_no - around), min(len(lines), line_no + around + 1)):
            line = lines[k]
            if k == line_no:
                a, b = span.start - line_start, span.end - line_start
                line = line[:a] + "【" + line[a:b] + "】" + line[b:]
                lo = max(0, a - 120)
                line = ("…" if lo else "") + line[lo:lo + 320]
            else:
                line = line[:160] + ("…" if len(line) > 160 else "")
            out.append(f"      {k + 1:4}{'>' if k == line_no else ' '} {line}")
        return out

    def render(self, n: int, st: Statement) -> str:
        stem = self.graph_doc[st.graph]
        head = f"## [{n}] {st.kind} · {stem[:3]}"
        if st.kind in ("target", "baseline"):
            lines = [head, f"   {self.label(ox.NamedNode(st.subject))}"]
            lines += [f"   {d}" for d in self.quant_details(st)]
        else:
            pred = st.predicate.replace(PKG, "pkg:").replace(ELI, "eli:").replace(DCT, "dcterms:")
            pred = pred.replace(ORG, "org:")
            lines = [head, f"   {self.label(ox.NamedNode(st.subject))}", f"     —{pred}→ {self.label(st.obj)}"]
        for span in self.quotes(st):
            quote = self.docs[span.doc].text[span.start:span.end]
            lines.append(f"   quote {span.ann_id} {span.ann_type} {span.start}-{span.end}: «{quote}»")
            lines += self.context(span)
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, default=60, help="statements to draw (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (same seed, same sample)")
    ap.add_argument("--kind", action="append", help="only these statement kinds (repeatable)")
    ap.add_argument("--doc", help="only statements of the document whose file stem starts with this")
    ap.add_argument("--all", action="store_true", help="print every statement of the selection")
    ap.add_argument("--list-kinds", action="store_true", help="print the kinds and their counts")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("POLICYKG_DATA", ROOT / "data")))
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = ap.parse_args(argv)

    audit = Audit(args.data / "current" / "policykg.nq", args.corpus)
    pool = audit.statements()
    if args.kind:
        pool = [s for s in pool if s.kind in args.kind]
    if args.doc:
        pool = [s for s in pool if audit.graph_doc[s.graph].startswith(args.doc)]
    if args.list_kinds:
        counts: dict[str, int] = defaultdict(int)
        for s in pool:
            counts[s.kind] += 1
        for kind, count in sorted(counts.items()):
            print(f"{kind:12} {count}")
        print(f"{'total':12} {len(pool)}")
        return 0
    chosen = pool if args.all else random.Random(args.seed).sample(pool, min(args.sample, len(pool)))
    print(f"# fact audit: {len(chosen)} of {len(pool)} statements"
          + ("" if args.all else f", seed {args.seed}") + "\n")
    for n, st in enumerate(chosen, 1):
        print(audit.render(n, st) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
