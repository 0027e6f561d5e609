import csv
import runpy

import pytest

from conftest import GOLD_DIR
from kg.errors import DataFileError
from kg.knowledge.gazetteer import division_key, load_gazetteer
from kg.knowledge.lexicon import load_lexicon, read_table
from kg.paths import GAZETTEER_DIR, PROJECT_ROOT


@pytest.fixture(scope="module")
def official():
    path = GOLD_DIR / "fujian_admin.csv"
    if not path.exists():
        pytest.fail(f"the official division reference is missing at {path}")
    return {r["code"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}


def test_every_division_has_the_official_parent(official):
    gaz = load_gazetteer()
    checked = 0
    for code, row in official.items():
        if code == "350527000":  # the statistics list repeats 金门县 as its own town
            continue
        key = division_key(code)
        if key not in gaz.entities:  # a town-level zone kept under its curated park name
            assert any(e.code == code for e in gaz.entities.values()), code
            continue
        parent = gaz.entities[key].parent
        assert parent == (division_key(row["parent"]) if row["parent"] else ""), row["name"]
        checked += 1
    assert checked > 1250


def test_counts_of_divisions():
    levels = [e for e in load_gazetteer().entities.values() if e.code]
    assert sum(1 for e in levels if len(e.code) == 9) >= 1160  # townships, subdistricts, town-level units
    assert sum(1 for e in levels if e.kind == "PrefectureCity") == 9
    assert sum(1 for e in levels if len(e.code) == 6 and e.kind not in ("PrefectureCity", "Province")) == 84


@pytest.mark.parametrize("former, current", [("长乐市", "长乐区"), ("沙县", "沙县区"), ("龙海市", "龙海区"),
                                             ("长泰县", "长泰区"), ("永定县", "永定区"), ("建阳市", "建阳区")])
def test_former_names_point_to_the_current_division(former, current, official):
    gaz = load_gazetteer()
    assert gaz.entities[gaz.key_of(former)].name == current
    reference = [r for r in official.values() if r["name"] == current][0]
    assert former in reference["aliases"].split("|")


def test_pingtan_is_one_node_with_both_names():
    gaz = load_gazetteer()
    assert gaz.key_of("平潭综合实验区") == gaz.key_of("平潭县") == gaz.key_of("平潭") == "division/350128"


def test_coordinates_and_english_names():
    e = load_gazetteer().entities["division/350104"]
    assert (e.name, e.name_en) == ("仓山区", "Cangshan District")
    assert 119 < float(e.lon) < 120 and 25 < float(e.lat) < 27


def test_planning_regions_list_their_members():
    gaz = load_gazetteer()
    members = {gaz.entities[k].name for k in gaz.members[gaz.key_of("福州都市圈")]}
    assert members == {"福州市", "莆田市", "宁德市", "南平市", "平潭综合实验区"}


def test_town_level_zones_are_parks_in_their_county():
    gaz = load_gazetteer()
    zone = gaz.entities[gaz.key_of("象屿保税区")]
    assert zone.type == "Park" and zone.parent == division_key("350206")  # 湖里区


def test_data_rows_with_missing_values_name_file_and_line(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("suffix,type,kind\n开发区,Park,DevelopmentZone\n工业园,,IndustrialPark\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"t.csv:3: empty type"):
        read_table(bad, ("suffix", "type", "kind"))


def test_lexicon_files_load():
    lex = load_lexicon()
    assert lex.suffixes["开发区"].type == "Park" and lex.place_abbreviations["榕"] == "福州市"
    assert lex.agency_bodies["发展改革"][0] == "发展和改革"


def test_gazetteer_csv_is_what_the_script_derives(tmp_path):
    """The derivation script is kept honest: re-deriving from the committed CSV's own columns works."""
    script = runpy.run_path(str(PROJECT_ROOT / "scripts" / "make_gazetteer.py"))
    assert script["pinyin_name"]("马尾") == "Mawei" and script["pinyin_name"]("同安") == "Tong'an"
    kind = script["kind_of"]
    assert kind("350104001", "下渡街道", "town")[0] == "Subdistrict"
    assert kind("350206405", "火炬高技术开发区", "town")[0] == "TownLevelUnit"
    rows = read_table(GAZETTEER_DIR / "fujian_divisions.csv", ("code", "name", "level", "kind"))
    assert len(rows) == len({r["code"] for r in rows})


def test_no_statement_places_a_division_outside_its_official_parents(corpus):
    """Whatever the text seems to say, a county or town is only ever located in its official ancestors."""
    gaz = load_gazetteer()
    wrong = [(gaz.entities[r.subject].name, r.object, r.rule) for r in corpus.relations
             if r.predicate == "locatedIn" and r.subject.startswith("division/")
             and r.object not in gaz.ancestors(r.subject)]
    assert wrong == []


@pytest.mark.parametrize("text, expected", [
    ("莆田滨海", ["莆田市"]),  # a town's short form after a place must lie in it (滨海街道 is Xiamen's)
    ("漳州天宝", ["漳州市", "天宝镇"]),
    ("江西省赣州市于都县", ["江西省", "赣州市", "于都县"]),
    ("浙江温州", ["浙江省", "温州市"]),
])
def test_leading_places_follow_the_hierarchy(text, expected):
    gaz = load_gazetteer()
    places = gaz.leading_places(text, towns=True)
    assert [gaz.entities[k].name for k in places] == expected


def test_places_outside_fujian_come_from_the_national_list():
    gaz = load_gazetteer()
    ganzhou = gaz.entities[gaz.key_of("赣州市")]
    assert gaz.is_national(ganzhou.key) and gaz.entities[ganzhou.parent].name == "江西省"
    assert not ganzhou.code  # not a city page of the Fujian graph
    # a Fujian division keeps its name against a far one of the same name (鼓楼区 of Fuzhou)
    assert gaz.entities[gaz.key_of("鼓楼区")].code == "350102"
    # a far province outranks a Fujian town's short form, a Fujian town a far county's
    assert gaz.entities[gaz.lookup("上海")[0].key].name == "上海市"
    assert gaz.entities[gaz.lookup("江阴")[0].key].name == "江阴镇"
