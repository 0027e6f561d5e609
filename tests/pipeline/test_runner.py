"""Parallel builds are deterministic, rebuilds extract only what changed, long documents are cut
(the cache itself: tests/pipeline/test_cache.py)."""
import itertools
import shutil
from pathlib import Path

import pytest

from conftest import write_corpus
from kg.pipeline.build import build_file
from kg.pipeline.parts import LINE_CHARS, PART_CHARS, part_bounds
from kg.pipeline.runner import run, run_with_stats

SMALL = ("002_5e76badc1a43d916.txt", "004_35f8017a96e35fe5.txt")


@pytest.fixture()
def small_corpus(tmp_path, corpus_dir) -> Path:
    """Two short real plans and a made-up one, with a manifest."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(corpus_dir / name, folder / name)
    (folder / "extra.txt").write_text("莆田市规划\n加快建设莆田高新技术产业开发区，推进兴泉铁路建设。\n", encoding="utf-8")
    (folder / "MANIFEST.csv").write_text("file,title,issuer\nextra.txt,莆田规划,莆田市人民政府\n", encoding="utf-8")
    return folder


def test_parallel_build_is_byte_identical_to_a_single_process_build(corpus_dir, built_ttl, tmp_path):
    out = tmp_path / "parallel.ttl"
    report = build_file(corpus_dir, out, jobs=2)
    assert report.jobs == 2 and report.extracted == report.documents == 5
    assert out.read_bytes() == built_ttl.read_bytes()


def test_rebuild_extracts_only_the_changed_document(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    first = build_file(small_corpus, tmp_path / "a.ttl", cache=cache, jobs=2)
    assert (first.extracted, first.reused) == (3, 0)
    again = build_file(small_corpus, tmp_path / "b.ttl", cache=cache, jobs=2)
    assert (again.extracted, again.reused) == (0, 3)
    assert (tmp_path / "b.ttl").read_bytes() == (tmp_path / "a.ttl").read_bytes()

    extra = small_corpus / "extra.txt"
    extra.write_text(extra.read_text(encoding="utf-8") + "建设福州长乐国际机场二期工程。\n", encoding="utf-8")
    changed = build_file(small_corpus, tmp_path / "c.ttl", cache=cache, jobs=1)
    assert (changed.extracted, changed.reused) == (1, 2)
    build_file(small_corpus, tmp_path / "fresh.ttl")  # no cache at all
    assert (tmp_path / "c.ttl").read_bytes() == (tmp_path / "fresh.ttl").read_bytes()
    assert "福州长乐国际机场" in (tmp_path / "c.ttl").read_text(encoding="utf-8")


def test_a_changed_manifest_row_is_not_served_stale(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    build_file(small_corpus, tmp_path / "a.ttl", cache=cache)
    (small_corpus / "MANIFEST.csv").write_text("file,title,issuer\nextra.txt,莆田市新规划,莆田市人民政府\n",
                                               encoding="utf-8")
    report = build_file(small_corpus, tmp_path / "b.ttl", cache=cache)
    assert (report.extracted, report.reused) == (1, 2)
    assert "莆田市新规划" in (tmp_path / "b.ttl").read_text(encoding="utf-8")


# ------------------------------------------------------------------ long documents
def test_part_bounds_cover_the_text_and_respect_the_limit():
    text = ("第一章 总则\n" + "推进福州都市圈建设。\n" * 30) * 20 + "无换行" * 400
    bounds = part_bounds(text, limit=500)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(e == b2 for (_, e), (b2, _) in itertools.pairwise(bounds))
    assert all(0 < e - b <= 500 for b, e in bounds)
    assert all(text[b:].startswith("第一章") for b, _ in bounds[1:20])  # cut at the 19 chapter headings
    assert len(bounds) == 20 + 3  # and 1,200 characters without line breaks in three


def test_a_long_document_is_built_in_parts_with_whole_document_offsets(corpus_dir, tmp_path):
    texts = [(corpus_dir / n).read_text(encoding="utf-8") for n in ("000_9863399443ee40d8.txt",
                                                                     "003_20b0cda982565f63.txt",
                                                                     "001_5b444185ada568ab.txt")]
    text = "\n".join(texts)
    assert len(text) > PART_CHARS
    bounds = part_bounds(text)
    assert len(bounds) >= 2
    corpus = run(write_corpus(tmp_path / "long", {"volume.txt": text}))
    assert {m.begin for m in corpus.mentions if m.begin >= bounds[1][0]}, "mentions in the second part"
    for m in corpus.mentions:
        assert text[m.begin:m.end] == m.anchor
    evidenced = [r for r in corpus.relations if r.doc_id]
    assert any(r.begin >= bounds[1][0] for r in evidenced)
    for r in evidenced:
        assert text[r.begin:r.end] == r.evidence

    # The second part reads exactly as it would as a document of its own.
    second = text[bounds[1][0]:bounds[1][1]]
    alone = run_with_stats(write_corpus(tmp_path / "alone", {"volume.txt": second}))[0]
    shifted = {(m.begin - bounds[1][0], m.end - bounds[1][0], m.surface, m.type, m.rule) for m in corpus.mentions
               if bounds[1][0] <= m.begin < bounds[1][1]}
    assert shifted == {(m.begin, m.end, m.surface, m.type, m.rule) for m in alone.mentions}


def test_a_long_line_dense_with_names_is_cut_into_parts_of_its_own(tmp_path):
    """One line of 12,000 characters listing names (a spreadsheet pasted as text) is cut at
    sentence ends into parts of at most LINE_CHARS, so rules that compare the names of a part
    with one another see a bounded number; the lines around it stay parts of their own."""
    names = ["福州长乐国际机场", "兴泉铁路", "莆田高新技术产业开发区", "福清融侨经济技术开发区", "厦门新机场"]
    sentences = [f"推进{names[i % 5]}、{names[(i + 1) % 5]}和{names[(i + 2) % 5]}建设。" for i in range(400)]
    line = "".join(sentences)
    head, tail = "福州市规划\n", "\n第二章 布局\n加快建设福州长乐国际机场。\n"
    text = head + line + tail
    assert len(line) > 5 * LINE_CHARS
    bounds = part_bounds(text)
    assert bounds[0] == (0, len(head)) and bounds[-1] == (len(head) + len(line), len(text))
    pieces = bounds[1:-1]
    assert all(e - b <= LINE_CHARS and text[e - 1] == "。" for b, e in pieces)
    assert pieces[0][0] == len(head) and pieces[-1][1] == len(head) + len(line)
    corpus = run(write_corpus(tmp_path / "c", {"list.txt": text}))
    for m in corpus.mentions:
        assert text[m.begin:m.end] == m.anchor
    found = {(m.begin, m.surface) for m in corpus.mentions if m.surface == "莆田高新技术产业开发区"}
    assert len(found) == text.count("莆田高新技术产业开发区")  # in every piece, none lost at a cut


def test_plans_are_not_cut(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert part_bounds(text) == [(0, len(text))], path.name


def test_the_stages_composed_by_hand_give_what_the_build_gives(small_corpus):
    """kg.pipeline.stages is the whole pipeline: its functions, called in order in one process,
    give the Corpus that run() gives with processes, a store and parts."""
    from kg.pipeline.stages import Stages, assemble, extract_document, prepare, relate_document, resolve_corpus

    built = run(small_corpus, jobs=2)
    stages = Stages()
    documents = list(built.documents)
    mentions = [m for doc in documents for _, found in extract_document(doc, stages) for m in found]
    resolution = resolve_corpus(documents, mentions, stages)
    relations = {r for doc in documents for r in relate_document(prepare(doc, stages), resolution.by_document[doc.doc_id],
                                                                  resolution.entities, stages)}
    by_hand = assemble(documents, resolution, relations, stages)
    assert by_hand.entities == built.entities and len(built.entities) > 10
    assert by_hand.mentions == built.mentions and by_hand.relations == built.relations and built.relations
    assert by_hand.issuers == built.issuers
