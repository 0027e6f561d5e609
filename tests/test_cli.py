import os
import shutil
import signal
import subprocess
import sys
import time
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
    assert result.exit_code == 2 and "unknown RDF format" in result.output


def test_unwritable_output_folder(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    result = invoke("build", corpus, "-o", tmp_path / "missing" / "g.ttl")
    assert result.exit_code == 1 and "does not exist" in result.output


def test_empty_document_is_a_warning(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN, "empty.txt": ""})
    result = invoke("build", corpus, "-o", tmp_path / "g.ttl")
    assert result.exit_code == 0 and "empty.txt: empty document" in result.output


def test_build_reuses_the_cache_and_says_so(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN, "other.txt": "厦门市规划\n推进厦门新机场建设。\n"})
    cache = tmp_path / "cache"
    first = invoke("build", corpus, "-o", tmp_path / "a.ttl", "--cache", cache, "-j", "2")
    assert first.exit_code == 0 and "(2 extracted, 0 from the cache; 2 jobs)" in first.output
    second = invoke("build", corpus, "-o", tmp_path / "b.ttl", "--cache", cache)
    assert second.exit_code == 0 and "(0 extracted, 2 from the cache;" in second.output
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()


def test_build_without_cache_leaves_no_cache_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    corpus = write_corpus(tmp_path / "c", {"plan.txt": PLAN})
    result = invoke("build", corpus, "-o", tmp_path / "g.ttl", "--no-cache", "-j", "1")
    assert result.exit_code == 0 and "(1 extracted, 0 from the cache; 1 jobs)" in result.output
    assert not (tmp_path / "cache").exists()
    assert invoke("build", corpus, "-o", tmp_path / "g.ttl").exit_code == 0
    assert list((tmp_path / "cache").rglob("*.mentions"))  # the default cache, from $KG_CACHE_DIR


@pytest.mark.parametrize("jobs", ["0", "-2", "many"])
def test_jobs_must_be_a_positive_number(tmp_path, jobs):
    result = invoke("build", tmp_path, "-o", tmp_path / "g.ttl", "--jobs", jobs)
    assert result.exit_code == 2 and "--jobs" in result.output


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (FileNotFoundError, IndexError):
        return False


def _start_build(corpus_dir, out, tmp_path, *options):
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus_dir), "-o", str(out), "--no-cache",
                             *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)


def _wait_for(condition, proc, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"the build ended before {what}: {proc.stderr.read().decode()}"
        assert time.monotonic() < deadline, f"no {what} after {timeout} s"
        time.sleep(0.002)


def _assert_clean_interruption(proc, sig, out, tmp_path):
    _, stderr = proc.communicate(timeout=60)
    message = stderr.decode()
    assert proc.returncode == 128 + sig, message
    assert message.strip() == f"kg: interrupted by {signal.Signals(sig).name}; output files were left unchanged"
    assert out.read_text(encoding="utf-8") == "previous graph"
    assert [p.name for p in out.parent.iterdir() if p.name != out.name] == ["tmp"]
    assert not [p.name for p in (tmp_path / "tmp").iterdir() if p.name.startswith("kg-build-")]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_while_writing_keeps_the_previous_graph(tmp_path, corpus_dir, sig):
    out = tmp_path / "g.ttl"
    out.write_text("previous graph", encoding="utf-8")
    writing = lambda: any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # noqa: E731
    for _ in range(5):
        proc = _start_build(corpus_dir, out, tmp_path, "--jobs", "1")
        _wait_for(writing, proc, "the graph being written")
        proc.send_signal(signal.SIGSTOP)  # frozen: is it still writing, or did it just finish?
        if writing():
            break
        proc.send_signal(signal.SIGCONT)
        proc.communicate(timeout=60)
        out.write_text("previous graph", encoding="utf-8")
        shutil.rmtree(tmp_path / "tmp")
    else:
        pytest.fail("never caught the build while it was writing")
    proc.send_signal(sig)  # delivered, mid-write, as the process resumes
    proc.send_signal(signal.SIGCONT)
    _assert_clean_interruption(proc, sig, out, tmp_path)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds worker processes through Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_parallel_build_stops_its_workers(tmp_path, corpus_dir, sig):
    out = tmp_path / "g.ttl"
    out.write_text("previous graph", encoding="utf-8")
    proc = _start_build(corpus_dir, out, tmp_path, "--jobs", "2")
    _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "worker processes")
    workers = _children(proc.pid)
    time.sleep(0.5)  # the workers are extracting
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl-C in a terminal reaches the whole process group
    else:
        proc.send_signal(sig)  # kill(1), a service manager: the parent only
    _assert_clean_interruption(proc, sig, out, tmp_path)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds worker processes through Linux /proc")
def test_a_killed_worker_ends_the_build_with_a_message_not_a_hang(tmp_path, corpus_dir):
    out = tmp_path / "g.ttl"
    out.write_text("previous graph", encoding="utf-8")
    proc = _start_build(corpus_dir, out, tmp_path, "--jobs", "2")
    _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "worker processes")
    workers = _children(proc.pid)
    os.kill(min(workers), signal.SIGKILL)  # as the out-of-memory killer would
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert stderr.decode().strip() == "Error: a worker process ended abruptly (killed, or out of memory?); " \
                                      "try fewer --jobs than 2"
    assert out.read_text(encoding="utf-8") == "previous graph"
    assert not [w for w in workers if _alive(w)]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds worker processes through Linux /proc")
def test_workers_end_when_the_build_is_killed(tmp_path, corpus_dir):
    proc = _start_build(corpus_dir, tmp_path / "g.ttl", tmp_path, "--jobs", "2")
    _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "worker processes")
    workers = _children(proc.pid)
    proc.kill()  # SIGKILL: no cleanup in the build process at all
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)]


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_help_loads_no_heavy_module(args):
    """Start-up time matters for a command line: rdflib, pyoxigraph, jieba… load inside commands."""
    code = ("import sys\nfrom kg.cli import cli\ntry:\n    cli(%r)\nexcept SystemExit:\n    pass\n"
            "print('LOADED:', *sorted(m for m in sys.modules if m.split('.')[0] in %r))")
    heavy = ("rdflib", "pyoxigraph", "jieba", "networkx", "pyshacl", "pypinyin", "multiprocessing")
    out = subprocess.run([sys.executable, "-c", code % (args, heavy)], capture_output=True, text=True, check=True)
    assert out.stdout.rsplit("LOADED:", 1)[1].split() == []


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
