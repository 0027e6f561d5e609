"""Extraction quality on the hand-annotated development chunks, scored by the reference scorer."""
import json
import subprocess
import sys

import pytest

from conftest import GOLD_DIR
from kg.paths import ONTOLOGY_FILE

ENTITY_F1_FLOOR = 0.75
RELATION_F1_FLOOR = 0.60


@pytest.fixture(scope="module")
def scores(built_ttl, corpus_dir, tmp_path_factory):
    scorer = GOLD_DIR / "score.py"
    if not scorer.exists():
        pytest.fail(f"the reference scorer is missing at {scorer}")
    out = tmp_path_factory.mktemp("score") / "scores.json"
    subprocess.run([sys.executable, str(scorer), "--graph", str(built_ttl), str(ONTOLOGY_FILE),
                    "--gold", str(GOLD_DIR / "dev"), "--corpus", str(corpus_dir), "--json", str(out)],
                   check=True, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


def test_entity_f1_on_the_dev_chunks(scores):
    assert scores["summary"]["ent"]["f1"] >= ENTITY_F1_FLOOR, scores["summary"]


def test_relation_f1_on_the_dev_chunks(scores):
    assert scores["summary"]["rel"]["f1"] >= RELATION_F1_FLOOR, scores["summary"]
