"""Agencies and people named in a document, linked to the notice, plan or receipt record by their role."""

from __future__ import annotations

from typing import NamedTuple

from policykg.build import iris
from policykg.build.annotations import AnnotatedDocument
from policykg.build.emit.context import Context
from policykg.build.iris import PKG


class RoleLink(NamedTuple):
    """Where a role attaches (the notice, the plan or the receipt record) and by which property."""

    holder: str
    prop: str


AGENCY_ROLES = {
    "Issuer": RoleLink("notice", PKG.issuer), "CoIssuer": RoleLink("notice", PKG.coIssuer),
    "Seal": RoleLink("notice", PKG.sealAgency), "Recipient": RoleLink("notice", PKG.recipientAgency),
    "Circulation": RoleLink("receipt", PKG.circulatedTo), "Approver": RoleLink("plan", PKG.approvedBy),
    "Receiver": RoleLink("receipt", PKG.receivedBy), "Duty": RoleLink("plan", PKG.dutyAgency),
    "Contact": RoleLink("notice", PKG.contactAgency), "Mentioned": RoleLink("plan", PKG.mentionsAgency),
}
PERSON_ROLES = {
    "ResponsibleLeader": RoleLink("receipt", PKG.responsibleLeader),
    "AssistingLeader": RoleLink("receipt", PKG.assistingLeader),
    "Contact": RoleLink("notice", PKG.contactPerson),
    "Circulation": RoleLink("receipt", PKG.circulatedTo),
    "Editor": RoleLink("notice", PKG.editor),
    "Proofreader": RoleLink("notice", PKG.proofreader),
}


def receipt_form_region(doc: AnnotatedDocument) -> tuple[int, int] | None:
    """Where the receipt form printed on a received copy lies: from the start of the text to the
    notice's first own line (its number, title, or issuers printed after the form's last entry)."""
    receipt = doc.of_type("ReceiptNumber")
    if not receipt:
        return None
    form = [e.start for e in doc.entities.values()
            if e.type == "ReceiptNumber" or e.attributes.get("DateRole") == "Received"
            or e.attributes.get("PersonRole") in ("ResponsibleLeader", "AssistingLeader")
            or e.attributes.get("Role") in ("Receiver", "Circulation")]
    own = [e.start for e in doc.of_type("DocNumber", "NoticeTitle")]
    own += [e.start for e in doc.of_type("Agency")
            if e.attributes.get("Role") in ("Issuer", "CoIssuer") and e.start > max(form)]
    notice_start = min(own, default=len(doc.text))
    if receipt[0].start < notice_start:
        return 0, notice_start
    return doc.text.rfind("\n", 0, receipt[0].start) + 1, len(doc.text)


def check_recipients(ctx: Context) -> None:
    """A notice's addressees are those of its own text; a receipt form's 送阅 list is Circulation."""
    region = receipt_form_region(ctx.doc)
    if region is None:
        return
    for agency in ctx.doc.of_type("Agency"):
        if agency.attributes["Role"] == "Recipient" and region[0] <= agency.start < region[1]:
            raise ctx.error(agency, "an addressee of the notice cannot come from the receipt form "
                                    f"(characters {region[0]}-{region[1]}); give it Role Circulation")


def emit_people_and_agencies(ctx: Context) -> None:
    d = ctx.iris
    check_recipients(ctx)
    holders = {"notice": d.notice, "plan": d.plan, "receipt": d.receipt}
    for agency in ctx.doc.of_type("Agency"):
        node = iris.agency(agency.notes["id"])
        link = AGENCY_ROLES[agency.attributes["Role"]]
        ctx.out.add(holders[link.holder], link.prop, node)
        ctx.identify(agency, node)
    for person in ctx.doc.of_type("Person"):
        node = iris.person(person.notes["id"])
        role = person.attributes.get("PersonRole")
        if role:
            link = PERSON_ROLES[role]
            ctx.out.add(holders[link.holder], link.prop, node)
        ctx.identify(person, node)
