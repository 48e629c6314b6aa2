"""build.emit.agents: agencies and people by role; a receipt form's 送阅 list is never the notice's addressees."""

import pytest

from policykg.build.emit.agents import AGENCY_ROLES, PERSON_ROLES, emit_people_and_agencies, receipt_form_region
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE


def test_every_role_of_the_scheme_has_a_link(scheme):
    assert set(AGENCY_ROLES) == set(scheme.attributes["Role"][1])
    assert set(PERSON_ROLES) == set(scheme.attributes["PersonRole"][1])


def test_agencies_and_people_hang_on_notice_plan_or_receipt(ctx, written):
    emit_people_and_agencies(ctx)
    quads, d = written(ctx.out), ctx.iris
    assert quads.iris(d.notice, ns.PKG.issuer) == {BASE + "agency/taian-hrss"}
    assert quads.iris(d.notice, ns.PKG.coIssuer) == {BASE + "agency/taian-finance"}
    assert quads.iris(d.plan, ns.PKG.approvedBy) == {BASE + "agency/taian-government"}
    assert quads.iris(d.plan, ns.PKG.dutyAgency) == {BASE + "agency/taian-hrss"}
    assert quads.iris(d.receipt, ns.PKG.circulatedTo) == {BASE + "agency/shandong-finance"}
    assert quads.iris(d.notice, ns.PKG.contactPerson) == {BASE + "person/wang-ming"}
    assert quads.iris(ctx.iris.annotation("T13"), ns.ITSRDF.taIdentRef) == {BASE + "person/wang-ming"}


def test_receipt_form_runs_from_the_top_to_the_notice(doc):
    start, end = receipt_form_region(doc)
    assert start == 0
    assert end == doc.entities["T4"].start  # the notice's number is its first own line
    assert doc.text[:end].endswith("送阅：省财政厅\n")


def test_no_receipt_form_without_a_receipt_number(doc):
    del doc.entities["T1"]
    assert receipt_form_region(doc) is None


def test_an_addressee_taken_from_the_receipt_form_is_refused(doc, make_context):
    doc.entities["T3"].attributes["Role"] = "Recipient"
    with pytest.raises(AnnotationError, match="cannot come from the receipt form") as info:
        emit_people_and_agencies(make_context(doc))
    assert info.value.line == 3
