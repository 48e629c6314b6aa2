"""Incremental validation by pySHACL (the reference engine, and the fallback for shapes the compiler does
not translate): the results of a unit are reused while its content (and the shapes, vocabulary and
validator) are unchanged; a changed document revalidates only its own unit."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from policykg import config
from policykg.kg.store import open_store
from policykg.kg.validation import ValidationOptions, validate

DATA = Path(__file__).resolve().parent.parent / "data" / "shapes"
GRAPH_A = ox.NamedNode("https://w3id.org/policykg/graph/lurenshefa-2022-7")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _fixture_store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(DATA / "valid.trig"), format=ox.RdfFormat.TRIG)
    return store


def _relabel_one_subject(store: ox.Store, graph: ox.NamedNode) -> None:
    """Change one rdfs:label in `graph`, of a subject that only `graph` describes."""
    for quad in store.quads_for_pattern(None, LABEL, None, graph):
        others = [q for q in store.quads_for_pattern(quad.subject, None, None, None) if q.graph_name != graph]
        if not others:
            store.remove(quad)
            store.add(ox.Quad(quad.subject, LABEL, ox.Literal(quad.object.value + " (revised)",
                                                              language=quad.object.language), graph))
            return
    raise AssertionError(f"no subject described only in {graph}")


def test_unchanged_units_are_reused_and_a_changed_one_is_validated_again(tmp_path):
    options = ValidationOptions(cache_dir=tmp_path / "cache", sparql=False, core="pyshacl")
    store = _fixture_store()
    uncached = validate(store, options=ValidationOptions(sparql=False, core="pyshacl"))
    first = validate(store, options=options)
    assert first.units == 2 and first.units_reused == 0
    second = validate(store, options=options)
    assert second.units_reused == second.units == 2
    assert first.results == second.results == uncached.results

    _relabel_one_subject(store, GRAPH_A)
    third = validate(store, options=options)
    assert third.units == 2 and third.units_reused == 1
    assert third.results == validate(store, options=ValidationOptions(sparql=False, core="pyshacl")).results


def test_changed_shapes_invalidate_every_unit(tmp_path):
    store = _fixture_store()
    cache = tmp_path / "cache"
    validate(store, options=ValidationOptions(cache_dir=cache, sparql=False, core="pyshacl"))
    shapes = tmp_path / "shapes.ttl"
    shapes.write_bytes((Path(__file__).resolve().parents[2] / "shapes" / "policykg-shapes.ttl").read_bytes()
                       + b"\n# a comment changes the shapes file\n")
    report = validate(store, shapes, options=ValidationOptions(cache_dir=cache, sparql=False, core="pyshacl"))
    assert report.units == 2 and report.units_reused == 0


def test_the_cache_is_bounded_and_survives_a_corrupt_entry(tmp_path):
    cache = tmp_path / "cache"
    store = _fixture_store()
    report = validate(store, options=ValidationOptions(cache_dir=cache, cache_entries=1, sparql=False, core="pyshacl"))
    assert report.units == 2 and len(list(cache.glob("*.json"))) == 1
    for entry in cache.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    again = validate(store, options=ValidationOptions(cache_dir=cache, cache_entries=1, sparql=False, core="pyshacl"))
    assert again.units_reused == 0 and again.results == report.results


def test_the_compiled_engine_leaves_no_unit_to_pyshacl_and_caches_nothing(tmp_path, built):
    """Every shape of shapes/ is compiled to SPARQL: validating the build runs no pySHACL unit."""
    cache = tmp_path / "cache"
    store = open_store(built, in_memory=True, merge=False)
    vocabulary = tuple(sorted(config.ONTOLOGY_DIR.glob("*.ttl")))  # as the build and `policykg validate`
    report = validate(store, options=ValidationOptions(vocabulary=vocabulary, cache_dir=cache))
    assert report.conforms and report.units > 1 and report.units_reused == 0
    assert not cache.exists()
