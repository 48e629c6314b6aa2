"""Tidy CSV tables of the graph for people who do not write SPARQL, as a Frictionless data package.

One table per kind of thing (documents, targets, baselines, programmes, groups, agencies, links),
one row per resource, one column per property, each row keyed by the resource's IRI so that a row
can be looked up in the graph. Every table is one SPARQL SELECT over the default graph (the merge of
the asserted graphs), sorted, so the same build gives byte-identical files (GROUP_CONCAT reads its
values in order: left alone it would follow the store's insertion order). datapackage.json
describes each file with its Table Schema (field names, types, primary key).

An aggregating sub-SELECT (MIN of the labels, GROUP_CONCAT of the printed values) is evaluated on its
own before it is joined, so each names the table's class: unrestricted, it would read (and decode from
the on-disk store, microseconds a term) every label of the graph for a few thousand rows.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policykg.kg.dataset import DEFAULT, asserted_graphs, has_merged_default_graph, merge_graphs
from policykg.kg.description import links
from policykg.kg.namespaces import BASE, sparql_prologue

DATAPACKAGE = "datapackage.json"
TABLES_DIR = "tables"  # the folder of a build that holds them
LOCAL = 'REPLACE(STR({var}), "^.*[/#]", "")'


def _local(var: str) -> str:
    return LOCAL.format(var=var)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    fields: tuple[tuple[str, str, str], ...]  # (column, Table Schema type, description)
    query: str

    @property
    def columns(self) -> list[str]:
        return [f[0] for f in self.fields]


def _statement_table(name: str, cls: str, title: str) -> Table:
    return Table(name, title, (
        ("iri", "string", "the statement's IRI"),
        ("plan", "string", "IRI of the plan that states it"),
        ("indicator_concept", "string", "what is measured (local name in scheme/indicators)"),
        ("indicator_zh", "string", "the indicator as the plan words it"),
        ("comparator", "string", "AtLeast, MoreThan, AtMost, LessThan, Exactly, Approximately"),
        ("value", "number", "normalised value"),
        ("unit", "string", "unit id (scheme/units)"),
        ("value_text", "string", "the value as printed (forms separated by ' | ' when printed twice)"),
        ("period_start", "date", "start of the period"),
        ("period_end", "date", "end of the period"),
        ("aggregation", "string", "Level, PeriodTotal, PerInterval or PeriodShare"),
        ("nature", "string", "Expected or Binding, when the plan says"),
        ("jurisdiction_code", "string", "GB/T 2260 code of the plan's jurisdiction"),
    ), f"""SELECT ?iri ?plan ?indicator_concept ?indicator_zh ?comparator ?value ?unit ?value_text
        ?period_start ?period_end ?aggregation ?nature ?jurisdiction_code WHERE {{
        ?s a pkg:{cls} ; pkg:inPlan ?p ; pkg:indicator ?i ; pkg:value ?value .
        BIND(STR(?s) AS ?iri) BIND(STR(?p) AS ?plan)
        OPTIONAL {{ ?i pkg:measures ?c BIND({_local("?c")} AS ?indicator_concept) }}
        OPTIONAL {{ SELECT ?i (MIN(?l) AS ?indicator_zh) WHERE {{
                   ?t a pkg:{cls} ; pkg:indicator ?i . ?i rdfs:label ?l FILTER(LANG(?l) = "zh") }} GROUP BY ?i }}
        OPTIONAL {{ ?s pkg:comparator ?cmp BIND({_local("?cmp")} AS ?comparator) }}
        OPTIONAL {{ ?s pkg:unit ?u BIND({_local("?u")} AS ?unit) }}
        OPTIONAL {{ SELECT ?s (GROUP_CONCAT(DISTINCT ?vt; separator=" | ") AS ?value_text)
                   WHERE {{ SELECT ?s ?vt WHERE {{ ?s a pkg:{cls} ; pkg:valueText ?vt }} ORDER BY ?vt }} GROUP BY ?s }}
        OPTIONAL {{ SELECT ?s ?period_start ?period_end WHERE {{
                   ?s a pkg:{cls} ; pkg:period ?per . ?per pkg:startDate ?period_start ; pkg:endDate ?period_end }} }}
        OPTIONAL {{ ?s pkg:aggregation ?agg BIND({_local("?agg")} AS ?aggregation) }}
        OPTIONAL {{ ?s pkg:nature ?nat BIND({_local("?nat")} AS ?nature) }}
        OPTIONAL {{ ?p pkg:jurisdiction ?j . ?j pkg:divisionCode ?jurisdiction_code }}
    }}""")


TABLES = (
    Table("documents", "Notices and the plans they issue", (
        ("iri", "string", "the notice's IRI"),
        ("document_number", "string", "the document number as printed (eli:id_local)"),
        ("title_zh", "string", "the notice's title"),
        ("title_en", "string", "the project's English label (not a published translation)"),
        ("date_document", "date", "date signed, when printed"),
        ("date_publication", "date", "date published, when printed"),
        ("jurisdiction_code", "string", "GB/T 2260 code of the issuing jurisdiction (100000: national)"),
        ("plan", "string", "IRI of the plan the notice issues"),
        ("plan_title_zh", "string", "the plan's title"),
        ("period_start", "date", "start of the plan period"),
        ("period_end", "date", "end of the plan period"),
        ("level", "string", "National, Provincial or Municipal"),
    ), f"""SELECT ?iri ?document_number ?title_zh ?title_en ?date_document ?date_publication
        ?jurisdiction_code ?plan ?plan_title_zh ?period_start ?period_end ?level WHERE {{
        ?n a pkg:Notice ; pkg:issuesPlan ?p . BIND(STR(?n) AS ?iri) BIND(STR(?p) AS ?plan)
        OPTIONAL {{ SELECT ?n (MIN(?id) AS ?document_number) WHERE {{ ?n a pkg:Notice ; eli:id_local ?id }}
                   GROUP BY ?n }}
        OPTIONAL {{ ?n rdfs:label ?title_zh FILTER(LANG(?title_zh) = "zh") }}
        OPTIONAL {{ ?n rdfs:label ?title_en FILTER(LANG(?title_en) = "en") }}
        OPTIONAL {{ ?n eli:date_document ?date_document }}
        OPTIONAL {{ ?n eli:date_publication ?date_publication }}
        OPTIONAL {{ ?p pkg:jurisdiction ?j . ?j pkg:divisionCode ?jurisdiction_code }}
        OPTIONAL {{ ?p rdfs:label ?plan_title_zh FILTER(LANG(?plan_title_zh) = "zh") }}
        OPTIONAL {{ ?p pkg:period ?per . ?per pkg:startDate ?period_start ; pkg:endDate ?period_end }}
        OPTIONAL {{ ?p pkg:level ?lv BIND({_local("?lv")} AS ?level) }}
    }}"""),
    _statement_table("targets", "IndicatorTarget", "Indicator targets: values a plan sets for a period"),
    _statement_table("baselines", "Baseline", "Baselines: values a plan reports for a past period"),
    Table("programmes", "Programmes: 专栏 boxes, their items and named programmes", (
        ("iri", "string", "the programme's IRI"),
        ("plan", "string", "IRI of the plan (boxes and items) or of a plan that mentions it (named)"),
        ("label_zh", "string", "label"),
        ("label_en", "string", "the project's English label"),
        ("box_number", "integer", "number of the 专栏 box"),
        ("item_number", "integer", "number of the item within its box"),
        ("part_of", "string", "IRI of the box an item belongs to"),
    ), """SELECT ?iri ?plan ?label_zh ?label_en ?box_number ?item_number ?part_of WHERE {
        ?s a pkg:Program . BIND(STR(?s) AS ?iri)
        OPTIONAL { SELECT ?s (MIN(STR(?pl)) AS ?plan) WHERE { ?s a pkg:Program
            { ?s pkg:inPlan ?pl } UNION { ?s pkg:mentionedIn ?pl } } GROUP BY ?s }
        OPTIONAL { SELECT ?s (MIN(?l) AS ?label_zh) WHERE { ?s a pkg:Program ; rdfs:label ?l FILTER(LANG(?l) = "zh") }
                   GROUP BY ?s }
        OPTIONAL { SELECT ?s (MIN(?l) AS ?label_en) WHERE { ?s a pkg:Program ; rdfs:label ?l FILTER(LANG(?l) = "en") }
                   GROUP BY ?s }
        OPTIONAL { ?s pkg:boxNumber ?box_number }
        OPTIONAL { ?s pkg:itemNumber ?item_number }
        OPTIONAL { ?s dcterms:isPartOf ?box BIND(STR(?box) AS ?part_of) }
    }"""),
    Table("groups", "Target groups (scheme/target-groups)", (
        ("iri", "string", "the group's IRI"),
        ("label_zh", "string", "preferred label"),
        ("label_en", "string", "the project's English label"),
        ("plans", "integer", "number of plans that mention the group"),
    ), """SELECT ?iri ?label_zh ?label_en ?plans WHERE {
        { SELECT ?g (COUNT(DISTINCT ?p) AS ?plans) WHERE { ?g a pkg:TargetGroup OPTIONAL { ?p pkg:mentionsGroup ?g } }
          GROUP BY ?g }
        BIND(STR(?g) AS ?iri)
        OPTIONAL { ?g skos:prefLabel ?label_zh FILTER(LANG(?label_zh) = "zh") }
        OPTIONAL { ?g skos:prefLabel ?label_en FILTER(LANG(?label_en) = "en") }
    }"""),
    Table("agencies", "Agencies", (
        ("iri", "string", "the agency's IRI"),
        ("label_zh", "string", "preferred label"),
        ("label_en", "string", "the project's English label"),
        ("parent", "string", "IRI of the organisation it is part of (org:subOrganizationOf)"),
        ("jurisdiction_code", "string", "GB/T 2260 code of its jurisdiction"),
    ), """SELECT ?iri ?label_zh ?label_en ?parent ?jurisdiction_code WHERE {
        ?a a pkg:Agency . BIND(STR(?a) AS ?iri)
        OPTIONAL { ?a skos:prefLabel ?label_zh FILTER(LANG(?label_zh) = "zh") }
        OPTIONAL { ?a skos:prefLabel ?label_en FILTER(LANG(?label_en) = "en") }
        OPTIONAL { ?a org:subOrganizationOf ?up BIND(STR(?up) AS ?parent) }
        OPTIONAL { ?a pkg:jurisdiction ?j . ?j pkg:divisionCode ?jurisdiction_code }
    }"""),
)
LINKS = Table("links", "Links to other datasets (the rows of the VoID linksets)", (
    ("subject", "string", "IRI in this graph"),
    ("predicate", "string", "link predicate"),
    ("object", "string", "IRI in the other dataset"),
), "")


def _cell(term) -> str:
    return "" if term is None else term.value


Links = list[tuple[str, str, str]]  # (subject, predicate, object) IRIs: kg.description.links


def _rows(data: ox.Store, table: Table, store: ox.Store, outgoing: Links | None) -> list[list[str]]:
    if table is LINKS:
        return sorted([s, p, o] for s, p, o in (links(store) if outgoing is None else outgoing))
    solutions = data.query(sparql_prologue() + table.query, default_graph=DEFAULT)
    rows = {tuple(_cell(solution[c]) for c in table.columns) for solution in solutions}
    return sorted(list(r) for r in rows)


def _csv(columns: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_tables(store: ox.Store, folder: Path, base: str = BASE,
                 outgoing: Links | None = None) -> list[Path]:
    """Write every table as CSV and datapackage.json into `folder`; return the paths written.

    The queries read the store's default graph when it holds the merge of the asserted graphs (the
    builder's store: no copy is made; graph/shapes in it holds none of the tabulated resources), else
    a merge of the data graphs made here. `outgoing`: the rows of the links table (kg.description.links
    of `store`) when the caller has them already.
    """
    folder.mkdir(parents=True, exist_ok=True)
    data = store if has_merged_default_graph(store) else merge_graphs(store, asserted_graphs(store, shapes=False))
    resources, written = [], []
    for table in (*TABLES, LINKS):
        path = folder / f"{table.name}.csv"
        path.write_bytes(_csv(table.columns, _rows(data, table, store, outgoing)))
        written.append(path)
        schema: dict = {"fields": [{"name": n, "type": t, "description": d} for n, t, d in table.fields]}
        if table is not LINKS:
            schema["primaryKey"] = ["iri"]
        resources.append({"name": table.name, "title": table.title, "path": path.name,
                          "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "schema": schema})
    package = {"profile": "tabular-data-package", "name": "policykg", "id": base + "dataset",
               "title": "policykg: China's vocational skills training plans as tables",
               "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
               "resources": resources}
    (folder / DATAPACKAGE).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(folder / DATAPACKAGE)
    return written
