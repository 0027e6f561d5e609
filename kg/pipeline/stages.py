"""The pipeline, composed in one place: which stage runs after which, on what.

=====================  ==========================================  =============================
scope                  stages                                      function here
=====================  ==========================================  =============================
each document, a part  normalize → segment                         :func:`prepare`
at a time              → extract                                   :func:`extract_document`
the corpus             resolve (one entity per real-world thing)   :func:`resolve_corpus`
each document, a part  relate                                      :func:`relate_document`
at a time
the corpus             facts from the gazetteer, the ``Corpus``    :func:`assemble`
=====================  ==========================================  =============================

Reading the corpus comes before (:func:`kg.pipeline.runner.read_corpus`), the graph and its
serialization after (:mod:`kg.pipeline.build`). Every stage has one shape: ``stage(input,
stages, …)`` takes plain records of :mod:`kg.model` and the build's :class:`Stages` (the word
lists and the stage objects made from them), and returns plain records. Where stages run
(processes) and what is kept between builds (the cache) is :mod:`kg.pipeline.runner`'s business;
how long texts are cut is :mod:`kg.pipeline.parts`'.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from ..model import Corpus, Document, Entity, Mention, Relation
from .parts import Part, part_bounds, shift_mention


class Stages:
    """The word lists and the stage objects of one build, each made on first use.

    One is made per build and handed to the worker processes (forked workers share it; a spawned
    worker gets an empty one and makes its own: nothing is pickled but the class).
    """

    def __getstate__(self) -> dict:
        return {}

    @cached_property
    def gazetteer(self):
        from ..knowledge.gazetteer import load_gazetteer

        return load_gazetteer()

    @cached_property
    def lexicon(self):
        from ..knowledge.lexicon import load_lexicon

        return load_lexicon()

    @cached_property
    def resolver(self):
        from .resolve import Resolver

        return Resolver(self.gazetteer, self.lexicon)

    @cached_property
    def relator(self):
        from .relate import Relator

        return Relator(self.gazetteer, self.lexicon)

    def extract(self, seg) -> list[Mention]:
        """Mentions of one segmented text (the extractor keeps its own process-wide state)."""
        from .extract import extract

        return extract(seg)


@dataclass(frozen=True)
class Resolution:
    """What resolving the corpus gives: the entities, each document's resolved mentions, issuers."""

    entities: dict[str, Entity]
    mentions: list[Mention]  # resolved, in the order resolve returned them
    by_document: dict[str, list[Mention]]
    issuers: dict[str, str]  # document id -> agency entity key


def prepare(doc: Document, stages: Stages) -> Iterator[Part]:  # ``stages`` unused: one shape for all
    """Normalize and segment ``doc``, one part at a time (see :func:`kg.pipeline.parts.part_bounds`)."""
    from .normalize import normalize
    from .segment import segment

    norm_offset = 0
    for begin, end in part_bounds(doc.text):
        piece = doc if (begin, end) == (0, len(doc.text)) else replace(doc, text=doc.text[begin:end])
        seg = segment(normalize(piece))
        yield Part(begin, end, norm_offset, seg)
        norm_offset += len(seg.text) + 1


def extract_document(doc: Document, stages: Stages) -> Iterator[tuple[Part, list[Mention]]]:
    """Each part of ``doc`` with its mentions, whose offsets refer to the whole document."""
    for p in prepare(doc, stages):
        yield p, [shift_mention(m, p.begin, p.norm_offset) for m in stages.extract(p.seg)]


def resolve_corpus(documents: list[Document], mentions: list[Mention], stages: Stages) -> Resolution:
    """Entities across all documents, the mentions resolved to them, and each document's issuer."""
    entities, resolved = stages.resolver.resolve(documents, mentions)
    issuers = stages.resolver.issuers(documents, entities)
    by_document: dict[str, list[Mention]] = {d.doc_id: [] for d in documents}
    for m in resolved:
        by_document[m.doc_id].append(m)
    return Resolution(entities, resolved, by_document, issuers)


def relate_document(parts: Iterable[Part], mentions: list[Mention], entities: dict[str, Entity],
                    stages: Stages) -> list[Relation]:
    """Relations evidenced in one document, from its parts (in order) and its resolved mentions."""
    mentions = sorted(mentions, key=lambda m: m.nbegin)
    starts = [m.nbegin for m in mentions]
    out = []
    for p in parts:
        first = bisect.bisect_left(starts, p.norm_offset)
        last = bisect.bisect_right(starts, p.norm_offset + len(p.seg.text))
        own = [shift_mention(m, -p.begin, -p.norm_offset) for m in mentions[first:last]]
        for r in stages.relator.relate(p.seg, own, entities):
            out.append(replace(r, begin=r.begin + p.begin, end=r.end + p.begin) if p.begin else r)
    return out


def assemble(documents: list[Document], resolution: Resolution, relations: set[Relation], stages: Stages, *,
             warnings: Iterable[str] = ()) -> Corpus:
    """The ``Corpus``: entities the relations reach added, facts of the gazetteer, all sorted."""
    entities = resolution.entities
    stages.resolver.add_referenced(entities, {k for r in relations for k in (r.subject, r.object)})
    relations = relations | set(stages.relator.gazetteer_relations(entities))
    return Corpus(
        documents=tuple(documents),
        mentions=tuple(sorted(resolution.mentions, key=lambda m: (m.doc_id, m.begin, m.end, m.type, m.entity))),
        entities=dict(sorted(entities.items())),
        relations=tuple(sorted(relations, key=lambda r: (r.subject, r.predicate, r.object, r.doc_id, r.begin, r.rule))),
        warnings=tuple(warnings),
        issuers=resolution.issuers,
    )
