"""Long documents are processed in parts: cut at chapter or paragraph ends, each part normalized,
segmented, extracted and related on its own, offsets then shifted to the whole document.

Extraction and relating time grow faster than linearly with the length of one text (rules look
around each name: 8 times the text, 50 times the time), and a segmentation holds about 150 bytes
per character; cutting at ``PART_CHARS`` bounds both. Plans are shorter than that (the longest
of the corpus has 81,000 characters) and are processed whole.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ..model import Document, Entity, Mention, Relation, Segmented

PART_CHARS = 100_000  # longer documents are cut into parts of at most this many characters
_CHAPTER = re.compile(r"\n(?=[ \t\u3000]*第[一二三四五六七八九十百零〇\d]+[章篇部])")
_PARAGRAPH_END = re.compile(r"[。！？；!?;：:）)”」》】][ \t\u3000]*\r?\n")
_LINE_END = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[。！？；!?;]")


@dataclass(frozen=True)
class Part:
    """A stretch ``[begin, end)`` of a document's text, segmented on its own.

    ``norm_offset`` is where the part's normalized text starts in the document's normalized text,
    taken to be its parts' normalized texts joined by line breaks.
    """

    begin: int
    end: int
    norm_offset: int
    seg: Segmented


def part_bounds(text: str, limit: int = PART_CHARS) -> list[tuple[int, int]]:
    """``[begin, end)`` of the parts of a long text, each at most ``limit`` characters.

    A cut falls in the second half of the allowed stretch, at the last chapter heading there,
    else the last line ending a sentence, else the last line break, else the last sentence end
    (a text without line breaks), else anywhere.

    >>> text = "第一章 总则\\n" + "甲。\\n" * 6 + "第二章 布局\\n乙。"
    >>> [text[b:e] for b, e in part_bounds(text, limit=30)]
    ['第一章 总则\\n甲。\\n甲。\\n甲。\\n甲。\\n甲。\\n甲。\\n', '第二章 布局\\n乙。']
    """
    bounds, start = [], 0
    while len(text) - start > limit:
        low, high = start + limit // 2, start + limit
        window = text[low:high]
        cut = 0
        for pattern in (_CHAPTER, _PARAGRAPH_END, _LINE_END, _SENTENCE_END):
            last = None
            for last in pattern.finditer(window):
                pass
            if last is not None:
                cut = low + (last.start() + 1 if pattern is _CHAPTER else last.end())
                break
        cut = cut or high
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def _shift(m: Mention, text_offset: int, norm_offset: int) -> Mention:
    if not text_offset and not norm_offset:
        return m
    return replace(m, begin=m.begin + text_offset, end=m.end + text_offset,
                   nbegin=m.nbegin + norm_offset, nend=m.nend + norm_offset)


def iter_parts(doc: Document) -> Iterator[Part]:
    """Normalize and segment ``doc``, one part at a time."""
    from .normalize import normalize
    from .segment import segment

    norm_offset = 0
    for begin, end in part_bounds(doc.text):
        piece = doc if (begin, end) == (0, len(doc.text)) else replace(doc, text=doc.text[begin:end])
        seg = segment(normalize(piece))
        yield Part(begin, end, norm_offset, seg)
        norm_offset += len(seg.text) + 1


def extract_parts(doc: Document) -> Iterator[tuple[Part, list[Mention]]]:
    """Each part of ``doc`` with its mentions, whose offsets refer to the whole document."""
    from .extract import extract

    for p in iter_parts(doc):
        yield p, [_shift(m, p.begin, p.norm_offset) for m in extract(p.seg)]


def relate_document(parts: Iterable[Part], mentions: list[Mention], entities: dict[str, Entity],
                    relator) -> list[Relation]:
    """Relations evidenced in one document, from its parts (in order) and its resolved mentions."""
    mentions = sorted(mentions, key=lambda m: m.nbegin)
    starts = [m.nbegin for m in mentions]
    out = []
    for p in parts:
        first = bisect.bisect_left(starts, p.norm_offset)
        last = bisect.bisect_right(starts, p.norm_offset + len(p.seg.text))
        own = [_shift(m, -p.begin, -p.norm_offset) for m in mentions[first:last]]
        for r in relator.relate(p.seg, own, entities):
            out.append(replace(r, begin=r.begin + p.begin, end=r.end + p.begin) if p.begin else r)
    return out
