"""build.emit.cache: an entry is reused exactly while the document, the builder and the registry
entries its emission read are unchanged."""

from __future__ import annotations

import copy

import pytest

from policykg import config
from policykg.build.corpus import load_corpus
from policykg.build.emit import emit_document_nquads
from policykg.build.emit.cache import EmissionCache, RecordingRegistry, builder_version
from policykg.build.registry import build_registry
from policykg.build.vocabulary import unit_tables


@pytest.fixture(scope="module")
def corpus():
    docs = load_corpus(config.CORPUS_DIR)
    return docs, build_registry(docs), unit_tables(config.ONTOLOGY_DIR / "units.ttl")


def recorded(doc, registry, units) -> RecordingRegistry:
    reading = RecordingRegistry(registry)
    emit_document_nquads(doc, reading, *units)
    return reading


def test_emission_through_the_recording_registry_is_unchanged(corpus):
    docs, registry, units = corpus
    reading = recorded(docs[0], registry, units)
    assert emit_document_nquads(docs[0], reading, *units) == emit_document_nquads(docs[0], registry, *units)
    kinds = {entry[0] for entry in reading.read}
    assert kinds == {"identity", "document"}  # the shared identities it names, the plans it cites
    assert ("document", docs[0].stem) in reading.read


def test_entry_is_reused_only_while_what_it_read_is_unchanged(corpus, tmp_path):
    docs, registry, units = corpus
    doc = docs[0]
    cache = EmissionCache(tmp_path, builder_version([config.ONTOLOGY_DIR / "units.ttl"]))
    reading = recorded(doc, registry, units)
    key = cache.key(doc)
    cache.put(key, registry, reading.read, b"<a> <b> <c> .\n")
    assert cache.get(key, registry) == b"<a> <b> <c> .\n"

    read_identity = next(entry for entry in sorted(reading.read) if entry[0] == "identity")
    changed = copy.deepcopy(registry)
    ident = changed.identities[(read_identity[1], read_identity[2])]
    ident.notes["en"] = ("another English label", "elsewhere:1")
    assert cache.get(key, changed) is None  # an identity this document names got another label

    unread = next(k for k in registry.identities if ("identity", *k) not in reading.read)
    other = copy.deepcopy(registry)
    other.identities[unread].notes["en"] = ("another English label", "elsewhere:1")
    assert cache.get(key, other) == b"<a> <b> <c> .\n"  # one it never read did

    moved = copy.deepcopy(registry)
    notes = moved.identities[(read_identity[1], read_identity[2])].notes
    notes.update({k: (v, "another-file.ann:99") for k, (v, _) in notes.items()})
    assert cache.get(key, moved) == b"<a> <b> <c> .\n"  # where a note was first given is not emitted


def test_a_damaged_or_foreign_entry_misses(corpus, tmp_path):
    docs, registry, units = corpus
    cache = EmissionCache(tmp_path, "v1")
    key = cache.key(docs[0])
    cache.put(key, registry, recorded(docs[0], registry, units).read, b"x\n")
    assert EmissionCache(tmp_path, "v2").key(docs[0]) != key  # another builder version
    (tmp_path / (key + ".emitted")).write_bytes(b"not json\n")
    assert cache.get(key, registry) is None
    cache.prune()
    assert (tmp_path / (key + ".emitted")).exists()  # used by this run: kept
    EmissionCache(tmp_path, "v1").prune()
    assert not list(tmp_path.iterdir())  # not used by that one: removed
