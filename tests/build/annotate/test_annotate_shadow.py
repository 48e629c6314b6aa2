"""shadow: matching text is normalised, offsets always point into the original."""

from policykg.build.annotate.shadow import make_shadow


def _span_of(original: str, needle: str) -> str:
    shadow = make_shadow(original)
    i = shadow.text.index(needle)
    a, b = shadow.to_original(i, i + len(needle))
    return original[a:b]


def test_traditional_characters_match_simplified_with_original_offsets():
    original = "山東省人力資源和社會保障廳"
    assert make_shadow(original).text == "山东省人力资源和社会保障厅"
    assert _span_of(original, "人力资源") == "人力資源"


def test_letter_spaced_names_and_stray_spaces_in_numbers():
    original = "浙 江 省 教 育 厅 培训200 万人次以 上"
    shadow = make_shadow(original)
    assert "浙江省教育厅" in shadow.text and "200万人次以上" in shadow.text
    assert _span_of(original, "200万人次以上") == "200 万人次以 上"


def test_full_width_forms_pinyin_glosses_and_crlf():
    original = "辦發(fā)〔２０２２〕３號\r\n（此件公开发布）"
    shadow = make_shadow(original)
    assert shadow.text == "办发〔2022〕3号\n(此件公开发布)"
    assert _span_of(original, "2022") == "２０２２"
    assert _span_of(original, "办发") == "辦發"


def test_fragments_split_at_line_breaks():
    original = "关于印发《山东省“十四五”职业技能\n培训规划》的通知"
    shadow = make_shadow(original)
    first, second = original.split("\n")
    assert shadow.fragments(0, len(shadow.text)) == [(0, len(first)), (len(first) + 1, len(original))]


def test_a_blank_line_inside_a_word_is_joined_but_not_between_paragraphs():
    long_line = "将有创业意愿和培训需求的劳动者纳入创业创新培训范围，实施农村创业创新带"
    email = "电子邮箱：someone@example.cn" * 2
    original = long_line + "\n\n头人培育行动。\n\n二、保障措施\n\n" + email + "\n\n泰安市人社局\n"
    shadow = make_shadow(original)
    assert "农村创业创新带头人培育行动" in shadow.text
    assert _span_of(original, "带头人") == "带\n\n头人"
    assert "。\n\n二、保障措施\n\n" in shadow.text and "cn\n\n泰安市" in shadow.text
    title = "泰安市人力资源和社会保障局关于印发《泰安市职业技能提升行动质量年活动实施方案》的通知"
    assert make_shadow(title + "\n\n各县人社局：").text == title + "\n\n各县人社局:"  # an address line
