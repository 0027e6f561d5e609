"""Synthetic corpora N times the size of the real one, for measuring how build cost grows.

Copy k of each real plan renames the parks, projects and corridors the pipeline found in it
(two characters, different for every copy, inserted after the name's first two characters:
福清融侨经济技术开发区 → 福清金云融侨经济技术开发区), so a corpus of N copies has about N times
the distinct names, mentions and relations, not the same graph N times. Places stay real.

    python bench/synthetic.py 10 /tmp/corpus-10x
"""
from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.paths import default_corpus_dir

# Characters that read as parts of a proper name, combined in pairs: 1,600 distinct copies.
NAME_CHARS = "金银云星海山林泉石湖溪峰岭湾桥洲滨屿港源川竹梅兰松柏青蓝翠华嘉瑞祥安宁和丰泰盛兴隆荣昌"


def copy_tag(k: int) -> str:
    """Two name characters for copy ``k`` (copy 0 is the original text: no tag)."""
    n = len(NAME_CHARS)
    return "" if k == 0 else NAME_CHARS[(k - 1) // n % n] + NAME_CHARS[(k - 1) % n]


def renamable_names(corpus_dir: Path) -> dict[str, list[str]]:
    """Per document file name, the text-found names of parks, projects and corridors (longest first)."""
    from kg.pipeline.runner import run

    corpus = run(corpus_dir)
    names: dict[str, set[str]] = {}
    for m in corpus.mentions:
        if m.type in ("Park", "Project", "Corridor") and m.rule != "gazetteer" and len(m.surface) >= 4 \
                and "\n" not in m.anchor and m.anchor == m.surface:
            names.setdefault(m.doc_id, set()).add(m.surface)
    return {doc: sorted(found, key=lambda s: (-len(s), s)) for doc, found in names.items()}


def write_synthetic(times: int, out: Path, corpus_dir: Path | None = None) -> tuple[int, int]:
    """Write ``times`` renamed copies of the corpus to ``out``; returns (documents, characters)."""
    corpus_dir = Path(corpus_dir or default_corpus_dir())
    out.mkdir(parents=True, exist_ok=True)
    names = renamable_names(corpus_dir)
    manifest = list(csv.DictReader(io.StringIO((corpus_dir / "MANIFEST.csv").read_text(encoding="utf-8"))))
    rows, documents, characters = [], 0, 0
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc_names = names.get(path.stem, [])
        pattern = re.compile("|".join(map(re.escape, doc_names))) if doc_names else None
        meta = next((r for r in manifest if r["file"] == path.name), {"file": path.name})
        for k in range(times):
            tag = copy_tag(k)
            renamed = pattern.sub(lambda m, tag=tag: m.group()[:2] + tag + m.group()[2:], text) \
                if pattern and tag else text
            name = f"{k:04d}-{path.name}"
            (out / name).write_text(renamed, encoding="utf-8")
            rows.append({**meta, "file": name, "title": meta.get("title", "") + (f"（{tag}）" if tag else "")})
            documents += 1
            characters += len(renamed)
    with open(out / "MANIFEST.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(manifest[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return documents, characters


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/synthetic.py TIMES OUTPUT_DIR")
    docs, chars = write_synthetic(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{sys.argv[2]}: {docs} documents, {chars:,} characters")
