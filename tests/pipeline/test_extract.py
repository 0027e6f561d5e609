"""Sentence in, mentions out: one case per extraction rule and per known failure point."""
import pytest

from conftest import analyse


def mentions(text: str, **doc):
    _, ms = analyse("标题\n" + text, **doc)
    return {(m.type, m.surface) for m in ms}, {(m.type, m.name) for m in ms}


@pytest.mark.parametrize("text, expected, absent", [
    # verbs before a name are not part of it
    ("依托兴泉铁路、厦沙高速、泉南高速等建设厦门泉州三明发展轴。",
     {("Project", "兴泉铁路"), ("Project", "厦沙高速"), ("Project", "泉南高速"), ("Corridor", "厦门泉州三明发展轴")},
     {("Project", "依托兴泉铁路")}),
    ("充分发挥福州新区、平潭综合实验区的政策优势。", {("Region", "福州新区"), ("Region", "平潭综合实验区")},
     {("Region", "充分发挥福州新区"), ("Region", "发挥福州新区")}),
    # maximal spans
    ("重点发展福建莆田湄洲湾北岸经济开发区、莆田高新技术产业开发区等产业基地。",
     {("Park", "福建莆田湄洲湾北岸经济开发区"), ("Park", "莆田高新技术产业开发区")}, {("Park", "经济开发区")}),
    # bracketed qualifier inside a name
    ("建设泉州白濑（安溪）水利枢纽、长泰枋洋水库。",
     {("Project", "泉州白濑（安溪）水利枢纽"), ("Project", "长泰枋洋水库")}, set()),
    # generic phrases are not entities
    ("推动园区标准化建设，整合各类开发区和产业园区，推进中心城区、重点港区建设。", set(),
     {("Park", "各类开发区"), ("Park", "产业园区"), ("Region", "中心城区"), ("Project", "重点港区")}),
    # clusters and companies are not parks or agencies
    ("打造福州光电产业集群，支持招商局、中粮集团等企业。", set(),
     {("Park", "福州光电产业集群"), ("Agency", "招商局")}),
    # place ranges stay inside corridor names
    ("建设泉州—厦门—漳州沿海大通道和安溪至厦门高速公路。",
     {("Corridor", "泉州—厦门—漳州沿海大通道"), ("Project", "安溪至厦门高速公路")}, set()),
    # coded lines
    ("推进城际铁路F1线、厦门地铁6号线、国道G316线建设。",
     {("Project", "城际铁路F1线"), ("Project", "厦门地铁6号线"), ("Project", "国道G316线")}, set()),
    # a known airport in brackets is not glued to the place before the dash
    ("城际铁路F1线（福州—长乐机场）。", {("Project", "长乐机场")}, {("Project", "福州—长乐机场")}),
    # agencies from a responsibility line
    ("推进水系综合治理工程。（责任单位：区建设局、农业农村局、生态环境局）",
     {("Agency", "区建设局"), ("Agency", "农业农村局"), ("Agency", "生态环境局")}, set()),
    ("（省直配合单位：省发展改革委、交通运输厅、住房和城乡建设厅）",
     {("Agency", "省发展改革委"), ("Agency", "交通运输厅"), ("Agency", "住房和城乡建设厅")}, set()),
    # 格局, 布局, 马上就办 end in 局/办 but are not agencies
    ("形成协同发展新格局，优化产业布局，推行马上就办。", set(), {("Agency", "新格局"), ("Agency", "产业布局")}),
    # section of a route and the sections listed after it
    ("重点推进厦漳环城高速厦门海沧至漳州天宝、天宝至平和、厦漳跨海大桥。",
     {("Project", "厦漳环城高速厦门海沧至漳州天宝"), ("Project", "天宝至平和"), ("Project", "厦漳跨海大桥")}, set()),
    ("加快建设漳武线永定至上杭段和永定至南靖段。", {("Project", "漳武线永定至上杭段"), ("Project", "永定至南靖段")}, set()),
    # short forms that are common words need context
    ("坚持公平和谐，建设开放城门。", set(), {("Region", "平和"), ("Region", "城门")}),
    ("推动龙海、长泰、漳浦、晋江、石狮等县市融入中心城市。",
     {("Region", "龙海"), ("Region", "长泰"), ("Region", "漳浦"), ("Region", "石狮")}, set()),
])
def test_extract_surfaces(text, expected, absent):
    surfaces, _ = mentions(text)
    assert expected <= surfaces
    assert not (absent & surfaces)


@pytest.mark.parametrize("text, expected", [
    # one government per listed place
    ("福州、莆田、南平、宁德市人民政府是福州都市圈建设的责任主体。",
     {("Agency", "福州市人民政府"), ("Agency", "莆田市人民政府"), ("Agency", "南平市人民政府"),
      ("Agency", "宁德市人民政府")}),
    # items sharing one suffix
    ("做大做强厦门光电显示、厦漳半导体照明、泉州微波通信等国家级产业园区。",
     {("Park", "厦门光电显示产业园区"), ("Park", "厦漳半导体照明产业园区"), ("Park", "泉州微波通信产业园区")}),
    ("建设长泰枋洋、泉州白濑、尤溪汶潭等大中型水库。",
     {("Project", "长泰枋洋水库"), ("Project", "泉州白濑水库"), ("Project", "尤溪汶潭水库")}),
    # short forms point to the full gazetteer name
    ("加快建设福州高新区，推进晋江机场扩能。",
     {("Park", "福州高新技术产业开发区"), ("Project", "泉州晋江国际机场")}),
])
def test_extract_names(text, expected):
    _, names = mentions(text)
    assert expected <= names


def test_wrapped_name_is_one_mention_with_original_anchor():
    text = "标题\n（3）统筹布局建设综合运输枢纽。加快厦门高崎国际机场扩能改造，抓紧规划建设厦门新机\n场、漳州军民合用机场。"
    seg, ms = analyse(text)
    airport = next(m for m in ms if m.surface == "厦门新机场")
    assert airport.anchor == "厦门新机\n场" == seg.doc.text[airport.begin:airport.end]
    assert ("Project", "漳州军民合用机场") in {(m.type, m.surface) for m in ms}


def test_every_mention_anchor_is_the_original_text(corpus):
    texts = {d.doc_id: d.text for d in corpus.documents}
    assert corpus.mentions
    for m in corpus.mentions:
        assert 0 <= m.begin < m.end <= len(texts[m.doc_id])
        assert texts[m.doc_id][m.begin:m.end] == m.anchor


@pytest.mark.parametrize("text, expected, absent", [
    # a short form naming a bay, river or island is not the place
    ("加强福清湾整体保护，控制预留萩芦溪生态廊道。", {("Corridor", "萩芦溪生态廊道")}, {("Region", "福清"), ("Region", "萩芦")}),
    # a town or city named after its river is the river in a list of rivers and before a river word
    ("共建闽江、敖江、龙江、赛江等流域生态廊道，推进敖江流域综合治理和九龙江、晋江、汀江防洪工程。", set(),
     {("Region", "敖江"), ("Region", "龙江"), ("Region", "晋江")}),
    # but towns in a list of towns, and a river-like town inside a longer name, stay places
    ("统筹推进江阴、渔溪、新厝物流发展，建设尤溪汶潭水库、沙县双溪水库。",
     {("Region", "江阴"), ("Region", "渔溪"), ("Region", "新厝"), ("Region", "尤溪")}, set()),
    # a suffix cut one character short of a longer one (港 of 港区) is no name
    ("加快建设厦门港东渡港区0-4号泊位、肖厝港区肖厝作业区、龙岩公路港。",
     {("Project", "厦门港东渡港区"), ("Project", "肖厝港区"), ("Project", "龙岩公路港")},
     {("Project", "厦门港东渡港"), ("Project", "肖厝港"), ("Project", "龙岩公路")}),
    # a zone the division list names without its county takes the county standing before it
    ("推进惠安城南工业区、泉港石化工业园区建设。", {("Park", "惠安城南工业区"), ("Park", "泉港石化工业园区")},
     {("Park", "城南工业区"), ("Park", "石化工业园区")}),
    # a kind of place named by another kind is no name; a kind of zone's committee is a body
    ("高起点推进新区组团发展，建设园区片区和福州新区马尾组团。各县（市）区人民政府、高新区管委会。",
     {("Region", "福州新区马尾组团"), ("Agency", "高新区管委会")}, {("Region", "新区组团"), ("Region", "园区片区")}),
    # two places side by side are two places
    ("规划福清江阴经湄洲湾港区至兴泉铁路支线。", {("Region", "福清"), ("Project", "湄洲湾港区"), ("Project", "兴泉铁路")},
     set()),
    # routes listed as ranges sharing one suffix
    ("搭建福州(马尾)—马祖—台北、福州(平潭)—台北的海运快件通道。",
     {("Corridor", "福州(马尾)—马祖—台北"), ("Corridor", "福州(平潭)—台北")}, set()),
    # a count of generic things is not a name
    ("以环三都澳湾区、闽江口湾区、湄洲湾湾区三大湾区为主要载体，壮大莆田、宁德、南平三市中心城区。",
     {("Region", "环三都澳湾区")}, {("Region", "湄洲湾湾区三大湾区"), ("Region", "南平三市中心城区")}),
    # leverage phrases are not part of names; a smaller place before its city starts a new phrase
    ("印发福州都市圈发展规划，充分发挥仓山区福州沿江发展轴核心位置。",
     {("Region", "福州都市圈"), ("Corridor", "福州沿江发展轴")}, {("Region", "印发福州都市圈"), ("Corridor", "仓山区福州沿江发展轴")}),
    # a glued function word (及飞) does not hide the next name; 及 inside an industrial base's name
    ("推进西北区水厂及城门水厂建设，做强漳州金属及深加工产业基地。",
     {("Project", "城门水厂"), ("Park", "漳州金属及深加工产业基地")}, {("Project", "西北区水厂及城门水厂")}),
    # every district government is no government in particular
    ("各县（市）区人民政府、高新区管委会。", set(), {("Agency", "区人民政府")}),
])
def test_extract_boundaries(text, expected, absent):
    surfaces, _ = mentions(text)
    assert expected <= surfaces
    assert not (absent & surfaces)


def test_party_committees_are_not_agencies_but_governments_are():
    surfaces, names = mentions("福建省委、省政府高度重视，福州市委部署，经区政府研究同意。", issuer="福州市仓山区人民政府")
    assert ("Agency", "省政府") in surfaces and ("Agency", "区政府") in surfaces
    assert not {("Agency", "福建省委"), ("Agency", "福州市委")} & surfaces
