"""English names read as English: proper names in pinyin with word breaks, kind words translated."""
import csv
import re

import pytest

from kg.knowledge.gazetteer import load_gazetteer
from kg.knowledge.lexicon import load_lexicon
from kg.paths import LEXICON_DIR
from kg.pipeline.english import common_words, english_name, spell

GAZ, LEX = load_gazetteer(), load_lexicon()
_WORD = r"(?:[A-Z0-9(][\w'’.&()-]*|and|of|the|for|to|via|on|in)"
_ENGLISH = re.compile(rf"^{_WORD}(?: {_WORD})*$")


class ENGLISH:  # noqa: N801 - used like a compiled pattern
    """Capitalised words and function words; a bracketed remark may be in lower case."""

    @staticmethod
    def match(text: str):
        return _ENGLISH.match(re.sub(r" ?\([a-z ]+\)", "", text))


def rows(name: str) -> list[dict]:
    with open(LEXICON_DIR / name, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r[next(iter(r))] and not r[next(iter(r))].startswith("#")]


KIND_WORDS = [(r["suffix"], r["type"], r["name_en"]) for r in rows("type_suffixes.csv") if r["name_en"]]


@pytest.mark.parametrize("suffix,type_,name_en", KIND_WORDS, ids=[k[0] for k in KIND_WORDS])
def test_every_kind_word_is_translated_after_a_place(suffix, type_, name_en):
    assert ENGLISH.match(name_en), f"type_suffixes.csv: {suffix} → {name_en!r} is not written as English"
    assert english_name("漳州" + suffix, type_, GAZ, LEX) == f"Zhangzhou {name_en}"


AGENCY_WORDS = [(b["body"], b["full"] or b["body"], b["name_en"], s["suffix"], s["name_en"])
                for b in rows("agency_bodies.csv") if b["name_en"] for s in rows("agency_suffixes.csv")[:3]]


@pytest.mark.parametrize("body,full,body_en,suffix,suffix_en", AGENCY_WORDS,
                         ids=[f"{a[0]}{a[3]}" for a in AGENCY_WORDS])
def test_every_agency_body_and_suffix_make_english_words(body, full, body_en, suffix, suffix_en):
    name = english_name("仓山区" + full + suffix, "Agency", GAZ, LEX)
    assert name.startswith("Cangshan ") and ENGLISH.match(name), name
    assert " -" not in name and "- " not in name, name


@pytest.mark.parametrize("word,name_en", sorted(common_words().items()))
def test_every_common_word_is_translated_into_english(word, name_en):
    assert ENGLISH.match(name_en), (word, name_en)


@pytest.mark.parametrize("word,expected", [("仓山", "Cangshan"), ("江阴", "Jiangyin"), ("西安", "Xi'an"),
                                           ("永安", "Yong'an"), ("船政", "Chuanzheng")])
def test_proper_names_are_one_word_with_a_capital(word, expected):
    assert spell(word) == expected


@pytest.mark.parametrize("name,type_,expected", [
    ("粗芦岛马尾船政（连江）工业园", "Park", "Mawei Chuanzheng (Lianjiang) Industrial Park"),
    ("仓山区公安分局", "Agency", "Cangshan Public Security Sub-Bureau"),
    ("泉州—厦门—漳州沿海大通道", "Corridor", "Quanzhou-Xiamen-Zhangzhou Coastal"),
    ("韩江上游防洪工程武平段", "Project", "Flood Control Project Wuping Section"),
    ("江阴湾组团", "Region", "Jiangyin Bay"),
    ("“滨海氢谷”氢能产业基地", "Park", '"Coastal Qinggu" '),
])
def test_names_from_the_plans_read_as_english(name, type_, expected):
    assert expected in english_name(name, type_, GAZ, LEX)


def test_no_english_label_in_the_graph_runs_pinyin_words_together(default_store):
    labels = [r["en"].value for r in default_store.query(
        'SELECT ?en WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?en FILTER(lang(?en) = "en") }')]
    long_words = [w for label in labels for w in re.findall(r"[A-Za-z']+", label) if len(w) > 16]
    assert len(long_words) <= len(labels) // 200, long_words[:20]
    assert not [label for label in labels if re.search(r"\w- \w|\s[-—]\s|“ | ”", label)]
