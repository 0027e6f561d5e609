"""The build: read → normalize → segment → extract → resolve → relate, over a corpus folder."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Callable

from .extract import extract
from .gazetteer import load_gazetteer
from .lexicon import load_lexicon
from .load import list_documents, load_manifest, read_document
from .model import Corpus, Document, Relation
from .normalize import normalize
from .relate import Relator
from .resolve import Resolver
from .segment import segment

Progress = Callable[[str, int, int], None]  # (document id, done, total)


def run(corpus_dir: str | Path, *, progress: Progress | None = None) -> Corpus:
    """Extract everything from the ``.txt`` documents under ``corpus_dir``.

    Raises:
        CorpusNotFound, CorpusEncodingError, ManifestError: bad input, naming the file.
    """
    corpus_dir = Path(corpus_dir)
    manifest = load_manifest(corpus_dir)
    paths = list_documents(corpus_dir)
    gaz, lex = load_gazetteer(), load_lexicon()
    documents: list[Document] = []
    segmented = {}
    mentions = []
    warnings = []
    listed = {p.relative_to(corpus_dir).as_posix() for p in paths}
    warnings += [f"{corpus_dir / name}: listed in MANIFEST.csv but missing" for name in sorted(set(manifest) - listed)]
    for i, path in enumerate(paths):
        doc = read_document(path, corpus_dir, manifest)
        if progress:
            progress(doc.doc_id, i + 1, len(paths))
        if not doc.text.strip():
            warnings.append(f"{path}: empty document, skipped")
            continue
        documents.append(doc)
        seg = segment(normalize(doc))
        segmented[doc.doc_id] = seg
        mentions.extend(extract(seg))
    resolver = Resolver(gaz, lex)
    entities, resolved = resolver.resolve(documents, mentions)
    issuers = resolver.issuers(documents, entities)
    relator = Relator(gaz, lex)
    relations: set[Relation] = set()
    by_doc = defaultdict(list)
    for m in resolved:
        by_doc[m.doc_id].append(m)
    for doc in documents:
        relations.update(relator.relate(segmented[doc.doc_id], by_doc[doc.doc_id], entities))
    resolver.add_referenced(entities, {k for r in relations for k in (r.subject, r.object)})
    relations.update(relator.gazetteer_relations(entities))
    return Corpus(
        documents=tuple(documents),
        mentions=tuple(sorted(resolved, key=lambda m: (m.doc_id, m.begin, m.end, m.type, m.entity))),
        entities=dict(sorted(entities.items())),
        relations=tuple(sorted(relations, key=lambda r: (r.subject, r.predicate, r.object, r.doc_id, r.begin, r.rule))),
        warnings=tuple(warnings),
        issuers=issuers,
    )
