"""The build cache: entries are data that cannot run code, damaged or edited entries are extracted
again with a warning, only a private folder is used, old entries and leftovers are pruned."""
import gzip
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_corpus

from kg.errors import KgError
from kg.paths import GAZETTEER_DIR, LEXICON_DIR
from kg.pipeline.build import build_file
from kg.pipeline.cache import MAX_AGE_DAYS, ExtractionStore, pipeline_fingerprint

PLANS = {"a.txt": "福州都市圈发展规划\n推进福州长乐国际机场二期扩建，建设福清融侨经济技术开发区。\n",
         "b.txt": "厦门市规划\n推进厦门新机场建设，加快建设厦门火炬高技术产业开发区。\n",
         "c.txt": "莆田市规划\n加快建设莆田高新技术产业开发区，推进兴泉铁路建设。\n"}


@pytest.fixture()
def small_corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "corpus", PLANS)


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.rglob(f"*.{kind}"))


class _CreatesFile:
    """Unpickling this creates ``path``: what a planted entry could do with os.system instead."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


def test_a_planted_pickle_is_never_unpickled(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    build_file(small_corpus, tmp_path / "a.ttl", cache=cache)
    proof = tmp_path / "pwned"
    for entry in _entries(cache, "mentions") + _entries(cache, "parts"):
        entry.write_bytes(gzip.compress(pickle.dumps(_CreatesFile(proof)) + pickle.dumps((1, entry.stem))))
    report = build_file(small_corpus, tmp_path / "b.ttl", cache=cache)
    assert not proof.exists()
    assert (report.extracted, report.reused) == (3, 0)
    assert len([w for w in report.warnings if "damaged cache entry" in w]) == 3
    assert (tmp_path / "b.ttl").read_bytes() == (tmp_path / "a.ttl").read_bytes()


def _edit(entry: Path, change) -> None:
    """Rewrite an entry's records with ``change`` applied, keeping its header and old checksum line."""
    lines = gzip.decompress(entry.read_bytes()).split(b"\n")
    lines[1] = json.dumps(change(json.loads(lines[1])), ensure_ascii=False).encode()
    entry.write_bytes(gzip.compress(b"\n".join(lines)))


def test_an_edited_entry_with_a_valid_header_is_found_by_its_checksum(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    build_file(small_corpus, tmp_path / "a.ttl", cache=cache)
    mentions = _entries(cache, "mentions")[0]

    def rename(batch):  # a wrong graph, unless the edit is noticed
        return [row[:6] + ["篡改的名称"] + row[7:] for row in batch]

    _edit(mentions, rename)
    report = build_file(small_corpus, tmp_path / "b.ttl", cache=cache)
    assert (report.extracted, report.reused) == (1, 2)
    assert [w for w in report.warnings if "does not match its checksum" in w]
    assert (tmp_path / "b.ttl").read_bytes() == (tmp_path / "a.ttl").read_bytes()


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"not a cache entry"),
    lambda p: p.write_bytes(p.read_bytes()[:100]),  # truncated
    lambda p: p.write_bytes(gzip.compress(gzip.decompress(p.read_bytes()).rsplit(b"\n", 2)[0] + b"\n")),  # no trailer
])
def test_damaged_entries_are_extracted_again_with_a_warning(small_corpus, tmp_path, damage):
    cache = tmp_path / "cache"
    build_file(small_corpus, tmp_path / "a.ttl", cache=cache)
    damage(_entries(cache, "mentions")[0])
    damage(_entries(cache, "parts")[1])
    report = build_file(small_corpus, tmp_path / "b.ttl", cache=cache)
    assert (report.extracted, report.reused) == (2, 1)
    assert len([w for w in report.warnings if "damaged cache entry" in w and "extracted again" in w]) == 2
    assert (tmp_path / "b.ttl").read_bytes() == (tmp_path / "a.ttl").read_bytes()
    again = build_file(small_corpus, tmp_path / "c.ttl", cache=cache)  # repaired
    assert (again.extracted, again.reused, again.warnings) == (0, 3, ())


def test_a_cache_folder_writable_by_others_is_refused(small_corpus, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(KgError, match=r"shared: the cache folder is writable by others \(mode 777\)"):
        build_file(small_corpus, tmp_path / "g.ttl", cache=shared)
    assert not (tmp_path / "g.ttl").exists() and list(shared.iterdir()) == []
    monkeypatch.setenv("KG_CACHE_DIR", str(shared))  # the default one: a warning, and no cache
    report = build_file(small_corpus, tmp_path / "g.ttl", cache=True)
    assert report.extracted == 3 and any("writable by others" in w and "building without a cache" in w
                                         for w in report.warnings)
    assert list(shared.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away takes root")
def test_a_cache_folder_of_another_user_is_refused(small_corpus, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir(mode=0o700)
    os.chown(foreign, 4242, -1)
    with pytest.raises(KgError, match=r"foreign: the cache folder belongs to another user \(uid 4242\)"):
        build_file(small_corpus, tmp_path / "g.ttl", cache=foreign)


def test_kg_build_says_why_a_cache_folder_is_refused(small_corpus, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(small_corpus), "-o", str(tmp_path / "g.ttl"),
                           "--cache", str(shared)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"Error: {shared}: the cache folder is writable by others (mode 777); make it " \
                                  f"private (chmod 700 {shared}) or use another"


def test_a_cache_folder_that_cannot_be_used(small_corpus, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(KgError, match="a-file.*cannot use as cache folder"):
        build_file(small_corpus, tmp_path / "g.ttl", cache=blocker)
    assert not (tmp_path / "g.ttl").exists()
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker))  # the default one: a warning, and no cache
    report = build_file(small_corpus, tmp_path / "g.ttl", cache=True)
    assert report.extracted == 3 and any("building without a cache" in w for w in report.warnings)


def test_a_new_cache_folder_is_private_whatever_the_umask(small_corpus, tmp_path):
    old = os.umask(0)
    try:
        build_file(small_corpus, tmp_path / "g.ttl", cache=tmp_path / "new" / "cache")
    finally:
        os.umask(old)
    cache = tmp_path / "new" / "cache"
    assert {p.stat().st_mode & 0o777 for p in [cache, *cache.iterdir()]} == {0o700}


def test_fingerprint_follows_the_word_lists(tmp_path):
    lexicon, gazetteer = tmp_path / "lexicon", tmp_path / "gazetteer"
    shutil.copytree(LEXICON_DIR, lexicon)
    shutil.copytree(GAZETTEER_DIR, gazetteer)
    before = pipeline_fingerprint(lexicon, gazetteer)
    assert before == pipeline_fingerprint(LEXICON_DIR, GAZETTEER_DIR)
    with open(lexicon / "type_suffixes.csv", "a", encoding="utf-8") as handle:
        handle.write("物流园,Park,IndustrialPark,logistics park,2\n")
    assert pipeline_fingerprint(lexicon, gazetteer) != before


def test_prune_removes_old_entries_and_nothing_else(tmp_path):
    store = ExtractionStore(tmp_path, persistent=True)
    old, new = store.folder / ("a" * 64 + ".parts"), store.folder / ("b" * 64 + ".parts")
    other_pipeline = tmp_path / ("c" * 20)
    other_pipeline.mkdir()
    (other_pipeline / ("d" * 64 + ".mentions")).write_bytes(b"x")
    unrelated = tmp_path / "notes.txt"
    for path in (old, new, unrelated):
        path.write_bytes(b"x")
    stale = time.time() - (MAX_AGE_DAYS + 1) * 86400
    for path in (old, unrelated, other_pipeline / ("d" * 64 + ".mentions"), other_pipeline):
        os.utime(path, (stale, stale))
    store.prune()
    assert not old.exists() and not other_pipeline.exists()
    assert new.exists() and unrelated.exists()


def test_prune_removes_the_leftovers_of_killed_writers_only(tmp_path):
    store = ExtractionStore(tmp_path, persistent=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "30"])
    try:
        gone = store.folder / f".{'a' * 12}.{dead.pid}.x1y2.tmp"
        running = store.folder / f".{'b' * 12}.{alive.pid}.x1y2.tmp"
        for path in (gone, running):
            path.write_bytes(b"half an entry")
        store.prune()
        assert not gone.exists() and running.exists()
    finally:
        alive.kill()
        alive.wait()
