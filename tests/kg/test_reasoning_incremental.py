"""kg/reasoning.py at scale: per-graph closures + the cross-graph pass equal the closure of the merge,
with and without the cache (kg/reasoning_cache.py), on the seed corpus and a synthetic one.

The reference is the closure computed the way the reasoner did before it went per graph: every rule
an INSERT over the merge of all graphs in one Oxigraph store, repeated until nothing new appears. It
shares only the TBox tables with the code under test, so the rule application is checked independently.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF

from policykg import config
from policykg.kg.dataset import merge_graphs
from policykg.kg.namespaces import BASE, INFERRED_GRAPH
from policykg.kg.reasoning import TBox, infer, load_tbox
from policykg.kg.reasoning_cache import SUFFIX
from policykg.kg.store import current_build, open_store

ROOT = Path(__file__).resolve().parents[2]
PKG = BASE + "ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TYPE = f"<{RDF.type}>"


def _values(pairs) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a, b in pairs)


def _values1(items) -> str:
    return " ".join(f"<{a}>" for a in items)


def reference_rules(tbox: TBox) -> list[str]:
    """Each OWL 2 RL instance rule as one SPARQL update over the default graph."""
    rules = [
        f"VALUES (?sub ?p) {{ {_values(tbox.subproperty_of)} }} ?s ?sub ?o .",  # prp-spo1
        f"VALUES (?q ?p) {{ {_values(tbox.inverse_of)} }} ?o ?q ?s .",  # prp-inv1/2
        f"VALUES ?p {{ {_values1(tbox.symmetric)} }} ?o ?p ?s .",  # prp-symp
        f"VALUES ?p {{ {_values1(tbox.transitive)} }} ?s ?p ?m . ?m ?p ?o .",  # prp-trp
        f"VALUES (?q ?o) {{ {_values(tbox.domain)} }} ?s ?q ?any . BIND({TYPE} AS ?p)",  # prp-dom
        f"VALUES (?q ?o) {{ {_values(tbox.range)} }} ?any ?q ?s . BIND({TYPE} AS ?p)",  # prp-rng
        f"VALUES (?c ?o) {{ {_values(tbox.subclass_of)} }} ?s {TYPE} ?c . BIND({TYPE} AS ?p)",  # cax-sco
    ]
    return [f"INSERT {{ ?s ?p ?o }} WHERE {{ {body} FILTER (!isLiteral(?s)) }}" for body in rules]


def reference_closure(store: ox.Store, graphs: list[ox.NamedNode]) -> set[ox.Triple]:
    """What the rules add to the merge of the graphs, by naive iteration to a fixpoint."""
    work = merge_graphs(store, graphs)
    asserted = {ox.Triple(q.subject, q.predicate, q.object) for q in work}
    updates = reference_rules(load_tbox())
    size = -1
    while size != len(work):
        size = len(work)
        for update in updates:
            work.update(update)
    return {ox.Triple(q.subject, q.predicate, q.object) for q in work} - asserted


def triples(quads: list[ox.Quad]) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in quads}


def reused(caplog) -> str:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("reasoning cache:")][-1]


@pytest.fixture(scope="module")
def seed(built) -> tuple[ox.Store, list[ox.NamedNode]]:
    graphs = built.manifest.graphs
    return open_store(built, in_memory=True, merge=False), [
        ox.NamedNode(g) for g in (*graphs.documents, graphs.vocabulary)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[ox.Store, list[ox.NamedNode]]:
    """A 12-document corpus from bench/corpus.py (copies with their own IRIs sharing agencies,
    jurisdictions and concepts), built by the builder."""
    from policykg.build.pipeline import BuildOptions, run_build

    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = corpus  # its dataclasses look their module up there
    spec.loader.exec_module(corpus)
    folder = tmp_path_factory.mktemp("corpus-12")
    corpus.make_corpus(config.CORPUS_DIR, folder, 12)
    data = tmp_path_factory.mktemp("data-12")
    run_build(BuildOptions(corpus_dir=folder, ontology_dir=config.ONTOLOGY_DIR, shapes_dir=config.SHAPES_DIR,
                           data_dir=data, progress=False))
    build = current_build(data)
    graphs = build.manifest.graphs
    return open_store(build, in_memory=True, merge=False), [
        ox.NamedNode(g) for g in (*graphs.documents, graphs.vocabulary)]


@pytest.mark.parametrize("corpus", ["seed", "synthetic"])
def test_per_graph_closure_equals_the_closure_of_the_merge(corpus, request):
    store, graphs = request.getfixturevalue(corpus)
    ours = infer(store, graphs)
    assert triples(ours) == reference_closure(store, graphs)
    assert len(ours) > 1000


@pytest.mark.parametrize("corpus", ["seed", "synthetic"])
def test_cached_runs_equal_the_full_one(corpus, request, tmp_path, caplog):
    store, graphs = request.getfixturevalue(corpus)
    caplog.set_level(logging.INFO, logger="policykg.kg.reasoning_cache")
    full = infer(store, graphs)
    assert infer(store, graphs, cache_dir=tmp_path) == full  # cold: every entry written
    assert reused(caplog) == f"reasoning cache: 0 of {len(graphs)} graph(s) reused"
    assert len(list(tmp_path.glob("*" + SUFFIX))) == len(graphs)
    assert infer(store, graphs, cache_dir=tmp_path) == full  # warm: every entry read back
    assert reused(caplog) == f"reasoning cache: {len(graphs)} of {len(graphs)} graph(s) reused"


def _changed(store: ox.Store, graph: ox.NamedNode) -> tuple[ox.Store, ox.Triple]:
    """The store with one document changed: it loses its issuer (whose consequences go, unless another
    graph still gives them) and gains a jurisdiction below one whose parents other graphs may give;
    and a triple only the cross-graph pass derives from the new one (prp-trp over two steps)."""
    parent = ox.NamedNode(PKG + "parentJurisdiction")
    child, above = sorted(((q.subject, q.object) for q in store.quads_for_pattern(None, parent, None)
                           if next(store.quads_for_pattern(q.object, parent, None), None)), key=str)[0]
    top = next(store.quads_for_pattern(above, parent, None)).object
    new = ox.NamedNode(BASE + "jurisdiction/test-only")
    changed = ox.Store()
    changed.extend(q for q in store if not (q.graph_name == graph and q.predicate.value == PKG + "issuer"))
    changed.add(ox.Quad(new, parent, child, graph))
    return changed, ox.Triple(new, ox.NamedNode(SKOS + "broaderTransitive"), top)


@pytest.mark.parametrize("corpus", ["seed", "synthetic"])
def test_one_changed_document_recomputes_that_document_only(corpus, request, tmp_path, caplog):
    store, graphs = request.getfixturevalue(corpus)
    caplog.set_level(logging.INFO, logger="policykg.kg.reasoning_cache")
    infer(store, graphs, cache_dir=tmp_path)
    changed, joined = _changed(store, graphs[0])
    incremental = infer(changed, graphs, cache_dir=tmp_path)
    assert reused(caplog) == f"reasoning cache: {len(graphs) - 1} of {len(graphs)} graph(s) reused"
    assert incremental == infer(changed, graphs)
    assert triples(incremental) == reference_closure(changed, graphs)
    assert joined in triples(incremental)
    assert len(list(tmp_path.glob("*" + SUFFIX))) == len(graphs)  # the old entry is pruned


TWO_DOCUMENTS = """
@base <https://w3id.org/policykg/> .
@prefix pkg: <https://w3id.org/policykg/ontology#> .
<graph/a> {{ <jurisdiction/370902> pkg:parentJurisdiction <jurisdiction/370900> . }}
<graph/b> {{ {b} }}
"""


def _two_documents(b: str) -> ox.Store:
    store = ox.Store()
    store.load(TWO_DOCUMENTS.format(b=b).encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


@pytest.mark.parametrize("cached", [False, True])
def test_a_cross_document_inference_appears_and_disappears(cached, tmp_path):
    cache_dir = tmp_path if cached else None
    graphs = [ox.NamedNode(BASE + "graph/a"), ox.NamedNode(BASE + "graph/b")]
    inferred = ox.NamedNode(INFERRED_GRAPH)
    city, province, nation = (ox.NamedNode(f"{BASE}jurisdiction/{code}") for code in ("370902", "370900", "100000"))
    broader, narrower = ox.NamedNode(SKOS + "broaderTransitive"), ox.NamedNode(SKOS + "narrowerTransitive")
    joined = _two_documents("<jurisdiction/370900> pkg:parentJurisdiction <jurisdiction/100000> .")
    quads = infer(joined, graphs, cache_dir=cache_dir)
    # neither document alone derives these: prp-trp joins a triple of each (and prp-inv follows)
    assert ox.Quad(city, broader, nation, inferred) in quads
    assert ox.Quad(nation, narrower, city, inferred) in quads
    assert triples(quads) == reference_closure(joined, graphs)
    apart = _two_documents("<jurisdiction/370900> a pkg:Jurisdiction .")
    quads = infer(apart, graphs, cache_dir=cache_dir)
    assert ox.Quad(city, broader, nation, inferred) not in quads
    assert ox.Quad(nation, narrower, city, inferred) not in quads
    assert ox.Quad(city, broader, province, inferred) in quads
    assert triples(quads) == reference_closure(apart, graphs)


def test_a_triple_one_document_derives_and_another_asserts_is_not_inferred():
    graphs = [ox.NamedNode(BASE + "graph/a"), ox.NamedNode(BASE + "graph/b")]
    store = _two_documents("<jurisdiction/370900> <http://www.w3.org/2004/02/skos/core#narrowerTransitive> "
                           "<jurisdiction/370902> .")
    quads = infer(store, graphs)
    narrower = ox.Triple(ox.NamedNode(f"{BASE}jurisdiction/370900"), ox.NamedNode(SKOS + "narrowerTransitive"),
                         ox.NamedNode(f"{BASE}jurisdiction/370902"))
    assert narrower not in triples(quads)
    assert triples(quads) == reference_closure(store, graphs)
    assert triples(infer(store, graphs[:1])) >= {narrower}  # graph/a alone derives it


def test_a_damaged_cache_entry_is_recomputed(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="policykg.kg.reasoning_cache")
    graphs = [ox.NamedNode(BASE + "graph/a"), ox.NamedNode(BASE + "graph/b")]
    store = _two_documents("<jurisdiction/370900> pkg:parentJurisdiction <jurisdiction/100000> .")
    full = infer(store, graphs, cache_dir=tmp_path)
    for entry in tmp_path.glob("*" + SUFFIX):
        entry.write_text("{not json", encoding="utf-8")
    assert infer(store, graphs, cache_dir=tmp_path) == full
    assert reused(caplog) == "reasoning cache: 0 of 2 graph(s) reused"
