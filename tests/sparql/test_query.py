"""kg query and the query library, on the graph built from the real planning documents.

Every library question is asked and its answer checked against what the documents say.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import invoke
from click.testing import CliRunner

from kg.cli import cli
from kg.sparql.library import bound_text, library_query, load_library, values_block
from kg.sparql.query import bind_parameters, compact, run
from kg.store import open_store

FUZHOU = "https://w3id.org/fjkg/id/division/350100"
XIAMEN = "https://w3id.org/fjkg/id/division/350200"


@pytest.fixture(scope="session")
def store(built_ttl):
    return open_store(built_ttl)


@pytest.fixture(scope="session")
def texts(corpus):
    return {d.doc_id: d.text for d in corpus.documents}


def ask(store, name, **params):
    """Rows of a library question as dicts of compact values (div:…, labels, numbers as text)."""
    query = library_query(name)
    result = run(store, query.text, bind_parameters(store, query, params))
    variables = [v.value for v in result.variables]
    return [{v: compact(s[v]) for v in variables} for s in result]


def kg(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_every_library_file_states_its_question_and_parameters(store):
    library = load_library()
    assert {"parks_in_city", "projects_in_city", "connections_between_cities", "agencies_for_city",
            "agency_responsibilities", "document_entities", "entity_mentions", "corridors", "top_cities",
            "region_members", "shared_entities", "city_subgraph"} <= set(library)
    for query in library.values():
        zh_title, _, en_title = query.title.partition(" / ")
        assert zh_title and en_title and query.zh and query.en, query.name
        assert set(query.example) == {p.name for p in query.params if not p.optional} | set(query.example)
        assert all(p.name in query.example for p in query.params if not p.optional), query.name
        import pyoxigraph as ox

        ox.Store().query(query.text)  # portable: parses with no predeclared prefixes


@pytest.mark.parametrize("name", sorted(load_library()))
def test_library_query_runs_with_its_example_and_gives_the_same_answer_as_its_standalone_text(store, name):
    query = library_query(name)
    bindings = bind_parameters(store, query, query.example)
    embedded = run(store, query.text, bindings)
    standalone = run(store, bound_text(query, bindings))
    if query.form == "CONSTRUCT":
        first, second = set(embedded), set(standalone)
    else:
        first, second = [tuple(map(str, s)) for s in embedded], [tuple(map(str, s)) for s in standalone]
    assert first and first == second


@pytest.mark.parametrize("name", ["福州", "福州市", "Fuzhou", "FUZHOU", "榕", FUZHOU, "div:350100", "kgr:division/350100"])
def test_parks_in_fuzhou_by_any_name(store, name):
    rows = ask(store, "parks_in_city", city=name)
    parks = {r["name"] for r in rows}
    assert "福州高新技术产业开发区" in parks
    assert "厦门火炬高技术产业开发区" not in parks
    assert {r["city"] for r in rows} == {"div:350100"}


def test_parks_in_a_city_include_those_of_its_districts_and_counties(store):
    parks = {r["park"] for r in ask(store, "parks_in_city", city="福州")}
    direct = {compact(s["p"]) for s in store.query(
        f"SELECT ?p WHERE {{ ?p a kg:Park ; kg:locatedIn <{FUZHOU}> }}", prefixes={"kg": "https://w3id.org/fjkg/ontology#"})}
    assert parks - direct, "no park reached through a district or county"
    assert direct <= parks
    cangshan = {r["park"] for r in ask(store, "parks_in_city", city="仓山区")}
    assert cangshan and cangshan < parks


def test_projects_in_a_city_by_kind_follow_the_class_hierarchy(store):
    railways = ask(store, "projects_in_city", city="福州", kind="铁路")
    assert {r["kind"] for r in railways} == {"kg:Railway"}
    assert "高速铁路" in {r["class_zh"] for r in railways}  # subclasses of 铁路 are included
    assert "福厦客专" in {r["name"] for r in railways}
    everything = ask(store, "projects_in_city", city="Fuzhou")
    names = {r["name"] for r in everything}
    assert "福州长乐国际机场" in names and "厦门新机场" not in names
    assert {r["name"] for r in railways} < names
    assert ask(store, "projects_in_city", city="福州", kind="Railway") == railways


def test_what_connects_fuzhou_and_xiamen(store):
    rows = ask(store, "connections_between_cities", city1="福州", city2="厦门")
    assert "福厦客专" in {r["name"] for r in rows}
    assert {r["type"] for r in rows} <= {"kg:Project", "kg:Corridor"}


def test_agencies_responsible_for_things_in_cangshan(store, texts):
    rows = ask(store, "agencies_for_city", city="仓山区")
    assert any(r["agency_name"].startswith("仓山区") for r in rows)
    assert "福州金山工业园区" in {r["thing_name"] for r in rows}


def test_everything_an_agency_is_responsible_for_comes_with_its_sentence(store, texts):
    rows = ask(store, "agency_responsibilities", agency="福建省交通运输厅")
    assert rows and {r["agency"] for r in rows} == {"agency:福建省交通运输厅"}
    quoted = [r for r in rows if r["sentence"]]
    assert quoted
    for r in quoted:
        assert r["sentence"] in texts[r["document"]]
        assert "交通" in r["sentence"]  # the sentence names the agency (交通运输厅)


def test_entities_a_document_mentions_with_counts(store, texts):
    cangshan_plan = "002_5e76badc1a43d916"
    by_title = ask(store, "document_entities", document="仓山区推进福州都市圈高质量发展实施方案")
    assert ask(store, "document_entities", document="仓政综〔2022〕9号") == by_title
    assert ask(store, "document_entities", document=cangshan_plan) == by_title
    counts = {r["name"]: int(r["mentions"]) for r in by_title}
    assert 0 < counts["仓山区"] <= texts[cangshan_plan].count("仓山")
    assert "厦门新机场" not in counts  # a Xiamen project the Cangshan plan does not name
    assert [int(r["mentions"]) for r in by_title] == sorted((int(r["mentions"]) for r in by_title), reverse=True)


def test_documents_and_sentences_that_mention_an_entity(store, texts):
    rows = ask(store, "entity_mentions", entity="福州高新技术产业开发区")
    assert {r["document"] for r in rows} >= {"000_9863399443ee40d8"}
    for r in rows:
        text = texts[r["document"]]
        assert text[int(r["begin"]):int(r["end"])] == r["anchor"]
        if r["sentence"]:
            assert r["sentence"] in text and r["anchor"].replace("\n", "") in r["sentence"].replace("\n", "")


def test_corridors_and_the_regions_they_join(store):
    rows = ask(store, "corridors")
    assert any("厦" in r["corridor_name"] and r["region_name"] == "厦门市" for r in rows)
    assert all(r["region"].startswith(("div:", "region:")) for r in rows)


def test_fuzhou_has_the_most_parks_and_projects(store):
    rows = ask(store, "top_cities")
    assert rows[0]["name"] == "福州市"
    assert {r["name"] for r in rows} >= {"厦门市", "泉州市", "漳州市"}
    assert int(rows[0]["parks"]) == len({r["park"] for r in ask(store, "parks_in_city", city="福州")})


def test_cities_of_a_region(store):
    southwest = {r["name"] for r in ask(store, "region_members", region="闽西南协同发展区")}
    assert {"厦门市", "漳州市", "泉州市", "三明市", "龙岩市"} <= southwest and "福州市" not in southwest
    metro = {r["name"] for r in ask(store, "region_members", region="福州都市圈")}
    assert {"福州市", "莆田市"} <= metro and "厦门市" not in metro
    every = {r["region_name"] for r in ask(store, "region_members")}
    assert {"闽西南协同发展区", "福州都市圈"} <= every


def test_entities_mentioned_in_more_than_one_document(store, texts):
    rows = ask(store, "shared_entities")
    assert all(int(r["documents"]) >= 2 for r in rows)
    fuzhou = next(r for r in rows if r["name"] == "福州市")
    assert 2 <= int(fuzhou["documents"]) <= sum("福州" in t for t in texts.values())
    parks = ask(store, "shared_entities", type="园区")
    assert parks and {r["type"] for r in parks} == {"kg:Park"}
    assert "福州高新技术产业开发区" in {r["name"] for r in parks}


def test_facts_about_an_entity_with_their_sources(store, texts):
    rows = ask(store, "entity_facts", entity="厦门新机场")
    located = [r for r in rows if r["relation"] == "kg:locatedIn" and r["object_name"] == "厦门市"]
    assert located
    quoted = [r for r in rows if r["sentence"]]
    assert all(r["sentence"] in texts[r["document"]] for r in quoted)
    assert any("厦门新机场" in r["sentence"].replace("\n", "") for r in located)


def test_city_subgraph_through_kg_query(tmp_path, built_ttl):
    out = tmp_path / "xiamen.nt"
    result = kg("query", "city_subgraph", "-p", "city=厦门", "--graph", built_ttl, "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"<https://w3id.org/fjkg/id/project/厦门新机场> <https://w3id.org/fjkg/ontology#locatedIn> <{XIAMEN}>" in text
    assert "park/福州高新技术产业开发区> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" not in text


def test_parameters_are_values_never_query_text(store):
    """A quote-and-brace injection through a parameter finds nothing and changes no query."""
    attack = '福州" } ?s ?p ?o . { ?s ?p "'
    result = kg("query", "parks_in_city", "-p", f"city={attack}")
    assert result.exit_code == 2 and "no city or county called" in result.output
    query = 'SELECT ?x ?label WHERE { ?x skos:prefLabel ?label }'
    result = kg("query", query, "-p", f"label={attack}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == ["x,label"]
    import pyoxigraph as ox

    literal = ox.Literal(attack, language="zh")
    standalone = bound_text(library_query("region_members"), {"region": literal})
    assert standalone.count("VALUES") == 1 and list(store.query(standalone)) == []
    assert values_block({"city": ox.Literal("a\\\" }")}).endswith('{ ("a\\\\\\" }") }')


def test_formats(built_ttl):
    args = ["query", "region_members", "-p", "region=闽西南协同发展区", "--graph", built_ttl]
    rows = list(csv.DictReader(io.StringIO(kg(*args, "--format", "csv").output)))
    assert {r["name"] for r in rows} >= {"厦门市", "龙岩市"}
    tsv = kg(*args, "--format", "tsv").output.splitlines()
    assert tsv[0].split("\t")[:2] == ["?region_name", "?name"] and '"厦门市"@zh' in "\n".join(tsv)
    data = json.loads(kg(*args, "--format", "json").output)
    assert data["head"]["vars"][:2] == ["region_name", "name"]
    assert {"type": "literal", "value": "厦门市", "xml:lang": "zh"} in [b["name"] for b in data["results"]["bindings"]]
    assert "<sparql" in kg(*args, "--format", "xml").output
    table = kg(*args, "--format", "table").output.splitlines()
    from kg.table import display_width

    assert table[0].startswith("region_name") and table[-1] == f"({len(rows)} rows)"
    assert len({display_width(line) for line in table[2:-1]}) == 1  # Chinese text lines up
    assert kg(*args, "--format", "turtle").exit_code == 2


def test_construct_in_rdf_formats_and_the_same_bytes_twice(built_ttl):
    from rdflib import Graph

    args = ["query", "CONSTRUCT WHERE { ?p a kg:HighTechZone ; kg:locatedIn ?c }", "--graph", built_ttl]
    turtle = kg(*args, "--format", "turtle")
    assert turtle.exit_code == 0 and turtle.output == kg(*args, "--format", "turtle").output
    graph = Graph().parse(data=turtle.output, format="turtle")
    assert len(graph) > 0
    assert len(Graph().parse(data=kg(*args, "--format", "jsonld").output, format="json-ld")) == len(graph)
    assert kg(*args, "--format", "csv").exit_code == 2


def test_output_file_format_from_its_extension(tmp_path, built_ttl):
    out = tmp_path / "answer.json"
    assert kg("query", "top_cities", "--graph", built_ttl, "-o", out).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["results"]["bindings"][0]["name"]["value"] == "福州市"


def test_query_from_a_file_with_a_header(tmp_path, built_ttl):
    rq = tmp_path / "airports.rq"
    rq.write_text("# title: 机场 / Airports\n# param: city (city) — 城市 / a city\n"
                  "SELECT ?name ?city WHERE { ?a a kg:Airport ; kg:locatedIn+ ?city ; skos:prefLabel ?name "
                  "FILTER(lang(?name) = 'zh') } ORDER BY ?name\n", encoding="utf-8")
    result = kg("query", "-f", rq, "-p", "city=厦门", "--graph", built_ttl, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "厦门新机场" in result.output and "福州长乐国际机场" not in result.output


def test_syntax_error_gives_line_and_column_and_exit_2():
    result = kg("query", "SELECT ?x WHERE {\n  ?x kg:locatedIn ?y\n  FILTER(?y = ) }")
    assert result.exit_code == 2
    assert "query:3:" in result.output and "syntax error" in result.output and "Traceback" not in result.output
    result = kg("query", "SELECT ?x WHERE { ?x nope:p ?y }")
    assert result.exit_code == 2 and "unknown prefix nope:" in result.output


def test_unknown_query_lists_the_library():
    result = kg("query", "parks_in_town")
    assert result.exit_code == 2 and "parks_in_city" in result.output and "region_members" in result.output


def test_unknown_or_missing_parameter_names_the_expected_ones():
    result = kg("query", "connections_between_cities", "-p", "city=福州")
    assert result.exit_code == 2 and "city1" in result.output and "city2" in result.output
    result = kg("query", "connections_between_cities", "-p", "city1=福州")
    assert result.exit_code == 2 and "needs city2" in result.output
    result = kg("query", "parks_in_city", "-p", "city=厦门", "-p", "bad")
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_ambiguous_and_unknown_values_are_explained(store):
    result = kg("query", "agency_responsibilities", "-p", "agency=仓山区")
    assert result.exit_code == 2 and "more than one agency" in result.output
    result = kg("query", "region_members", "-p", "region=长江经济带xyz")
    assert result.exit_code == 2 and "no planning region called" in result.output
    result = kg("query", "projects_in_city", "-p", "city=福州", "-p", "kind=飞船")
    assert result.exit_code == 2 and "no class called" in result.output


def test_list_shows_every_question():
    result = kg("query", "--list")
    assert result.exit_code == 0
    for name, query in load_library().items():
        assert name in result.output and query.title.split(" / ")[0] in result.output


def test_the_readme_query_examples_run(tmp_path, monkeypatch):
    import re
    import shlex

    from kg.paths import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("  #")[0].strip() for block in re.findall(r"```sh\n(.*?)```", readme, re.S)
             for line in block.splitlines() if line.startswith("kg query ")]
    runnable = [line for line in lines if " -f " not in line and "--graph" not in line]
    assert len(runnable) >= 6
    monkeypatch.chdir(tmp_path)
    for line in runnable:
        result = kg(*shlex.split(line, comments=True)[1:])
        assert result.exit_code == 0, (line, result.output)


def test_the_query_side_starts_without_rdflib():
    import subprocess
    import sys

    script = ("import sys, kg.cli, kg.sparql.query, kg.sparql.lookup, kg.outputs.subgraph, kg.sparql.workers; "
              "print(sorted(m for m in ('rdflib', 'jieba', 'networkx', 'kg.pipeline.graph') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"  # kg query and kg serve start fast: no rdflib, no extraction pipeline


@pytest.mark.parametrize("query, fmt", [
    ("SELECT ?o WHERE { ?s ?p ?o }", "xml"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "rdfxml"),
])
def test_an_xml_answer_never_holds_a_character_xml_cannot_carry(tmp_path, query, fmt):
    graph = tmp_path / "g.nt"
    graph.write_text('<urn:x:a> <urn:x:p> "bell\\u0007 and escape\\u001B[31m" .\n', encoding="utf-8")
    result = invoke("query", query, "--graph", str(graph), "--format", fmt)
    assert result.exit_code == 1 and "U+0007" in result.output and "XML 1.0" in result.output
    assert "\x07" not in result.output and "\x1b" not in result.output
    assert invoke("query", query, "--graph", str(graph), "--format", "json" if fmt == "xml" else "ntriples").exit_code == 0
