import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import invoke, write_corpus

PLAN = "福州都市圈发展规划\n推进福州长乐国际机场二期扩建，建设福清融侨经济技术开发区。\n"


def test_build_writes_the_graph_and_a_summary(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    out = tmp_path / "g.nt"
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "福清融侨经济技术开发区" in text and text.count("\n") > 100
    assert "Park" in result.output and "locatedIn" in result.output


def test_build_to_stdout_in_a_named_format(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    result = invoke("build", corpus, "-o", "-", "--format", "jsonld", "-q")
    assert result.exit_code == 0
    assert result.output.lstrip().startswith(("[", "{"))


@pytest.mark.parametrize("setup, message", [
    (lambda p: None, "no such folder"),
    (lambda p: p.mkdir(), "no .txt documents"),
    (lambda p: write_corpus(p, {"scan.txt": b"\x89PNG\r\n\x1a\n\x00\x00IHDR"}), "scan.txt: contains NUL bytes"),
    (lambda p: write_corpus(p, {"a.txt": PLAN}, "file,title\na.txt,x,y\n"), "MANIFEST.csv:2"),
])
def test_bad_input_fails_cleanly_and_keeps_the_old_graph(tmp_path, setup, message):
    corpus = tmp_path / "c"
    setup(corpus)
    out = tmp_path / "g.ttl"
    out.write_text("previous graph", encoding="utf-8")
    result = invoke("build", corpus, "-o", out)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "previous graph"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".g.ttl")] == []


def test_unknown_output_format_is_a_clear_error(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    result = invoke("build", corpus, "-o", tmp_path / "g.docx")
    assert result.exit_code == 1 and "unknown RDF format" in result.output


def test_unwritable_output_folder(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    result = invoke("build", corpus, "-o", tmp_path / "missing" / "g.ttl")
    assert result.exit_code == 1 and "does not exist" in result.output


def test_empty_document_is_a_warning(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN, "empty.txt": ""})
    result = invoke("build", corpus, "-o", tmp_path / "g.ttl")
    assert result.exit_code == 0 and "empty.txt: empty document" in result.output


def test_interrupted_build_leaves_the_previous_graph(tmp_path, corpus_dir):
    out = tmp_path / "g.ttl"
    out.write_text("previous graph", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus_dir), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=1.5)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert out.read_text(encoding="utf-8") == "previous graph" or proc.returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name != "g.ttl"] == []


def test_stats_of_the_default_graph():
    result = invoke("stats", "--top", "5")
    assert result.exit_code == 0
    assert "福州市" in result.output and "responsibleFor" in result.output and "000_9863399443ee40d8" in result.output


def test_stats_of_a_missing_graph(tmp_path):
    result = invoke("stats", "--graph", tmp_path / "none.ttl")
    assert result.exit_code == 1 and "no such graph file" in result.output


def test_validate_a_graph_with_violations(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/fjkg/ontology#> .\n"
                   "<https://w3id.org/fjkg/id/park/x> a kg:Park ; kg:locatedIn <https://w3id.org/fjkg/id/y> .\n",
                   encoding="utf-8")
    result = invoke("validate", "--graph", bad)
    assert result.exit_code == 1 and "SHACL violation" in result.output
