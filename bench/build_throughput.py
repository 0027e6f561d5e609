"""Build throughput (characters per second) on the real corpus and on synthetic corpora 10x and
100x its size, on one core and on all cores; then an incremental rebuild.

Every build runs in a fresh process (`kg build --no-cache`), as a user would start it, so the
times include start-up and loading the dictionaries. Prints tables; nothing is asserted.

    python bench/build_throughput.py                 # sizes 1, 10, 100; jobs 1 and all cores
    python bench/build_throughput.py --sizes 1,10 --jobs 1
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import write_synthetic

from kg.paths import default_corpus_dir
from kg.pipeline.runner import cpu_count
from kg.table import format_table

RUNNER = """
import json, resource, sys, time
start = time.perf_counter()
from kg.pipeline.build import build_file
cache = sys.argv[4] if len(sys.argv) > 4 else None
report = build_file(sys.argv[1], sys.argv[2], jobs=int(sys.argv[3]), cache=cache)
me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
peak = max(me.ru_maxrss, children.ru_maxrss)
cpu = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
print(json.dumps({"seconds": time.perf_counter() - start, "stages": report.seconds, "documents": report.documents, "cpu": cpu,
                  "characters": report.characters, "triples": report.triples, "mentions": report.mentions,
                  "extracted": report.extracted, "reused": report.reused, "peak_mb": peak / 1024}))
"""


HEADERS = ["corpus", "docs", "characters", "jobs", "wall s", "chars/s", "s per M chars", "cpu s", "extract",
           "resolve", "relate", "graph", "write", "triples", "peak MB", "load"]


def build(corpus: Path, out: Path, jobs: int, cache: Path | None = None) -> dict:
    """One `kg build` in a fresh process: its report, wall time (process start to exit) and peak memory."""
    args = [sys.executable, "-c", RUNNER, str(corpus), str(out), str(jobs)] + ([str(cache)] if cache else [])
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        sys.exit(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    result["load"] = max(load, os.getloadavg()[0])  # other work on the machine distorts wall times
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100", help="corpus sizes, in multiples of the real corpus")
    parser.add_argument("--jobs", default=f"1,{cpu_count()}", help="numbers of processes to try")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs_list = sorted({int(j) for j in args.jobs.split(",")})
    rows, results = [], {}
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        tmp = Path(tmp)
        for size in sizes:
            corpus = default_corpus_dir() if size == 1 else tmp / f"corpus-{size}x"
            if size != 1:
                write_synthetic(size, corpus)
            for jobs in jobs_list:
                r = build(corpus, tmp / "out.nt", jobs)
                results[size, jobs] = r
                s = r["stages"]
                rows.append([f"{size}x", r["documents"], f"{r['characters']:,}", jobs, f"{r['wall']:.1f}",
                             f"{r['characters'] / r['wall']:,.0f}", f"{r['wall'] / r['characters'] * 1e6:.1f}",
                             f"{r['cpu']:.1f}", f"{s['extract']:.1f}", f"{s['resolve']:.1f}", f"{s['relate']:.1f}",
                             f"{s['graph']:.1f}", f"{s['write']:.1f}", f"{r['triples']:,}", f"{r['peak_mb']:,.0f}",
                             f"{r['load']:.1f}"])
                print(format_table(HEADERS, [rows[-1]]).splitlines()[-1], flush=True)
        print()
        print(format_table(HEADERS, rows))

        # Incremental: the largest synthetic corpus with a cache, unchanged, then one document edited.
        size = max(s for s in sizes)
        corpus = default_corpus_dir() if size == 1 else tmp / f"corpus-{size}x"
        jobs = jobs_list[-1]
        cache = tmp / "cache"
        rows = []
        for label in ("cold cache", "unchanged", "one document edited"):
            if label == "one document edited":
                if size == 1:
                    corpus = tmp / "corpus-1x-copy"
                    subprocess.run(["cp", "-r", str(default_corpus_dir()), str(corpus)], check=True)
                doc = min(corpus.glob("*.txt"))
                doc.write_text(doc.read_text(encoding="utf-8") + "\n建设莆田高新技术产业开发区。\n", encoding="utf-8")
            r = build(corpus, tmp / "out.nt", jobs, cache)
            rows.append([f"{size}x", label, r["extracted"], r["reused"], f"{r['wall']:.1f}",
                         f"{r['stages']['extract']:.1f}"])
        print()
        print(format_table(["corpus", "rebuild", "extracted", "from cache", "wall s", "extract s"], rows))
    machine = f"{os.cpu_count()} logical CPUs, Python {sys.version.split()[0]}"
    print(f"\n{machine}")


if __name__ == "__main__":
    main()
