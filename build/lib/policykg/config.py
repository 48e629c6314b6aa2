"""Locations of the project's files and of the built artefacts."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / "corpus"
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
SHAPES_DIR = PROJECT_ROOT / "shapes"
QUERIES_DIR = PROJECT_ROOT / "queries"

DATA_ENV = "POLICYKG_DATA"
DEFAULT_DATA_DIR = "data"


def data_dir() -> Path:
    """Directory of built artefacts: $POLICYKG_DATA, else ./data in the working directory."""
    return Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR).resolve()
