"""SHACL validation of the policykg dataset whose cost grows linearly with the corpus.

The package's parts: ``run`` (the entry point), ``report`` (results and their text/Turtle forms),
``inputs`` (data and terms), ``shapes`` (the shapes graph and its SHACL-SPARQL constraints),
``data_graph`` (the merged data every query reads), ``core_compiler`` + ``core`` (SHACL Core as
SPARQL), ``sparql_constraints`` (sh:sparql), ``structural`` (pySHACL per unit: the reference and the
fallback) and ``cache`` (pySHACL's unit results by content).
"""

from policykg.kg.validation.cache import cache_directory
from policykg.kg.validation.inputs import load_store, to_oxigraph, to_rdflib
from policykg.kg.validation.report import SEVERITIES, ValidationReport, ValidationResult, compact
from policykg.kg.validation.run import ValidationOptions, data_graphs, validate, validate_vocabulary
from policykg.kg.validation.shapes import DEFAULT_SHAPES, DEFAULT_VOCABULARY, SparqlConstraint, split_shapes

__all__ = [
    "DEFAULT_SHAPES", "DEFAULT_VOCABULARY", "SEVERITIES", "SparqlConstraint", "ValidationOptions",
    "ValidationReport", "ValidationResult", "cache_directory", "compact", "data_graphs", "load_store",
    "split_shapes", "to_oxigraph", "to_rdflib", "validate", "validate_vocabulary",
]
