"""Names that lists write only in part.

``elided-list``: items sharing one suffix, 厦门光电显示、厦漳半导体照明、泉州微波通信等国家级产业园区,
name 厦门光电显示产业园区 … (every item must open with a place and add something to it).

``segment``: sections of a route, 莆炎高速尤溪至建宁段, and the sections listed after one
(厦漳环城高速厦门海沧至漳州天宝、天宝至平和), and expressway line names before a section (漳武线).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..knowledge.gazetteer import Gazetteer
from ..knowledge.lexicon import Lexicon
from .scan import NameScanner, TokenIndex

# 等 and/or a count of the items (四条, 两座) between the last item and the shared head
_COUNT_WORD = r"[一二三四五六七八九十两几\d]+[条座个项处家大]"
_LIST_TAIL = re.compile(rf"(?:等(?:{_COUNT_WORD})?|{_COUNT_WORD})([^，。；、：,;:]{{1,12}})")
_SEGMENT = re.compile(
    r"(?P<a>[\u4e00-\u9fff]{2,10}?)(?:[（(][^）)]{1,8}[）)])?至(?P<b>[\u4e00-\u9fff]{2,10}?)"
    r"(?:[（(][^）)]{1,8}[）)])?(?:(?P<seg>段)|(?=[、，。；和及与（(]|$))")
_NUMBER_LIST = re.compile(r"(\d{1,2})((?:、\d{1,2})+)号(线|机组)")
_LINE_NAME = re.compile(r"[\u4e00-\u9fff]{2}线")
_SECTION = re.compile(r"(?P<a>[\u4e00-\u9fff]{2,6}?)段")
_RANGE_PART = r"(?:(?!的)[\u4e00-\u9fff]|[（(][\u4e00-\u9fff]{1,6}[）)])"
_RANGE = rf"{_RANGE_PART}{{2,12}}(?:[—－-]{_RANGE_PART}{{2,12}})+"
_RANGE_LIST = re.compile(rf"((?:{_RANGE})(?:、(?:{_RANGE}))+)的([\u4e00-\u9fff]{{2,10}})")
_WORK_WORDS = ("项目", "工程")
_FUNCTION_CHARS = set("的和与及或在为对把被从将了")
_ITEM_BOUNDARY = "、，。；：\n\t（）()“”等"
# An item that already ends like a name (…专业园, …药城) is a whole name, not the head of one.
_NAME_ENDINGS = ("园", "区", "城", "港", "基地", "中心")


def list_items(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Spans of the 、-separated items of ``text[begin:end]``; 发改局（科技局） gives two items."""
    items = []
    pos = begin
    for part in re.split(r"[、，,；;]", text[begin:end]):
        b = pos + (len(part) - len(part.lstrip()))
        e = pos + len(part.rstrip())
        pos += len(part) + 1
        if e <= b:
            continue
        inner = re.search(r"[（(]([^）)]+)[）)]$", text[b:e])
        if inner:
            items.append((b, b + inner.start()))
            items.append((b + inner.start(1), b + inner.end(1)))
        else:
            items.append((b, e))
    return [(b, e) for b, e in items if e - b >= 2]


class ListReader:
    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, scanner: NameScanner):
        self.gaz = gazetteer
        self.lex = lexicon
        self.scanner = scanner
        self.suffixes_by_len = sorted(lexicon.suffixes, key=len, reverse=True)
        self.governing_words = sorted(w for w in lexicon.stop_words if len(w) >= 2)

    def elided_lists(self, idx: TokenIndex, names) -> list[tuple]:
        """厦门光电显示、厦漳半导体照明、泉州微波通信等国家级产业园区: one park per item."""
        out = []
        text = idx.text
        named = {(b, e) for b, e, *_ in names}
        generic = self.lex.determiners | self.lex.descriptors
        for m in _LIST_TAIL.finditer(text):
            suffix = None  # the longest type suffix after 等 and generic qualifiers (国家级, 大中型)
            for length in range(1, len(m.group(1)) + 1):
                tail = m.group(1)[:length]
                found = next((x for x in self.suffixes_by_len if tail.endswith(x)), None)
                if not found or self.lex.suffixes[found].type not in ("Park", "Project"):
                    continue
                end = m.start(1) + length
                if idx.token_ending_at(end) < 0:
                    continue
                qualifier = idx.words(m.start(1), end - len(found))
                if all(w in generic for w in qualifier):
                    suffix = found
            if suffix is None or not self._ends_phrase(idx, m.start(1) + m.group(1).find(suffix) + len(suffix)):
                continue
            items = self._items(idx, m.start())
            if len(items) < 2 or not all(self._names_with(item, suffix) and (b, e) not in named for b, e, item in items):
                continue
            sfx = self.lex.suffixes[suffix]
            out.extend((b, e, sfx.type, sfx.kind, "elided-list", self._with_head(item, suffix)) for b, e, item in items)
        return out

    def bare_items(self, idx: TokenIndex, names) -> list[tuple]:
        """沪昆、九景衢铁路: items before a name that carries the head share it (沪昆铁路)."""
        out = []
        text = idx.text
        named = {(b, e) for b, e, *_ in names}
        for b, e, type_, kind, rule, name in names:
            if rule != "suffix" or type_ not in ("Project", "Corridor") or text[b - 1:b] != "、":
                continue
            suffix = next((x for x in self.suffixes_by_len if name.endswith(x)), "")
            if not suffix or not self._names_with(name[: -len(suffix)], suffix):
                continue
            items = self._items(idx, b - 1)
            if items and all(self._names_with(item, suffix) and (ib, ie) not in named for ib, ie, item in items):
                out.extend((ib, ie, type_, kind, "elided-list", self._with_head(item, suffix)) for ib, ie, item in items)
        return out

    def _names_with(self, item: str, head: str) -> bool:
        """The item names a thing of the head's kind: a name of its own, or a place alone where the head
        is named by a place (漳浦、东山县等车站: 漳浦站)."""
        return self._named_item(item) or self.lex.suffixes[head].naming == "place" and bool(self.gaz.only_places(item))

    def _with_head(self, item: str, head: str) -> str:
        """The item's name with the shared head, unless it ends in a head of its own (南街、津泰路等道路)."""
        return item if item.endswith(tuple(self.suffixes_by_len)) else item + head

    def _ends_phrase(self, idx: TokenIndex, pos: int) -> bool:
        """The suffix closes the phrase (…产业园区以及), rather than opening a longer head (铁路|物流基地)."""
        ti = idx.token_ending_at(pos)
        if ti < 0:
            return False
        following = idx.tokens[ti + 1] if ti + 1 < len(idx.tokens) else None
        if following is not None and following.word in _WORK_WORDS and ti + 2 < len(idx.tokens):
            following = idx.tokens[ti + 2]  # 大中型水库|项目|建设: the items are reservoirs
        return following is None or self.scanner.is_stop(following)

    def _items(self, idx: TokenIndex, end: int) -> list[tuple[int, int, str]]:
        text = idx.text
        items = []
        while True:
            start = end
            while start > 0 and text[start - 1] not in _ITEM_BOUNDARY:
                start -= 1
            first = start == 0 or text[start - 1] != "、"
            if first:  # the first item starts at its place name, else after the verb governing the list
                tokens = [t for t in idx.tokens[idx.token_at(start):] if start <= t.nbegin < end]
                start = max([t.nend for t in tokens if self._governs(t)] +
                            [text.rfind(w, start, end) + len(w) for w in self.governing_words
                             if w in text[start:end]], default=start)  # 中连|衢丽 even when jieba cuts 中|连衢
                start = next((t.nbegin for t in tokens if t.nbegin >= start and (
                    self.gaz.leading_places(text[t.nbegin:end]) or
                    self.scanner.leading_abbreviations(text[t.nbegin:end]))), start)
            items.append((start, end, text[start:end]))
            if first:
                return items
            end = start - 1

    def _governs(self, token) -> bool:
        """A verb or function word that opens the list (建成了|梅坎、…), not a letter of an item (外|福)."""
        if token.tag.startswith(("w", "x")):
            return True
        # the closed set of data/lexicon/stop_words.csv, not jieba's verb tags (光电|显示 stays inside)
        return token.word in self.lex.stop_words and (len(token.word) >= 2 or token.tag.startswith(("p", "c", "u")))

    def _named_item(self, item: str) -> bool:
        """An item that opens with a place (or 厦漳…) and adds a name to it: 泉州微波通信, 长泰枋洋."""
        if len(item) > 12 or item.endswith(_NAME_ENDINGS) or any(x in item for x in self.suffixes_by_len if len(x) > 1):
            return False
        places = self.gaz.leading_places(item)
        if places:
            rest = item[self.gaz.spelled(item, places):]
            return bool(rest) or len(places) > 1
        if 0 < self.scanner.leading_abbreviations(item) < len(item):
            return True
        return self._proper_item(item)

    def _proper_item(self, item: str) -> bool:
        """An item that names rather than describes (梅坎, 外福, 赣龙复线): short, no word of the
        general dictionary on its own, no function word, no number of things."""
        if not 2 <= len(item) <= 6 or item in self.scanner.tokenizer.common_words:
            return False
        if any(ch in _FUNCTION_CHARS for ch in item) or re.search(_COUNT_WORD, item):
            return False
        return item not in self.lex.determiners and item not in self.lex.descriptors

    def numbered_lists(self, idx: TokenIndex, known_by_end) -> list[tuple]:
        """地铁7、8号线: one line per number; 福清核电5、6号机组: the units are one project."""
        out = []
        text = idx.text
        for m in _NUMBER_LIST.finditer(text):
            parts = self.scanner.scan(idx, m.start(), known_by_end, links=False)
            b = parts[0].begin if parts else m.start()
            prefix = text[b:m.start()]
            if m.group(3) == "机组":
                if any(p.role in ("place", "known") for p in parts):
                    out.append((b, m.end(), "Project", "PowerPlant", "elided-list", text[b:m.end()]))
                continue
            pos = m.start()
            for n in [m.group(1), *m.group(2).split("、")[1:]]:
                pos = text.index(n, pos)
                begin = b if pos == m.start() else pos
                out.append((begin, pos + len(n) if pos != m.end(2) - len(n) else m.end(), "Project", "MetroLine",
                            "elided-list", f"{prefix}{n}号线"))
                pos += len(n)
        return out

    def range_lists(self, idx: TokenIndex) -> list[tuple]:
        """福州(马尾)—马祖—台北、福州(平潭)—台北的海运快件通道: one route per listed range."""
        out = []
        text = idx.text
        for m in _RANGE_LIST.finditer(text):
            tail = m.group(2)
            suffix = next((x for x in self.suffixes_by_len if tail.endswith(x) and
                           self.lex.suffixes[x].type in ("Corridor", "Project")), None)
            if suffix is None or idx.token_ending_at(m.end(2)) < 0:
                continue
            sfx = self.lex.suffixes[suffix]
            pos = m.start(1)
            items = []
            for item in m.group(1).split("、"):
                items.append((pos, pos + len(item), item))
                pos += len(item) + 1
            b, e, first = items[0]  # the first range starts at its first place, after the verb
            skip = next((i for i in range(len(first)) if self.gaz.leading_places(first[i:])), 0)
            items[0] = (b + skip, e, first[skip:])
            if all(all(self.gaz.leading_places(p.strip("()（）"), towns=True) for p in re.split(r"[—－-]", item))
                   for _, _, item in items):
                out.extend((b, e, sfx.type, sfx.kind, "elided-list", item + tail) for b, e, item in items)
        return out

    def segments(self, idx: TokenIndex, names) -> list[tuple]:
        """Sections of routes: [route]A至B段 and the items A至B(段) listed after it."""
        out = []
        text = idx.text
        routes = [(b, e, t, k) for b, e, t, k, *_ in names if t in ("Project", "Corridor")]
        for m in _LINE_NAME.finditer(text):  # 漳武线, 厦沙线: expressway line names before a section
            if text[m.start()] in self.lex.place_abbreviations and _SEGMENT.match(text, m.end()) and not any(
                    b <= m.start() < e for b, e, *_ in routes):
                routes.append((m.start(), m.end(), "Project", "Highway"))
                out.append((m.start(), m.end(), "Project", "Highway", "segment", m.group()))
        for b, e, type_, kind in routes:
            section = _SECTION.match(text, e)
            if section and not _SEGMENT.match(text, e) and self._is_place_or_abbreviation(section.group("a")):
                # the section of a route in one place: 福厦客专福州段, 省道107罗源段, 沈海高速公路福厦段
                out.append((b, section.end(), type_, kind, "segment", text[b:section.end()]))
            pos, first = e, True
            while True:
                m = _SEGMENT.match(text, pos)
                if not m or (not m.group("seg") and not self._range_is_places(m.group("a"), m.group("b"))):
                    break
                if first:
                    out.append((b, m.end(), type_, kind, "segment", text[b:m.end()]))
                else:
                    out.append((m.start(), m.end(), type_, kind, "segment", m.group()))
                first = False
                pos = m.end()
                if text[pos:pos + 1] not in ("、", "和", "及", "与"):
                    break
                pos += 1
        return out

    def _is_place_or_abbreviation(self, text: str) -> bool:
        return bool(self.gaz.only_places(text, towns=True)) or self.scanner.leading_abbreviations(text) == len(text)

    def _range_is_places(self, a: str, b: str) -> bool:
        return all(self.gaz.only_places(x, towns=True) for x in (a, b))


_LIST_GAP = " \u3000"
_ITEM_CHARS = 8  # longer runs of Han characters are clauses, not list items
_AFTER_LAST_ITEM = set("等及以和与上中下干支流")  # 闽江、敖江等 / 及其支流 / 上游 / 流域


def list_item_ends(text: str, begin: int, end: int, feature_chars) -> Iterator[int]:
    """End offsets of the other items of the 、-list around ``text[begin:end]``. An item ends at
    its 、; the last one (赛江等流域) after its first feature character within five, if any."""
    pos = begin
    for _ in range(_ITEM_CHARS):  # leftwards: …、item、[begin
        while pos > 0 and text[pos - 1] in _LIST_GAP:
            pos -= 1
        if pos == 0 or text[pos - 1] != "、":
            break
        item_end = pos - 1
        while item_end > 0 and text[item_end - 1] in _LIST_GAP:
            item_end -= 1
        start = item_end
        while start > 0 and item_end - start < _ITEM_CHARS and _is_han(text[start - 1]):
            start -= 1
        if start == item_end:
            break
        yield item_end
        pos = start
    pos = end
    for _ in range(_ITEM_CHARS):  # rightwards: end]、item、…
        while pos < len(text) and text[pos] in _LIST_GAP:
            pos += 1
        if pos >= len(text) or text[pos] != "、":
            break
        start = pos + 1
        while start < len(text) and text[start] in _LIST_GAP:
            start += 1
        stop = start
        while stop < len(text) and stop - start < _ITEM_CHARS and _is_han(text[stop]):
            stop += 1
        if stop == start:
            break
        gap = stop
        while gap < len(text) and text[gap] in _LIST_GAP:
            gap += 1
        if gap < len(text) and text[gap] == "、":
            yield stop
            pos = stop
            continue
        last = next((i + 1 for i in range(start + 1, min(stop, start + 5)) if text[i] in feature_chars), None)
        if last:
            yield last
        break


def whole_list_item(text: str, begin: int, end: int) -> bool:
    """Whether ``text[begin:end]`` is a whole item of a 、-list, not the start of a longer name."""
    after = text[end:].lstrip(_LIST_GAP)[:1]
    before = text[:begin].rstrip(_LIST_GAP)[-1:]
    return after == "、" or (before == "、" and (after in _AFTER_LAST_ITEM or not _is_han(after)))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"

