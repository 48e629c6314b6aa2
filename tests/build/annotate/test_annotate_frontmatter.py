"""frontmatter: number in any bracket form, titles, issuers, addressees, dates in Chinese numerals."""

from pathlib import Path

import pytest

from policykg.build.annotate.citations import DOC_NUMBER_RE
from policykg.build.annotate.frontmatter import DATE_RE
from policykg.build.annotate.shadow import make_shadow

DATA = Path(__file__).resolve().parents[2] / "data" / "annotate"


def test_front_matter(annotate):
    found = annotate("frontmatter.txt")
    assert found.quotes("DocNumber") == ["鲁人社函[2022]8号"]
    assert found.quotes("NoticeTitle") == ["关于印发《山东省职业技能提升行动实施方案》的通知"]
    plan = found.one("PlanTitle", "山东省职业技能提升行动实施方案")
    assert plan.notes["juris"] == "370000"
    date = found.one("Date", "二〇二二年六月十日")
    assert date.attributes["DateRole"] == "Signed"
    assert found.quotes("PublicationNote") == ["此件公开发布"]
    assert found.quotes("Recipient") == ["各市人力资源社会保障局、财政局", "省直有关单位"]
    roles = {(found.draft.text_of(s), s.notes["id"], s.attributes["Role"]) for s in found.draft.of_type("Agency")}
    assert ("山东省人力资源和社会保障厅", "shandong-hrss", "Issuer") in roles
    assert ("山东省财政厅", "shandong-finance", "CoIssuer") in roles


@pytest.mark.parametrize("number", ["泰人社字〔2021〕12号", "鲁人社函[2022]8号", "辽人社发(2022)20号",
                                    "浙人社发（2022）15号"])
def test_document_numbers_in_every_bracket_form(number):
    assert DOC_NUMBER_RE.fullmatch(make_shadow(number).text)  # matched on the shadow (（） → ())


@pytest.mark.parametrize("date", ["2022年6月10日", "二〇二二年六月十日", "2022 年 6 月 10 日"])
def test_dates(date):
    assert DATE_RE.fullmatch(date)


def test_letter_spaced_issuer_in_traditional_characters(annotate, lexicon):
    text = "山 東 省 人 力 資 源 和 社 會 保 障 廳\n\n魯人社發〔2022〕7號\n\n關於印發《山東省職業技能培訓規劃》的通知\n"
    found = annotate(text)
    agency = found.draft.of_type("Agency")[0]
    assert found.draft.text_of(agency) == "山 東 省 人 力 資 源 和 社 會 保 障 廳"
    assert agency.notes["id"] == "shandong-hrss" and agency.attributes["Role"] == "Issuer"
    assert found.quotes("DocNumber") == ["魯人社發〔2022〕7號"]


def test_web_page_clutter_and_crlf_around_the_text(annotate):
    """A copy pasted from a web page: navigation lines before, share/print links after, Windows line ends."""
    body = (DATA / "frontmatter.txt").read_text(encoding="utf-8")
    clutter = "首页 > 政务公开 > 通知公告\n字号：大 中 小　　【打印本页】【关闭窗口】\n分享到：微信 微博\n\n"
    text = (clutter + body + "\n【打印本页】【关闭窗口】\n版权所有：某某网站  网站地图\n").replace("\n", "\r\n")
    found = annotate(text)
    assert found.quotes("DocNumber") == ["鲁人社函[2022]8号"]
    assert found.quotes("PlanTitle") == ["山东省职业技能提升行动实施方案"]
    assert found.one("Date", "二〇二二年六月十日").attributes["DateRole"] == "Signed"
    target = found.one("Target", "100万人次以上")
    assert found.draft.shadow.original[target.start:target.end] == "100万人次以上"


def test_editor_line_proofreader_and_a_single_body_addressed(annotate):
    text = ("辽宁省人力资源和社会保障厅\n关于印发《辽宁省职业技能培训规划》的通知\n"
            "发布时间:2022年06月14日          编辑:省人社厅张宇         来源:厅职业能力建设处\n"
            "辽人社发〔2022〕20号\n\n各市人民政府,沈抚示范区管委会:\n\n现将规划印发给你们。\n\n"
            "辽宁省职业技能培训规划\n\n一、总体要求\n\n加强培训。\n\n"
            "辽宁省人力资源和社会保障厅办公室 2022年6月10日印发\n\n校核人：武健\n")
    found = annotate(text)
    editor = found.one("Person", "张宇")
    assert editor.attributes["PersonRole"] == "Editor"
    unit = found.one("Agency", "省人社厅")
    assert unit.notes["id"] == "liaoning-hrss" and unit.attributes["Role"] == "Mentioned"
    assert found.one("Person", "武健").attributes["PersonRole"] == "Proofreader"
    source = found.one("Agency", "厅职业能力建设处")  # the issuer's (厅) division, named on the source line
    assert source.notes["parent"] == "liaoning-hrss" and source.attributes["Role"] == "Mentioned"
    assert found.quotes("Recipient") == ["各市人民政府", "沈抚示范区管委会"]
    assert found.one("Agency", "沈抚示范区管委会").attributes["Role"] == "Recipient"
    assert not [s for s in found.draft.of_type("Agency") if found.draft.text_of(s) == "各市人民政府"]
