"""The validation entry point: the dataset against the shapes, in time linear in the corpus.

* **SHACL Core** shapes are compiled to SPARQL (kg.validation.core_compiler) and evaluated by
  Oxigraph over the whole data graph at once (kg.validation.data_graph). A shape the compiler does
  not translate is validated by pySHACL per validation unit (kg.validation.structural), with the
  unit cache; ``core="pyshacl"`` sends every shape there (the reference the compiled engine is
  tested against).
* **SHACL-SPARQL** constraints (sh:sparql) run once each over the same data graph
  (kg.validation.sparql_constraints).

``conforms`` is false only when there is an ``sh:Violation``. The CLI maps this to exit codes:
0 conforms, 1 does not conform, 2 input or runtime error (:class:`~policykg.errors.ValidationError`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
from rdflib import Graph

from policykg.errors import ValidationError
from policykg.kg.dataset import asserted_graphs, has_merged_default_graph
from policykg.kg.namespaces import VOCABULARY_GRAPH
from policykg.kg.validation.cache import DEFAULT_MAX_ENTRIES, UnitCache, files_fingerprint, fingerprint
from policykg.kg.validation.core import CorePlan, plan_core, run_core, without_compiled_targets
from policykg.kg.validation.data_graph import DataGraph
from policykg.kg.validation.inputs import GraphName, Input, load_store, parse_graph, rdf_format
from policykg.kg.validation.report import ValidationReport, ValidationResult
from policykg.kg.validation.shapes import DEFAULT_SHAPES, DEFAULT_VOCABULARY, read_shapes, split_shapes
from policykg.kg.validation.sparql_constraints import run_sparql_constraints
from policykg.kg.validation.structural import structural_results

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ValidationOptions:
    """What to run. The vocabulary (ontology + SKOS schemes) is background knowledge: its
    rdfs:subClassOf axioms make sh:targetClass/sh:class honour subclasses, and the types of its
    individuals (units, comparators …) let sh:class succeed on them."""

    vocabulary: tuple[Path, ...] = DEFAULT_VOCABULARY
    structural: bool = True  # SHACL Core shapes
    sparql: bool = True  # SHACL-SPARQL constraints
    core: Literal["compiled", "pyshacl"] = "compiled"  # engine for SHACL Core (pyshacl: the reference)
    # where pySHACL's results of units are cached by content (None: no cache)
    cache_dir: Path | None = None
    cache_entries: int = DEFAULT_MAX_ENTRIES


def data_graphs(store: ox.Store) -> list[GraphName]:
    """The graphs validated by default: the data graphs of kg.dataset (every asserted graph but
    graph/shapes), and the default graph when data was loaded into it (a Turtle file)."""
    graphs: list[GraphName] = list(asserted_graphs(store, shapes=False))
    if has_merged_default_graph(store):
        graphs.insert(0, ox.DefaultGraph())
    return graphs


def _as_graph_names(graphs: Iterable[object] | None, store: ox.Store) -> list[GraphName]:
    if graphs is None:
        return data_graphs(store)
    names: list[GraphName] = []
    for g in graphs:
        if isinstance(g, ox.NamedNode | ox.BlankNode | ox.DefaultGraph):
            names.append(g)
        elif g is None or str(g) == "":
            names.append(ox.DefaultGraph())
        else:
            names.append(ox.NamedNode(str(g)))
    return names


def _data_files(source: Input) -> list[Path] | None:
    """The RDF files of the input, when it is files (not a store or an rdflib graph)."""
    if isinstance(source, str | Path):
        return [Path(source)]
    if isinstance(source, list | tuple) and all(isinstance(p, str | Path) for p in source):
        return [Path(p) for p in source]
    return None


def _graph_filter(chosen: set[GraphName] | None) -> Callable[[GraphName], bool]:
    """Whether a graph of a file is validated: one of ``chosen``, else the rule of data_graphs."""
    if chosen is not None:
        return chosen.__contains__
    decided: dict[GraphName, bool] = {}

    def keep(graph: GraphName) -> bool:
        if graph not in decided:
            decided[graph] = isinstance(graph, ox.DefaultGraph) or (
                isinstance(graph, ox.NamedNode) and bool(asserted_graphs([graph], shapes=False)))
        return decided[graph]

    return keep


def _vocabulary_store(paths: Sequence[Path]) -> ox.Store:
    store = ox.Store()
    for p in map(Path, paths):
        try:
            store.load(path=str(p), format=rdf_format(p))
        except (OSError, SyntaxError) as exc:
            raise ValidationError(f"cannot read vocabulary {p}: {exc}") from exc
    return store


def _engine_versions() -> str:
    """The libraries whose behaviour decides a unit's results: a new version invalidates the cache."""
    return " ".join(f"{name}={version(name)}" for name in ("pyshacl", "rdflib", "pyoxigraph"))


def _unit_cache(options: ValidationOptions, shape_paths: Sequence[Path]) -> UnitCache | None:
    if options.cache_dir is None:
        return None
    context = fingerprint(files_fingerprint(shape_paths), files_fingerprint(options.vocabulary), _engine_versions())
    return UnitCache(options.cache_dir, context, options.cache_entries)


def _core_results(
    source: Callable[[], ox.Store], names: Sequence[GraphName], structural: Graph, data: DataGraph,
    options: ValidationOptions, shape_paths: Sequence[Path],
) -> tuple[list[ValidationResult], int]:
    """SHACL Core results: compiled shapes by Oxigraph, the others by pySHACL (and units reused)."""
    results: list[ValidationResult] = []
    if options.core == "compiled":
        plan = plan_core(structural, data)
        results.extend(run_core(data, structural, plan))
        for shape, reason in sorted(plan.fallback.items(), key=lambda item: str(item[0])):
            log.info("shape %s is validated by pySHACL: %s", shape, reason)
        if not plan.fallback:
            return results, 0
        structural = without_compiled_targets(structural, plan)
    else:
        plan = CorePlan()
    vocabulary = parse_graph(options.vocabulary, "vocabulary")
    found, reused = structural_results(source(), names, structural, vocabulary, _unit_cache(options, shape_paths))
    return results + found, reused


def validate(
    store: Input,
    shapes_path: Path | str | Sequence[Path | str] = DEFAULT_SHAPES,
    graphs: Iterable[ox.NamedNode | ox.DefaultGraph | str] | None = None,
    options: ValidationOptions | None = None,
    merged: Path | None = None,
) -> ValidationReport:
    """Validate the dataset against the shapes.

    ``store`` is an Oxigraph store, an rdflib Dataset/Graph, or RDF file path(s). ``graphs`` are the
    graphs to check (default: :func:`data_graphs`). ``merged``, with a store, is an N-Triples file of
    the distinct triples of the store's asserted graphs (the build's work file of its default graph):
    the data graph is then read from it instead of from the store (DataGraph.of_merge). Raises
    ValidationError when the shapes or vocabulary cannot be read or a constraint cannot be evaluated.
    """
    options = options or ValidationOptions()
    shape_paths = [Path(p) for p in ([shapes_path] if isinstance(shapes_path, str | Path) else shapes_path)]
    structural, constraints = split_shapes(read_shapes(shape_paths))
    vocabulary = _vocabulary_store(options.vocabulary)
    files = _data_files(store)
    loaded: list[ox.Store] = []

    def source() -> ox.Store:  # the data as a store: needed only by pySHACL, loaded once when it is
        if not loaded:
            loaded.append(load_store(store))
        return loaded[0]

    if files is not None and options.core == "compiled":  # streamed: the data graph alone in memory
        chosen = None if graphs is None else set(_as_graph_names(graphs, ox.Store()))
        data, seen = DataGraph.of_files(files, _graph_filter(chosen), vocabulary)
        names = seen if chosen is None else sorted(chosen, key=str)
    else:
        names = _as_graph_names(graphs, source())
        if merged is not None and isinstance(store, ox.Store):
            data = DataGraph.of_merge(merged, store, names, vocabulary)
        else:
            data = DataGraph.of_store(source(), names, vocabulary)

    results: list[ValidationResult] = []
    reused = 0
    if options.structural and names:
        found, reused = _core_results(source, names, structural, data, options, shape_paths)
        results.extend(found)
    if options.sparql:
        results.extend(run_sparql_constraints(data, constraints))
    return ValidationReport.from_results(
        results, units=len(names) if options.structural else 0, units_reused=reused
    )


def validate_vocabulary(
    shapes_path: Path | str = DEFAULT_SHAPES, vocabulary: Sequence[Path] = DEFAULT_VOCABULARY
) -> ValidationReport:
    """Validate the vocabulary files themselves (units, controlled individuals) against the shapes."""
    store = ox.Store()
    for p in vocabulary:
        store.load(path=str(p), format=rdf_format(Path(p)), to_graph=ox.NamedNode(VOCABULARY_GRAPH))
    return validate(store, shapes_path, options=ValidationOptions(vocabulary=tuple(vocabulary)))
