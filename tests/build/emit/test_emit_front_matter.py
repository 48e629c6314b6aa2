"""build.emit.front_matter: notice, plan, dates, addressees, notes, receipt record and approvals."""

import datetime as dt

import pyoxigraph as ox
import pytest

from policykg.build import normalize
from policykg.build.emit.front_matter import emit_approvals, emit_notice_and_plan
from policykg.build.emit.terms import date_literal, en, zh
from policykg.errors import AnnotationError
from policykg.kg import namespaces as ns
from policykg.kg.namespaces import BASE


def test_notice_and_plan(ctx, written):
    period = emit_notice_and_plan(ctx)
    assert period == normalize.Interval(dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    quads, d = written(ctx.out), ctx.iris
    assert quads.objects(d.notice, ns.ELI.id_local) == {ox.Literal("泰人社字〔2099〕1号")}
    assert quads.objects(d.notice, ns.RDFS.label) == {zh("关于印发职业技能提升行动方案的通知")}
    assert quads.iris(d.notice, ns.PKG.issuesPlan) == {d.plan}
    assert quads.iris(d.plan, ns.PKG.issuedBy) == {d.notice}
    assert quads.objects(d.plan, ns.RDFS.label) == {zh("泰安市职业技能提升行动方案（2021—2025年）"),
                                                    en("Tai'an vocational skills upgrading plan")}
    for node in (d.notice, d.plan):
        assert quads.iris(node, ns.PKG.jurisdiction) == {BASE + "jurisdiction/370900"}
    assert quads.iris(d.plan, ns.PKG.level) == {str(ns.PKG.Municipal)}
    assert quads.iris(d.plan, ns.PKG.period) == {BASE + "period/2021--2025"}


def test_text_is_the_whole_document_with_its_checksum(ctx, written):
    emit_notice_and_plan(ctx)
    quads, text = written(ctx.out), ctx.iris.text
    assert quads.objects(text, ns.NIF.isString) == {ox.Literal(ctx.doc.text)}
    assert quads.objects(text, ns.PKG.sourceFile) == {ox.Literal("notice.txt")}
    (checksum,) = quads.objects(text, ns.PKG.sha256)
    assert len(checksum.value) == 64


def test_dates_go_to_the_notice_or_the_receipt_record(ctx, written):
    emit_notice_and_plan(ctx)
    quads, d = written(ctx.out), ctx.iris
    assert quads.objects(d.notice, ns.ELI.date_document) == {date_literal(dt.date(2099, 12, 30))}
    assert quads.objects(d.notice, ns.ELI.date_publication) == set()
    assert quads.objects(d.receipt, ns.PKG.receivedOn) == {date_literal(dt.date(2022, 1, 5))}


def test_published_date(doc, make_context, written):
    doc.entities["T14"].attributes["DateRole"] = "Published"
    ctx = make_context(doc)
    emit_notice_and_plan(ctx)
    quads = written(ctx.out)
    assert quads.objects(ctx.iris.notice, ns.ELI.date_publication) == {date_literal(dt.date(2099, 12, 30))}
    assert quads.objects(ctx.iris.notice, ns.ELI.date_document) == set()


def test_addressees_notes_and_receipt(ctx, written):
    emit_notice_and_plan(ctx)
    quads, d = written(ctx.out), ctx.iris
    (addressee,) = quads.iris(d.notice, ns.PKG.addressee)
    assert addressee == f"{d.notice}/addressee/{ctx.doc.entities['T8'].start}"
    assert quads.objects(addressee, ns.RDFS.label) == {zh("各县（市、区）人力资源和社会保障局")}
    assert quads.objects(d.notice, ns.PKG.publicationNote) == {zh("此件公开发布")}
    assert quads.objects(d.notice, ns.PKG.contactPoint) == {ox.Literal("联系人：王明")}
    assert quads.iris(d.notice, ns.PKG.receipt) == {d.receipt}
    assert quads.objects(d.receipt, ns.PKG.receiptNumber) == {ox.Literal("鲁人社收〔2022〕15号")}
    assert quads.objects(d.receipt, ns.RDFS.label) == {zh("鲁人社收〔2022〕15号收文办理单"),
                                                       en("Receipt record 鲁人社收〔2022〕15号")}


def test_no_receipt_record_without_a_receipt_number(doc, make_context, written):
    del doc.entities["T1"]
    doc.entities["T2"].attributes["DateRole"] = "Signed"
    ctx = make_context(doc)
    emit_notice_and_plan(ctx)
    assert written(ctx.out).iris(ctx.iris.receipt, ns.RDF.type) == set()


def test_plan_jurisdiction_must_be_annotated(doc, make_context):
    doc.entities["T15"].notes["juris"] = "371300"
    with pytest.raises(AnnotationError, match="juris=371300 but no Jurisdiction") as info:
        emit_notice_and_plan(make_context(doc))
    assert info.value.line == 15


def test_unreadable_date_is_an_error_at_its_line(doc, make_context):
    doc.entities["T14"].text = "某日"
    with pytest.raises(AnnotationError, match="cannot read the date") as info:
        emit_notice_and_plan(make_context(doc))
    assert info.value.line == 14


def test_approval_names_the_approving_agency(ctx, written):
    emit_approvals(ctx)
    quads, d = written(ctx.out), ctx.iris
    (approval,) = quads.iris(d.plan, ns.PKG.approval)
    assert quads.iris(approval, ns.PKG.approvingAgency) == {BASE + "agency/taian-government"}
    assert quads.iris(approval, ns.PKG.approves) == {d.plan}
    assert quads.objects(approval, ns.RDFS.label) == {zh("经市政府同意"),
                                                      en("Approval by Tai'an Municipal People's Government")}
