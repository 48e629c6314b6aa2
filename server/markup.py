"""schema.org markup for the pages of legislative documents: a schema:Legislation JSON-LD block.

Built from the same description the page shows (kg.page_reads.describe_resource), so the markup says
what the graph says: a notice or plan (eli:LegalResource) with its title, document number
(eli:id_local), dates, jurisdiction, issuing agencies (eli:passed_by) and parts.
"""

from __future__ import annotations

import json

from policykg.kg.namespaces import ELI, PKG

from .views import Labels

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LEGISLATION_TYPES = {str(PKG.Notice), str(PKG.Plan), str(ELI.LegalResource)}


def _values(description: dict, predicate) -> list[dict]:
    return [t["o"] for t in description["outgoing"] if t["p"] == str(predicate)]


def _first(description: dict, predicate) -> str | None:
    found = sorted(v["value"] for v in _values(description, predicate))
    return found[0] if found else None


def legislation_jsonld(description: dict, labels: Labels, page_url: str) -> str | None:
    """The <script type="application/ld+json"> body for a notice or plan page, or None for others."""
    types = {v["value"] for v in _values(description, RDF_TYPE)}
    if not types & LEGISLATION_TYPES:
        return None
    iri = description["iri"]
    item: dict = {"@context": "https://schema.org", "@type": "Legislation", "@id": iri, "url": page_url,
                  "inLanguage": "zh"}
    name = labels.zh(iri)
    if name:
        item["name"] = name
    english = labels.get(iri, "en")
    if english:
        item["alternateName"] = english
    identifiers = sorted({v["value"] for v in _values(description, ELI.id_local)})
    if identifiers:
        item["legislationIdentifier"] = identifiers if len(identifiers) > 1 else identifiers[0]
    for key, predicate in (("legislationDate", ELI.date_document), ("datePublished", ELI.date_publication)):
        value = _first(description, predicate)
        if value:
            item[key] = value
    kind = _first(description, ELI.type_document)
    if kind and labels.zh(kind):
        item["legislationType"] = labels.zh(kind)
    jurisdiction = _first(description, ELI.jurisdiction) or _first(description, PKG.jurisdiction)
    if jurisdiction:
        item["legislationJurisdiction"] = {"@type": "AdministrativeArea", "@id": jurisdiction,
                                           "name": labels.best(jurisdiction)}
    passed_by = sorted({v["value"] for v in _values(description, ELI.passed_by)})
    if passed_by:
        item["legislationPassedBy"] = [{"@type": "GovernmentOrganization", "@id": a, "name": labels.best(a)}
                                       for a in passed_by]
    for key, predicate in (("hasPart", ELI.has_part), ("isPartOf", ELI.is_part_of)):
        parts = sorted({v["value"] for v in _values(description, predicate)})
        if parts:
            item[key] = [{"@type": "Legislation", "@id": p, "name": labels.best(p)} for p in parts]
    # "</" cannot end the script element early
    return json.dumps(item, ensure_ascii=False, indent=2).replace("</", "<\\/")
