"""Tidy CSV tables as a Frictionless data package: valid, complete, the same from the CLI and the build."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from policykg.cli import main
from policykg.kg.tables import DATAPACKAGE, TABLES_DIR

NAMES = ("documents", "targets", "baselines", "programmes", "groups", "agencies", "links")


def read_csv(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def count(store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def test_the_build_writes_every_table_and_its_schema(built):
    folder = built.path / TABLES_DIR
    package = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == list(NAMES)
    for resource in package["resources"]:
        rows = read_csv(folder / resource["path"])
        header = list(rows[0]) if rows else []
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["name"]
    assert {e.file for e in built.manifest.tables} == {f"{n}.csv" for n in NAMES} | {DATAPACKAGE}


def test_the_package_is_valid_frictionless(built):
    frictionless = pytest.importorskip("frictionless", reason="frictionless is a test dependency")
    report = frictionless.Package(str(built.path / TABLES_DIR / DATAPACKAGE)).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


def test_one_row_per_resource(built, store):
    folder = built.path / TABLES_DIR
    for name, cls in (("documents", "Notice"), ("targets", "IndicatorTarget"), ("baselines", "Baseline"),
                      ("agencies", "Agency"), ("groups", "TargetGroup")):
        expected = count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a "
                                f"<https://w3id.org/policykg/ontology#{cls}> }} }}")
        assert len(read_csv(folder / f"{name}.csv")) == expected, name
    numbers = {row["document_number"] for row in read_csv(folder / "documents.csv")}
    assert all(n.endswith("号") for n in numbers) and len(numbers) == 5


def test_cli_export_writes_the_same_files_as_the_build(built, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_DATA", str(built.path.parent.parent))
    result = CliRunner().invoke(main, ["export", "--tables", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for name in (*[f"{n}.csv" for n in NAMES], DATAPACKAGE):
        assert (tmp_path / "out" / name).read_bytes() == (built.path / TABLES_DIR / name).read_bytes(), name
