"""kg stats on a small graph written here."""
from kg.outputs.stats import graph_stats
from kg.store import load_files

TTL = """@prefix kg: <https://w3id.org/fjkg/ontology#> .
@prefix kgr: <https://w3id.org/fjkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kgr:fuzhou a kg:Region ; skos:prefLabel "福州市"@zh .
kgr:xiamen a kg:Region ; skos:prefLabel "厦门市"@zh .
kgr:park a kg:Park ; skos:prefLabel "福州软件园"@zh ; kg:locatedIn kgr:fuzhou .
kgr:rail a kg:Project ; skos:prefLabel "福厦铁路"@zh ; kg:connects kgr:fuzhou, kgr:xiamen .
kgr:axis a kg:Corridor ; skos:prefLabel "滨海发展轴"@zh .
kgr:agency a kg:Agency ; skos:prefLabel "福州市人民政府"@zh ; kg:responsibleFor kgr:park .
"""


def test_share_of_parks_projects_and_corridors_placed_nowhere(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text(TTL, encoding="utf-8")
    s = graph_stats(load_files([graph]))
    assert (s.placed, s.placeable) == (2, 3)  # the axis has neither locatedIn nor connects
    assert round(s.unplaced_share, 3) == 0.333
    assert s.relations["connects"] == 2 and s.entities["Agency"] == 1


def test_an_empty_graph_has_no_share(tmp_path):
    graph = tmp_path / "g.ttl"
    graph.write_text("", encoding="utf-8")
    assert graph_stats(load_files([graph])).unplaced_share == 0.0
