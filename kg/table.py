"""Aligned plain-text tables that line up Chinese text (two columns per wide character), and text
made safe for a terminal."""
from __future__ import annotations

import re
import unicodedata

# What a terminal would act on instead of showing: C0 and C1 controls (ESC starts escape
# sequences, BEL rings, VT and CR move the cursor), DEL, and the bidirectional overrides and
# isolates that reorder what follows them.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, keep: str = "\n\t") -> str:
    r"""``text`` with the characters a terminal would act on shown as escapes (``\x1b``), except ``keep``.

    >>> printable("a\x1b[31mb\x07\u202ec\n")
    'a\\x1b[31mb\\x07\\u202ec\n'
    """
    return _UNSHOWABLE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


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
    cells = [[printable(("" if v is None else str(v)).replace("\n", " "), keep="") for v in row] for row in rows]
    headers = [printable(h, keep="") for h in headers]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(isinstance(r[i], (int, float)) for r in rows) for i in range(len(headers))]
    lines = ["  ".join(_pad(h, w, n) for h, w, n in zip(headers, widths, numeric)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w, n) for c, w, n in zip(r, widths, numeric)).rstrip() for r in cells]
    return "\n".join(lines)
