"""The scoring rules of kg evaluate, on a small gold folder and a small graph written here."""
import json

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import KgError
from kg.outputs.evaluate import Score, evaluate
from kg.store import load_files

TEXT = "标题\n建设福州高新区和厦门新机场，推进泉州港建设。\n"
TTL = """@prefix kg: <https://w3id.org/fjkg/ontology#> .
@prefix kgr: <https://w3id.org/fjkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
kgr:ctx dcterms:identifier "plan" .
kgr:park a kg:Park ; skos:prefLabel "福州高新技术产业开发区" ; skos:altLabel "福州高新区" ; kg:locatedIn kgr:minhou .
kgr:minhou a kg:Region ; skos:prefLabel "闽侯县" ; kg:locatedIn kgr:fuzhou .
kgr:fuzhou a kg:Region ; skos:prefLabel "福州市" .
kgr:airport a kg:Region ; skos:prefLabel "厦门新机场" .
kgr:gao a kg:Park ; skos:prefLabel "高新区" .
kgr:m1 nif:beginIndex 5 ; nif:endIndex 10 ; nif:referenceContext kgr:ctx ; itsrdf:taIdentRef kgr:park .
kgr:m2 nif:beginIndex 11 ; nif:endIndex 16 ; nif:referenceContext kgr:ctx ; itsrdf:taIdentRef kgr:airport .
kgr:m3 nif:beginIndex 7 ; nif:endIndex 10 ; nif:referenceContext kgr:ctx ; itsrdf:taIdentRef kgr:gao .
kgr:st rdf:subject kgr:park ; rdf:predicate kg:locatedIn ; rdf:object kgr:minhou ; prov:wasDerivedFrom kgr:ev .
kgr:ev nif:beginIndex 3 ; nif:endIndex 20 ; nif:referenceContext kgr:ctx .
"""
GOLD = {
    "entities": [
        {"name": "福州高新技术产业开发区", "type": "Park", "aliases": ["福州高新区"], "optional": False},
        {"name": "厦门新机场", "type": "Project", "aliases": ["厦门新机场"], "optional": False},
        {"name": "泉州港", "type": "Project", "aliases": ["泉州港"], "optional": False},
        {"name": "福州市", "type": "Region", "aliases": ["福州"], "optional": True},
    ],
    "relations": [
        {"head": "福州高新技术产业开发区", "rel": "locatedIn", "tail": "福州市", "optional": False, "evidence": "福州高新区"},
    ],
}


@pytest.fixture
def setup(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text(TEXT, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "chunks.json").write_text(json.dumps({"c1": {"doc": "plan", "char_start": 0, "char_end": len(TEXT)}}),
                                      encoding="utf-8")
    (gold / "c1.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    graph = tmp_path / "g.ttl"
    graph.write_text(TTL, encoding="utf-8")
    return graph, gold, corpus


def test_scores_follow_the_matching_rules(setup):
    graph, gold, corpus = setup
    result = evaluate(load_files([graph]), gold, corpus)
    park = result.scores["ent:Park"]
    # the park matches by its alias; 高新区 is nested inside the gold form 福州高新区 and is ignored
    assert (park.predicted, park.correct, park.required, park.found) == (1, 1, 1, 1)
    project = result.scores["ent:Project"]
    assert (project.required, project.found, project.predicted) == (2, 0, 0)  # the airport is typed Region
    assert result.scores["ent:Region"].predicted == 1 and result.scores["ent:Region"].correct == 0
    located = result.scores["rel:locatedIn"]
    # recall: found through the closure (闽侯县 lies in 福州市); precision: a tail is credited only
    # when it is the gold region or contains it, and 闽侯县 is more specific than the gold's 福州市
    assert (located.required, located.found, located.predicted, located.correct) == (1, 1, 1, 0)
    assert any("泉州港" in m for m in result.missed["ent:Project"])
    assert any("厦门新机场 (type Project in gold)" in s for s in result.spurious["ent:Region"])


def test_score_arithmetic():
    s = Score(predicted=4, correct=3, required=6, found=3)
    assert (s.precision, s.recall) == (0.75, 0.5) and round(s.f1, 3) == 0.6
    assert Score().f1 == 0.0


def test_bad_gold_folders_are_clear_errors(tmp_path):
    with pytest.raises(KgError, match="no chunks.json"):
        evaluate(None, tmp_path, tmp_path)
    (tmp_path / "chunks.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(KgError, match="chunks.json: not valid JSON"):
        evaluate(None, tmp_path, tmp_path)


def test_cli_prints_the_table_and_writes_json(setup, tmp_path):
    graph, gold, corpus = setup
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--graph", str(graph), "--corpus", str(corpus),
                                      "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "ent:Park" in result.output and "泉州港" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["by_key"]["ent:Park"]["f1"] == 1.0


def test_found_entities_are_counted_by_origin(setup):
    """A gold entity found only by the gazetteer rule, and not an official division, came from a
    curated name list: the share kg evaluate reports (issue 11 wants it small)."""
    graph, gold, corpus = setup
    rule = "<http://www.w3.org/ns/prov#wasGeneratedBy> <https://w3id.org/fjkg/id/rule/"
    text = graph.read_text(encoding="utf-8")
    graph.write_text(text + f"kgr:m1 {rule}gazetteer> .\n", encoding="utf-8")
    curated = evaluate(load_files([graph]), gold, corpus)
    assert curated.found_by == {"curated name list": 1} and curated.curated_share == 1.0
    graph.write_text(text + f"kgr:m1 {rule}suffix> .\n", encoding="utf-8")
    by_rules = evaluate(load_files([graph]), gold, corpus)
    assert by_rules.found_by == {"rules": 1} and by_rules.curated_share == 0.0


def test_a_missed_relation_says_which_entity_is_missing(setup):
    graph, gold, corpus = setup
    text = graph.read_text(encoding="utf-8")  # 福州市 no longer an entity of the graph
    graph.write_text(text.replace('kgr:fuzhou a kg:Region ; skos:prefLabel "福州市" .', ""), encoding="utf-8")
    result = evaluate(load_files([graph]), gold, corpus)
    assert result.missed["rel:locatedIn"] == ["c1: 福州高新技术产业开发区 -locatedIn-> 福州市 (no tail entity)"]
