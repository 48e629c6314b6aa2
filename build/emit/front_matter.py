"""The notice and the plan it issues: text, number, titles, jurisdiction, period, dates, addressees,
publication notes, contacts, the receipt record of a received copy, and approvals (经国务院同意)."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from policykg.build import iris, normalize
from policykg.build.emit.context import Context
from policykg.build.emit.levels import level_term
from policykg.build.emit.periods import PlanPeriod, emit_period, period_of
from policykg.build.emit.terms import date_literal, en, typed, zh
from policykg.build.iris import ELI, NIF, PKG, RDF, RDFS, XSD
from policykg.errors import UnknownDivisionError

# DateRole of a Date on the notice → its ELI date property (Received goes on the receipt record)
NOTICE_DATES = {"Signed": ELI.date_document, "Published": ELI.date_publication}


def emit_notice_and_plan(ctx: Context) -> PlanPeriod:
    """Everything the front matter says; return the plan's period, if its title names one."""
    emit_text(ctx)
    emit_notice(ctx)
    plan_period = emit_plan(ctx)
    emit_dates(ctx)
    emit_addressees(ctx)
    emit_notes_and_contacts(ctx)
    emit_receipt(ctx)
    return plan_period


def emit_text(ctx: Context) -> None:
    """The document's text as a NIF context, with its file name and checksum."""
    doc, out, text = ctx.doc, ctx.out, ctx.iris.text
    out.add(text, RDF.type, NIF.Context)
    out.add(text, RDF.type, PKG.DocumentText)
    out.add(text, NIF.isString, ox.Literal(doc.text))
    out.add(text, NIF.beginIndex, typed(0, XSD.nonNegativeInteger))
    out.add(text, NIF.endIndex, typed(len(doc.text), XSD.nonNegativeInteger))
    out.add(text, PKG.sourceFile, ox.Literal(doc.stem + ".txt"))
    out.add(text, PKG.sha256, ox.Literal(hashlib.sha256(doc.text.encode("utf-8")).hexdigest()))


def emit_notice(ctx: Context) -> None:
    """The notice: its number and title, its text, and the plan it issues."""
    out, d = ctx.out, ctx.iris
    number = ctx.one("DocNumber")
    out.add(d.notice, RDF.type, PKG.Notice)
    # the number in its standard form (simplified, year in 〔〕), so one number matches every printed copy
    out.add(d.notice, ELI.id_local, ox.Literal(normalize.document_number(number.text)))
    out.add(d.notice, PKG.text, d.text)
    out.add(d.notice, PKG.issuesPlan, d.plan)
    out.add(d.plan, PKG.issuedBy, d.notice)
    ctx.record(d.notice, number)
    title = ctx.one("NoticeTitle")
    ctx.labels(d.notice, title)
    ctx.record(d.notice, title)


def emit_plan(ctx: Context) -> PlanPeriod:
    """The plan: title, jurisdiction (of the notice too), level, and the period its title names."""
    out, d = ctx.out, ctx.iris
    plan_title = ctx.one("PlanTitle")
    out.add(d.plan, RDF.type, PKG.Plan)
    ctx.labels(d.plan, plan_title)
    ctx.record(d.plan, plan_title)
    code = plan_title.notes["juris"]
    if not ctx.reg.has("jurisdiction", code):
        raise ctx.error(plan_title, f"juris={code} but no Jurisdiction with code={code} is annotated")
    for node in (d.notice, d.plan):
        out.add(node, PKG.jurisdiction, iris.jurisdiction(code))
    with ctx.blame(plan_title, UnknownDivisionError):
        out.add(d.plan, PKG.level, level_term(code))
    periods = ctx.doc.targets_of(plan_title, "planPeriod")
    if len(periods) > 1:
        raise ctx.error(plan_title, "has more than one planPeriod")
    if not periods:
        return None
    interval = period_of(ctx, periods[0])
    out.add(d.plan, PKG.period, emit_period(out, interval))
    ctx.derive(d.plan, periods[0])
    return interval


def emit_dates(ctx: Context) -> None:
    """Signed and published dates of the notice; the received date of the receipt record."""
    out, d = ctx.out, ctx.iris
    for date in ctx.doc.of_type("Date"):
        role = date.attributes["DateRole"]
        with ctx.blame(date):
            value = date_literal(normalize.read_date(date.text))
        if role == "Received":
            out.add(d.receipt, PKG.receivedOn, value)
            ctx.record(d.receipt, date)
            continue
        out.add(d.notice, NOTICE_DATES[role], value)
        ctx.record(d.notice, date)


def emit_addressees(ctx: Context) -> None:
    """Each Recipient phrase (各省、自治区、直辖市人民政府) is a group the notice is addressed to."""
    out, d = ctx.out, ctx.iris
    for recipient in ctx.doc.of_type("Recipient"):
        node = d.addressee(recipient.start)
        out.add(node, RDF.type, PKG.AddresseeGroup)
        out.add(node, RDFS.label, zh(recipient.reading))
        out.add(d.notice, PKG.addressee, node)
        ctx.record(node, recipient)


def emit_notes_and_contacts(ctx: Context) -> None:
    out, d = ctx.out, ctx.iris
    for note in ctx.doc.of_type("PublicationNote"):
        out.add(d.notice, PKG.publicationNote, zh(note.text))
        ctx.record(d.notice, note)
    for contact in ctx.doc.of_type("Contact"):
        out.add(d.notice, PKG.contactPoint, ox.Literal(contact.text))
        ctx.record(d.notice, contact)


def emit_receipt(ctx: Context) -> None:
    """The receipt record of a received copy (收文办理单), if the text carries its number."""
    out, d = ctx.out, ctx.iris
    receipt = ctx.one("ReceiptNumber", required=False)
    if not receipt:
        return
    out.add(d.receipt, RDF.type, PKG.ReceiptRecord)
    out.add(d.receipt, PKG.receiptNumber, ox.Literal(normalize.to_simplified(receipt.text)))
    out.add(d.receipt, PKG.recordOf, d.notice)
    out.add(d.receipt, RDFS.label, zh(f"{receipt.text}收文办理单"))
    out.add(d.receipt, RDFS.label, en(f"Receipt record {receipt.text}"))
    out.add(d.notice, PKG.receipt, d.receipt)
    ctx.record(d.receipt, receipt)


def emit_approvals(ctx: Context) -> None:
    """经国务院同意: the plan was issued with the consent of a higher body."""
    out, d = ctx.out, ctx.iris
    for approval in ctx.doc.of_type("Approval"):
        node = d.approval(approval.start)
        agency = ctx.doc.targets_of(approval, "approvedBy")[0]
        out.add(node, RDF.type, PKG.Approval)
        out.add(node, PKG.approvingAgency, iris.agency(agency.notes["id"]))
        out.add(node, PKG.approves, d.plan)
        out.add(d.plan, PKG.approval, node)
        out.add(node, RDFS.label, zh(approval.reading))
        out.add(node, RDFS.label, en(f"Approval by {ctx.reg.get('agency', agency.notes['id']).note('en')}"))
        ctx.record(node, approval)
