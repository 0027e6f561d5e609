"""Relations read from sentences (kg/pipeline/cues.py and relate.py): a table of sentences written
for these tests, in tests/data/relations_sentences.tsv, each with a relation that must or must not
be read from it."""
import csv

import pytest

from conftest import DATA, build_texts
from kg.knowledge.lexicon import load_relation_cues

TABLE = DATA / "relations_sentences.tsv"


def _rows():
    with open(TABLE, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = _rows()


@pytest.fixture(scope="module")
def read_edges(tmp_path_factory):
    """Every text of the table as one document of a corpus built once: {text: {(s, p, o)}}."""
    texts = list(dict.fromkeys(r["text"] for r in ROWS))
    files = {f"t{i:02d}.txt": "标题\n" + t.replace("\\n", "\n").replace("\\t", "\t") + "\n" for i, t in enumerate(texts)}
    corpus = build_texts(tmp_path_factory.mktemp("cues"), files)
    names = {k: e.name for k, e in corpus.entities.items()}
    edges = {t: set() for t in texts}
    for r in corpus.relations:
        if r.doc_id:
            edges[texts[int(r.doc_id[1:])]].add((names[r.subject], r.predicate, names[r.object]))
    return edges


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['subject']}-{r['relation']}-{r['object']}" for r in ROWS])
def test_relation_from_sentence(read_edges, row):
    edge = (row["subject"], row["relation"], row["object"])
    found = edge in read_edges[row["text"]]
    assert found == (row["expected"] == "yes"), sorted(read_edges[row["text"]])


def test_every_relation_has_cue_words_in_data():
    cues = load_relation_cues()
    assert {"连接", "途经", "北接"} <= set(cues[("connects", "route")])
    assert "位于" in cues[("locatedIn", "located")] and "牵头单位" in cues[("responsibleFor", "label")]
    # longest first, so that 牵头负责 is read before 负责
    for words in cues.values():
        assert [len(w) for w in words] == sorted((len(w) for w in words), reverse=True)
