"""How much of a build is word segmentation, against jieba alone on the same text as the floor.

In one warm process (dictionaries loaded once, then timed separately): a whole single-core
build without cache, then each stage on the same documents: normalize, segment (our
DomainTokenizer plus blocks, sentences and the outline), and jieba by itself, with its own
dictionary and with ours, on the same normalized text. Prints a table; nothing is asserted.

    python bench/segmentation_share.py              # the real corpus
    python bench/segmentation_share.py --times 10   # a synthetic corpus 10 times its size
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import write_synthetic

from kg.paths import default_corpus_dir
from kg.table import format_table


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--times", type=int, default=1, help="size of the corpus, in multiples of the real one")
    args = parser.parse_args()

    import jieba

    from kg.pipeline.build import build_file
    from kg.pipeline.cache import ExtractionStore
    from kg.pipeline.extract import extract
    from kg.pipeline.normalize import normalize
    from kg.pipeline.runner import read_corpus
    from kg.pipeline.segment import domain_tokenizer, segment

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        corpus_dir = default_corpus_dir()
        if args.times > 1:
            corpus_dir = Path(tmp) / "corpus"
            write_synthetic(args.times, corpus_dir)
        _, load_domain = timed(domain_tokenizer)
        plain = jieba.Tokenizer()
        _, load_plain = timed(plain.initialize)
        build_file(corpus_dir, Path(tmp) / "warm.nt")  # imports, gazetteer, first-call caches
        report, build_seconds = timed(build_file, corpus_dir, Path(tmp) / "g.nt")

        store = ExtractionStore.spill()
        try:
            sources, _ = read_corpus(corpus_dir, store)
        finally:
            store.close()
        seconds = {"normalize": 0.0, "segment": 0.0, "extract": 0.0, "jieba": 0.0, "jieba+ours": 0.0}
        for source in sources:
            norm, t = timed(normalize, source.doc)
            seconds["normalize"] += t
            seg, t = timed(segment, norm)
            seconds["segment"] += t
            seconds["extract"] += timed(extract, seg)[1]
            seconds["jieba"] += timed(lambda text: list(plain.cut(text, HMM=True)), norm.text)[1]
            seconds["jieba+ours"] += timed(domain_tokenizer().tokenize, norm.text)[1]

    chars = report.characters
    rows = [
        ["whole build (1 process, warm, no cache)", f"{build_seconds:.2f}", "100%", f"{chars / build_seconds:,.0f}"],
        ["  of which extract stage (normalize+segment+extract)", f"{report.seconds['extract']:.2f}",
         f"{report.seconds['extract'] / build_seconds:.0%}", ""],
        ["normalize", f"{seconds['normalize']:.2f}", f"{seconds['normalize'] / build_seconds:.0%}", ""],
        ["segment (kg.pipeline.segment: jieba with our dictionary + sentences)", f"{seconds['segment']:.2f}",
         f"{seconds['segment'] / build_seconds:.0%}", f"{chars / seconds['segment']:,.0f}"],
        ["  jieba with our dictionary, tokens only", f"{seconds['jieba+ours']:.2f}",
         f"{seconds['jieba+ours'] / build_seconds:.0%}", f"{chars / seconds['jieba+ours']:,.0f}"],
        ["  jieba alone, its own dictionary (the floor)", f"{seconds['jieba']:.2f}",
         f"{seconds['jieba'] / build_seconds:.0%}", f"{chars / seconds['jieba']:,.0f}"],
        ["extract (rules)", f"{seconds['extract']:.2f}", f"{seconds['extract'] / build_seconds:.0%}", ""],
        ["load jieba's dictionary (once per process)", f"{load_plain:.2f}", "", ""],
        ["load our dictionary: jieba's + gazetteer + lexicons (once)", f"{load_domain:.2f}", "", ""],
    ]
    print(f"corpus: {len(sources)} documents, {chars:,} characters ({args.times}x)\n")
    print(format_table(["step", "seconds", "share of build", "chars/s"], rows))


if __name__ == "__main__":
    main()
