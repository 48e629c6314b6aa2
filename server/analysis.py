"""Analysis views (/analysis/…): pictures computed from the graph by the SPARQL query each page states.

Every view runs its query through the same worker pool as /sparql, draws an SVG on the server
(server/charts.py), shows the rows, offers them as CSV (the same query, answered as text/csv), and
links to the query page with the query loaded. Nothing here is typed in: the concepts, plans, groups
and dates all come from the graph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request, url_for
from markupsafe import Markup

from policykg.kg.namespaces import BASE
from policykg.kg.prefixed_names import compact

from .charts import Bar, Event, bar_chart, dot_matrix, timeline
from .jobs import DatasetSpec, SparqlJob
from .sparql import execute
from .state import state
from .views import href

bp = Blueprint("analysis", __name__, url_prefix="/analysis")

LEVELS = "VALUES (?level ?rank) { (pkg:National 1) (pkg:Provincial 2) (pkg:Municipal 3) }"
CONCEPT_PREFIX = BASE + "indicator/"

SHARED_CONCEPTS = """SELECT ?concept ?conceptZh ?conceptEn (COUNT(DISTINCT ?plan) AS ?plans) WHERE {
  ?plan a pkg:Plan ; pkg:hasIndicator/pkg:measures ?concept .
  OPTIONAL { ?concept skos:prefLabel ?conceptZh FILTER (lang(?conceptZh) = "zh") }
  OPTIONAL { ?concept skos:prefLabel ?conceptEn FILTER (lang(?conceptEn) = "en") }
}
GROUP BY ?concept ?conceptZh ?conceptEn
HAVING (COUNT(DISTINCT ?plan) > 1)
ORDER BY DESC(?plans) ?concept
"""

CASCADE = """# The targets and baselines of one indicator concept, national → provincial → city, with the quote
# whose words are the value as printed.
SELECT ?kind ?rank ?jurisdictionLabel ?plan ?item ?start ?end ?aggregation ?unit ?unitZh ?value ?valueText ?quote
WHERE {
  VALUES ?concept { <CONCEPT> }
  LEVELS
  VALUES (?class ?kind) { (pkg:IndicatorTarget "target") (pkg:Baseline "baseline") }
  ?item a ?class ; pkg:inPlan ?plan ; pkg:indicator/pkg:measures ?concept ;
        pkg:value ?value ; pkg:unit ?unit ; pkg:period ?period .
  ?period pkg:startDate ?start ; pkg:endDate ?end .
  ?plan pkg:level ?level ; pkg:jurisdiction/skos:prefLabel ?jurisdictionLabel .
  FILTER (lang(?jurisdictionLabel) = "zh")
  OPTIONAL { ?item pkg:aggregation ?aggregation }
  OPTIONAL { ?unit skos:prefLabel ?unitZh FILTER (lang(?unitZh) = "zh") }
  OPTIONAL {
    ?item pkg:valueText ?valueText .
    OPTIONAL { ?item prov:wasDerivedFrom ?quote . ?quote nif:anchorOf ?valueText }
  }
}
ORDER BY ?rank ?jurisdictionLabel DESC(?kind) ?start ?end ?item ?quote
"""

GROUPS = """# Which plan names which target group (pkg:mentionsGroup), plans ordered national → city.
SELECT ?group ?groupZh ?plan ?rank ?jurisdictionLabel WHERE {
  LEVELS
  ?plan a pkg:Plan ; pkg:level ?level ; pkg:mentionsGroup ?group ;
        pkg:jurisdiction/skos:prefLabel ?jurisdictionLabel .
  FILTER (lang(?jurisdictionLabel) = "zh")
  OPTIONAL { ?group skos:prefLabel ?groupZh FILTER (lang(?groupZh) = "zh") }
}
ORDER BY ?rank ?plan ?group
"""

PROGRAMMES = """# The programmes (专栏) of every plan, with how many items each lists and the groups it serves.
SELECT ?plan ?rank ?jurisdictionLabel ?programme ?boxNumber ?titleZh (COUNT(DISTINCT ?part) AS ?items)
       (COUNT(DISTINCT ?group) AS ?groups) WHERE {
  LEVELS
  ?programme a pkg:Program ; pkg:inPlan ?plan ; pkg:boxNumber ?boxNumber ; rdfs:label ?titleZh .
  FILTER (lang(?titleZh) = "zh")
  ?plan pkg:level ?level ; pkg:jurisdiction/skos:prefLabel ?jurisdictionLabel .
  FILTER (lang(?jurisdictionLabel) = "zh")
  OPTIONAL { ?programme dcterms:hasPart ?part }
  OPTIONAL { ?programme dcterms:hasPart? ?served . ?served pkg:serves ?group }
}
GROUP BY ?plan ?rank ?jurisdictionLabel ?programme ?boxNumber ?titleZh
ORDER BY ?rank ?plan ?boxNumber
"""

TIMELINE = """# The documents by date (of the document, else of publication), and what their plans are based on or
# cite (in the corpus or not).
SELECT ?notice ?number ?date ?rank ?jurisdictionLabel ?plan ?relation ?work ?workNotice WHERE {
  LEVELS
  ?notice a pkg:Notice ; eli:id_local ?number ; pkg:issuesPlan ?plan .
  OPTIONAL { ?notice eli:date_document ?documentDate }
  OPTIONAL { ?notice eli:date_publication ?publicationDate }
  BIND (COALESCE(?documentDate, ?publicationDate) AS ?date)
  ?plan pkg:level ?level ; pkg:jurisdiction/skos:prefLabel ?jurisdictionLabel .
  FILTER (lang(?jurisdictionLabel) = "zh")
  OPTIONAL {
    VALUES (?property ?relation) { (eli:based_on "based_on") (eli:cites "cites") }
    ?plan ?property ?work .
    OPTIONAL { ?workNotice pkg:issuesPlan ?work }
  }
}
ORDER BY ?date ?notice ?relation ?work
"""


@dataclass(frozen=True)
class ViewPage:
    """What a view page shows."""

    title: str
    description: str
    svg: str
    headers: list[str]
    rows: list[list[tuple[str, str | None]]]  # cells: (text, link or None)
    query: str
    csv_url: str


def select(query: str) -> list[dict[str, str]]:
    """Run a SELECT through the worker pool; each row maps a variable to its value's lexical form."""
    config = state().config
    job = SparqlJob(query, DatasetSpec(), "json", None, config.max_result_bytes)
    answer = execute(state(), job, config.query_timeout, request.environ)  # through admission control
    bindings = json.loads(answer.body)["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in bindings]


def expand(query: str, concept: str | None = None) -> str:
    text = query.replace("LEVELS", LEVELS)
    if concept is not None:
        text = text.replace("<CONCEPT>", f"<{concept}>")
    return text


def quantity(value: str, unit_zh: str) -> str:
    """7,500 万人次, 25%, 62 亿元: digit grouping, 万/亿 for large counts, the unit as printed in Chinese."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return f"{value} {unit_zh}".strip()
    if unit_zh == "%":
        return f"{_grouped(number)}%"
    for size, word in ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万")):
        if abs(number) >= size and (number / size) == (number / size).quantize(Decimal("0.01")):
            return f"{_grouped(number / size)} {word}{unit_zh}"
    return f"{_grouped(number)} {unit_zh}".strip()


def _grouped(number: Decimal) -> str:
    text = f"{number.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def query_link(query: str) -> str:
    return url_for("pages.query_page") + "?" + urlencode({"query": query})


def csv_response(query: str, name: str) -> Response:
    config = state().config
    job = SparqlJob(query, DatasetSpec(), "csv", None, config.max_result_bytes)
    answer = execute(state(), job, config.query_timeout, request.environ)
    response = Response(answer.body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def render(page: ViewPage) -> str:
    return render_template("analysis.html", page=page, svg=Markup(page.svg), query_href=query_link(page.query))


# -- the views ------------------------------------------------------------------------------------


@bp.route("/")
def index() -> str:
    concepts = select(expand(SHARED_CONCEPTS))
    return render_template("analysis_index.html", concepts=concepts, query=SHARED_CONCEPTS,
                           query_href=query_link(SHARED_CONCEPTS), slug=concept_slug)


def concept_slug(iri: str) -> str:
    return iri[len(CONCEPT_PREFIX):] if iri.startswith(CONCEPT_PREFIX) else ""


@bp.route("/cascade/<slug>")
@bp.route("/cascade/<slug>.csv", endpoint="cascade_csv")
def cascade(slug: str):
    if not re.fullmatch(r"[A-Za-z0-9._-]+", slug):
        abort(404)
    concept = CONCEPT_PREFIX + slug
    query = expand(CASCADE, concept)
    if _wants_csv():
        return csv_response(query, f"cascade-{slug}")
    rows = select(query)
    if not rows:
        abort(404)
    label = next((r for r in select(expand(SHARED_CONCEPTS)) if r["concept"] == concept), {})
    title = f"{label.get('conceptZh', compact(concept))} · {label.get('conceptEn', '')}".strip(" ·")
    seen: set[str] = set()
    bars, table = [], []
    for row in rows:
        if row["item"] in seen:
            continue  # one row per target or baseline (a value may be printed with several quotes)
        seen.add(row["item"])
        shown = quantity(row["value"], row.get("unitZh", ""))
        period = row["start"][:4] if row["start"][:4] == row["end"][:4] else f"{row['start'][:4]}–{row['end'][:4]}"
        baseline = row["kind"] == "baseline"
        name = f"{row['jurisdictionLabel']} {period}{' 基期 baseline' if baseline else ''}"
        quote_href = href(row["quote"]) if row.get("quote") else href(row["item"])
        bars.append(Bar(name, float(row["value"]), shown, quote_href, int(row["rank"]), pale=baseline))
        table.append([(row["jurisdictionLabel"], href(row["plan"])),
                      ("基期 baseline" if baseline else "目标 target", href(row["item"])),
                      (period, None), (compact(row.get("aggregation", "")) if row.get("aggregation") else "", None),
                      (shown, quote_href), (row.get("valueText", ""), quote_href)])
    svg = bar_chart(bars, title)
    return render(ViewPage(
        title=f"指标级联 Cascade: {title}",
        description="Targets (dark) and baselines (pale) of this indicator concept in every plan, national → "
                    "provincial → city, values normalised to one unit; each value links to the words it was read from.",
        svg=svg,
        headers=["地区 Jurisdiction", "类型 Kind", "期间 Period", "口径 Aggregation", "值 Value", "原文 As printed"],
        rows=table, query=query, csv_url=url_for("analysis.cascade_csv", slug=slug)))


@bp.route("/groups")
@bp.route("/groups.csv", endpoint="groups_csv")
def groups():
    query = expand(GROUPS)
    if _wants_csv():
        return csv_response(query, "target-groups-by-plan")
    rows = select(query)
    plans = _ordered_unique((r["plan"], r["jurisdictionLabel"], int(r["rank"])) for r in rows)
    group_names = sorted({(r.get("groupZh") or compact(r["group"]), r["group"]) for r in rows})
    plan_index = {plan: j for j, (plan, _, _) in enumerate(plans)}
    group_index = {iri: i for i, (_, iri) in enumerate(group_names)}
    cells = {(group_index[r["group"]], plan_index[r["plan"]]) for r in rows}
    svg = dot_matrix([name for name, _ in group_names], [label for _, label, _ in plans], cells,
                     "目标群体 × 规划 Target groups × plans", [rank for _, _, rank in plans])
    table = [[(name, href(iri))] + [("●" if (group_index[iri], j) in cells else "", None) for j in range(len(plans))]
             for name, iri in group_names]
    return render(ViewPage(
        title="目标群体 × 规划 Target groups × plans",
        description="Which plan names which target group; plans ordered national → provincial → city.",
        svg=svg, headers=["群体 Group"] + [label for _, label, _ in plans], rows=table, query=query,
        csv_url=url_for("analysis.groups_csv")))


@bp.route("/programmes")
@bp.route("/programmes.csv", endpoint="programmes_csv")
def programmes():
    query = expand(PROGRAMMES)
    if _wants_csv():
        return csv_response(query, "programmes")
    rows = select(query)
    bars = [Bar(f"{r['jurisdictionLabel']} 专栏{r['boxNumber']} {r['titleZh']}", float(r["items"]),
                f"{int(r['items']):,} 项 items · {int(r['groups']):,} 群体 groups", href(r["programme"]),
                int(r["rank"])) for r in rows]
    table = [[(r["jurisdictionLabel"], href(r["plan"])), (r["boxNumber"], None), (r["titleZh"], href(r["programme"])),
              (f"{int(r['items']):,}", None), (f"{int(r['groups']):,}", None)] for r in rows]
    return render(ViewPage(
        title="专栏对比 Programmes across plans",
        description="The programmes (专栏) of each plan, with the number of items each lists and of the target "
                    "groups its items serve.",
        svg=bar_chart(bars, "专栏条目数 Items per programme", log_scale=False),
        headers=["地区 Jurisdiction", "专栏 Box", "标题 Title", "条目 Items", "群体 Groups"], rows=table, query=query,
        csv_url=url_for("analysis.programmes_csv")))


@bp.route("/timeline")
@bp.route("/timeline.csv", endpoint="timeline_csv")
def documents_timeline():
    query = expand(TIMELINE)
    if _wants_csv():
        return csv_response(query, "timeline")
    rows = select(query)
    events, links, table, seen, undated = [], [], [], set(), []
    for row in rows:
        if row["plan"] not in seen and not row.get("date"):
            seen.add(row["plan"])
            undated.append(f"{row['jurisdictionLabel']} {row['number']}")
        if row["plan"] not in seen:
            seen.add(row["plan"])
            events.append(Event(row["plan"], f"{row['jurisdictionLabel']} {row['number']}",
                                date.fromisoformat(row["date"][:10]), int(row["rank"]), href(row["notice"])))
        if row.get("work"):
            links.append((row["plan"], row["work"], row["relation"]))
            table.append([(row.get("date", "")[:10] or "未注日期 undated", None),
                          (row["number"], href(row["notice"])), (row["relation"], None),
                          (compact(row["work"]), href(row["work"])),
                          ("在语料中 in corpus" if row.get("workNotice") else "语料外 outside the corpus", None)])
    svg = timeline(events, links, "文件与引用 Documents and their citations", undated)
    return render(ViewPage(
        title="时间线 Timeline of the documents and their citations",
        description="Each document at its date, one lane per level (national, provincial, city); a solid curve "
                    "where a plan is based on another plan of the corpus, dashed where it cites one.",
        svg=svg, headers=["日期 Date", "文号 Number", "关系 Relation", "引用 Work", ""], rows=table, query=query,
        csv_url=url_for("analysis.timeline_csv")))


def _wants_csv() -> bool:
    return request.path.endswith(".csv")


def _ordered_unique(items) -> list:
    seen: dict = {}
    for item in items:
        seen.setdefault(item[0], item)
    return list(seen.values())

