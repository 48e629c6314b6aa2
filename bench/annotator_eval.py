"""Leave-one-document-out evaluation of the machine annotator (build/annotate) on the curated corpus.

For each curated document: learn the lexicons from the other four, annotate its text, compare with its
gold .ann. Precision / recall / F1 per entity type (exact spans), per relation type (both arguments
exact) and per *fact*:
  target/baseline  (kind, concept, value, unit, comparator, bracketed, period, plan) all right
  programme        (box, title) and item (box, n)
  group            distinct target-group slugs of the plan
  agency           (slug, role, jurisdiction)
  front matter     document number, notice title, plan title (+ jurisdiction), dates (+ role), issuers
Then the same on robustness variants of the texts (gold carried over by offset mapping), and the speed
of annotating 1,000 seed-sized documents. Prints tables and writes bench/out/annotator_eval.json.

    .venv/bin/python bench/annotator_eval.py [--docs 1000] [--variants all|none|NAME,...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from annotator_variants import VARIANTS, apply_edits, carry_fragments  # noqa: E402

from policykg import config  # noqa: E402
from policykg.build import normalize  # noqa: E402
from policykg.build.annotate import annotate_text, learn, units  # noqa: E402
from policykg.build.annotations import read_document, read_scheme  # noqa: E402
from policykg.build.normalize import to_simplified  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


class View:
    """A uniform view of gold (AnnotatedDocument) and predicted (Draft) annotations over a text."""

    def __init__(self, text: str, spans: list[tuple], relations: list[tuple]) -> None:
        # spans: (key, type, fragments, notes, attributes); key = (type, fragments)
        self.text, self.spans, self.relations = text, spans, relations
        self.by_key = {s[0]: s for s in spans}

    def quote(self, span) -> str:
        return " ".join(self.text[a:b] for a, b in span[2])

    def targets(self, span, rtype: str) -> list:
        return [self.by_key[b] for t, a, b in self.relations if t == rtype and a == span[0] and b in self.by_key]


def gold_view(doc, text: str | None = None, mapping=None) -> View:
    text = text if text is not None else doc.text
    keys = {}
    spans = []
    for e in doc.entities.values():
        frags = carry_fragments(e.fragments, mapping, text) if mapping else e.fragments
        key = (e.type, frags)
        keys[e.id] = key
        spans.append((key, e.type, frags, e.notes, e.attributes))
    rels = [(r.type, keys[r.arg1], keys[r.arg2]) for r in doc.relations]
    return View(text, spans, rels)


def draft_view(draft) -> View:
    keys = {id(s): (s.type, s.fragments) for s in draft.spans}
    spans = [(keys[id(s)], s.type, s.fragments, s.notes, s.attributes) for s in draft.spans]
    rels = [(t, keys[id(a)], keys[id(b)]) for t, a, b in draft.relations]
    return View(draft.shadow.original, spans, rels)


def _period(view: View, span, plan_start) -> tuple | None:
    try:
        interval = normalize.read_period(to_simplified(view.quote(span)), span[3], plan_start)
    except Exception:  # noqa: BLE001 - an unreadable period is simply a wrong fact
        return None
    return (interval.start.isoformat(), interval.end.isoformat(), span[3].get("every"))


def _plan_start(view: View):
    for s in view.spans:
        if s[1] == "PlanTitle":
            periods = view.targets(s, "planPeriod")
            if periods:
                try:
                    return normalize.read_period(to_simplified(view.quote(periods[0])), periods[0][3]).start
                except Exception:  # noqa: BLE001
                    return None
    return None


def facts(view: View, plan: str, shared_juris: dict[str, str] | None = None,
          known: dict[str, set[str]] | None = None, minted: dict[str, str] | None = None,
          minted_concepts: dict[str, str] | None = None) -> dict[str, Counter]:
    """The facts of one document; `shared_juris` (gold only) gives an agency's juris= from any gold file,
    as the builder's registry does. With `known` (seen-aware scoring) a slug the training documents do
    not have becomes NEW on both sides: the annotator cannot know the held-out document's own new slugs,
    only that they are new. An agency's new slug is not named NEW but aligned: `minted` (predictions
    only) maps a drafted new slug to the one unseen gold slug it stands for (`align_new_agencies`); a
    drafted slug without a partner stays itself and matches nothing. Indicator concepts likewise, with
    `minted_concepts` (`align_new_concepts`): a drafted new concept scores only for the one unseen gold
    concept it stands for, never where the gold concept was known in training."""
    def canon(kind: str, slug):
        return slug if known is None or slug in known.get(kind, ()) else (minted_concepts or {}).get(slug, slug)

    def agency_slug(slug):
        return slug if known is None or slug in known.get("agency", ()) else (minted or {}).get(slug, slug)

    out: dict[str, Counter] = {k: Counter() for k in
                               ("target", "baseline", "programme", "group", "agency", "docnumber", "title", "date",
                                "issuer", "duty", "serves")}
    u = units()
    start = _plan_start(view)
    # shared notes (juris=) may be given on one mention of a slug only: read them per slug
    agency_juris = dict(shared_juris or {})
    agency_juris.update({s[3]["id"]: s[3]["juris"] for s in view.spans if s[1] == "Agency" and "juris" in s[3]})
    for s in view.spans:
        t, notes, attrs = s[1], s[3], s[4]
        if t in ("Target", "Baseline"):
            ind = view.targets(s, "measures")
            per = view.targets(s, "during")
            try:
                q = normalize.read_quantity(to_simplified(view.quote(s)), u)
                value, unit = q.value, q.unit
                if unit is None and ind:
                    for unit_span in view.targets(ind[0], "measuredIn"):
                        mult, unit = normalize.read_unit(to_simplified(view.quote(unit_span)), u)
                        value = (value * mult).normalize()
                quantity = (str(value), unit, q.comparator, bool(attrs.get("Cumulative")) or q.bracketed)
            except Exception:  # noqa: BLE001
                quantity = None
            concept = canon("concept", ind[0][3].get("concept")) if ind else None
            period = _period(view, per[0], start) if per else None
            out[t.lower()][(concept, quantity, period, plan)] += 1
        elif t == "Program":
            out["programme"][("box", notes.get("box"), normalize.fold(view.quote(s)))] += 1
        elif t == "ProgramItem":
            prog = view.targets(s, "itemOf")
            out["programme"][("item", prog[0][3].get("box") if prog else None, notes.get("n"))] += 1
        elif t == "TargetGroup":
            out["group"][notes.get("id")] = 1
        elif t == "Agency":
            slug = agency_slug(notes.get("id"))
            out["agency"][(slug, attrs.get("Role"), agency_juris.get(notes.get("id")))] = 1
            if attrs.get("Role") in ("Issuer", "CoIssuer"):
                out["issuer"][(slug, attrs.get("Role"))] = 1
        elif t == "DocNumber":
            out["docnumber"][normalize.fold(to_simplified(view.quote(s)))] += 1
        elif t in ("PlanTitle", "NoticeTitle"):
            out["title"][(t, normalize.fold(to_simplified(view.quote(s))), notes.get("juris"))] += 1
        elif t == "Date":
            out["date"][(normalize.fold(view.quote(s)), attrs.get("DateRole"))] += 1
    _relation_facts(view, out, agency_slug)
    return out


DUTIES = ("responsibleFor", "leads", "primaryFor")


def _anchor(view: View, span) -> tuple:
    """Where a measure stands, independent of where exactly its span starts and ends: the sentence holding
    its first character."""
    start = span[2][0][0]
    return (max(view.text.rfind(c, 0, start) for c in "。；;") + 1,)  # (not at line breaks: a re-wrapped copy)


def _relation_facts(view: View, out: dict[str, Counter], agency_slug) -> None:
    """duty: (agency, relation, the sentence of the measure); serves: (the sentence of the measure, group)."""
    for rtype, a, b in view.relations:
        if a not in view.by_key or b not in view.by_key:
            continue
        arg1, arg2 = view.by_key[a], view.by_key[b]
        if rtype in DUTIES:
            slug = agency_slug(arg1[3].get("id"))
            out["duty"][(slug, rtype, _anchor(view, arg2))] = 1
        elif rtype == "serves":
            out["serves"][(_anchor(view, arg1), arg2[3].get("id"))] = 1


def prf(gold: Counter, pred: Counter) -> dict:
    tp = sum((gold & pred).values())
    g, p = sum(gold.values()), sum(pred.values())
    precision = tp / p if p else (1.0 if not g else 0.0)
    recall = tp / g if g else (1.0 if not p else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "gold": g, "pred": p, "p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4)}


def align_new_agencies(gold: View, pred: View, known: set[str]) -> dict[str, str]:
    """One-to-one: each drafted agency slug the training documents lack stands for at most one unseen gold
    slug, the one whose mentions it shares most (overlapping spans); one that merges two gold agencies, or
    one of two drafted slugs for the same gold agency, gets no partner."""
    new_gold = [(s[2][0][0], s[2][-1][1], s[3].get("id")) for s in gold.spans
                if s[1] == "Agency" and s[3].get("id") not in known]
    shared = Counter((g, s[3].get("id")) for s in pred.spans if s[1] == "Agency" and s[3].get("id") not in known
                     for a, b, g in new_gold if a < s[2][-1][1] and s[2][0][0] < b)
    minted: dict[str, str] = {}
    for (g, p), _ in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        if p not in minted and g not in minted.values():
            minted[p] = g
    return minted


def _measured_concepts(view: View) -> list[tuple[int, int, str | None]]:
    """(start, end, concept) of every Target/Baseline of a view."""
    out = []
    for s in view.spans:
        if s[1] in ("Target", "Baseline"):
            ind = view.targets(s, "measures")
            out.append((s[2][0][0], s[2][-1][1], ind[0][3].get("concept") if ind else None))
    return out


def align_new_concepts(gold: View, pred: View, known: set[str]) -> dict[str, str]:
    """One-to-one, as `align_new_agencies`: each drafted indicator concept the training documents lack stands
    for at most one unseen gold concept, the one whose values (overlapping Target/Baseline spans) it
    measures most often; so it scores only where it is used consistently for that concept (a target and a
    baseline of one indicator share it)."""
    new_gold = [(a, b, c) for a, b, c in _measured_concepts(gold) if c is not None and c not in known]
    shared = Counter((g, p) for pa, pb, p in _measured_concepts(pred) if p is not None and p not in known
                     for a, b, g in new_gold if a < pb and pa < b)
    minted: dict[str, str] = {}
    for (g, p), _ in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        if p not in minted and g not in minted.values():
            minted[p] = g
    return minted


def compare(gold: View, pred: View, plan: str, totals: dict[str, dict[str, Counter]], shared_juris: dict,
            known: dict[str, set[str]], misses: tuple[str, ...] = ()) -> None:
    minted = align_new_agencies(gold, pred, known["agency"])
    concepts = align_new_concepts(gold, pred, known["concept"])
    for name in misses:  # --misses: the facts of one kind that differ, to find their causes
        seen_aware = name.endswith("(seen-aware)")
        fact = name.removesuffix(" (seen-aware)")
        g = facts(gold, plan, shared_juris, known if seen_aware else None)[fact]
        p = facts(pred, plan, None, known if seen_aware else None, minted, concepts)[fact]
        for label, diff in (("missed", g - p), ("false", p - g)):
            for item in sorted(diff, key=str):
                print(f"  {plan[:3]} {name} {label}: {item}")
    for kind, view in (("gold", gold), ("pred", pred)):
        for s in view.spans:
            totals["entity"].setdefault(s[1], {"gold": Counter(), "pred": Counter()})[kind][(plan, s[0])] += 1
        for r in view.relations:
            totals["relation"].setdefault(r[0], {"gold": Counter(), "pred": Counter()})[kind][(plan, r)] += 1
        for name, counter in facts(view, plan, shared_juris if kind == "gold" else None).items():
            bucket = totals["fact"].setdefault(name, {"gold": Counter(), "pred": Counter()})
            bucket[kind].update(counter)
        seen = facts(view, plan, shared_juris if kind == "gold" else None, known,
                     *((minted, concepts) if kind == "pred" else ()))
        for name in ("target", "baseline", "agency", "issuer", "duty"):
            bucket = totals["fact"].setdefault(f"{name} (seen-aware)", {"gold": Counter(), "pred": Counter()})
            bucket[kind].update(seen[name])


def evaluate(docs, variant: str | None = None, misses: tuple[str, ...] = ()) -> dict:
    totals: dict[str, dict] = {"entity": {}, "relation": {}, "fact": {}}
    shared_juris = {e.notes["id"]: e.notes["juris"] for d in docs for e in d.entities.values()
                    if e.type == "Agency" and "juris" in e.notes}
    # slugs <jurisdiction>-<function> without a juris= note (IDS.md): the jurisdiction of their prefix
    prefixes = {slug.split("-", 1)[0]: code for slug, code in shared_juris.items() if code != "100000" and "-" in slug}
    for d in docs:
        for e in d.entities.values():
            if e.type == "Agency" and e.notes["id"] not in shared_juris:
                prefix = e.notes["id"].split("-", 1)[0]
                if prefix in prefixes:
                    shared_juris[e.notes["id"]] = prefixes[prefix]
    for doc in docs:
        lex = learn([d for d in docs if d.stem != doc.stem])  # the held-out document never teaches
        if variant:
            text, mapping = apply_edits(doc.text, VARIANTS[variant](doc.text))
            gold = gold_view(doc, text, mapping)
        else:
            text, gold = doc.text, gold_view(doc)
        pred = draft_view(annotate_text(text, lex))
        known = {kind: {slug for counts in lex.forms.get(etype, {}).values() for slug in counts}
                 for kind, etype in (("concept", "Indicator"), ("agency", "Agency"))}
        compare(gold, pred, doc.stem, totals, shared_juris, known, misses)
    return {level: {name: prf(c["gold"], c["pred"]) for name, c in sorted(table.items())}
            for level, table in totals.items()}


_WORKER: dict = {}


def _init_worker(docs) -> None:
    _WORKER["lex"] = learn(docs)
    _WORKER["texts"] = [d.text for d in docs]


def _annotate_range(bounds: tuple[int, int]) -> tuple[int, float]:
    """Annotate documents bounds[0]..bounds[1]; (how many, CPU seconds this process spent on them)."""
    texts = _WORKER["texts"]
    cpu = time.process_time()
    for i in range(*bounds):
        annotate_text(texts[i % len(texts)], _WORKER["lex"])
    return bounds[1] - bounds[0], time.process_time() - cpu


def speed(docs, n: int, jobs: int) -> dict:
    """Annotate n seed-sized documents (the curated texts in turn) with `jobs` processes; the lexicon is
    learned once per process before the clock starts."""
    from concurrent.futures import ProcessPoolExecutor

    texts = [d.text for d in docs]
    chunk = max(1, n // (jobs * 8))
    ranges = [(i, min(n, i + chunk)) for i in range(0, n, chunk)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(docs,)) as pool:
        list(pool.map(_annotate_range, [(0, 1)] * jobs))  # warm up: lexicon, OpenCC, divisions
        t0 = time.perf_counter()
        results = list(pool.map(_annotate_range, ranges))
        elapsed = time.perf_counter() - t0
    done, cpu = sum(r[0] for r in results), sum(r[1] for r in results)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    # on a shared machine the wall time includes other people's work; CPU seconds / jobs is what the
    # annotator itself needs on `jobs` idle cores
    return {"documents": done, "jobs": jobs, "seconds": round(elapsed, 2), "docs_per_second": round(done / elapsed, 1),
            "cpu_seconds": round(cpu, 2), "cpu_ms_per_document": round(1000 * cpu / done, 1),
            "idle_cores_seconds": round(cpu / jobs, 2), "mean_chars": round(sum(map(len, texts)) / len(texts)),
            "target_seconds": 30, "ratio_to_target": round(elapsed / 30, 2),
            "idle_ratio_to_target": round(cpu / jobs / 30, 2), "load_average_1min": load}


def print_table(title: str, table: dict) -> None:
    print(f"\n{title}")
    print(f"  {'':<24} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}")
    for name, m in table.items():
        print(f"  {name:<24} {m['p']:>6.3f} {m['r']:>6.3f} {m['f1']:>6.3f} {m['gold']:>5} {m['pred']:>5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents for the speed run (0: skip)")
    parser.add_argument("--variants", default="all", help="all, none, or a comma list of " + ", ".join(VARIANTS))
    parser.add_argument("--corpus", type=Path, default=config.CORPUS_DIR)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the speed run")
    parser.add_argument("--misses", default="", help="comma list of fact kinds (e.g. 'agency,group,agency "
                        "(seen-aware)') whose missed and false facts are listed per document")
    args = parser.parse_args(argv)
    scheme = read_scheme(args.corpus / "annotation.conf")
    docs = [read_document(p, scheme) for p in sorted(args.corpus.glob("*.txt"))
            if not any("annotator" in e.notes for e in read_document(p, scheme).entities.values())]
    misses = tuple(m.strip() for m in args.misses.split(",") if m.strip())
    result = {"documents": [d.stem for d in docs], "original": evaluate(docs, misses=misses), "variants": {}}
    for level in ("fact", "entity", "relation"):
        print_table(f"leave-one-document-out, {level} level (original texts)", result["original"][level])
    names = list(VARIANTS) if args.variants == "all" else [] if args.variants == "none" else args.variants.split(",")
    if names:
        print("\nrobustness variants: fact-level F1 (difference to the original texts)")
        facts_orig = result["original"]["fact"]
        print(f"  {'variant':<22} " + " ".join(f"{k[:9]:>9}" for k in facts_orig))
        for name in names:
            res = evaluate(docs, name)
            result["variants"][name] = res
            row = " ".join(f"{res['fact'][k]['f1']:>5.2f}{res['fact'][k]['f1'] - facts_orig[k]['f1']:>+4.2f}"
                           for k in facts_orig)
            print(f"  {name:<22} {row}")
    if args.docs:
        result["speed"] = speed(docs, args.docs, args.jobs)
        s = result["speed"]
        print(f"\nspeed: {s['documents']} documents (mean {s['mean_chars']} characters) with {s['jobs']} processes: "
              f"{s['seconds']} s wall = {s['docs_per_second']} docs/s (ratio to the 30 s target "
              f"{s['ratio_to_target']}, machine load average {s['load_average_1min']}); "
              f"{s['cpu_seconds']} CPU s = {s['cpu_ms_per_document']} ms per document, "
              f"{s['idle_cores_seconds']} s on {s['jobs']} idle cores (ratio {s['idle_ratio_to_target']})")
    OUT.mkdir(exist_ok=True)
    (OUT / "annotator_eval.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    print(f"\nwritten {OUT / 'annotator_eval.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
