"""Find mentions of regions, parks, corridors, projects and agencies in a segmented document.

Rules (each mention records the one that produced it):

``gazetteer``      a known name or short form (福州市, 福州, 长乐机场, 海西), aligned with jieba tokens;
                   a short form that is also a common word (平和, 城门) or a town needs context:
                   its parent before it, another place in the same list, 至/— with a place, or a name
                   around it.
``suffix``         a type suffix (开发区, 铁路, 发展轴, 机场 …) and the name words before it, found by
                   scanning left until a verb, function word or punctuation (依托|兴泉铁路);
                   parenthesized qualifiers and place ranges (泉州—厦门—漳州) stay inside.
``line-code``      coded roads and rail lines (G316线, 城际铁路F1线, 地铁4号线).
``agency``         [jurisdiction][body][suffix]: 省发展改革委, 区建设局, 交通运输厅.
``responsibility`` every item of a （责任单位：…） line is an agency.
``list-agency``    a list of places before 人民政府 (福州、莆田、南平、宁德市人民政府) names one
                   government per place.
``elided-list``    items sharing one suffix: 厦门光电显示、泉州微波通信等国家级产业园区 names
                   厦门光电显示产业园区 and 泉州微波通信产业园区 (each item must start with a place).
``segment``        a section of a route: 莆炎高速尤溪至建宁段, and the items that follow it
                   (厦漳环城高速厦门海沧至漳州天宝、天宝至平和).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from .gazetteer import Gazetteer, load_gazetteer
from .lexicon import Lexicon, load_lexicon
from .model import Mention, Segmented, Token
from .segment import DomainTokenizer, domain_tokenizer

MENTION_RULES = {
    "gazetteer": "A name, short form or alias from the gazetteer (福州, 长乐机场, 海西), read in context.",
    "suffix": "A type suffix (开发区, 铁路, 发展轴, 机场…) with the name words before it.",
    "line-code": "A coded road or rail line (G316线, 国道G104, S209线).",
    "agency": "An agency name built as [jurisdiction][body][suffix]: 省发展改革委, 区建设局, 交通运输厅.",
    "responsibility": "An item of a （责任单位：…） or （配合单位：…） line.",
    "list-agency": "One government per place of a list before 人民政府 (福州、莆田、南平、宁德市人民政府).",
    "elided-list": "Items sharing one suffix: 厦门光电显示、泉州微波通信等国家级产业园区 → 厦门光电显示产业园区, …",
    "segment": "A section of a route: 莆炎高速尤溪至建宁段; 厦漳环城高速厦门海沧至漳州天宝、天宝至平和.",
}
MAX_NAME = 28  # characters; longer spans are clauses, not names
MAX_KNOWN_TOKENS = 6
RESPONSIBILITY = re.compile(
    r"[（(]\s*((?:省直|市直|区直|县直|有关|其他)?(?:牵头|责任|配合|协办|主办|参与)(?:单位|部门))\s*[:：]\s*([^（()）]*(?:[（(][^）)]*[）)][^（()）]*)*)[）)]"
)
_LINE_CODE = re.compile(
    r"(?:(?:国道|省道)\s*)?[GSX]\d{1,4}(?:线|国道|省道)?(?=[^A-Za-z0-9]|$)|\d{3}(?:国道|省道)|(?:国道|省道)\d{2,4}"
)
_RAIL_LINE = re.compile(r"(?:[A-Z]\d{1,2}|\d{1,2}号)线(?:[一二三]期)?")
_PLACE_LINK = set("至到—－-–~～")
_LIST_TAIL = re.compile(r"等([^，。；、：,;:]{1,12})")
_SEGMENT = re.compile(
    r"(?P<a>[\u4e00-\u9fff]{2,10}?)(?:[（(][^）)]{1,8}[）)])?至(?P<b>[\u4e00-\u9fff]{2,10}?)"
    r"(?:[（(][^）)]{1,8}[）)])?(?:(?P<seg>段)|(?=[、，。；和及与（(]|$))")
_LINE_NAME = re.compile(r"[\u4e00-\u9fff]{2}线")
_STOP_TAGS = ("v", "p", "c", "u", "d", "r", "q", "t", "y", "e", "o", "l", "i", "h", "k", "x", "w", "ad", "an")
_DISTINCT_TAGS = ("ns", "nr", "nz", "nt", "nx", "eng", "j", "m")


@dataclass(frozen=True)
class _Known:
    nbegin: int
    nend: int
    surface: str
    keys: tuple[str, ...]
    short: bool
    ambiguous: bool  # needs context to be read as a place


class _Doc:
    """Token index helpers over one segmented document."""

    def __init__(self, seg: Segmented, tokenizer: DomainTokenizer):
        self.seg = seg
        self.text = seg.text
        self.tokens: tuple[Token, ...] = seg.tokens
        self.starts = [t.nbegin for t in self.tokens]
        self.ends = [t.nend for t in self.tokens]
        self.tokenizer = tokenizer

    def token_ending_at(self, pos: int) -> int:
        """Index of the token that ends at ``pos``, or -1."""
        i = bisect.bisect_left(self.ends, pos)
        return i if i < len(self.ends) and self.ends[i] == pos else -1

    def token_starting_at(self, pos: int) -> int:
        i = bisect.bisect_left(self.starts, pos)
        return i if i < len(self.starts) and self.starts[i] == pos else -1

    def token_at(self, pos: int) -> int:
        """Index of the token containing character ``pos``."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        sents = self.seg.sentences
        i = bisect.bisect_right([s.nbegin for s in sents], pos) - 1
        if 0 <= i < len(sents) and sents[i].nbegin <= pos < sents[i].nend:
            return sents[i].nbegin, sents[i].nend
        return pos, pos


class Extractor:
    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, tokenizer: DomainTokenizer):
        self.gaz = gazetteer
        self.lex = lexicon
        self.tokenizer = tokenizer
        self.suffixes_by_len = sorted(lexicon.suffixes, key=len, reverse=True)
        self.suffix_lengths = sorted({len(x) for x in lexicon.suffixes}, reverse=True)
        self.agency_bodies_by_len = sorted(lexicon.agency_bodies, key=len, reverse=True)

    # ------------------------------------------------------------------ known names
    def known_matches(self, d: _Doc) -> list[_Known]:
        """Every token-aligned run of tokens that spells a gazetteer surface."""
        out = []
        toks = d.tokens
        for i in range(len(toks)):
            s = ""
            for n in range(MAX_KNOWN_TOKENS):
                if i + n >= len(toks):
                    break
                s += toks[i + n].word
                cands = self.gaz.lookup(s)
                if cands:
                    short = all(c.short for c in cands)
                    out.append(_Known(toks[i].nbegin, toks[i + n].nend, s, tuple(c.key for c in cands),
                                      short, self._ambiguous(s, cands)))
        return out

    def _ambiguous(self, surface: str, cands) -> bool:
        if not all(c.short for c in cands):
            return False
        first = self.gaz.entities[cands[0].key]
        if self.gaz.level(first.key) == 4:  # a town's short form (天宝 for 天宝镇)
            return surface in self.tokenizer.general_words
        return surface in self.tokenizer.common_words or len(surface) < 2

    def _has_context(self, d: _Doc, k: _Known, placed: list[_Known]) -> bool:
        """A short form that could be a common word reads as a place only with support around it."""
        text = d.text
        prev = text[k.nbegin - 1: k.nbegin]
        nxt = text[k.nend: k.nend + 1]
        # its parent region right before it: 漳州天宝, 厦门海沧
        for p in placed:
            if p.nend == k.nbegin and not p.ambiguous:
                if any(self.gaz.is_within(c, pk) for c in k.keys for pk in p.keys):
                    return True
        # 至 / — / 、 between it and another place
        neighbours = [p for p in placed if p is not k and not p.ambiguous and
                      (0 < k.nbegin - p.nend <= 1 or 0 < p.nbegin - k.nend <= 1)]
        if (prev in _PLACE_LINK or nxt in _PLACE_LINK) and any(
                text[p.nend:k.nbegin] in _PLACE_LINK or text[k.nend:p.nbegin] in _PLACE_LINK for p in neighbours):
            return True
        if (prev == "、" or nxt == "、") and any(text[p.nend:k.nbegin] == "、" or text[k.nend:p.nbegin] == "、"
                                                 for p in neighbours):
            return True
        return False

    # ------------------------------------------------------------------ suffix names
    def suffix_matches(self, d: _Doc) -> list[tuple[int, int, str]]:
        """(start, end, suffix) of every type suffix that ends at a token boundary."""
        out = []
        text = d.text
        suffixes = self.lex.suffixes
        for t in d.tokens:
            e = t.nend
            for length in self.suffix_lengths:
                s = e - length
                if s < 0 or text[s:e] not in suffixes:
                    continue
                ti = d.token_at(s)
                aligned = d.tokens[ti].nbegin == s
                if not aligned and (d.tokens[ti].tag not in ("nx", "ns", "nz") or
                                    (length == 1 and d.tokens[ti].nend - d.tokens[ti].nbegin < 3)):
                    continue
                out.append((s, e, text[s:e]))
                break
        for m in _RAIL_LINE.finditer(text):
            out.append((m.start(), m.end(), "线"))
        return out

    def scan_left(self, d: _Doc, s: int, known_by_end: dict[int, list[_Known]], limit: int) -> tuple[int, list[str], bool]:
        """Start of the name whose suffix starts at ``s``.

        Returns:
            ``(start, words, distinctive)``: the words between start and ``s`` and whether one of
            them can only be part of a name (a place, an unknown word, a number, a bracket).
        """
        text = d.text
        words: list[str] = []
        distinctive = False
        b = s
        sent_begin, _ = d.sentence_bounds(max(s - 1, 0))
        floor = max(sent_begin, limit, s - MAX_NAME)
        inside = d.tokens[d.token_at(s)] if d.tokens else None
        if inside is not None and inside.nbegin < s and inside.nbegin >= floor:
            # the suffix ends a longer word (厦门港): the rest of that word is part of the name
            words.append(text[inside.nbegin:s])
            distinctive = inside.tag.startswith(_DISTINCT_TAGS)
            b = inside.nbegin
        while b > floor:
            ch = text[b - 1]
            known = [k for k in known_by_end.get(b, []) if k.nbegin >= floor]
            if known:
                k = min(known, key=lambda k: k.nbegin)  # the longest known name ending here
                if not (k.ambiguous and self._is_stop(d, b)):
                    words.insert(0, k.surface)
                    b = k.nbegin
                    distinctive = True
                    continue
            if ch in "）)":
                o = text.rfind("（" if ch == "）" else "(", floor, b - 1)
                if o < 0 or b - o > 12 or "、" in text[o:b] or "，" in text[o:b]:
                    break
                words.insert(0, text[o:b])
                b = o
                distinctive = True
                continue
            if ch == "”":
                o = text.rfind("“", floor, b - 1)
                if o < 0 or b - o > 10:
                    break
                words.insert(0, text[o:b])
                b = o
                distinctive = True
                continue
            if ch in _PLACE_LINK and words and b - 1 > floor:
                # a place range inside a name: 安溪至厦门高速公路, 泉州—厦门—漳州沿海大通道
                right = text[b:s]
                if known_by_end.get(b - 1) and self._starts_with_place(words[0]) and not self._known_thing(right, s, text):
                    words.insert(0, ch)
                    b -= 1
                    continue
                break
            run = self._abbreviation_run(text, b, floor)
            if run:
                # one-character place abbreviations: 泉厦漳, 福厦, 南三龙
                words.insert(0, text[b - run:b])
                b -= run
                distinctive = True
                continue
            ti = d.token_ending_at(b)
            if ti < 0:
                break
            tok = d.tokens[ti]
            if tok.nbegin < floor or self._is_stop_token(tok):
                break
            cut = max((i for i, ch in enumerate(tok.word) if ch in self.lex.stop_words), default=-1)
            if tok.tag == "nx" and cut >= 0:
                # a new word jieba glued to a function word (及飞|凤山): keep what follows it
                if cut + 1 < len(tok.word):
                    words.insert(0, tok.word[cut + 1:])
                    b = tok.nend - len(tok.word) + cut + 1
                break
            words.insert(0, tok.word)
            if (tok.tag.startswith(_DISTINCT_TAGS) and tok.word not in self.lex.descriptors) or any(
                    c.isdigit() or c.isascii() and c.isalpha() for c in tok.word):
                distinctive = True
            b = tok.nbegin
        # leading determiners (重点, 各类, 一批) are never part of a name
        while words and (words[0] in self.lex.determiners or words[0] in self.lex.stop_words):
            b += len(words.pop(0))
        return b, words, distinctive

    def _abbreviation_run(self, text: str, end: int, floor: int) -> int:
        """Length (2 or more) of the run of place-abbreviation characters ending at ``end``, or 0."""
        n = 0
        while end - n > floor and text[end - n - 1] in self.lex.place_abbreviations:
            n += 1
        if n < 2 or text[end - n:end] in self.tokenizer.common_words:
            return 0
        return n

    def _known_thing(self, head: str, s: int, text: str) -> bool:
        """True when ``head`` + the suffix at ``s`` is a known park or project (福州—|长乐机场)."""
        for n in range(1, 12):
            cands = self.gaz.lookup(head + text[s:s + n])
            if any(self.gaz.entities[c.key].type != "Region" for c in cands):
                return True
        return False

    def _leading_abbreviations(self, text: str) -> int:
        """Length of the run of place-abbreviation characters opening ``text`` (厦漳泉… → 3)."""
        n = 0
        while n < len(text) and text[n] in self.lex.place_abbreviations:
            n += 1
        return n if n >= 2 and text[:n] not in self.tokenizer.common_words else 0

    def _starts_with_place(self, word: str) -> bool:
        return any(self.gaz.lookup(word[:n]) for n in range(min(len(word), 8), 1, -1))

    def _is_stop_token(self, tok: Token) -> bool:
        if tok.word in self.lex.stop_words:
            return True
        if len(tok.word) >= 3 and tok.word[-2:] in self.lex.stop_words and tok.tag not in ("ns", "nt", "nz"):
            return True  # 充分发挥, 大力推进: a phrase ending in a verb
        if tok.tag in ("sfx", "nbody"):
            return False
        if not tok.word.strip() or tok.tag in ("w", "x"):
            return True
        return tok.tag.startswith(_STOP_TAGS) and not tok.tag.startswith(("vn", "nr", "nz"))

    def _is_stop(self, d: _Doc, end: int) -> bool:
        ti = d.token_ending_at(end)
        return ti >= 0 and self._is_stop_token(d.tokens[ti])

    # ------------------------------------------------------------------ driver
    def extract(self, seg: Segmented) -> list[Mention]:
        d = _Doc(seg, self.tokenizer)
        doc_id = seg.doc.doc_id
        mentions: dict[tuple[int, int, str], Mention] = {}

        def add(nb: int, ne: int, type_: str, kind: str, rule: str, name: str,
                candidates: tuple[str, ...] = (), role: str = "") -> None:
            if ne <= nb:
                return
            b, e = seg.norm.to_original(nb, ne)
            key = (nb, ne, type_)
            if key in mentions:
                if role and not mentions[key].role:  # a responsibility line says more than the name
                    mentions[key] = replace(mentions[key], role=role, rule=rule)
                return
            mentions[key] = Mention(doc_id=doc_id, nbegin=nb, nend=ne, begin=b, end=e,
                                    anchor=seg.doc.text[b:e], surface=d.text[nb:ne], type=type_,
                                    kind=kind, rule=rule, name=name, candidates=candidates, role=role)

        known = self.known_matches(d)
        # Longest known names first; shorter ones inside them are kept only when they are places.
        known.sort(key=lambda k: (k.nbegin, -(k.nend - k.nbegin)))
        firm = [k for k in known if not k.ambiguous]
        accepted: list[_Known] = []
        for k in known:
            if k.ambiguous and not self._has_context(d, k, firm):
                continue
            accepted.append(k)
        known_by_end: dict[int, list[_Known]] = {}
        for k in known:
            known_by_end.setdefault(k.nend, []).append(k)

        # names ending in a type suffix
        responsibility_spans = [m.span(2) for m in RESPONSIBILITY.finditer(d.text)]
        names: list[tuple[int, int, str, str, str]] = []  # (b, e, type, kind, rule)
        for s, e, suffix in self.suffix_matches(d):
            if any(rb <= s < re_ for rb, re_ in responsibility_spans):
                continue
            if suffix == "线":
                info = ("Project", "IntercityRailway" if d.text[s].isalpha() else "MetroLine")
                b, words, distinctive = self.scan_left(d, s, known_by_end, 0)
                distinctive = True
            else:
                sfx = self.lex.suffixes[suffix]
                info = (sfx.type, sfx.kind)
                b, words, distinctive = self.scan_left(d, s, known_by_end, 0)
                if s - b < sfx.min_prefix:
                    continue
                if not words or self.lex.is_generic(words, sfx.type):
                    continue
                if not distinctive and sfx.type != "Corridor" and not (
                        sfx.type == "Agency" and all(w in self.lex.jurisdictions for w in words)):
                    continue
            name = d.text[b:e]
            if name in self.lex.not_entities or any(name.endswith(x) and len(x) > 2 for x in ("产业集群",)):
                continue
            type_, kind = self._refine_type(name, suffix, *info)
            names.append((b, e, type_, kind, "suffix"))
        for m in _LINE_CODE.finditer(d.text):
            names.append((m.start(), m.end(), "Project", "Road", "line-code"))

        # agencies: [jurisdiction][body][suffix]
        names.extend(self.agency_names(d, known_by_end))
        extra = self.elided_lists(d, names) + self.segments(d, names)

        for b, e, type_, kind, rule in names:
            exact = [k for k in known if k.nbegin == b and k.nend == e and not k.ambiguous]
            if exact:
                continue  # the gazetteer knows it; added below
            add(b, e, type_, kind, rule, d.text[b:e])
        for b, e, type_, kind, rule, name in extra:
            add(b, e, type_, kind, rule, name)
        # a short form that may be a common word is a place when it opens a name (长泰枋洋水库)
        spans = sorted([(b, e) for b, e, *_ in names] + [(b, e) for b, e, *_ in extra])
        starts = [b for b, _ in spans]
        for k in known:
            if k.ambiguous and k not in accepted:
                i = bisect.bisect_right(starts, k.nbegin)
                if any(e > k.nend for _, e in spans[max(0, i - 8):i]):
                    accepted.append(k)
        for k in accepted:
            ent = self.gaz.entities[k.keys[0]]
            add(k.nbegin, k.nend, ent.type, ent.kind, "gazetteer", ent.name, k.keys)

        # responsibility lines: every item is an agency
        for m in RESPONSIBILITY.finditer(d.text):
            role = "support" if "配合" in m.group(1) or "协办" in m.group(1) or "参与" in m.group(1) else "lead"
            for ib, ie in _list_items(d.text, *m.span(2)):
                add(ib, ie, "Agency", "Department", "responsibility", d.text[ib:ie], role=role)

        # 福州、莆田、南平、宁德市人民政府: one government per listed place
        for (b, e, type_), m in list(mentions.items()):
            if type_ != "Agency" or not m.surface.endswith("人民政府"):
                continue
            pos = b
            while pos > 0 and d.text[pos - 1] == "、":
                prev = [k for k in known_by_end.get(pos - 1, []) if self.gaz.entities[k.keys[0]].type == "Region"]
                if not prev:
                    break
                k = min(prev, key=lambda k: k.nbegin)
                place = self.gaz.entities[k.keys[0]].name
                add(k.nbegin, k.nend, "Agency", "Government", "list-agency", place + "人民政府", role="elided")
                pos = k.nbegin
        return _drop_crossing(sorted(mentions.values(), key=lambda m: (m.nbegin, -m.nend, m.type)))

    def elided_lists(self, d: _Doc, names) -> list[tuple[int, int, str, str, str, str]]:
        """厦门光电显示、厦漳半导体照明、泉州微波通信等国家级产业园区: one park per item."""
        out = []
        text = d.text
        named = {(b, e) for b, e, *_ in names}
        for m in _LIST_TAIL.finditer(text):
            suffix = None  # the longest type suffix after 等 and generic qualifiers (国家级, 大中型)
            for length in range(1, len(m.group(1)) + 1):
                tail = m.group(1)[:length]
                found = next((x for x in self.suffixes_by_len if tail.endswith(x)), None)
                if found and self.lex.suffixes[found].type in ("Park", "Project"):
                    qualifier = tail[: -len(found)]
                    words = self._words(d, m.start(1), m.start(1) + len(qualifier))
                    if not qualifier or (words and self.lex.is_generic(words, "Park")):
                        suffix = found
            if suffix is None:
                continue
            items = []
            end = m.start()
            while True:
                start = end
                while start > 0 and text[start - 1] not in "、，。；：\n\t（）()“”等":
                    start -= 1
                if start == 0 or text[start - 1] != "、":
                    # the first item starts at its place name, after the verb governing the list
                    starts = [t.nbegin for t in d.tokens if start <= t.nbegin < end]
                    start = next((p for p in starts if self.gaz.leading_places(text[p:end]) or
                                  self._leading_abbreviations(text[p:end])), start)
                item = text[start:end]
                items.append((start, end, item))
                if start == 0 or text[start - 1] != "、":
                    break
                end = start - 1
            if len(items) < 2:
                continue
            ok = True
            for b, e, item in items:
                places = self.gaz.leading_places(item)
                rest = item[self._place_length(item, places):] if places else ""
                if not places and self._leading_abbreviations(item) >= 2:  # 厦漳半导体照明
                    places, rest = ["abbreviation"], item[self._leading_abbreviations(item):]
                if not places or (len(places) == 1 and not rest) or len(item) > 12 or any(x in item for x in self.suffixes_by_len
                                                                   if len(x) > 1) or (b, e) in named:
                    ok = False
                    break
            if not ok:
                continue
            sfx = self.lex.suffixes[suffix]
            for b, e, item in items:
                out.append((b, e, sfx.type, sfx.kind, "elided-list", item + suffix))
        return out

    def _words(self, d: _Doc, b: int, e: int) -> list[str]:
        return [t.word for t in d.tokens if b <= t.nbegin and t.nend <= e]

    def _place_length(self, text: str, places: list[str]) -> int:
        pos = 0
        for key in places:
            e = self.gaz.entities[key]
            forms = sorted({e.name, *e.aliases, *(n[:-1] for n in (e.name, *e.aliases) if len(n) > 2)},
                           key=len, reverse=True)
            pos += len(next((f for f in forms if text.startswith(f, pos)), ""))
        return pos

    def segments(self, d: _Doc, names) -> list[tuple[int, int, str, str, str, str]]:
        """Sections of routes: [route]A至B段 and the items A至B(段) listed after it."""
        out = []
        text = d.text
        routes = [(b, e, t, k) for b, e, t, k, *_ in names if t in ("Project", "Corridor")]
        for m in _LINE_NAME.finditer(text):  # 漳武线, 厦沙线: expressway line names before a section
            if text[m.start()] in self.lex.place_abbreviations and _SEGMENT.match(text, m.end()) and not any(
                    b <= m.start() < e for b, e, *_ in routes):
                routes.append((m.start(), m.end(), "Project", "Highway"))
                out.append((m.start(), m.end(), "Project", "Highway", "segment", m.group()))
        for b, e, type_, kind in routes:
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

    def _range_is_places(self, a: str, b: str) -> bool:
        return all(self.gaz.leading_places(x, towns=True) and
                   self._place_length(x, self.gaz.leading_places(x, towns=True)) == len(x) for x in (a, b))

    def _refine_type(self, name: str, suffix: str, type_: str, kind: str) -> tuple[str, str]:
        """Part names inherit the type of the named thing they are part of (自贸试验区福州片区 is a park)."""
        if suffix in ("片区", "功能区", "分园", "组团"):
            head = name[: -len(suffix)]
            for inner in self.suffixes_by_len:
                pos = head.find(inner)
                if pos > 0 and len(inner) > 1:
                    sfx = self.lex.suffixes[inner]
                    if sfx.type in ("Park", "Region"):
                        return sfx.type, sfx.kind if sfx.type == "Park" else "NewArea"
            if suffix == "片区":
                return "Region", "NewArea"
        return type_, kind

    def agency_names(self, d: _Doc, known_by_end: dict[int, list[_Known]]) -> list[tuple[int, int, str, str, str]]:
        out = []
        text = d.text
        for t in d.tokens:
            e = t.nend
            for suffix, (kind, _) in sorted(self.lex.agency_suffixes.items(), key=lambda x: -len(x[0])):
                s = e - len(suffix)
                if s <= 0 or text[s:e] != suffix:
                    continue
                body = next((bd for bd in self.agency_bodies_by_len if text[s - len(bd):s] == bd), "")
                if not body:
                    continue
                b = s - len(body)
                if d.token_at(b) != -1 and d.tokens[d.token_at(b)].nbegin != b and len(body) == 1:
                    continue
                # jurisdiction word or place names before the body
                while b > 0:
                    known = known_by_end.get(b, [])
                    if known:
                        b = min(k.nbegin for k in known)
                        continue
                    if text[b - 1] in self.lex.jurisdictions:
                        b -= 1
                        continue
                    if text[b - 2:b] in self.lex.jurisdictions:
                        b -= 2
                        continue
                    break
                out.append((b, e, "Agency", kind, "agency"))
                break
        return out


def _list_items(text: str, begin: int, end: int) -> list[tuple[int, int]]:
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


def _drop_crossing(mentions: list[Mention]) -> list[Mention]:
    """Keep nested mentions, drop one of two that partly overlap (the shorter, then the later)."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.nend - m.nbegin), m.nbegin)):
        if any(k.nbegin < m.nbegin < k.nend < m.nend or m.nbegin < k.nbegin < m.nend < k.nend for k in kept):
            continue
        kept.append(m)
    return sorted(kept, key=lambda m: (m.nbegin, m.nend, m.type))


_default: Extractor | None = None


def extract(seg: Segmented, *, extractor: Extractor | None = None) -> list[Mention]:
    """Mentions of the five entity types in ``seg``, sorted by position."""
    global _default
    if extractor is None:
        if _default is None:
            _default = Extractor(load_gazetteer(), load_lexicon(), domain_tokenizer())
        extractor = _default
    return extractor.extract(seg)
