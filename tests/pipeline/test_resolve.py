from conftest import build_texts

MANIFEST = "file,title,issuer,issued,reference,scope\n{rows}"


def entity_by_label(corpus, label, type_=None):
    hits = [e for e in corpus.entities.values() if (label == e.name or label in e.aliases)
            and (type_ is None or e.type == type_)]
    assert hits, f"no entity labelled {label}"
    return hits


def test_short_and_full_airport_names_are_one_node(tmp_path):
    corpus = build_texts(tmp_path, {
        "a.txt": "标题\n推进福州长乐国际机场二期扩建，加快长乐机场交通枢纽建设。",
        "b.txt": "标题\n提升长乐国际机场的枢纽地位，鼓励在平潭设立福州机场城市候机楼。"})
    airports = {m.entity for m in corpus.mentions if m.type == "Project" and m.surface.endswith("机场")}
    assert airports == {"project/福州长乐国际机场"}
    e = corpus.entities["project/福州长乐国际机场"]
    assert {"长乐机场", "长乐国际机场"} <= set(e.aliases)


def test_provincial_agency_short_forms_resolve_to_one_official_name(tmp_path):
    corpus = build_texts(tmp_path, {
        "a.txt": "标题\n加强协调。（省直配合单位：省发展改革委、交通运输厅）",
        "b.txt": "标题\n加强协调。（省直配合单位：省发改委、省交通运输厅）"},
        MANIFEST.format(rows="a.txt,甲,福建省人民政府办公厅,2011-08-19,,\nb.txt,乙,福建省人民政府,2012-01-01,,\n"))
    ndrc = entity_by_label(corpus, "省发展改革委", "Agency")
    assert [e.name for e in ndrc] == ["福建省发展和改革委员会"]
    assert "省发改委" in ndrc[0].aliases
    assert [e.name for e in entity_by_label(corpus, "交通运输厅", "Agency")] == ["福建省交通运输厅"]


def test_district_bureaus_keep_the_issuing_district(tmp_path):
    corpus = build_texts(tmp_path, {
        "cangshan.txt": "标题\n推进水系治理工程。（责任单位：区建设局、农业农村局）",
        "city.txt": "标题\n推进水系治理工程。（责任单位：市建设局）"},
        MANIFEST.format(rows="cangshan.txt,甲,福州市仓山区人民政府,2022-01-14,,福州市仓山区\n"
                             "city.txt,乙,福州市人民政府,2021-04-21,,福州市\n"))
    names = {e.name for e in corpus.entities.values() if e.type == "Agency"}
    assert {"仓山区建设局", "仓山区农业农村局", "福州市建设局"} <= names


def test_former_names_resolve_to_the_current_division(tmp_path):
    corpus = build_texts(tmp_path, {"old.txt": "标题\n支持长乐市、沙县和永定县加快发展。"})
    keys = {m.entity for m in corpus.mentions if m.type == "Region"}
    assert {"division/350112", "division/350405", "division/350803"} <= keys  # 长乐区, 沙县区, 永定区
    assert "长乐市" in corpus.entities["division/350112"].aliases


def test_high_tech_zone_short_form_merges_with_full_name(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n建设莆田高新技术产业开发区。", "b.txt": "标题\n做强莆田高新区。"})
    parks = {m.entity for m in corpus.mentions if m.type == "Park"}
    assert len(parks) == 1


def test_towns_are_disambiguated_by_the_place_before_them(corpus):
    tianbao = {m.entity for m in corpus.mentions if m.surface == "天宝"}
    assert tianbao == {"division/350602101"}  # 天宝镇, 芗城区, 漳州市


def test_a_town_of_the_documents_area_does_not_hide_a_major_place_of_the_same_name(tmp_path):
    corpus = build_texts(tmp_path, {
        "a.txt": "标题\n在北京、上海、深圳等城市建设离岸孵化器。\n推进台江上海片区旧屋区改造。"},
        MANIFEST.format(rows="a.txt,福州市规划,福州市人民政府,2021-01-01,,福州市\n"))
    shanghai = [m.entity for m in corpus.mentions if m.surface == "上海"]
    assert shanghai == ["region/310000", "division/350103005"]  # Shanghai, then 上海街道 after 台江


def test_a_name_without_places_is_the_name_with_the_documents_area_before_it(tmp_path):
    corpus = build_texts(tmp_path, {
        "a.txt": "标题\n依托福州福兴经济开发区发展光电产业。\n推进福兴经济开发区扩区，加快三峡海上风电产业园二期建设。",
        "b.txt": "标题\n以福建三峡海上风电产业园为主要集聚区。\n支持福兴经济开发区建设。"},
        MANIFEST.format(rows="a.txt,福州市规划,福州市人民政府,2021-01-01,,福州市\n"
                             "b.txt,厦门市规划,厦门市人民政府,2021-01-01,,厦门市\n"))
    fuxing = {(m.doc_id[:1], m.surface): corpus.entities[m.entity].name for m in corpus.mentions
              if m.surface.endswith(("福兴经济开发区", "风电产业园"))}
    assert fuxing[("a", "福兴经济开发区")] == fuxing[("a", "福州福兴经济开发区")] == "福州福兴经济开发区"
    assert fuxing[("a", "三峡海上风电产业园")] == fuxing[("b", "福建三峡海上风电产业园")]
    assert fuxing[("b", "福兴经济开发区")] == "福兴经济开发区"  # in a Xiamen plan it is another zone
