"""Cost per character of name-dense text next to ordinary text (issue 12, point 8).

*Ordinary*: the five real plans one after another, repeated to the size asked for, line breaks
as written. *Name-dense*: one single line (no line break at all) of sentences listing the real
parks, projects and corridors of the built graph, 推进A、B、C建设。 with 3 to 8 names each — about
one name every six characters, twelve times the density of the plans, as a spreadsheet or a PDF
converted without line breaks gives. Each build is a fresh `kg build --no-cache --jobs 1`
process (start-up included, so compare the larger sizes); costs are CPU seconds (user + system),
which other work on the machine distorts less than wall time, and the ratio is name-dense over
ordinary text of the same size. Stage columns are wall seconds. Prints a table; asserts nothing.

    python bench/name_dense.py                       # 100,000 and 1,000,000 characters
    python bench/name_dense.py --sizes 100000,300000
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build_throughput import build

from kg.paths import DEFAULT_GRAPH, default_corpus_dir
from kg.table import format_table

HEADERS = ["text", "characters", "lines", "wall s", "cpu s", "cpu s per M chars", "ratio", "extract", "resolve",
           "relate", "graph", "write", "mentions", "triples", "peak MB", "load"]


def names_of_the_graph() -> list[str]:
    """Chinese names of the parks, projects and corridors of the built-in graph, sorted."""
    import pyoxigraph as ox

    kinds = ("/park/", "/project/", "/corridor/")
    return sorted({q.object.value for q in ox.parse(path=str(DEFAULT_GRAPH), format=ox.RdfFormat.TURTLE)
                   if q.predicate.value.endswith("#prefLabel") and getattr(q.object, "language", None) == "zh"
                   and any(k in q.subject.value for k in kinds)})


def name_dense(size: int, names: list[str], seed: int = 1) -> str:
    """One line of ``size`` characters listing names, 3 to 8 to a sentence."""
    rng = random.Random(seed)
    out, length = [], 0
    while length < size:
        sentence = "推进" + "、".join(rng.choice(names) for _ in range(rng.randint(3, 8))) + "建设。"
        out.append(sentence)
        length += len(sentence)
    return "".join(out)[:size]


def ordinary(size: int) -> str:
    """The real plans, repeated and cut to ``size`` characters at a line end."""
    plans = "\n".join(p.read_text(encoding="utf-8") for p in sorted(default_corpus_dir().glob("*.txt")))
    text = (plans + "\n") * (size // len(plans) + 1)
    return text[:text.rfind("\n", 0, size) + 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="characters per document, comma-separated")
    args = parser.parse_args()
    names = names_of_the_graph()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        tmp = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            base = None
            for label, text in (("ordinary", ordinary(size)), ("name-dense", name_dense(size, names))):
                corpus = tmp / f"{label}-{size}"
                corpus.mkdir()
                (corpus / "plan.txt").write_text(text, encoding="utf-8")
                r = build(corpus, tmp / "out.nt", 1)
                per_m = r["cpu"] / r["characters"] * 1e6
                base = base or per_m
                s = r["stages"]
                rows.append([label, f"{r['characters']:,}", text.count("\n") + 1, f"{r['wall']:.1f}",
                             f"{r['cpu']:.1f}", f"{per_m:.1f}",
                             f"{per_m / base:.2f}", f"{s['extract']:.1f}", f"{s['resolve']:.1f}",
                             f"{s['relate']:.1f}", f"{s['graph']:.1f}", f"{s['write']:.1f}", f"{r['mentions']:,}",
                             f"{r['triples']:,}", f"{r['peak_mb']:,.0f}", f"{r['load']:.1f}"])
                print(format_table(HEADERS, [rows[-1]]).splitlines()[-1], flush=True)
    print()
    print(format_table(HEADERS, rows))


if __name__ == "__main__":
    main()
