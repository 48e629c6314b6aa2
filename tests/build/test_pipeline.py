"""pipeline: a build is complete, deterministic and atomic; bad input names file and line."""

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg import config
from policykg.build.pipeline import run_build
from policykg.errors import AnnotationError, CorpusError, NonConformingBuildError
from policykg.kg.manifest import Manifest
from policykg.kg.namespaces import BASE
from policykg.kg.store import current_build

PUBLISHED = ("policykg.trig", "policykg.nq", "policykg.ttl", "inferred.nq", "void.ttl")


def copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(config.CORPUS_DIR, corpus)
    return corpus


def test_build_writes_every_artefact(built):
    for name in PUBLISHED + ("manifest.json",):
        assert (built.path / name).stat().st_size > 0, name
    assert (built.path / "store").is_dir()
    manifest = Manifest.read(built.path)
    assert len(manifest.documents) == 5
    listed = {d.file for d in manifest.dumps}
    assert {"policykg.trig", "policykg.nq", "policykg.ttl", "inferred.nq"} <= listed


def test_same_input_gives_byte_identical_output(built, tmp_path, build_options):
    summary = run_build(build_options(tmp_path))
    again = current_build(tmp_path)
    # the summary counts shared resources once: one plan per document, jurisdictions shared
    assert summary.classes["Plan"] == 5
    per_document = sum(counts.get("Jurisdiction", 0) for counts in summary.documents.values())
    assert 5 <= summary.classes["Jurisdiction"] < per_document
    for name in PUBLISHED:
        assert (again.path / name).read_bytes() == (built.path / name).read_bytes(), name


def test_published_files_have_no_blank_nodes(built):
    assert "_:" not in (built.path / "policykg.nq").read_text(encoding="utf-8")


def test_failed_build_leaves_the_previous_one_intact(built, tmp_path, build_options):
    data = tmp_path / "data"
    run_build(build_options(data))
    before = current_build(data)
    corpus = copy_corpus(tmp_path)
    ann = corpus / "001_84cd6972a9a5ce06.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    bad = next(i for i, line in enumerate(lines) if line.startswith("T") and "\tTarget " in line)
    lines[bad] = lines[bad].rsplit("\t", 1)[0] + "\t这不是原文"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as info:
        run_build(build_options(data, corpus))
    assert info.value.path.endswith("001_84cd6972a9a5ce06.ann") and info.value.line == bad + 1
    after = current_build(data)
    assert after.path == before.path
    assert (after.path / "policykg.nq").read_bytes() == (built.path / "policykg.nq").read_bytes()
    assert not [p for p in (data / "builds").iterdir() if p.name.startswith(".tmp-")]


def test_non_conforming_build_is_not_published(tmp_path, build_options, monkeypatch):
    """A build whose graph violates a shape keeps the previous `current/`; the CLI exits 1 (as pySHACL)."""
    from click.testing import CliRunner

    from policykg.cli import main

    data = tmp_path / "data"
    run_build(build_options(data))
    before = current_build(data)
    corpus = copy_corpus(tmp_path)
    ann = corpus / "002_8402b0486c431577.ann"
    text = ann.read_text(encoding="utf-8")
    # the only en= of an indicator concept: without it the concept has no English label (pkgsh:labelEn)
    ann.write_text(text.replace("; en=Training classes spot-checked per county", ""), encoding="utf-8")
    with pytest.raises(NonConformingBuildError) as info:
        run_build(build_options(data, corpus))
    assert "training-classes-spot-checked" in str(info.value) and not info.value.report.conforms
    assert current_build(data).path == before.path
    assert not [p for p in (data / "builds").iterdir() if p.name.startswith(".tmp-")]
    monkeypatch.setenv("POLICYKG_DATA", str(data))
    result = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--no-progress"])
    assert result.exit_code == 1 and "does not conform" in result.output
    assert current_build(data).path == before.path


def test_changed_source_text_is_refused(tmp_path, build_options):
    corpus = copy_corpus(tmp_path)
    text = corpus / "002_8402b0486c431577.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="002_8402b0486c431577.txt: sha256 differs"):
        run_build(build_options(tmp_path / "data", corpus))


def test_one_named_graph_per_document(store, built):
    graphs = {g.value for g in store.named_graphs()}
    assert set(built.manifest.graphs.documents) <= graphs
    assert BASE + "graph/inferred" in graphs


def test_national_copy_has_no_signature_date_but_a_receipt(store):
    notice = ox.NamedNode(BASE + "doc/renshebufa-2021-102")
    eli_date = ox.NamedNode("http://data.europa.eu/eli/ontology#date_document")
    assert not list(store.quads_for_pattern(notice, eli_date, None, None))
    received = next(iter(store.query(
        f"SELECT ?d WHERE {{ GRAPH ?g {{ <{notice.value}> <{BASE}ontology#receipt> ?r . "
        f"?r <{BASE}ontology#receivedOn> ?d }} }}")))
    assert received["d"].value == "2021-12-28"


def test_every_span_quote_matches_the_text(store):
    rows = store.query("""
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        SELECT (COUNT(*) AS ?n) (SUM(IF(SUBSTR(?text, ?b + 1, ?e - ?b) = ?q, 1, 0)) AS ?ok) WHERE {
          GRAPH ?g { ?s nif:referenceContext ?c ; nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?q .
                     ?c nif:isString ?text } }""")
    row = next(iter(rows))
    assert int(row["n"].value) > 500
    assert row["n"].value == row["ok"].value


def test_per_year_and_every_two_years_targets_are_per_interval(store):
    """每年…不少于60项 and 每两年举办一届 apply to each interval, not to the whole 2021–2025 period."""
    rows = store.query(f"""
        PREFIX pkg: <{BASE}ontology#>
        SELECT ?text ?every ?value WHERE {{ GRAPH ?g {{
          ?t pkg:aggregation pkg:PerInterval ; pkg:recurrence ?d ; pkg:valueText ?text ; pkg:value ?value .
          ?d <http://www.w3.org/2004/02/skos/core#notation> ?every ;
             <http://www.w3.org/2006/time#numericDuration> ?n ;
             <http://www.w3.org/2006/time#unitType> <http://www.w3.org/2006/time#unitYear> }} }}
        ORDER BY ?every""")
    assert [(r["text"].value, r["every"].value, r["value"].value) for r in rows] == [
        ("不少于60项", "P1Y", "60"), ("一届", "P2Y", "1")]


def test_bad_recurrence_note_names_file_and_line(tmp_path, build_options):
    corpus = copy_corpus(tmp_path)
    ann = corpus / "001_84cd6972a9a5ce06.ann"
    text = ann.read_text(encoding="utf-8")
    assert "every=P1Y" in text
    ann.write_text(text.replace("every=P1Y", "every=weekly"), encoding="utf-8")
    period_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("T208\tPeriod "))
    with pytest.raises(AnnotationError, match="every='weekly' must be an ISO 8601 duration") as info:
        run_build(build_options(tmp_path / "data", corpus))
    assert info.value.path.endswith("001_84cd6972a9a5ce06.ann") and info.value.line == period_line


def test_every_document_says_whom_its_programmes_serve(store):
    rows = store.query(f"""
        SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?p <{BASE}ontology#serves> ?group }} }} GROUP BY ?g""")
    counts = {r["g"].value.removeprefix(BASE + "graph/"): int(r["n"].value) for r in rows}
    assert set(counts) == {"renshebufa-2021-102", "lurenshefa-2022-7", "liaorenshefa-2022-20",
                           "linjiubanfa-2022-1", "tairenshezi-2021-12"}
    # 泰安: 落实“马兰花”创业培训计划，对有创业意愿和培训需求的各类劳动者…强化创业培训讲师培训
    assert bool(store.query(f"""ASK {{ GRAPH <{BASE}graph/tairenshezi-2021-12> {{
        <{BASE}programme/malanhua-plan> <{BASE}ontology#serves> <{BASE}group/entrepreneurship-lecturers> ,
                                                                <{BASE}group/aspiring-entrepreneurs> }} }}"""))


def test_warm_caches_give_the_bytes_of_a_cold_build(tmp_path, build_options, caplog):
    """A rebuild after one changed document emits only that document (build.emit.cache) and reasons
    only over its graph (kg.reasoning_cache), and writes the same bytes as a build from empty caches."""
    import logging

    corpus = copy_corpus(tmp_path)
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    run_build(build_options(warm, corpus))
    ann = corpus / "000_efd6f1e3e697da64.ann"
    text = ann.read_text(encoding="utf-8")
    old = "en=Linyi 14th Five-Year Plan for Vocational Skills Training; juris=371300"  # the plan's own title
    assert text.count(old) == 1
    ann.write_text(text.replace(old, "en=Linyi Vocational Skills Training Plan 2021-2025; juris=371300"),
                   encoding="utf-8")
    with caplog.at_level(logging.INFO):
        run_build(build_options(warm, corpus))
    messages = [r.getMessage() for r in caplog.records]
    assert "emission cache: 4 of 5 document(s) reused" in messages
    assert "reasoning cache: 7 of 8 graph(s) reused" in messages
    run_build(build_options(cold, corpus))
    tables = tuple(f"tables/{p.name}" for p in (current_build(cold).path / "tables").iterdir())
    for name in PUBLISHED + tables:
        assert (current_build(warm).path / name).read_bytes() == (current_build(cold).path / name).read_bytes(), name
    assert b"Linyi Vocational Skills Training Plan 2021-2025" in (current_build(warm).path / "policykg.nq").read_bytes()
    # the warm build's store is the previous one changed by the dumps' difference (build.working_store):
    # it holds what a fresh load holds, the default graph (the merge) included
    assert "store: the previous build's" in " ".join(messages)
    stores = [ox.Store.read_only(str(current_build(folder).store_path)) for folder in (warm, cold)]
    assert set(stores[0]) == set(stores[1]) and len(stores[0]) > 50_000


def test_inferred_graph_is_the_closure_read_back_from_the_store(built):
    """The build reasons over each graph's lines as it writes them; reading the graphs back from the
    built store (kg.reasoning.infer) gives the same graph/inferred, less what graph/shapes asserts."""
    from policykg.kg import reasoning
    from policykg.kg.namespaces import SHAPES_GRAPH, VOCABULARY_GRAPH
    from policykg.kg.store import open_store

    store = open_store(built, in_memory=True, merge=False)
    given = [ox.NamedNode(g) for g in (*built.manifest.graphs.documents, VOCABULARY_GRAPH)]
    shapes = {ox.Triple(q.subject, q.predicate, q.object)
              for q in store.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES_GRAPH))}
    expected = [q for q in reasoning.infer(store, given, config.ONTOLOGY_DIR / "policykg.ttl")
                if ox.Triple(q.subject, q.predicate, q.object) not in shapes]
    written = list(ox.parse(path=str(built.path / "inferred.nq"), format=ox.RdfFormat.N_QUADS))
    assert written == expected and len(written) > 1000
