"""The grammar tables of data/lexicon read by kg/knowledge/lexicon.py."""
import pytest

from kg.errors import DataFileError
from kg.knowledge.lexicon import load_lexicon


@pytest.mark.parametrize("marker, level", [
    ("第三章", 1), ("第二节", 2), ("四、", 3), ("（二）", 4), ("3.", 5), ("（12）", 6), ("(3)", 6), ("⑤", 7),
    ("12", 0), ("（福建段）", 0),
])
def test_outline_numbering_comes_from_data(marker, level):
    assert load_lexicon().outline_level(marker) == level


def test_outline_item_needs_what_follows():
    pattern = load_lexicon().outline_item_pattern()
    assert pattern.match("3.推进港口建设").group(1) == "3."
    assert not pattern.match("3.5亿元")


def test_right_qualifiers_are_grouped_by_kind():
    words = load_lexicon().right_qualifiers
    assert "改扩建" in words["works"] and "工程" in words["tail"] and "项目" in words["closing"]
    assert words["works"].index("复线桥") < words["works"].index("复线")  # longest first


def test_a_bad_outline_pattern_names_the_file(tmp_path):
    import shutil
    from kg.paths import LEXICON_DIR
    for f in LEXICON_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "outline_markers.csv").write_text("level,pattern\n1,[unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="outline_markers.csv"):
        load_lexicon(tmp_path)


def test_name_grammar_tables_are_read_once():
    lex = load_lexicon()
    assert {"至", "—", "～"} <= lex.range_joiners
    assert lex.branch_words["支线"] and not lex.branch_words["复线"]
    assert lex.government_suffixes[0] == "人民政府办公厅" and "政府" in lex.government_suffixes
