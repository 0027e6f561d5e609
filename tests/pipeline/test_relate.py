from conftest import build_texts

CANGSHAN_PLAN = "file,title,issuer,issued,reference,scope\na.txt,方案,福州市仓山区人民政府,2022-01-14,,\n"  # a.txt issued by the Cangshan district


def edges(corpus, predicate):
    names = {k: e.name for k, e in corpus.entities.items()}
    return {(names[r.subject], names[r.object]) for r in corpus.relations if r.predicate == predicate and r.doc_id}


def statements(corpus, predicate):
    return [r for r in corpus.relations if r.predicate == predicate and r.doc_id]


def test_located_in_from_the_place_in_the_name(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n加快福清融侨经济技术开发区和泉州白濑（安溪）水利枢纽、厦门海沧台商投资区建设。"})
    located = edges(corpus, "locatedIn")
    assert ("福清融侨经济技术开发区", "福清市") in located
    assert ("厦门海沧台商投资区", "海沧区") in located
    # the most specific place the name gives: 白濑乡 lies in 安溪县
    assert ("泉州白濑（安溪）水利枢纽", "白濑乡") in located


def test_located_in_from_a_statement(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n东山湾区位于漳州市境内，包括东山湾以及浮头湾。"})
    assert ("东山湾区", "漳州市") in edges(corpus, "locatedIn")


def test_region_qualified_by_its_city(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n重点发展宁德市蕉城区和漳州龙海市。"})
    assert {("蕉城区", "宁德市"), ("龙海区", "漳州市")} <= edges(corpus, "locatedIn")


def test_responsibility_line_covers_the_projects_of_its_item(tmp_path):
    text = ("标题\n（一）大力发展中心城区\n推进城门水厂、西北区水厂及飞凤山水厂建设，培育仓山生物医药产业基地。\n"
            "（责任单位：区建设局、农业农村局）\n（二）培育壮大优势产业\n建设福州软件园。（责任单位：区工信局）\n")
    corpus = build_texts(tmp_path, {"a.txt": text}, CANGSHAN_PLAN)
    responsible = edges(corpus, "responsibleFor")
    assert {("仓山区建设局", "城门水厂"), ("仓山区农业农村局", "仓山生物医药产业基地")} <= responsible
    assert ("仓山区工业和信息化局", "福州软件园") in responsible  # 工信局 spelled out
    assert ("仓山区建设局", "福州软件园") not in responsible  # another item's line
    line = next(r for r in statements(corpus, "responsibleFor") if r.object.endswith("城门水厂"))
    assert line.evidence == "（责任单位：区建设局、农业农村局）"


def test_responsibility_line_of_an_item_reaches_its_sub_items(tmp_path):
    text = ("标题\n1.强化综合交通建设。加强城际交通建设。（省直配合单位：交通运输厅）\n"
            "（1）推进轨道交通规划与建设。加快建设厦门地铁1号线。\n（2）加快建设厦漳跨海大桥。\n2.推进信息通讯建设。建设厦门港。\n")
    corpus = build_texts(tmp_path, {"a.txt": text})
    responsible = edges(corpus, "responsibleFor")
    assert {("福建省交通运输厅", "厦门地铁1号线"), ("福建省交通运输厅", "厦漳跨海大桥")} <= responsible
    assert ("福建省交通运输厅", "厦门港") not in responsible
    assert all(r.confidence < 1 for r in statements(corpus, "responsibleFor"))  # supporting units


def test_responsible_subject_sentence(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n福州、莆田市人民政府和平潭综合实验区管委会是福州都市圈建设的责任主体。"})
    responsible = edges(corpus, "responsibleFor")
    assert {("福州市人民政府", "福州都市圈"), ("莆田市人民政府", "福州都市圈")} <= responsible
    assert ("平潭综合实验区管委会", "平潭综合实验区") in responsible  # a committee runs its zone


def test_connects_written_endpoints(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n建设安溪至厦门高速公路、泉州—厦门—漳州沿海大通道，"
                                             "推进城际铁路F1线（福州—长乐机场）和厦漳环城高速厦门海沧至漳州天宝、天宝至平和。"})
    connects = edges(corpus, "connects")
    assert {("安溪至厦门高速公路", "安溪县"), ("安溪至厦门高速公路", "厦门市")} <= connects
    assert {("泉州—厦门—漳州沿海大通道", x) for x in ("泉州市", "厦门市", "漳州市")} <= connects
    assert {("城际铁路F1线", "福州市"), ("城际铁路F1线", "福州长乐国际机场")} <= connects
    assert {("厦漳环城高速厦门海沧至漳州天宝", "海沧区"), ("厦漳环城高速厦门海沧至漳州天宝", "天宝镇")} <= connects
    assert {("天宝至平和", "天宝镇"), ("天宝至平和", "平和县")} <= connects
    assert all(r.confidence == 1 for r in statements(corpus, "connects") if r.rule == "route-endpoints")


def test_connects_from_abbreviations_has_lower_confidence(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n加快建设福厦客专、沈海高速。"})
    by_object = {(corpus.entities[r.subject].name, corpus.entities[r.object].name): r
                 for r in statements(corpus, "connects")}
    assert {("福厦客专", "福州市"), ("福厦客专", "厦门市")} <= set(by_object)
    # a national trunk route named by two far ends says nothing of where it runs in Fujian
    assert not {pair for pair in by_object if pair[0] == "沈海高速"}
    assert all(r.rule == "route-abbreviation" and r.confidence < 1 for r in by_object.values())


def test_gazetteer_hierarchy_is_in_the_graph(corpus):
    hierarchy = {(r.subject, r.object) for r in corpus.relations if r.rule == "gazetteer"}
    assert ("division/350104", "division/350100") in hierarchy  # 仓山区 in 福州市
    assert ("division/350121105", "division/350121") in hierarchy  # 青口镇 in 闽侯县


def test_located_in_from_names_reads_parts_ports_and_places_abroad(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n建设厦门火炬园漳州分园、福州江阴港综合保税区、厦门港海沧港区，"
                                             "支持宏东毛里塔尼亚远洋渔业产业园，加强福清湾组团建设。"})
    located = edges(corpus, "locatedIn")
    assert ("厦门火炬园漳州分园", "漳州市") in located and ("厦门火炬园漳州分园", "厦门市") not in located
    assert ("福州江阴港综合保税区", "福州市") in located  # 江阴 names the port, not the location
    assert ("厦门港海沧港区", "海沧区") in located
    assert ("宏东毛里塔尼亚远洋渔业产业园", "毛里塔尼亚") in located
    assert not any(h == "福清湾组团" for h, _ in located)  # 福清湾 is a bay


def test_responsibility_skips_what_a_clause_uses_as_leverage(tmp_path):
    text = ("标题\n（一）大力发展中心城区\n抢抓福州新区、自由贸易试验区等“多区叠加”战略机遇，推进城门水厂建设。\n"
            "（责任单位：区建设局）\n")
    corpus = build_texts(tmp_path, {"a.txt": text}, CANGSHAN_PLAN)
    responsible = edges(corpus, "responsibleFor")
    assert ("仓山区建设局", "城门水厂") in responsible
    assert not any(t == "中国（福建）自由贸易试验区" for _, t in responsible)


def test_abbreviation_endpoints_only_for_the_route_itself(tmp_path):
    corpus = build_texts(tmp_path, {"a.txt": "标题\n推进沈海高速公路复线、厦漳泉大都市区快速路和厦漳泉城际R1线建设。"})
    connects = edges(corpus, "connects")
    assert {("厦漳泉城际R1线", c) for c in ("厦门市", "漳州市", "泉州市")} <= connects
    assert not any(h in ("沈海高速公路复线", "厦漳泉大都市区快速路") for h, _ in connects)


def test_a_document_project_as_endpoint_needs_no_gazetteer_entry():
    """A route bracket may end at a project this document names (… （集美—杏林大道）); its key is
    the document's, unknown to the gazetteer, and used to raise KeyError."""
    from kg.knowledge.gazetteer import load_gazetteer
    from kg.knowledge.lexicon import load_lexicon
    from kg.model import Mention
    from kg.pipeline.relate import Relator

    inside = "集美—杏林大道"
    offset = 10
    road = Mention(doc_id="a", nbegin=offset + 3, nend=offset + 7, begin=0, end=0, anchor="杏林大道",
                   surface="杏林大道", type="Project", kind="Road", rule="suffix", name="杏林大道",
                   entity="project/杏林大道")
    relator = Relator(load_gazetteer(), load_lexicon(), frozenset())
    ends = relator.written_endpoints(inside, allow_projects=True, mentions=[road], offset=offset)
    assert ends == ["division/350211", "project/杏林大道"]


def test_range_joiners_come_from_the_shared_table():
    """relate splits a route's ends at every joiner of range_joiners.csv, ～ included."""
    from kg.knowledge.gazetteer import load_gazetteer
    from kg.knowledge.lexicon import load_lexicon
    from kg.pipeline.relate import Relator

    lexicon = load_lexicon()
    relator = Relator(load_gazetteer(), lexicon, frozenset())
    assert relator.range_link.split("安溪～厦门") == ["安溪", "厦门"]
    assert all(relator.range_link.fullmatch(w) for w in lexicon.range_joiners)
