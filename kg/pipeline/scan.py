"""Where a name starts: the leftward scan from a type suffix, and the checks a name must pass.

A name is the suffix plus the *parts* before it: places (福州, 湄洲湾北岸 is not one), runs of
one-character place abbreviations (厦漳泉), bracketed qualifiers (（安溪）), quoted brand names
(“海丝”), place ranges (安溪至厦门, 泉州—厦门—漳州) and ordinary words. The scan stops at a verb,
function word, punctuation or the start of the sentence; leading determiners, list numbers and
figure labels are trimmed; a smaller place written before the place that contains it
(仓山区福州沿江发展轴) starts a new phrase.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..knowledge.gazetteer import Gazetteer
from ..knowledge.lexicon import Lexicon, Suffix
from ..model import Segmented, Token
from .segment import DomainTokenizer

MAX_NAME = 28  # characters; longer spans are clauses, not names
_STOP_TAGS = ("v", "p", "c", "u", "d", "r", "q", "t", "y", "e", "o", "l", "i", "h", "x", "w", "ad", "an")
_DISTINCT_TAGS = ("ns", "nr", "nz", "nt", "nx", "eng", "j", "m")
_COUNT = re.compile(r"^[一二三四五六七八九十两几多百千万\d]+[个大条座类批项家处片级市县区地]?$")
_MARKER = re.compile(r"^(图|表|专栏)?\d+$")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]$")


@dataclass(frozen=True)
class Known:
    """A run of tokens that spells a gazetteer surface."""

    nbegin: int
    nend: int
    surface: str
    keys: tuple[str, ...]
    short: bool
    ambiguous: bool  # needs context to be read as a place


@dataclass(frozen=True)
class Part:
    """One piece of the text before a suffix."""

    begin: int
    end: int
    text: str
    role: str  # place | feature (萩芦溪) | known (a named park, project…) | abbreviation | bracket | quote | link | word
    tag: str = ""
    keys: tuple[str, ...] = ()


class TokenIndex:
    """Position lookups over the tokens and sentences of one segmented document."""

    def __init__(self, seg: Segmented):
        self.seg = seg
        self.text = seg.text
        self.tokens: tuple[Token, ...] = seg.tokens
        self.starts = [t.nbegin for t in self.tokens]
        self.ends = [t.nend for t in self.tokens]
        self._sentence_starts = [s.nbegin for s in seg.sentences]

    def token_ending_at(self, pos: int) -> int:
        """Index of the token that ends at ``pos``, or -1."""
        i = bisect.bisect_left(self.ends, pos)
        return i if i < len(self.ends) and self.ends[i] == pos else -1

    def token_at(self, pos: int) -> int:
        """Index of the token containing character ``pos``."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def words(self, begin: int, end: int) -> list[str]:
        return [t.word for t in self.tokens[self.token_at(begin):] if begin <= t.nbegin and t.nend <= end]

    def sentence_start(self, pos: int) -> int:
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        return self.seg.sentences[i].nbegin if 0 <= i < len(self.seg.sentences) else 0


class _Scan:
    """The state of one leftward scan: where it stands and the parts found so far."""

    def __init__(self, idx: TokenIndex, s: int, known_by_end: dict[int, list[Known]], *, links: bool):
        self.idx = idx
        self.known_by_end = known_by_end
        self.links = links
        self.floor = max(idx.sentence_start(max(s - 1, 0)), s - MAX_NAME)
        self.b = s
        self.parts: list[Part] = []

    def add(self, part: Part) -> None:
        self.parts.insert(0, part)
        self.b = part.begin

    def stop(self) -> bool:
        self.b = self.floor
        return True


class NameScanner:
    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, tokenizer: DomainTokenizer):
        self.gaz = gazetteer
        self.lex = lexicon
        self.tokenizer = tokenizer

    # ------------------------------------------------------------------ the scan
    def scan(self, idx: TokenIndex, s: int, known_by_end: dict[int, list[Known]], *,
             links: bool, coordination: bool = False) -> list[Part]:
        """The parts before a suffix starting at ``s``, left to right.

        Args:
            links: place ranges (至, —) may be inside the name (routes and corridors).
            coordination: 金属及深加工: 及 may join two words inside the name (industrial bases).
        """
        scan = _Scan(idx, s, known_by_end, links=links)
        inside = idx.tokens[idx.token_at(s)] if idx.tokens else None
        if inside is not None and scan.floor <= inside.nbegin < s:
            # the suffix ends a longer word (厦门港): the rest of that word belongs to the name
            scan.add(self._part_of_text(inside.nbegin, s, idx.text, inside.tag))
        while scan.b > scan.floor:
            step = (self._known_step(scan) or self._bracket_step(scan) or self._link_step(scan, s)
                    or self._abbreviation_step(scan) or self._token_step(scan, coordination))
            if not step:
                break
        return self.trim(scan.parts)

    def _known_step(self, scan: _Scan) -> bool:
        known = [k for k in scan.known_by_end.get(scan.b, []) if k.nbegin >= scan.floor
                 and not (k.ambiguous and self.gaz.is_national(k.keys[0]))]
        if not known:
            return False
        k = min(known, key=lambda k: k.nbegin)  # the longest known name ending here
        if k.ambiguous and self._stops(scan.idx, scan.b):
            return False
        role = self._role_of(k)
        scan.add(Part(k.nbegin, k.nend, k.surface, role, "ns" if role == "word" else "",
                      k.keys if role != "word" else ()))
        return True

    def _bracket_step(self, scan: _Scan) -> bool:
        """（安溪）, “海丝”: a bracketed qualifier or a quoted brand inside the name."""
        text, b, ch = scan.idx.text, scan.b, scan.idx.text[scan.b - 1]
        if ch in "）)":
            o = text.rfind("（" if ch == "）" else "(", scan.floor, b - 1)
            if o < 0 or b - o > 12 or any(c in text[o:b] for c in "、，。") or self.lex.outline_level(text[o:b]):
                return scan.stop()  # (1)崇武渔港: a list number opens no name
            scan.add(Part(o, b, text[o:b], "bracket", keys=tuple(self.gaz.leading_places(text[o + 1:b - 1]))))
            return True
        if ch == "”":
            o = text.rfind("“", scan.floor, b - 1)
            if o < 0 or b - o > 10:
                return scan.stop()
            scan.add(Part(o, b, text[o:b], "quote"))
            return True
        return False

    def _link_step(self, scan: _Scan, s: int) -> bool:
        """A range inside a route's name: 安溪至厦门高速公路, 泉州—厦门—漳州沿海大通道."""
        text, b = scan.idx.text, scan.b
        if text[b - 1] not in self.lex.range_joiners:
            return False
        parts = scan.parts
        if scan.links and parts and scan.known_by_end.get(b - 1) and parts[0].role in ("place", "known") \
                and not self._known_facility(text[b:s], s, text):
            scan.add(Part(b - 1, b, text[b - 1], "link"))
            return True
        return scan.stop()

    def _abbreviation_step(self, scan: _Scan) -> bool:
        run = self._abbreviation_run(scan.idx.text, scan.b, scan.floor)
        if run:  # one-character place abbreviations: 泉厦漳, 福厦, 南三龙
            scan.add(Part(scan.b - run, scan.b, scan.idx.text[scan.b - run:scan.b], "abbreviation"))
        return bool(run)

    def _token_step(self, scan: _Scan, coordination: bool) -> bool:
        idx, b = scan.idx, scan.b
        ti = idx.token_ending_at(b)
        if ti < 0 or idx.tokens[ti].nbegin < scan.floor:
            return scan.stop()
        tok = idx.tokens[ti]
        if self.is_stop(tok):
            if coordination and tok.word in ("及", "和") and scan.parts and all(p.role == "word" for p in scan.parts):
                left = self.scan(idx, tok.nbegin, scan.known_by_end, links=False)
                if left and left[0].role == "place" and left[-1].role == "word" and left[-1].tag != "sfx" and \
                        all(p.role in ("place", "word") for p in left):  # (not 三明经济开发区|和|埔岭…: two names)
                    scan.parts = left + [Part(tok.nbegin, tok.nend, tok.word, "word", tok.tag)] + scan.parts
            elif self._inside_name(tok):
                self._cross_word(scan, tok)
            return scan.stop()
        cut = max((i for i, c in enumerate(tok.word) if c in self.lex.stop_words), default=-1)
        if tok.tag == "nx" and cut >= 0:
            # a new word jieba glued to a function word (及飞|凤山): keep what follows it
            if cut + 1 < len(tok.word):
                scan.add(self._part_of_text(tok.nbegin + cut + 1, tok.nend, idx.text, tok.tag))
            return scan.stop()
        before = idx.tokens[ti - 1] if ti > 0 else None
        if len(tok.word) == 1 and self.lex.names_feature(tok.word, 0) and before is not None and \
                before.nbegin >= scan.floor and not self.is_stop(before) and \
                any(c.short for c in self.gaz.lookup(before.word)):
            # 萩芦|溪, 福清|湾: a river or bay named after a place is a geographic name
            scan.add(Part(before.nbegin, tok.nend, before.word + tok.word, "feature"))
            return True
        scan.add(Part(tok.nbegin, tok.nend, tok.word, "word", tok.tag))
        return True

    def _inside_name(self, tok: Token) -> bool:
        """A word jieba tags as a verb or adverb that may still be inside a name (光电|显示, 军民|合用):
        two characters or more and not one of the governing words of data/lexicon/stop_words.csv."""
        return len(tok.word) >= 2 and tok.word not in self.lex.stop_words and tok.word[-2:] not in self.lex.stop_words \
            and tok.tag.startswith(("v", "d", "a", "l", "i"))

    def _cross_word(self, scan: _Scan, tok: Token) -> None:
        """Keep ``tok`` inside the name when the words before it open the name with a place
        (漳州军民|合用|机场), else the name starts after it."""
        left = self.scan(scan.idx, tok.nbegin, scan.known_by_end, links=False)
        if left and left[0].role in ("place", "abbreviation") and \
                all(p.role in ("place", "abbreviation", "word", "feature") for p in left):
            scan.parts = left + [Part(tok.nbegin, tok.nend, tok.word, "word", tok.tag)] + scan.parts

    def trim(self, parts: list[Part]) -> list[Part]:
        """Drop what opens the span but is not part of the name."""
        changed = True
        while parts and changed:
            changed = False
            first = parts[0]
            rest = parts[1:]
            if first.role == "word" and (first.text in self.lex.determiners or first.text in self.lex.stop_words
                                         or _MARKER.match(first.text)):
                parts, changed = rest, True  # 重点, 各类, 一批; list numbers and figure labels (图1, 专栏2)
            elif first.role == "word" and rest and len(first.text) == 1 and rest[0].role in ("place", "abbreviation"):
                parts, changed = rest, True  # 做强|江阴港: a stray character before a place
            elif first.role == "word" and rest and (first.tag == "sfx" or first.text in self.lex.suffixes):
                parts, changed = rest, True  # 都市圈|内福州…, 新区|新城: a bare type word cannot open a name
        # a smaller place written before the place that contains it starts a new phrase:
        # 仓山区|福州沿江发展轴
        places = [i for i, p in enumerate(parts) if p.role == "place" and p.keys]
        for i, j in zip(places, places[1:]):
            if j == i + 1 and parts[i].keys[0] != parts[j].keys[0] and any(
                    self.gaz.is_within(a, c) for a in parts[i].keys for c in parts[j].keys):
                return self.trim(parts[j:])
        return parts

    # ------------------------------------------------------------------ checks
    def acceptable(self, parts: list[Part], suffix: Suffix, name: str) -> bool:
        """Whether the parts before ``suffix`` name something rather than describe it."""
        if not parts or sum(len(p.text) for p in parts) < suffix.min_prefix:
            return False
        if name in self.lex.not_entities or name.endswith("产业集群"):
            return False
        if any(p.role == "word" and _COUNT.match(p.text) and not (suffix.type == "Project" and _ORDINAL.match(p.text))
               for p in parts):
            return False  # 三大湾区, 两个协同发展区, 南平三市中心城区: a count of generic things (but 闽侯二桥)
        words = [p.text for p in parts if p.role in ("word",)]
        has_place = any(p.role in ("place", "feature", "abbreviation") or (p.role == "bracket" and p.keys)
                        for p in parts)
        if suffix.type == "Agency" and all(w in self.lex.jurisdictions for w in words) and words:
            return True  # 省人民政府, 区政府
        if suffix.naming == "alias":  # 福州中心城区 is 福州市: places only
            return all(p.role == "place" for p in parts)
        if suffix.naming == "place":
            return has_place
        generic = self.lex.determiners | self.lex.descriptors
        if suffix.naming == "descriptive":
            generic = self.lex.determiners | (self.lex.descriptors - self.lex.geographic)
        only_words = bool(words) and len(words) == len([p for p in parts if p.role != "link"])
        if only_words and not has_place and all(w in generic or _COUNT.match(w) for w in words):
            return False
        if only_words and not has_place and suffix.type != "Agency" and all(w in self.lex.suffixes for w in words):
            return False  # 新区组团, 园区片区: a kind of place named by another kind (高新区管委会 is one body)
        if suffix.naming == "descriptive" or suffix.type == "Corridor":
            return True
        return has_place or any(self._distinct(p) for p in parts)

    def _distinct(self, part: Part) -> bool:
        """A part that can only belong to a name: a place, an unknown word, a number, a brand."""
        if part.role in ("place", "feature", "known", "abbreviation", "quote"):
            return True
        if part.role == "bracket":
            return bool(part.keys)
        if part.text in self.lex.descriptors or part.text in self.lex.determiners:
            return False
        if part.tag == "eng" and not any(c.isdigit() for c in part.text):
            return False  # LNG接收站: an acronym names a kind of thing, F1线 names one
        return part.tag.startswith(_DISTINCT_TAGS) or any(c.isdigit() or c.isascii() and c.isalpha()
                                                          for c in part.text)

    def is_stop(self, tok: Token) -> bool:
        """A token the scan for a name's start cannot cross."""
        if tok.word in self.lex.stop_words:
            return True
        if len(tok.word) >= 3 and tok.word[-2:] in self.lex.stop_words and tok.tag not in ("ns", "nt", "nz"):
            return True  # 充分发挥, 大力推进: a phrase ending in a verb
        if tok.tag in ("sfx", "nbody", "eng", "nx") or (tok.tag.startswith("t") and tok.word in self.lex.descriptors):
            return False  # 罗源|现代|食用菌产业园: a descriptor jieba tags as a time word stays inside
        if not tok.word.strip() or tok.tag in ("w", "x"):
            return True
        return tok.tag.startswith(_STOP_TAGS) and not tok.tag.startswith(("vn", "nr", "nz"))

    # ------------------------------------------------------------------ helpers
    def _stops(self, idx: TokenIndex, end: int) -> bool:
        ti = idx.token_ending_at(end)
        return ti >= 0 and self.is_stop(idx.tokens[ti])

    def _role_of(self, k: Known) -> str:
        entity = self.gaz.entities[k.keys[0]]
        if entity.type != "Region":
            return "known"
        # a town's short form that is also a common word (滨海) names nothing for sure
        return "word" if k.ambiguous and self.gaz.level(k.keys[0]) == 4 else "place"

    def _part_of_text(self, begin: int, end: int, text: str, tag: str) -> Part:
        piece = text[begin:end]
        if places := self.gaz.only_places(piece):
            return Part(begin, end, piece, "place", tag, tuple(places[-1:]))
        return Part(begin, end, piece, "word", tag)

    def _abbreviation_run(self, text: str, end: int, floor: int) -> int:
        """Length (2 or more) of the run of place-abbreviation characters ending at ``end``, or 0."""
        n = 0
        while end - n > floor and text[end - n - 1] in self.lex.place_abbreviations:
            n += 1
        if n < 2 or text[end - n:end] in self.tokenizer.common_words:
            return 0
        return n

    def leading_abbreviations(self, text: str) -> int:
        """Length of the run of place-abbreviation characters opening ``text`` (厦漳泉… → 3)."""
        n = self.lex.abbreviation_run(text)
        return n if n >= 2 and text[:n] not in self.tokenizer.common_words else 0

    def _known_facility(self, head: str, s: int, text: str) -> bool:
        """True when ``head`` + the suffix at ``s`` is a known park or project (福州—|长乐机场)."""
        for n in range(1, 12):
            if any(self.gaz.entities[c.key].type != "Region" for c in self.gaz.lookup(head + text[s:s + n])):
                return True
        return False


_PHASE = re.compile(r"[（(]?[一二三四五六七八九十\d]+期[）)]?")
_BRACKETED_SECTION = re.compile(r"[（(][^（）()，。、；]{1,8}段[）)]")
_NUMBERED = re.compile(r"\d+(?:[#＃]|号)?(?:\s*[~～\-－—至、]\s*\d+(?:[#＃]|号)?)*")


class RightQualifiers:
    """What may follow a project's head and still belong to its name (issue 11, point 1):
    sections (北段, （福建段）, 杏林互通), phases (二期, （一期）), works (改扩建, 复线), numbered
    units (3-5号泊位, 1号~4号机组) and a closing 工程 (项目 only after another qualifier). Words come from
    data/lexicon/right_qualifiers.csv."""

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon):
        self.gaz = gazetteer
        words = lexicon.right_qualifiers
        self.works = words.get("works", ())
        self.tails = words.get("tail", ())
        self.closings = words.get("closing", ())
        self.units = words.get("unit", ())
        self.directions = words.get("direction", ())

    def end(self, text: str, e: int) -> int:
        """Where the name that ends at ``e`` really ends, qualifiers included."""
        qualified = False
        while True:
            step = self._step(text, e)
            if step <= e:
                return e
            if text[e:step] in self.tails:
                return step  # 工程 closes the name
            if text[e:step] in self.closings:
                return step if qualified else e  # …二期项目, but 漳汕高铁|项目 is the railway
            e, qualified = step, True

    def _step(self, text: str, e: int) -> int:
        for pattern in (_PHASE, _BRACKETED_SECTION):
            if m := pattern.match(text, e):
                return m.end()
        for word in (*self.works, *self.tails, *self.closings):
            if text.startswith(word, e):
                return e + len(word)
        for d in self.directions:
            if text.startswith(d + "段", e):
                return e + len(d) + 1
        if (m := _NUMBERED.match(text, e)) and m.end() > e:
            unit = next((u for u in self.units if text.startswith(u, m.end())), "")
            if unit:
                return m.end() + len(unit)
        for n in range(4, 1, -1):  # a place and a works word: 杏林互通, 闽清梅溪互通
            if self.gaz.only_places(text[e:e + n], towns=True):
                word = next((w for w in self.works if text.startswith(w, e + n)), "")
                if word:
                    return e + n + len(word)
        return e
