from pathlib import Path

import pytest

from kg.model import Document
from kg.pipeline.normalize import normalize


def norm(text: str):
    return normalize(Document(doc_id="d", path=Path("d.txt"), text=text))


def test_name_wrapped_across_lines_is_one_word_with_original_offsets():
    text = "标题\n（3）统筹布局建设综合运输枢纽。加快厦门高崎国际机场扩能改造，抓紧规划建设厦门新机\n场、漳州军民合用机场。"
    n = norm(text)
    assert "厦门新机场" in n.text
    b = n.text.index("厦门新机场")
    begin, end = n.to_original(b, b + len("厦门新机场"))
    assert text[begin:end] == "厦门新机\n场"


def test_page_break_inside_a_word_is_joined():
    text = "标题\n活化利用福船文化，做大福建船政文化。建设综合性茶文化博物馆和番薯文\n\n化博物馆。挖掘怀安窑文化资源。\n"
    assert "番薯文化博物馆" in norm(text).text


def test_paragraph_and_heading_breaks_are_kept():
    text = "标题\n第一节 持续推进自贸区建设\n\n一、发挥自贸试验区示范引领作用\n\n进一步激发自贸试验区全面深化改革红利和扩大开放的试验田作用。\n"
    lines = norm(text).text.split("\n")
    assert lines[1] == "第一节持续推进自贸区建设"
    assert lines[2] == "一、发挥自贸试验区示范引领作用"


def test_table_of_contents_and_page_numbers_are_dropped():
    text = "标题\n目 录\n第一章 开启新篇章.....\t7\n第一节 发展基础\t12\n- 12 -\n正文从这里开始，推进福州新区建设。\n"
    n = norm(text)
    assert "发展基础" not in n.text and "12" not in n.text
    assert n.text.endswith("正文从这里开始，推进福州新区建设。")


def test_ideographic_spaces_and_inner_spaces():
    n = norm("通知\n　　现印发给你们。　　二〇一一年八月十九日\n建设 21 世纪海上丝绸之路核心区，RCEP 成员国 与 NB IoT。")
    assert "\n二〇一一年八月十九日" in n.text
    assert "21世纪海上丝绸之路核心区" in n.text
    assert "RCEP成员国与NB IoT" in n.text


def test_fullwidth_letters_and_digits_fold_to_ascii():
    n = norm("标题\n国道Ｇ３１６线长乐漳港至营前段")
    assert "G316线" in n.text


@pytest.mark.parametrize("text", ["", "\n\n", "单行", "a\r\nb\rc\n", "　　\t\t", "第一章\n\n\n"])
def test_every_character_maps_back_to_its_source(text):
    n = norm(text)
    assert len(n.origin) == len(n.text) + 1
    for i, ch in enumerate(n.text):
        source = text[n.origin[i]]
        assert ch == source or ch in "\n\t " or source in "\u3000\r\n"
    assert n.origin[-1] == len(text)
