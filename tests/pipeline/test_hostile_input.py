"""`kg build` on corpora as they come from the portals: other encodings, binaries, empty, huge,
thousands of files, link loops, unreadable files. Each either builds or stops with one clear
message naming the file, exit code 1, and the previous graph untouched."""
import gzip
import os
import random
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import write_corpus
from kg.cli import cli
from kg.namespace import KG, NIF
from kg.serialize import load_rdflib

PLAN = "福州都市圈发展规划\n推进福州长乐国际机场二期扩建，建设福清融侨经济技术开发区。\n"
REAL = ("002_5e76badc1a43d916.txt", "004_35f8017a96e35fe5.txt")


def build(corpus, out, *options):
    return CliRunner().invoke(cli, ["build", str(corpus), "-o", str(out), "--no-cache", *map(str, options)])


def assert_refused(tmp_path, corpus, *expected):
    """The build stops with a message naming the problem, and the previous graph is kept."""
    out = tmp_path / "g.ttl"
    out.write_text("previous graph", encoding="utf-8")
    result = build(corpus, out)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a message, not a crash
    for text in expected:
        assert text in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "previous graph"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".g.ttl")] == []


# ------------------------------------------------------------------ encodings
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16"])
def test_a_plan_in_a_chinese_national_encoding_gives_the_graph_of_its_utf8_twin(tmp_path, corpus_dir, encoding):
    manifest = (corpus_dir / "MANIFEST.csv").read_text(encoding="utf-8")
    for name, enc in (("utf8", "utf-8"), ("other", encoding)):
        folder = tmp_path / name
        folder.mkdir()
        for doc in REAL:
            (folder / doc).write_bytes((corpus_dir / doc).read_text(encoding="utf-8").encode(enc))
        (folder / "MANIFEST.csv").write_bytes(manifest.encode("gb18030" if enc != "utf-8" else "utf-8"))
        assert build(folder, tmp_path / f"{name}.nt", "-q").exit_code == 0
    utf8 = (tmp_path / "utf8.nt").read_text(encoding="utf-8").splitlines()
    other = (tmp_path / "other.nt").read_text(encoding="utf-8").splitlines()
    differ = sorted(set(utf8) ^ set(other))
    # Only the recorded source encoding differs: same entities, offsets, anchors and relations.
    assert differ and all(f"<{KG.sourceEncoding}>" in line for line in differ)
    assert len(utf8) == len(other) > 1000


@pytest.mark.parametrize("encoding, text", [
    ("big5", "福州都市圈發展規劃\n推進福州長樂國際機場二期擴建，建設福清融僑經濟技術開發區。\n"),
    ("shift_jis", "福州都市圏発展計画\n福州長楽国際空港の第二期拡張を推進する。\n"),
    ("cp1252", "Plan de développement — aéroport, zone économique, Straße.\n"),
])
def test_a_plan_in_an_undetectable_encoding_is_refused(tmp_path, encoding, text):
    corpus = write_corpus(tmp_path / "c", {"a.txt": PLAN, "b.txt": text.encode(encoding)})
    assert_refused(tmp_path, corpus, "b.txt: cannot decode as UTF-8 or GB18030/GBK", "iconv")


# ------------------------------------------------------------------ binaries and broken files
BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "gzip": gzip.compress(PLAN.encode() * 50, mtime=0),
    "zlib": zlib.compress(PLAN.encode() * 50),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Filter/FlateDecode/Length 80>>stream\n"
           + zlib.compress(b"BT /F1 12 Tf (x) Tj ET" * 9) + b"\nendstream\nendobj\n",
    "random": random.Random(7).randbytes(4096),
    "executable": Path(sys.executable).read_bytes()[:4096],
}


@pytest.mark.parametrize("kind", sorted(BINARIES))
def test_a_binary_renamed_txt_is_refused(tmp_path, kind):
    corpus = write_corpus(tmp_path / "c", {"a.txt": PLAN, "scan.txt": BINARIES[kind]})
    assert_refused(tmp_path, corpus, "scan.txt: ")


def test_a_text_with_nul_bytes_is_refused_with_the_position(tmp_path):
    damaged = "福州规划\n".encode() + b"\x00" * 512 + PLAN.encode()
    corpus = write_corpus(tmp_path / "c", {"a.txt": PLAN, "damaged.txt": damaged})
    assert_refused(tmp_path, corpus, "damaged.txt: contains NUL bytes (first at byte 13)")


@pytest.mark.parametrize("empty", [b"", b"\xef\xbb\xbf", b" \n\r\n\t\xe3\x80\x80\n"])
def test_an_empty_document_is_a_warning_and_the_rest_builds(tmp_path, empty):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN, "empty.txt": empty})
    result = build(corpus, tmp_path / "g.ttl")
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "empty.txt: empty document, skipped" in result.output
    assert "福清融侨经济技术开发区" in (tmp_path / "g.ttl").read_text(encoding="utf-8")


def test_a_corpus_of_empty_documents_is_refused(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": "", "b.txt": "\n\n"})
    assert_refused(tmp_path, corpus, "all 2 .txt documents are empty")


def test_file_symlinks_in_a_loop_are_refused(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    (corpus / "a.txt").symlink_to(corpus / "b.txt")
    (corpus / "b.txt").symlink_to(corpus / "a.txt")
    assert_refused(tmp_path, corpus, "a.txt: cannot read: Too many levels of symbolic links")


def test_a_folder_symlink_loop_is_not_followed(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    write_corpus(corpus / "sub", {"more.txt": "厦门市规划\n推进厦门新机场建设。\n"})
    (corpus / "sub" / "back").symlink_to(corpus, target_is_directory=True)
    (corpus / "self").symlink_to(corpus / "self", target_is_directory=True)  # a link to itself
    result = build(corpus, tmp_path / "g.ttl")
    assert result.exit_code == 0, result.output
    assert "sub/back: symbolic link to a folder, not followed" in result.output
    assert "from 2 documents" in result.output


@pytest.mark.parametrize("make, message", [
    (lambda p: p.symlink_to(p.parent / "deleted.txt"), "broken symbolic link to"),
    (lambda p: os.mkfifo(p), "is a FIFO, not a regular file"),
])
def test_a_document_that_cannot_be_read_is_refused(tmp_path, make, message):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    make(corpus / "locked.txt")
    assert_refused(tmp_path, corpus, "locked.txt: " + message)


def test_an_unreadable_document_is_refused(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN, "locked.txt": PLAN})
    (corpus / "locked.txt").chmod(0)
    try:
        if os.access(corpus / "locked.txt", os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads (the broken-link and FIFO cases "
                        "test the same error path)")
        assert_refused(tmp_path, corpus, "locked.txt: cannot read: Permission denied")
    finally:
        (corpus / "locked.txt").chmod(0o644)


@pytest.mark.parametrize("manifest, message", [
    ("file,title\nplan.txt,\"unterminated\n", "MANIFEST.csv:2: not valid CSV"),
    ("file,title\n../../etc/passwd.txt,x\n", "MANIFEST.csv:2: 'file' must be a path inside the corpus"),
    ("file,title,issuer,issued\nplan.txt,x,y,2021-13\n", "MANIFEST.csv:2: 'issued' must be a date"),
])
def test_manifest_with_bad_rows_is_refused(tmp_path, manifest, message):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN}, manifest)
    assert_refused(tmp_path, corpus, message)


# ------------------------------------------------------------------ size
def test_a_folder_of_a_thousand_tiny_documents(tmp_path):
    places = ["福州", "厦门", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德"]
    files = {f"d{i:04d}.txt": f"{places[i % 9]}规划第{i}号\n建设{places[i % 9]}高新技术产业开发区。\n" for i in range(1000)}
    corpus = write_corpus(tmp_path / "c", files)
    result = build(corpus, tmp_path / "g.ttl", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "from 1000 documents" in result.output
    graph = load_rdflib(tmp_path / "g.ttl")
    assert len(set(graph.subjects(predicate=None, object=KG.Document))) == 1000


def test_pathological_lines_build_in_linear_time(tmp_path):
    """Runs of 100,000 spaces, dots or dashes on one line (broken conversions) must not hang a
    rule: the build runs in a subprocess with a time limit far above its normal duration."""
    text = PLAN + "".join(ch * 100_000 + "x\n" for ch in " .…·-—（(、0") + PLAN
    corpus = write_corpus(tmp_path / "c", {"odd.txt": text})
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(tmp_path / "g.ttl"),
                           "--no-cache", "-q"], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr


PEAK_RSS = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB, the largest process
"""


def peak_rss(*command) -> int:
    """Peak resident memory in bytes of the biggest process of a command (workers included)."""
    out = subprocess.run([sys.executable, "-c", PEAK_RSS, *map(str, command)], capture_output=True, text=True,
                         timeout=900, check=False)
    assert out.returncode == 0, out.stderr
    return int(out.stdout) * 1024


def test_a_50_megabyte_plan_builds_in_bounded_memory(tmp_path, corpus_dir):
    """The real plans, one after another, with each line padded by layout spaces as pdftotext
    -layout writes it, make one 50 MB file; peak memory stays within a few times its size."""
    texts = [(corpus_dir / name).read_text(encoding="utf-8") for name in sorted(os.listdir(corpus_dir))
             if name.endswith(".txt")]
    lines = "\n".join(texts * 2).split("\n")
    size = 50 * 1024 * 1024
    pad = (size - len("\n".join(lines).encode())) // len(lines)
    text = "\n".join(line + " " * pad for line in lines) + "\n" + texts[0]
    big = write_corpus(tmp_path / "big", {"volume.txt": text})
    assert (big / "volume.txt").stat().st_size >= size
    small = write_corpus(tmp_path / "small", {"plan.txt": PLAN})
    kg = [sys.executable, "-m", "kg.cli", "build", "--no-cache", "--jobs", "2", "-o"]
    baseline = peak_rss(*kg, tmp_path / "small.nt", small)
    peak = peak_rss(*kg, tmp_path / "big.nt", big)
    print(f"peak RSS {peak / 2**20:.0f} MiB, baseline {baseline / 2**20:.0f} MiB, file {size / 2**20:.0f} MiB")
    assert peak - baseline < 8 * size, (peak, baseline)

    # Offsets near the end of the file still point at the right characters.
    last = len(text) - len(texts[0])
    anchor_of = ox.NamedNode(str(NIF.anchorOf))
    found = 0
    for s, p, o, *_ in ox.parse(path=str(tmp_path / "big.nt"), format=ox.RdfFormat.N_TRIPLES):
        if p == anchor_of:
            begin, end = map(int, s.value.rsplit("#char=", 1)[1].split(","))
            assert text[begin:end] == o.value
            found += begin >= last
    assert found > 100
    shutil.rmtree(big)
