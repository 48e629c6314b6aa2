"""Where the project's inputs and the built artefacts are: read once here, imported everywhere else.

The ontology, the SHACL shapes and the example queries ship inside the package (package data, as
pySHACL ships its assets/), so `pip install .` works without the source tree; in an editable install
setuptools maps the same package names onto the checkout's folders. The corpus is the builder's
input and does not ship: `policykg build --corpus DIR` names it, and the checkout's corpus/ is the
default when there is one.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from policykg.errors import PolicyKGError

DATA_ENV = "POLICYKG_DATA"
DEFAULT_DATA_DIR = "data"


def package_folder(package: str) -> Path:
    """The folder of a data package shipped inside policykg (`policykg.ontology`, …)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PolicyKGError(f"{package} is not installed: reinstall policykg (pip install .)")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


ONTOLOGY_DIR = package_folder("policykg.ontology")
SHAPES_DIR = package_folder("policykg.shapes")
QUERIES_DIR = package_folder("policykg.queries")
# the checkout's corpus (an editable install maps policykg.ontology onto <checkout>/ontology)
CORPUS_DIR = ONTOLOGY_DIR.parent / "corpus"


def data_dir(environ: os._Environ | dict[str, str] | None = None) -> Path:
    """Directory of built artefacts: $POLICYKG_DATA, else ./data in the working directory."""
    env = os.environ if environ is None else environ
    return Path(env.get(DATA_ENV) or DEFAULT_DATA_DIR).resolve()
