"""Whom a measure (box, item, named programme, task) serves, which agencies answer for it and in which
role (plain and as a qualified W3C ORG-style pkg:Responsibility), and which funds pay for it."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from policykg.build import iris
from policykg.build.annotations import Entity
from policykg.build.emit.context import Context
from policykg.build.iris import PKG, RDF


class Duty(NamedTuple):
    """What an agency relation says: its own property on the measure (if any) and the org:Role held."""

    prop: str | None
    role: str


# relation → Duty; every one of them also gives the plain pkg:responsibleAgency
DUTY_RELATIONS = {"responsibleFor": Duty(None, PKG.ParticipantRole), "leads": Duty(PKG.leadAgency, PKG.LeadRole),
                  "primaryFor": Duty(PKG.primaryResponsibleAgency, PKG.PrimaryResponsibilityRole)}


def serve_and_duty(ctx: Context, entity: Entity, node: str) -> None:
    for group in ctx.doc.targets_of(entity, "serves"):
        ctx.out.add(node, PKG.serves, iris.target_group(group.notes["id"]))
    for relation, duty in DUTY_RELATIONS.items():
        for agency in ctx.doc.sources_of(entity, relation):
            emit_responsibility(ctx, node, iris.agency(agency.notes["id"]), duty)
    for fund in ctx.doc.targets_of(entity, "fundedBy"):
        ctx.out.add(node, PKG.fundedBy, iris.funding(fund.notes["id"]))
    for fund in ctx.doc.targets_of(entity, "governs"):
        ctx.out.add(node, PKG.concernsFunding, iris.funding(fund.notes["id"]))


def emit_responsibility(ctx: Context, node: str, agency_node: str, duty: Duty) -> None:
    out = ctx.out
    out.add(node, PKG.responsibleAgency, agency_node)
    if duty.prop is not None:
        out.add(node, duty.prop, agency_node)
    # the qualified relation (W3C ORG style): which agency holds which role for this measure
    digest = hashlib.sha256(f"{node} {agency_node}".encode()).hexdigest()[:12]
    qualified = f"{ctx.iris.notice}/responsibility/{digest}"
    out.add(qualified, RDF.type, PKG.Responsibility)
    out.add(qualified, PKG.responsibilityOf, node)
    out.add(qualified, PKG.agent, agency_node)
    out.add(qualified, PKG.role, duty.role)
    out.add(node, PKG.responsibility, qualified)
