"""`kg viz`: pages built from the real graph, opened in a real browser (Debian's headless Chromium)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import invoke
from kg.paths import DEFAULT_GRAPH, PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
KGR = "https://w3id.org/fjkg/id/"
FUZHOU, CANGSHAN = KGR + "division/350100", KGR + "division/350104"
HIGH_TECH_ZONE = KGR + "park/福州高新技术产业开发区"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"\'&'


@pytest.fixture(scope="module")
def store(default_store):
    return default_store


@pytest.fixture(scope="module")
def fuzhou(store):
    from kg.outputs.subgraph import find_city

    return find_city(store, "福州")


@pytest.fixture(scope="module")
def pages(tmp_path_factory, store, fuzhou):
    """The whole graph's page and Fuzhou's, as `kg viz` writes them, with the graphs they show."""
    from kg.outputs.visualize import graph_view

    folder = tmp_path_factory.mktemp("pages")
    assert invoke("viz", "-o", folder / "all.html").exit_code == 0
    assert invoke("viz", "--city", "Fuzhou", "-o", folder / "fuzhou.html").exit_code == 0
    return {"all": (folder / "all.html", graph_view(store)),
            "fuzhou": (folder / "fuzhou.html", graph_view(store, city=fuzhou))}


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1500, "height": 950})
        yield context
        context.close()


class Page:
    """A page opened from a file URL, with what it printed and requested."""

    def __init__(self, context, path: Path, graph: bool = True):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        if graph:
            self.page.wait_for_function("() => window.kgViz && window.kgViz.ready && window.kgViz.firstDrawMs !== null")

    def eval(self, script, arg=None):
        return self.page.evaluate(script, arg)

    def node_point(self, node: str) -> tuple[float, float]:
        """Where ``node`` is on the screen, after centring it."""
        return tuple(self.eval("""(id) => {
            const net = kgViz.network;
            net.focus(id, {scale: 1.6, animation: false});
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.querySelector('#graph canvas').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y]; }""", node))

    def panel_text(self) -> str:
        self.page.wait_for_selector("#panel:not([hidden])")
        return self.page.inner_text("#panel")

    def assert_clean(self):
        assert self.errors == []
        assert self.dialogs == []
        assert set(self.requests) <= {self.url}, "the page fetched something"

    def close(self):
        self.page.close()


@pytest.fixture
def open_page(browser_context):
    opened = []

    def _open(path: Path, graph: bool = True) -> Page:
        page = Page(browser_context, path, graph)
        opened.append(page)
        return page

    yield _open
    for page in opened:
        page.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.parametrize("which", ["all", "fuzhou"])
def test_page_shows_every_node_and_edge_of_its_graph(pages, open_page, which):
    path, graph = pages[which]
    page = open_page(path)
    sizes = page.eval("[kgViz.nodes.length, kgViz.edges.get({filter: e => !e.folded}).length]")
    assert sizes == [graph.number_of_nodes(), graph.number_of_edges()]
    legend = page.page.inner_text("#legend")
    assert "园区" in legend and "locatedIn" in legend
    screenshot(page, "viz-whole-graph.png" if which == "all" else "viz-fuzhou.png")
    page.eval("document.querySelectorAll('#view-filters input').forEach(b => b.click())")  # show everything
    assert page.eval("kgViz.visibleNodes().length") == graph.number_of_nodes()
    assert page.eval("kgViz.visibleEdges().length") == graph.number_of_edges()
    page.assert_clean()


def _kinds(graph, kinds):
    return {n for n, d in graph.nodes(data=True) if d.get("kind") in kinds}


@pytest.mark.parametrize("which", ["all", "fuzhou"])
def test_townships_start_folded_into_their_county_and_unconnected_nodes_hidden(pages, open_page, which):
    from viz.page import folding

    path, graph = pages[which]
    page = open_page(path)
    kinds = _kinds(graph, ("Town", "Township", "Subdistrict", "TownLevelUnit"))
    towns = set(folding(graph).towns)  # those whose county is on the page
    assert len(towns) >= 0.95 * len(kinds)
    isolated = {n for n in graph.nodes if graph.degree(n) == 0}
    visible = set(page.eval("kgViz.visibleNodes()"))
    assert towns and not visible & towns and not visible & isolated
    legend = page.page.inner_text("#view-filters")
    assert f"Townships{len(towns)}" in legend.replace("\n", "").replace(" ", "")
    if isolated:
        assert f"Unconnected{len(isolated)}" in legend.replace("\n", "").replace(" ", "")
    # a park in a town is drawn, while folded, in the town's county
    folded = page.eval("kgViz.edges.get({filter: e => e.folded}).map(e => [e.from, e.to])")
    assert folded and all(a not in towns and b not in towns for a, b in folded)
    page.page.check('#view-filters input[data-view="towns"]')
    assert towns <= set(page.eval("kgViz.visibleNodes()"))
    assert not set(page.eval("kgViz.visibleEdges()")) & {f"f{i}" for i in range(len(folded))}
    page.assert_clean()


def test_searching_a_township_unfolds_the_townships(pages, open_page):
    page = open_page(pages["fuzhou"][0])
    town = next(n for n, d in pages["fuzhou"][1].nodes(data=True) if d.get("label") == "城门镇")
    assert town not in page.eval("kgViz.visibleNodes()")
    page.page.fill("#search-input", "城门镇")
    page.page.wait_for_selector("#search-results li[data-id]")
    page.page.press("#search-input", "Enter")
    assert town in page.eval("kgViz.visibleNodes()")
    assert page.page.is_checked('#view-filters input[data-view="towns"]')


@pytest.mark.parametrize("which,landmarks", [("all", ["福州市", "厦门市", "泉州市", "福建省"]),
                                             ("fuzhou", ["福州市", "仓山区", "福清市"])])
def test_the_most_important_nodes_are_labelled_at_every_zoom(pages, open_page, which, landmarks):
    page = open_page(pages[which][0])
    page.eval("kgViz.network.moveTo({scale: 0.05})")  # far out
    labelled = page.eval("""kgViz.nodes.get({filter: n => n.landmark && n.scaling.label.drawThreshold <= 1})
                            .map(n => n.label)""")
    assert set(landmarks) <= set(labelled)
    ordinary = page.eval("kgViz.network.body.nodes[kgViz.visibleNodes().find(id => !kgViz.nodes.get(id).landmark)]"
                         ".options.scaling.label.drawThreshold")
    assert ordinary > 1 and len(labelled) < len(page.eval("kgViz.visibleNodes()")) / 3


def test_page_is_self_contained_and_deterministic(pages, tmp_path):
    html = pages["fuzhou"][0].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html, re.IGNORECASE)
    assert "@import" not in html and "url(http" not in html
    assert "vis-network" in html and "@license" in html  # inlined with its licence header
    assert invoke("viz", "--city", "福州市", "-o", tmp_path / "again.html").exit_code == 0
    assert (tmp_path / "again.html").read_bytes() == pages["fuzhou"][0].read_bytes()


@pytest.mark.parametrize("query, expected", [
    ("福州市", FUZHOU), ("fuzhou", FUZHOU), ("Fuzhou", FUZHOU), ("榕城", FUZHOU),
    ("cangshan", CANGSHAN), ("csq", CANGSHAN), ("福州高新区", HIGH_TECH_ZONE),
    ("Fuzhou High-tech", HIGH_TECH_ZONE),
])
def test_search_box_selects_and_focuses_the_node(pages, open_page, query, expected):
    page = open_page(pages["fuzhou"][0])
    page.page.fill("#search-input", query)
    page.page.wait_for_selector("#search-results li[data-id]")
    page.page.press("#search-input", "Enter")
    assert page.eval("kgViz.network.getSelectedNodes()") == [expected]
    page.panel_text()
    assert page.page.inner_text("#panel h2") == pages["fuzhou"][1].nodes[expected]["label"]
    page.assert_clean()


def test_clicking_a_node_highlights_it_and_shows_its_evidence(pages, open_page):
    path, graph = pages["fuzhou"]
    page = open_page(path)
    x, y = page.node_point(HIGH_TECH_ZONE)
    page.page.mouse.click(x, y)
    text = page.panel_text()
    assert page.eval("kgViz.network.getSelectedNodes()") == [HIGH_TECH_ZONE]
    assert "园区 Park" in text and "福州高新区" in text  # type and alias
    titles = graph.graph["titles"]
    for doc in graph.nodes[HIGH_TECH_ZONE]["mentions"]:
        assert titles[doc] in text
    evidences = [ev for _, _, d in graph.out_edges(HIGH_TECH_ZONE, data=True) for ev in d["evidences"]]
    assert evidences
    for ev in evidences[:2]:
        assert " ".join(ev["evidence"].split()) in " ".join(text.split())
        assert titles[ev["document"]] in text
    neighbours = set(graph.successors(HIGH_TECH_ZONE)) | set(graph.predecessors(HIGH_TECH_ZONE))
    dimmed = set(page.eval("kgViz.nodes.get({filter: n => n.dimmed}).map(n => n.id)"))
    assert dimmed == set(graph.nodes) - neighbours - {HIGH_TECH_ZONE}
    screenshot(page, "viz-fuzhou-panel.png")
    page.page.click("#panel-close")
    page.page.wait_for_selector("#panel", state="hidden")
    assert page.eval("kgViz.nodes.get({filter: n => n.dimmed}).length") == 0
    page.assert_clean()


def test_type_and_relation_filters_hide_and_show(pages, open_page):
    path, graph = pages["fuzhou"]
    page = open_page(path)
    regions = {n for n, d in graph.nodes(data=True) if d["type"] == "Region"}
    shown_edges = [(u, v) for u, v, d in graph.edges(data=True)
                   if d["relation"] != "locatedIn" and u not in regions and v not in regions]
    page.page.uncheck('#type-filters input[data-filter="Region"]')
    page.page.uncheck('#relation-filters input[data-filter="locatedIn"]')
    visible = page.eval("[kgViz.network.body.nodeIndices.length, kgViz.network.body.edgeIndices.length]")
    assert visible[0] == graph.number_of_nodes() - len(regions)
    assert visible[1] == len(shown_edges) > 0
    page.page.fill("#search-input", "仓山区")  # searching a hidden type shows that type again
    page.page.press("#search-input", "Enter")
    assert page.page.is_checked('#type-filters input[data-filter="Region"]')
    from viz.page import folding

    fold = folding(graph)  # townships stay folded, unconnected nodes hidden
    assert page.eval("kgViz.network.body.nodeIndices.length") == \
        graph.number_of_nodes() - len(fold.towns) - len(fold.isolated)
    page.assert_clean()


def test_all_cities_pages_link_to_each_other(tmp_path, open_page):
    result = invoke("viz", "--all-cities", tmp_path / "site")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "site").iterdir())
    assert "index.html" in names and "all.html" in names and "350100-fuzhou.html" in names
    assert "350200-xiamen.html" in names and len(names) == 11  # 9 prefecture-level cities of Fujian
    index = open_page(tmp_path / "site" / "index.html", graph=False)
    rows = index.page.inner_text("table")
    assert re.search(r"福州市\s+Fuzhou\s+\d+", rows)
    index.assert_clean()
    page = open_page(tmp_path / "site" / "all.html")
    page.page.mouse.dblclick(*page.node_point(FUZHOU))
    page.page.wait_for_url("**/350100-fuzhou.html")
    page.page.wait_for_function("() => window.kgViz && window.kgViz.ready")
    assert "福州市" in page.page.title()
    page.page.goto((tmp_path / "site" / "350100-fuzhou.html").as_uri() + "#350104")  # a district opens selected
    page.page.wait_for_function("() => window.kgViz && window.kgViz.ready")
    assert page.eval("kgViz.network.getSelectedNodes()") == [CANGSHAN]


def hostile_graph(folder: Path) -> Path:
    """A graph whose names, aliases, evidence and document title try to run code in the page."""
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    path = folder / 'hostile"<i>.ttl'
    path.write_text(f"""@prefix kg: <https://w3id.org/fjkg/ontology#> .
@prefix kgr: <https://w3id.org/fjkg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
<https://w3id.org/fjkg/id/park/evil> a kg:Park, kg:IndustrialPark ; skos:prefLabel "{quoted}园区"@zh, "Evil \\"Park\\" <b>"@en ;
    skos:altLabel "<svg onload=window.__pwned=3>"@zh ; kg:locatedIn <https://w3id.org/fjkg/id/division/350104> .
<https://w3id.org/fjkg/id/division/350104> a kg:Region, kg:District ; skos:prefLabel "仓山区"@zh ; kg:divisionCode "350104" .
kgr:st1 a rdf:Statement ; rdf:subject <https://w3id.org/fjkg/id/park/evil> ; rdf:predicate kg:locatedIn ; rdf:object <https://w3id.org/fjkg/id/division/350104> ;
    prov:wasDerivedFrom <https://w3id.org/fjkg/id/doc/evil#char=0,40> .
<https://w3id.org/fjkg/id/doc/evil#char=0,40> nif:beginIndex 0 ; nif:endIndex 40 ;
    nif:anchorOf "仓山区建设{quoted}园区" ; nif:referenceContext <https://w3id.org/fjkg/id/doc/evil#char=0,99> .
<https://w3id.org/fjkg/id/doc/evil#char=0,99> a nif:Context ; dcterms:source <https://w3id.org/fjkg/id/doc/evil> .
<https://w3id.org/fjkg/id/doc/evil> a kg:Document ; dcterms:identifier "evil" ; dcterms:title "{quoted}规划"@zh .
kgr:m1 itsrdf:taIdentRef <https://w3id.org/fjkg/id/park/evil> ; nif:referenceContext <https://w3id.org/fjkg/id/doc/evil#char=0,99> .
""", encoding="utf-8")
    return path


def test_names_from_documents_cannot_run_code_in_the_page(tmp_path, open_page):
    graph = hostile_graph(tmp_path)
    result = invoke("viz", "--graph", graph, "-o", tmp_path / "page.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "<img src=x" not in html and "<svg onload" not in html
    page = open_page(tmp_path / "page.html")
    page.page.fill("#search-input", "</script")
    page.page.wait_for_selector("#search-results li[data-id]")
    assert HOSTILE in page.page.inner_text("#search-results")
    page.page.press("#search-input", "Enter")
    text = page.panel_text()
    assert HOSTILE + "园区" in text  # the name, shown as text
    assert "<svg onload=window.__pwned=3>" in text  # the alias
    assert "仓山区建设" + HOSTILE in text and HOSTILE + "规划" in text  # evidence and document title
    page.page.mouse.move(*page.node_point(KGR + "park/evil"))  # the tooltip with the English name
    page.page.wait_for_selector(".vis-tooltip", state="visible")
    assert 'Evil "Park" <b>' in page.page.inner_text(".vis-tooltip")
    assert 'hostile"<i>.ttl' in page.page.inner_text("header")
    assert page.eval("window.__pwned === undefined")
    page.assert_clean()


def test_unknown_city_is_a_usage_error_with_suggestions(tmp_path):
    result = invoke("viz", "--city", "福清州", "-o", tmp_path / "x.html")
    assert result.exit_code == 2 and "did you mean" in result.output and "福州市" in result.output
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("args, message", [
    (["--type", "Parks"], "unknown type 'Parks'"),
    (["--relation", "near"], "unknown relation 'near'"),
    (["--layout", "circle"], "'circle' is not one of"),
])
def test_bad_options_are_usage_errors(tmp_path, args, message):
    result = invoke("viz", *args, "-o", tmp_path / "x.html")
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "x.html").exists()


def test_empty_graph_and_unwritable_output_are_clear_errors(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    result = invoke("viz", "--graph", empty, "-o", tmp_path / "x.html")
    assert result.exit_code == 1 and "holds no entities" in result.output
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    result = invoke("viz", "--city", "仓山区", "-o", blocker / "x.html")
    assert result.exit_code == 1 and "does not exist" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.ttl", "file.txt"]


def test_type_and_relation_options_choose_what_is_drawn(store):
    from kg.outputs.visualize import graph_view

    parks = graph_view(store, types=("Park", "Region"), relations=("locatedIn",))
    assert {d["type"] for _, d in parks.nodes(data=True)} == {"Park", "Region"}
    assert {d["relation"] for *_, d in parks.edges(data=True)} == {"locatedIn"}
    assert all(parks.degree(n) for n in parks.nodes)
    assert parks.has_edge(HIGH_TECH_ZONE, FUZHOU)


def test_map_layout_keeps_geography_and_puts_parks_near_their_region(store, fuzhou):
    from kg.outputs.visualize import graph_view
    from viz.layout import map_layout

    graph = graph_view(store, city=fuzhou)
    pos = map_layout(graph)
    assert set(pos) == set(graph.nodes) and pos == map_layout(graph)
    lianjiang, fuqing = KGR + "division/350122", KGR + "division/350181"  # 连江县 north-east of 福清市
    assert pos[lianjiang][1] < pos[fuqing][1]  # y grows downwards: north is up
    gaps = sorted(abs(pos[a][0] - pos[b][0]) + abs(pos[a][1] - pos[b][1])
                  for a, b in ((a, b) for a in (lianjiang, fuqing, FUZHOU) for b in (lianjiang, fuqing, FUZHOU) if a < b))
    park_to_region = min(abs(pos[HIGH_TECH_ZONE][0] - pos[r][0]) + abs(pos[HIGH_TECH_ZONE][1] - pos[r][1])
                         for r in graph.successors(HIGH_TECH_ZONE))
    assert park_to_region < gaps[0]


def test_open_flag_hands_the_page_to_the_browser(tmp_path, monkeypatch):
    log = tmp_path / "opened.txt"
    monkeypatch.setenv("BROWSER", f"sh -c 'echo %s > {log}'")
    result = invoke("viz", "--city", "仓山区", "-o", tmp_path / "cangshan.html", "--open")
    assert result.exit_code == 0, result.output
    assert log.read_text().strip() == (tmp_path / "cangshan.html").resolve().as_uri()


def test_page_to_standard_output():
    result = invoke("viz", "--city", "仓山区", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "福州金山工业园区" in result.stdout


def test_graph_option_reads_other_formats(tmp_path):
    import pyoxigraph

    from kg.store import load_files

    nt = tmp_path / "g.nt"
    load_files([DEFAULT_GRAPH]).dump(str(nt), pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    result = invoke("viz", "--graph", nt, "--city", "厦门", "-o", tmp_path / "xm.html")
    assert result.exit_code == 0, result.output
    assert "厦门新机场" in (tmp_path / "xm.html").read_text(encoding="utf-8")
