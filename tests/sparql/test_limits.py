"""Bounds on kg query: malformed SPARQL, queries that would run forever, huge answers.

Each case ends with a message and a non-zero exit, never a traceback, and writes no output file.
"""
from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import invoke

from kg.errors import KgError
from kg.sparql.limits import QueryTimeout, run_in_child

# Each would run for hours on the built-in graph (a billion-fold cross product; a path over every
# predicate between every pair of nodes).
ENDLESS = {
    "cross product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "property path": "SELECT (COUNT(*) AS ?n) WHERE { ?x (<urn:x:none>|!<urn:x:none>)* ?y . ?y ?p ?z }",
}
HUGE_SELECT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 3.8 billion rows, streamed
HUGE_CONSTRUCT = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"


def no_child_left() -> bool:
    return multiprocessing.active_children() == []


@pytest.mark.parametrize("name", sorted(ENDLESS))
def test_a_query_that_would_run_forever_is_stopped_by_the_time_limit(tmp_path, name):
    out = tmp_path / "answer.csv"
    result = invoke("query", ENDLESS[name], "--timeout", "1", "-o", out)
    assert result.exit_code == 1, result.output
    assert "longer than 1 s" in result.output and "--timeout" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert no_child_left()  # the query's process was killed, not left running


def test_the_time_limit_counts_the_query_not_the_loading(built_ttl):
    """A quick query finishes under a limit far shorter than loading the graph takes."""
    result = invoke("query", "ASK { ?p a kg:Park }", "--graph", built_ttl, "--timeout", "0.05", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["boolean"] is True


def test_no_query_outlives_kg_query(tmp_path):
    """Killing kg query (even with SIGKILL, which it cannot catch) ends the process running its query."""
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "query", ENDLESS["cross product"], "--timeout", "3600"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    child = None
    try:
        for _ in range(300):  # the child appears once kg has started
            found = children.read_text().split() if children.exists() else []
            if found:
                child = int(found[0])
                break
            time.sleep(0.05)
        assert child, "kg query started no query process"
        time.sleep(0.5)  # the child is now loading the graph or running the query
    finally:
        proc.kill()
        proc.wait()
    for _ in range(100):
        if not Path(f"/proc/{child}").exists() or "zombie" in _state(child):
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the query process outlived kg query")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_a_huge_answer_is_refused_at_the_row_limit(tmp_path, fmt):
    out = tmp_path / "answer.out"
    result = invoke("query", HUGE_SELECT, "--max-rows", "1000", "--format", fmt, "-o", out)
    assert result.exit_code == 1, result.output
    assert "more than 1,000 rows" in result.output and "--max-rows" in result.output and "LIMIT" in result.output
    assert not out.exists()


def test_a_huge_construct_is_refused_at_the_row_limit():
    result = invoke("query", HUGE_CONSTRUCT, "--max-rows", "500", "--format", "ntriples")
    assert result.exit_code == 1 and "more than 500 triples" in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_an_answer_at_the_row_limit_is_whole_and_the_same_as_without_a_limit(built_ttl, fmt):
    query = "SELECT ?park ?name WHERE { ?park a kg:Park ; skos:prefLabel ?name } ORDER BY ?park ?name LIMIT 40"
    limited = invoke("query", query, "--graph", built_ttl, "--format", fmt, "--max-rows", "40")
    unlimited = invoke("query", query, "--graph", built_ttl, "--format", fmt, "--max-rows", "0", "--timeout", "0")
    assert limited.exit_code == unlimited.exit_code == 0, limited.output
    assert limited.stdout_bytes == unlimited.stdout_bytes
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(limited.stdout)))
        assert len(rows) == 40
    assert invoke("query", query, "--graph", built_ttl, "--format", fmt, "--max-rows", "39").exit_code == 1


@pytest.mark.parametrize("query, where, message", [
    ("SELECT ?x WHERE {\n  ?x kg:locatedIn ?y\n  FILTER(?y = ) }", "query:3:", "syntax error"),
    ("SELECT ?x WHERE { ?x nope:p ?y }", "query:1:", "unknown prefix nope:"),
    ("SELECT ?x WHERE { ?x <not an iri> ?y }", "query:1:", "syntax error"),
    ('SELECT ?x WHERE { ?x ?p "unterminated }', "query:1:", "syntax error"),
    ("SELECT ?x WHERE { ?x ?p ?o ", "query:1:", "syntax error"),
    ("PREFIX ex: <http://e/#>\nINSERT DATA { ex:a ex:b ex:c }", "query:", "INSERT is SPARQL Update"),
    ("DROP ALL", "query:", "read-only"),
])
def test_malformed_sparql_names_the_place_and_exits_2(tmp_path, query, where, message):
    out = tmp_path / "answer.csv"
    result = invoke("query", query, "-o", out)
    assert result.exit_code == 2, result.output
    assert where in result.output and message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_malformed_query_file_is_named_with_its_line(tmp_path):
    rq = tmp_path / "bad.rq"
    rq.write_text("# title: 坏 / Bad\nSELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    result = invoke("query", "-f", rq)
    assert result.exit_code == 2 and f"{rq}:4:" in result.output and "ends too early" in result.output
    binary = tmp_path / "binary.rq"
    binary.write_bytes(b"\xff\xfe\x00SELECT")
    result = invoke("query", "-f", binary)
    assert result.exit_code == 1 and "binary.rq" in result.output and "cannot read" in result.output


def test_limits_are_checked_as_usage():
    assert invoke("query", "ASK {}", "--timeout", "-1").exit_code == 2
    assert invoke("query", "ASK {}", "--max-rows", "many").exit_code == 2
    help_text = invoke("query", "--help").output
    assert "--timeout" in help_text and "--max-rows" in help_text


def _fail_with_suggestions(*, ready):
    from kg.outputs.subgraph import UnknownCity

    raise UnknownCity("no city called 'Atlantis'", ["大田县", "安溪县"])


def _die(*, ready):
    os.kill(os.getpid(), signal.SIGKILL)


def _sleep_after_ready(seconds, *, ready):
    ready()
    time.sleep(seconds)
    return b"late"


def test_errors_and_deaths_in_the_query_process_reach_the_caller():
    from kg.outputs.subgraph import UnknownCity

    with pytest.raises(UnknownCity) as caught:
        run_in_child(_fail_with_suggestions, (), timeout=10)
    assert caught.value.suggestions == ["大田县", "安溪县"] and "Atlantis" in str(caught.value)
    with pytest.raises(KgError, match="stopped unexpectedly.*signal 9"):
        run_in_child(_die, (), timeout=10)
    with pytest.raises(QueryTimeout):
        run_in_child(_sleep_after_ready, (30,), timeout=0.5)
    assert run_in_child(_sleep_after_ready, (0,), timeout=10) == b"late"
    assert no_child_left()
