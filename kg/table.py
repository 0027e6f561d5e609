"""Aligned plain-text tables that line up Chinese text (two columns per wide character)."""
from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def format_table(headers: list[str], rows: list[list[object]]) -> str:
    """A table with a header rule; numeric columns are right-aligned.

    >>> print(format_table(["类型", "n"], [["园区", 3], ["Region", 12]]))
    类型     n
    ------  --
    园区     3
    Region  12
    """
    cells = [[("" if v is None else str(v)).replace("\n", " ") for v in row] for row in rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(isinstance(r[i], (int, float)) for r in rows) for i in range(len(headers))]
    lines = ["  ".join(_pad(h, w, n) for h, w, n in zip(headers, widths, numeric)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w, n) for c, w, n in zip(r, widths, numeric)).rstrip() for r in cells]
    return "\n".join(lines)
