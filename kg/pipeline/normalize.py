"""Clean a document's text while remembering where every character came from.

What changes (everything else is kept as is):

* tables of contents (``第一节 发展基础.....	7``) and page-number lines are dropped;
* a line break inside a sentence is removed, so a name wrapped across lines or pages
  (``厦门新机`` + newline + ``场``) reads as one word; other line breaks and runs of two or more
  ideographic spaces (``　　``, used as paragraph breaks in some documents) become one ``\\n``;
* spaces next to a Chinese character are dropped (``21 世纪`` → ``21世纪``), runs of spaces between
  Latin letters or digits become one space, runs of tabs (table cells) one ``\\t``;
* full-width Latin letters and digits become ASCII (``Ｇ３１６`` → ``G316``).

``NormalizedText.origin`` maps each output character to its index in the original text, so
every offset the graph stores refers to the original file.
"""
from __future__ import annotations

import re
from array import array

from ..model import Document, NormalizedText

# Written so that no run of spaces or dots can be split two ways: a line of 100,000 spaces or
# leader dots must take linear, not quadratic, time (the lookbehinds start a leader at its first dot).
_TOC_LINE = re.compile(
    r"((?<!\.)\.{3,}|(?<!…)…{2,}|(?<!·)·{3,})\s*\d+\s*$|^\s*目\s*录\s*$|^[^。\t]{2,60}\t\s*\d{1,3}\s*$")
_PAGE_LINE = re.compile(r"^\s*(?:[-—－–]\s*)?(?:第\s*)?[0-9０-９]{1,4}\s*(?:页\s*)?(?:[-—－–]\s*)?$")
# Outline markers that open a heading or a numbered item.
OUTLINE_MARKER = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[章节篇部分]|[一二三四五六七八九十]+[、.．]|"
    r"[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]|专栏|表\s*\d|图\s*\d)"
)
_SENTENCE_END = set("。！？；：!?;:）)”」』》】")
_SPACES = {" ", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009"}
MIN_WRAPPED_LINE = 16  # a line shorter than this is a title, date or signature, never wrapped


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def _fold_width(ch: str) -> str:
    o = ord(ch)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return chr(o - 0xFEE0)
    return ch


def _clean_line(text: str, start: int, end: int, out: list[str], origin: array) -> None:
    """Append the cleaned characters of ``text[start:end]`` (one line, no newline)."""
    i = start
    line_start_len = len(out)
    while i < end:
        ch = text[i]
        if ch in _SPACES or ch == "\t":
            j = i
            while j < end and (text[j] in _SPACES or text[j] == "\t"):
                j += 1
            run = text[i:j]
            at_start = len(out) == line_start_len
            at_end = j == end
            if at_start or at_end:
                pass  # indentation and trailing blanks
            elif "\t" in run:
                out.append("\t")
                origin.append(i + run.index("\t"))
            elif run.count("\u3000") >= 2:
                out.append("\n")  # ideographic-space paragraph break inside a line
                origin.append(i)
            else:
                prev, nxt = out[-1], text[j]
                if not (_is_cjk(prev) or _is_cjk(nxt)):
                    out.append(" ")
                    origin.append(i)
            i = j
            continue
        out.append(_fold_width(ch))
        origin.append(i)
        i += 1


def _line_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, next_start) of each line; ``end`` excludes the line terminator."""
    spans = []
    pos = 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        spans.append((pos, m.start(), m.end()))
        pos = m.end()
    spans.append((pos, len(text), len(text)))
    return spans


def _is_heading(line: str) -> bool:
    return bool(OUTLINE_MARKER.match(line)) and len(line) < 40 and "。" not in line


def _continues(prev: str, nxt: str) -> bool:
    """True when the break between two cleaned lines falls inside a sentence."""
    if not prev or not nxt:
        return False
    if prev[-1] in _SENTENCE_END or "\t" in prev or "\t" in nxt:
        return False
    if len(prev) < MIN_WRAPPED_LINE or _is_heading(prev):
        return False
    if OUTLINE_MARKER.match(nxt) or nxt[0] in "（(【“《":
        return False
    return True


def normalize(doc: Document) -> NormalizedText:
    """Clean ``doc.text`` and keep the offset map (see the module docstring)."""
    text = doc.text
    out: list[str] = []
    origin = array("l")
    lines = []
    for start, end, nxt in _line_spans(text):
        raw = text[start:end]
        if _TOC_LINE.search(raw) or _PAGE_LINE.match(raw):
            continue
        buf: list[str] = []
        buf_origin = array("l")
        _clean_line(text, start, end, buf, buf_origin)
        if buf:
            lines.append(("".join(buf), buf_origin, end))
    for k, (line, line_origin, end) in enumerate(lines):
        if k == 1:  # the first line is the title: never part of the next sentence
            out.append("\n")
            origin.append(lines[0][2])
        elif k:
            prev_line = lines[k - 1][0]
            if not _continues(prev_line.rsplit("\n", 1)[-1], line):
                out.append("\n")
                origin.append(lines[k - 1][2])  # the newline after the previous line
        out.append(line)
        origin.extend(line_origin)
    origin.append(len(text))
    return NormalizedText(doc=doc, text="".join(out), origin=origin)
