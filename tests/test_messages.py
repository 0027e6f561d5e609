"""What the commands say: one exit-code rule, progress, honest "did you mean", clear labels."""
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import invoke
from kg.cli import cli


PLAN = "福州都市圈发展规划\n推进福州长乐国际机场二期扩建，建设福清融侨经济技术开发区。\n"


@pytest.mark.parametrize("args", [
    ["query", "parks_in_city", "-p", "city=XYZ"],                   # unknown parameter value
    ["query", "parks_in_city", "-p", "town=福州"],                   # unknown parameter
    ["query", "no_such_question"],                                   # unknown query
    ["query", "SELECT ?x WHERE { ?x ?p }"],                          # syntax error
    ["query", "SELECT ?x WHERE { ?x a kg:Park }", "--format", "turtle"],  # format for another form
    ["export", "XYZ"],                                               # unknown city
    ["export", "福州", "--format", "docx"],                          # unknown format
    ["viz", "--city", "XYZ"],
    ["viz", "--type", "Building"],                                   # unknown type
    ["viz", "--relation", "near"],                                   # unknown relation
    ["viz", "--layout", "circle"],
    ["validate", "--inference", "owl-dl"],
    ["stats", "--top", "many"],
    ["no-such-command"],
], ids=lambda a: " ".join(a))
def test_bad_input_on_the_command_line_exits_2_in_every_command(args):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_a_corpus_that_cannot_be_built_or_a_missing_graph_exits_1(tmp_path):
    assert invoke("stats", "--graph", tmp_path / "missing.ttl").exit_code == 1
    assert invoke("build", tmp_path, "-o", tmp_path / "g.ttl").exit_code == 1  # no documents


def test_an_unknown_build_format_is_bad_input(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    assert invoke("build", tmp_path, "-o", tmp_path / "g.docx").exit_code == 2


@pytest.mark.parametrize("args,suggested", [
    (["export", "XYZ"], None),
    (["query", "parks_in_city", "-p", "city=XYZ"], None),
    (["export", "福洲"], "福州市"),                 # a homophone: the slip of pinyin input
    (["query", "parks_in_city", "-p", "city=fuzou"], "福州市"),
])
def test_did_you_mean_only_for_a_close_match(args, suggested):
    output = invoke(*args).output
    if suggested is None:
        assert "did you mean" not in output
    else:
        assert output.strip().endswith(f"did you mean {suggested}?")


def test_viz_open_without_a_browser_says_so_and_where_the_page_is(tmp_path):
    env = {**os.environ, "BROWSER": "false", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    done = subprocess.run([sys.executable, "-m", "kg.cli", "viz", "--city", "仓山区", "-o", "cs.html", "--open"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "no web browser could be opened" in done.stderr
    assert str(tmp_path / "cs.html") in done.stderr


def test_validate_shows_progress_shape_by_shape(tmp_path):
    small = tmp_path / "cangshan.ttl"
    assert invoke("export", "仓山区", "--no-provenance", "-o", small).exit_code == 0
    result = CliRunner().invoke(cli, ["validate", "--graph", str(small)])
    assert result.exit_code == 0, result.output
    assert "reading" in result.stderr and "[1/" in result.stderr and "EntityShape: ok" in result.stderr
    assert "Conforms: True" in result.stdout


def test_evaluate_labels_what_its_numbers_count(gold_dir, corpus_dir):
    result = invoke("evaluate", "--gold", gold_dir / "dev", "--corpus", corpus_dir, "--no-details")
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split()
    assert header == ["item", "P", "correct/predicted", "R", "found/required", "F1"]
    row = next(line.split() for line in result.output.splitlines() if line.startswith("ent (micro)"))
    correct, predicted = map(int, row[3].split("/"))
    assert abs(correct / predicted - float(row[2])) < 0.001
    assert "required: gold items not marked optional" in result.output
