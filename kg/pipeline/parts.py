"""Long documents are processed in parts: cut at chapter or paragraph ends, each part normalized,
segmented, extracted and related on its own (by :mod:`kg.pipeline.stages`), offsets then shifted
to the whole document.

Extraction and relating time grow faster than linearly with the names in one text (rules compare
names with one another: 8 times the text, 50 times the time), and a segmentation holds about 150
bytes per character; cutting at ``PART_CHARS`` bounds both. Plans are shorter than that (the
longest of the corpus has 81,000 characters) and are processed whole.

A line longer than ``LINE_CHARS`` is cut the same way into parts of its own, at sentence ends, else
at clause separators: a single line of a million characters dense with names (a list converted
from a spreadsheet, a PDF without line breaks) would otherwise be one part with tens of thousands
of names. Lines of plans are far shorter (751 characters at most in the corpus).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..model import Mention, Segmented

PART_CHARS = 100_000  # longer documents are cut into parts of at most this many characters
LINE_CHARS = 2_000  # longer lines are cut into parts of their own of at most this many characters
_LONG_LINE = re.compile(f"[^\n]{{{LINE_CHARS + 1},}}")
_CHAPTER = re.compile(r"\n(?=[ \t\u3000]*第[一二三四五六七八九十百零〇\d]+[章篇部])")
_PARAGRAPH_END = re.compile(r"[。！？；!?;：:）)”」》】][ \t\u3000]*\r?\n")
_LINE_END = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_CLAUSE_END = re.compile(r"[，,、：:]")
_PART_CUTS = (_CHAPTER, _PARAGRAPH_END, _LINE_END, _SENTENCE_END)
_LINE_CUTS = (_SENTENCE_END, _CLAUSE_END)


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


def part_bounds(text: str, limit: int = PART_CHARS, line_limit: int = LINE_CHARS) -> list[tuple[int, int]]:
    """``[begin, end)`` of the parts of a text, each at most ``limit`` characters, a line longer
    than ``line_limit`` in parts of its own of at most ``line_limit``.

    A cut falls in the second half of the allowed stretch, at the last chapter heading there,
    else the last line ending a sentence, else the last line break, else the last sentence end
    (a text without line breaks), else anywhere; within a long line, at the last sentence end,
    else the last clause separator (，、：), else anywhere.

    >>> text = "第一章 总则\\n" + "甲。\\n" * 6 + "第二章 布局\\n乙。"
    >>> [text[b:e] for b, e in part_bounds(text, limit=30)]
    ['第一章 总则\\n甲。\\n甲。\\n甲。\\n甲。\\n甲。\\n甲。\\n', '第二章 布局\\n乙。']
    >>> listing = "短。\\n" + "名、" * 6 + "名。\\n短。"
    >>> [listing[b:e] for b, e in part_bounds(listing, line_limit=8)]
    ['短。\\n', '名、名、名、名、', '名、名、名。', '\\n短。']
    """
    long_line = _LONG_LINE if line_limit == LINE_CHARS else re.compile(f"[^\\n]{{{line_limit + 1},}}")
    bounds, start = [], 0
    for line in long_line.finditer(text):
        bounds += _cut(text, start, line.start(), limit, _PART_CUTS)
        bounds += _cut(text, line.start(), line.end(), line_limit, _LINE_CUTS)
        start = line.end()
    bounds += _cut(text, start, len(text), limit, _PART_CUTS)
    return bounds or [(0, len(text))]


def _cut(text: str, start: int, end: int, limit: int, patterns: tuple[re.Pattern, ...]) -> list[tuple[int, int]]:
    """``[begin, end)`` of pieces of ``text[start:end]`` of at most ``limit`` characters (none when empty)."""
    bounds = []
    while end - start > limit:
        low, high = start + limit // 2, start + limit
        window = text[low:high]
        cut = 0
        for pattern in patterns:
            last = None
            for last in pattern.finditer(window):
                pass
            if last is not None:
                cut = low + (last.start() + 1 if pattern is _CHAPTER else last.end())
                break
        cut = cut or high
        bounds.append((start, cut))
        start = cut
    return bounds + [(start, end)] if end > start else bounds


def shift_mention(m: Mention, text_offset: int, norm_offset: int) -> Mention:
    """``m`` with its offsets moved from a part to the whole document (or back, with negative offsets)."""
    if not text_offset and not norm_offset:
        return m
    return replace(m, begin=m.begin + text_offset, end=m.end + text_offset,
                   nbegin=m.nbegin + norm_offset, nend=m.nend + norm_offset)
