"""Typed edges between resolved entities, each with the sentence it was read from.

Rules (the id is stored with every statement; ``RULES`` describes them in the graph):
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from .cues import CUE_RULES, CueReader
from .extract import RESPONSIBILITY
from ..knowledge.gazetteer import Gazetteer, load_gazetteer
from ..knowledge.lexicon import Lexicon, load_lexicon, load_relation_cues
from ..model import Entity, Mention, Relation, Segmented
from .segment import domain_tokenizer

RULES = {
    "gazetteer": "The official division hierarchy or the curated gazetteer states it.",
    "name-place": "The name starts with (or brackets) the place it lies in: 福清融侨经济技术开发区 → 福清市.",
    "section-place": "A section named after the place it runs through: 京台高速公路南平段, 某工程（厦门段）, 某铁路（福建境内段）.",
    "qualified-place": "A place written right after the place containing it: 宁德市蕉城区, 厦门海沧.",
    "located-statement": "The text says so: X位于Y境内, 地处Y的X, 该项目位于Y (the same or a recent sentence names X).",
    "responsibility-line": "A （责任单位：…） or （配合单位：…） line, or a 牵头单位：… line, names the agencies "
                           "responsible for the projects, parks and corridors of the numbered item it closes; "
                           "a table's 责任单位 column those of its row.",
    "management-committee": "An administrative committee (X管委会) is responsible for X.",
    "route-endpoints": "Endpoints written in or after the name: 安溪至厦门高速公路, 城际铁路F1线（福州—长乐机场）, "
                       "泉州—厦门—漳州沿海大通道, 厦门漳州龙岩发展轴.",
    "route-abbreviation": "Endpoints read from place abbreviations in the name (福厦客专 → 福州, 厦门); "
                          "lower confidence, the endpoints are not written out.",
    "document-scope": "A park or project a county's own plan names without a place lies in that county, a "
                      "metro line a city's plan names in that city (the manifest's scope); lower confidence.",
    "membership": "The gazetteer lists the member cities of a planning region.",
    **CUE_RULES,
}
ABBREVIATION_CONFIDENCE = 0.5
HOME_PROVINCE = "division/350000"  # 福建省
SUPPORT_CONFIDENCE = 0.7
SCOPE_CONFIDENCE = 0.5  # the plan's own county or city, not a place the sentence gives
_SECTION_TAILS = ("工程", "项目", "扩建工程", "改建工程", "改造工程", "扩容工程", "建设工程")
_SECTION_BRACKET = re.compile(r"[（(][^（()）]{2,12}?(?:境内段|境内|境|段)[）)]")


@dataclass(frozen=True)
class ResponsibilityLine:
    """A line naming responsible agencies: （责任单位：…） or 牵头单位：…."""

    begin: int
    end: int
    agents: list
    confidence: float


class Relator:
    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, common_words: frozenset[str] | None = None):
        self.gaz = gazetteer
        self.lex = lexicon
        self.cues = load_relation_cues()
        self.linear_kinds = frozenset(self.cues.get(("connects", "linear-kind"), ()))
        # the name grammar's own tables (range_joiners.csv, branch_words.csv), shared with extract
        self.range_link = re.compile("|".join(map(re.escape, sorted(lexicon.range_joiners, key=len, reverse=True))))
        self.branches = tuple(lexicon.branch_words)
        # words jieba's dictionary knows as something other than a place (松下, 凤山)
        self.common_words = domain_tokenizer().common_words if common_words is None else common_words

    # --------------------------------------------------------------- helpers
    def evidence(self, seg: Segmented, nb: int, ne: int) -> tuple[int, int, str]:
        """Original offsets and text of the sentence holding normalized ``[nb, ne)``."""
        sents = seg.sentences
        i = bisect.bisect_right([s.nbegin for s in sents], nb) - 1
        if 0 <= i < len(sents) and sents[i].nend >= ne:
            nb, ne = sents[i].nbegin, sents[i].nend
        b, e = seg.norm.to_original(nb, ne)
        return b, e, seg.doc.text[b:e]

    def _relation(self, seg, subject, predicate, object_, rule, nb, ne, confidence=1.0, *,
                  whole_sentence: bool = True) -> Relation:
        """A relation evidenced by the sentence around normalized ``[nb, ne)`` (or that exact span)."""
        if whole_sentence:
            b, e, text = self.evidence(seg, nb, ne)
        else:
            b, e = seg.norm.to_original(nb, ne)
            text = seg.doc.text[b:e]
        return Relation(subject, predicate, object_, rule, seg.doc.doc_id, b, e, text, confidence)

    def places_in_name(self, name: str) -> list[str]:
        """Places a name is qualified by, outermost first.

        Leading places (福建莆田… → 福建省, 莆田市), bracketed ones (泉州白濑（安溪）→ 安溪县; the site of
        an enclave park, 晋江（长汀）工业园 → 长汀县, not its partner 晋江), the place
        of a part (厦门火炬园漳州分园 → 漳州市) and places abroad anywhere in it. Not qualifiers: a
        short form naming a natural feature (福清湾组团) or the port of a longer name
        (福州江阴港综合保税区: 江阴 names the port).
        """
        places: list[str] = []
        pos = 0
        while pos < len(name):
            found = self._place_at(name, pos, places)
            if found is None:
                break
            key, length, short = found
            after = name[pos + length:pos + length + 1]
            if short and self.lex.names_feature(name, pos + length) and not self._place_at(name, pos + length, places):
                break
            if places and after == "港" and pos + length + 1 < len(name) and name[pos + length + 1] != "区":
                pos += length + 1  # 福州江阴港|综合保税区: the place names the port, not the location
                continue
            places.append(key)
            pos += length
        places += self._inner_places(name, pos, places)
        for m in re.finditer(r"[（(]([^）)]{2,8})[）)]", name):
            inner = self.gaz.leading_places(m.group(1))
            # 泉州白濑（安溪）: a place inside the leading one is more precise; A（B）产业园 with B
            # elsewhere is A's park built at B (an enclave park): the bracket gives the site
            if not places or all(any(self.gaz.is_within(p, q) for q in places) for p in inner):
                places.extend(inner)
            elif inner and m.start() > 0:
                places = inner
        part = re.search(r"(分园|片区|功能区)$", name)
        own = self._trailing_places(name[: part.start()]) if part else []
        if own and places and self.gaz.level(own[-1]) == 4 and not self.gaz.is_within(own[-1], places[-1]):
            own = []  # 闽清县南山片区: a town's short form elsewhere (南山镇 of 延平区) is not this part's place
        if own:
            # a part lies where its own name says, not where its parent's does: 厦门火炬园|漳州|分园
            return own[-1:]
        if places:  # 仙游台湾农民创业园: a place abroad in a name placed at home names its partner
            return places
        for n in range(2, 6):  # places abroad anywhere: 宏东毛里塔尼亚远洋渔业产业园
            for i in range(len(name) - n + 1):
                for c in self.gaz.lookup(name[i:i + n]):
                    if self.gaz.entities[c.key].kind in ("Country", "ForeignCity") and c.key not in places:
                        places.append(c.key)
        return places

    def _inner_places(self, name: str, start: int, leading: list[str]) -> list[str]:
        """County-level places later in a name (京东同安物流园 → 同安区; 龙岩高新区长汀产业园 → 长汀县),
        when they lie inside the leading places (else they name a partner, 翔安云霄产业园). Not towns:
        their short forms are too often common words."""
        out: list[str] = []
        for i in range(max(start, 1), len(name) - 1):
            found = self._place_at(name, i, leading + out)
            if found is None:
                continue
            key, length, short = found
            after = name[i + length:i + length + 1]
            if not 1 <= self.gaz.level(key) <= 3 or (short and self.lex.names_feature(name, i + length)) \
                    or (after == "港" and name[i + length + 1:i + length + 2] != "区"):
                continue
            if all(self.gaz.is_within(key, p) for p in leading + out) and key not in leading + out:
                out.append(key)
        return out

    def _place_at(self, name: str, pos: int, previous: list[str]):
        """(key, length, is short form) of the place spelled at ``pos`` of ``name``, or None.

        A town's short form counts after its county or city, or when only one town has it (and no
        other county stands before it). A short form of a county outside Fujian never does: inside a
        name it is a common word (合作, 海城 of 沿海城镇)."""
        for n in range(min(len(name) - pos, 12), 1, -1):
            cands = [c for c in self.gaz.lookup(name[pos:pos + n]) if self.gaz.entities[c.key].type == "Region"
                     and not (c.short and self.gaz.is_national(c.key) and self.gaz.level(c.key) == 3)]  # 产业合作区 is not 合作市 of Gansu
            if not cands:
                continue
            inside = [c for c in cands if previous and c.key != previous[-1] and self.gaz.is_within(c.key, previous[-1])]
            cands = inside or cands
            surface = name[pos:pos + n]
            towns = not inside and all(c.short and self.gaz.level(c.key) == 4 for c in cands)
            if towns and (len(cands) > 1 or surface in self.common_words or surface in self.lex.descriptors):
                continue  # 金山 (three towns), 滨海, 松下: too ambiguous to place anything
            if towns and previous and self.gaz.level(previous[-1]) == 3:
                continue  # 闽清县南山片区: a town's short form after a county is that county's or none
            return cands[0].key, n, cands[0].short
        return None

    def most_specific(self, places: list[str]) -> str:
        """The deepest place when all lie on one chain of containment, else ''.

        Planning regions (海西, 厦漳泉大都市区) are not in the chain of divisions and are skipped."""
        best = ""
        for key in places:
            if self.gaz.entities[key].kind == "PlanningRegion":
                continue
            if not best or self.gaz.is_within(key, best):
                best = key
            elif not self.gaz.is_within(best, key):
                return ""
        return best

    # --------------------------------------------------------------- rules
    def located_from_names(self, seg, mentions: list[Mention], entities: dict[str, Entity]) -> list[Relation]:
        out = []
        for m in mentions:
            e = entities.get(m.entity)
            if e is None or e.key.startswith("division/") or m.rule in ("responsibility", "list-agency"):
                continue
            if e.type == "Agency":
                continue
            after = _SECTION_BRACKET.match(seg.text, m.nend, m.nend + 16)
            section = self.section_place(m.surface + (after.group() if after else ""))
            if section:  # 京台高速公路南平段, 沈海复线A至B高速公路福州段, 厦门第三东通道（厦金大桥厦门段）
                if section != e.key:
                    out.append(self._relation(seg, e.key, "locatedIn", section, "section-place", m.nbegin, m.nend))
                continue
            if self.range_link.search(m.surface) and self.written_endpoints(m.surface):
                continue  # a route between places; a range of numbers (1号~4号机组) is no route
            if e.kind == "PlanningRegion":
                continue  # 厦门都市区: a region named after its core city reaches beyond it
            places = [p for p in self.places_in_name(m.surface) if p != e.key]
            region = self.most_specific(places)
            if region and e.type == "Region" and self.gaz.level(region) == 4:
                region = self.gaz.parent(region)  # 梅溪新城, 松山片区: an area named after a town reaches beyond it
            if region and region != e.key and not self.gaz.is_within(region, e.key):
                out.append(self._relation(seg, e.key, "locatedIn", region, "name-place", m.nbegin, m.nend))
        return out

    def section_place(self, name: str) -> str:
        """The place of the last section a name ends with: …南平段, …闽清段工程, （…厦门段）, （福建境内段）.

        Not the end of a range (A至B段 names two ends, not a place it lies in)."""
        for k in sorted((i for i, ch in enumerate(name) if ch in "段境"), reverse=True):
            rest = re.sub(r"^(?:内段|段|境|内)", "", name[k:])
            if re.sub(r"^[）)]?", "", rest) not in ("", *_SECTION_TAILS) and not rest.startswith(("（", "(")):
                continue
            stem = re.sub(r"境内$|境$", "", name[:k])
            for i in range(max(0, len(stem) - 10), len(stem) - 1):
                if i and stem[i - 1] in self.lex.range_joiners:
                    continue
                places = self.gaz.only_places(stem[i:], towns=True)
                if places:
                    return places[-1]
        return ""

    def located_from_qualifiers(self, seg, mentions: list[Mention]) -> list[Relation]:
        """宁德市蕉城区, 厦门海沧, 福州(马尾): the second place lies in the first."""
        out = []
        regions = [m for m in mentions if m.type == "Region" and m.entity.startswith("division/")]
        by_begin = defaultdict(list)
        for m in regions:
            by_begin[m.nbegin].append(m)
        text = seg.text
        for a in regions:
            for gap in ("", "(", "（"):
                for b in by_begin.get(a.nend + len(gap), []):
                    if gap and text[a.nend:a.nend + 1] != gap:
                        continue
                    if b.entity != a.entity and self.gaz.parent(b.entity) and self.gaz.is_within(b.entity, a.entity):
                        out.append(self._relation(seg, b.entity, "locatedIn", a.entity, "qualified-place",
                                                  a.nbegin, b.nend))
        return out

    def responsibility_lines(self, seg, mentions: list[Mention]) -> list[Relation]:
        out = []
        lines = self.responsibility_spans(seg, mentions)
        for line in lines:
            begin, end, own = self._line_scope(seg, line, lines)
            targets = [m for m in mentions if begin <= m.nbegin < end and m.type in ("Park", "Project", "Corridor")
                       and not any(b <= m.nbegin < e for b, e in own)
                       and not any(o.begin <= m.nbegin < o.end for o in lines)]
            # what a clause uses as leverage (抢抓…战略机遇, 充分利用…核心位置) is not the task
            targets = [t for t in targets if not self._in_context_clause(seg.text, t)]
            # a name inside another target's name is not a task of its own (沈海高速|公路复线)
            targets = [t for t in targets if not any(u is not t and u.nbegin <= t.nbegin and t.nend <= u.nend
                                                     and (u.nbegin, u.nend) != (t.nbegin, t.nend) for u in targets)]
            for a in line.agents:
                for t in targets:
                    out.append(self._relation(seg, a.entity, "responsibleFor", t.entity, "responsibility-line",
                                              line.begin, line.end, line.confidence, whole_sentence=False))
        return out

    def responsibility_spans(self, seg, mentions: list[Mention]) -> list["ResponsibilityLine"]:
        """（责任单位：…） lines and label lines (牵头单位：X，配合单位：Y), in text order."""
        out = []
        for line in RESPONSIBILITY.finditer(seg.text):
            agents = [m for m in mentions if m.rule == "responsibility" and line.start(2) <= m.nbegin < line.end(2)]
            support = any(a.role == "support" for a in agents)
            out.append(ResponsibilityLine(line.start(), line.end(), agents, SUPPORT_CONFIDENCE if support else 1.0))
        bracketed = [(o.begin, o.end) for o in out]
        for label in self._label_pattern().finditer(seg.text):
            if any(b <= label.start() < e for b, e in bracketed):
                continue
            agents = [m for m in mentions if m.type == "Agency" and label.start(2) <= m.nbegin < label.end(2)]
            support = label.group(1) in self.cues.get(("responsibleFor", "support"), ())
            if agents:
                out.append(ResponsibilityLine(label.start(), label.end(), agents,
                                              SUPPORT_CONFIDENCE if support else 1.0))
        return sorted(out, key=lambda o: o.begin)

    def responsibility_columns(self, seg, mentions: list[Mention]) -> list[Relation]:
        """A table whose header has a 责任单位 / 牵头单位 column: the agencies of that cell in each
        row are responsible for the projects, parks and corridors of the row."""
        out: list[Relation] = []
        labels = self.cues.get(("responsibleFor", "label"), ()) + self.cues.get(("responsibleFor", "support"), ())
        text, pos, column, support = seg.text, 0, -1, False
        for line in text.split("\n"):
            begin, pos = pos, pos + len(line) + 1
            cells = line.split("\t")
            if len(cells) < 2:
                column = -1  # the table ended
                continue
            header = [i for i, c in enumerate(cells) if c.strip() in labels]
            if header:
                column = header[0]
                support = cells[column].strip() in self.cues.get(("responsibleFor", "support"), ())
                continue
            if not 0 <= column < len(cells):
                continue
            cell_begin = begin + sum(len(c) + 1 for c in cells[:column])
            cell_end = cell_begin + len(cells[column])
            row = [m for m in mentions if begin <= m.nbegin < begin + len(line)]
            agents = [m for m in row if m.type == "Agency" and cell_begin <= m.nbegin < cell_end]
            targets = [m for m in row if m.type in ("Park", "Project", "Corridor")
                       and not cell_begin <= m.nbegin < cell_end]
            for a in agents:
                for t in targets:
                    out.append(self._relation(seg, a.entity, "responsibleFor", t.entity, "responsibility-line",
                                              begin, begin + len(line), SUPPORT_CONFIDENCE if support else 1.0,
                                              whole_sentence=False))
        return out

    def _label_pattern(self) -> re.Pattern:
        words = self.cues.get(("responsibleFor", "label"), ()) + self.cues.get(("responsibleFor", "support"), ())
        alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
        return re.compile(rf"(?:^|(?<=[\n，,。；;]))[ \t]*(?:[^\n，,。；;：:]{{0,4}}?)({alternatives})[ \t]*[:：][ \t]*"
                          rf"([^\n。；;]*?)(?=[，,][^\n，,。；;：:]{{0,6}}[:：]|[\n。；;]|$)", re.M)

    def _line_scope(self, seg, line, lines) -> tuple[int, int, list[tuple[int, int]]]:
        """The numbered item a responsibility line closes, or the paragraph before it, and the
        sub-items inside it that have lines of their own."""
        text, pos = seg.text, line.begin
        items = [it for it in seg.outline if it.nbegin <= pos < it.scope_end]
        if items:
            item = max(items, key=lambda it: it.nbegin)
            begin, end = item.nbegin, item.scope_end
        else:  # no numbered item: the paragraph the line closes (the one before, if the line stands alone)
            begin = text.rfind("\n", 0, pos) + 1
            if not text[begin:pos].strip():
                begin = text.rfind("\n", 0, max(0, begin - 1)) + 1
            end = line.end
        own = [(it.nbegin, it.scope_end) for it in seg.outline
               if begin < it.nbegin < end and any(it.nbegin <= o.begin < it.scope_end for o in lines)
               and not it.nbegin <= pos < it.scope_end]
        return begin, end, own

    def _in_context_clause(self, text: str, m: Mention) -> bool:
        start = max(text.rfind(p, 0, m.nbegin) for p in "，。；：\n") + 1
        ends = [i for i in (text.find(p, m.nend) for p in "，。；：\n") if i >= 0]
        clause = text[start:min(ends) if ends else len(text)]
        return any(w in clause for w in self.lex.context_words)

    def management_committees(self, seg, mentions: list[Mention], entities) -> list[Relation]:
        out = []
        for m in mentions:
            if m.type != "Agency" or not m.surface.endswith(("管委会", "管理委员会")):
                continue
            inner = [x for x in mentions if x.nbegin == m.nbegin and x.nend < m.nend and x.type != "Agency"]
            if inner:
                target = max(inner, key=lambda x: x.nend)
                out.append(self._relation(seg, m.entity, "responsibleFor", target.entity,
                                          "management-committee", m.nbegin, m.nend))
        return out

    def endpoints(self, seg, mentions: list[Mention], entities: dict[str, Entity]) -> list[Relation]:
        out = []
        text = seg.text
        for m in mentions:
            e = entities.get(m.entity)
            if e is None or e.type not in ("Project", "Corridor"):
                continue
            # written endpoints: 安溪至厦门…, 泉州—厦门—漳州…, 厦门漳州龙岩发展轴
            ends = self.written_endpoints(m.surface, side_by_side=e.type == "Corridor" or e.kind in self.linear_kinds)
            after = re.match(r"[（(]([^）)]{2,20})[）)]", text[m.nend:m.nend + 24])
            if not ends and after and self.range_link.search(after.group(1)):
                ends = self.written_endpoints(after.group(1), allow_projects=True, mentions=mentions,
                                              offset=m.nend + 1)
            rule, confidence = "route-endpoints", 1.0
            if not ends and (e.kind in self.linear_kinds or e.kind in self.cues.get(("connects", "subject-kind"), ())):
                ends = self.abbreviated_endpoints(m.surface) or self.section_ends(m.surface)
                rule, confidence = "route-abbreviation", ABBREVIATION_CONFIDENCE
                if not any(self.gaz.is_within(p, HOME_PROVINCE) for p in ends if p):
                    # a national trunk route named by two far ends (沈海, 京台) says nothing of
                    # where it runs in the plan's province
                    ends = []
            for place in dict.fromkeys(ends):
                if place and place != e.key:
                    out.append(self._relation(seg, e.key, "connects", place, rule, m.nbegin, m.nend, confidence))
        return out

    def written_endpoints(self, name: str, allow_projects: bool = False, mentions=(), offset: int = 0,
                          side_by_side: bool = True) -> list[str]:
        parts = self.range_link.split(name)
        if len(parts) >= 2:
            ends = []
            starts = [0] + [j.end() for j in self.range_link.finditer(name)]
            for i, part in enumerate(parts):
                pos = offset + starts[i]
                # a facility named in full is the endpoint itself (福州—长乐机场)
                facility = [x.entity for x in mentions if allow_projects and x.nbegin == pos
                            and x.nend == pos + len(part) and x.type == "Project"]
                if facility:  # a project of this document, not a place of the gazetteer: no chain to climb
                    ends.append(facility[0])
                    continue
                if i:  # …至长乐机场城际铁路: a known facility opens the last part
                    facility = [c.key for n in range(len(part), 1, -1) for c in self.gaz.lookup(part[:n])
                                if self.gaz.entities[c.key].type == "Project"][:1]
                bracket = re.search(r"[（(]([^）)]+)[）)]$", part)  # 福州(马尾): the bracket is more precise
                if bracket:
                    part = part[: bracket.start()]
                places = facility or (self.gaz.leading_places(part, towns=True) if i else self._trailing_places(part))
                if bracket and places:
                    places = places + self.gaz.leading_places(bracket.group(1), towns=True)
                if places:  # 浦梅铁路建宁至冠豸山段: the ends that are places (a mountain is not one)
                    ends.append(self.most_specific(self._chain(places)))
            return ends
        places = self.gaz.leading_places(name) if side_by_side else []
        # two or more places side by side, none inside another: 厦门漳州龙岩发展轴
        if len(places) >= 2 and all(not self.gaz.is_within(a, b) and not self.gaz.is_within(b, a)
                                    for i, a in enumerate(places) for b in places[i + 1:]):
            return places
        return []

    def _chain(self, places: list[str]) -> list[str]:
        """The places as written while each lies in the one before: 莆田滨海 → [莆田市] (the 滨海街道
        of Xiamen is not in Putian, so 滨海 there is a description, not that place)."""
        chain = places[:1]
        for p in places[1:]:
            if not self.gaz.is_within(p, chain[-1]):
                break
            chain.append(p)
        return chain

    def _trailing_places(self, part: str) -> list[str]:
        """Places at the end of the text before 至: 厦漳环城高速厦门海沧 → 厦门市, 海沧区."""
        for i in range(len(part)):
            if places := self.gaz.only_places(part[i:], towns=True):
                return places
        return []

    def abbreviated_endpoints(self, name: str) -> list[str]:
        """Endpoints read from abbreviations opening a route's name: 福厦客专, 沈海高速, 厦漳泉城际R1线,
        厦漳龙发展轴 (a known route stem first, else one place per character).

        Only when the abbreviation is followed directly by the kind of route (branches such as
        复线/支线 and names built on a region, 厦漳泉大都市区快速路, say nothing of endpoints)."""
        if name.endswith(self.branches):
            return []
        stem = next((x for x in sorted(self.lex.route_abbreviations, key=len, reverse=True) if name.startswith(x)), "")
        if stem and self._names_route(name[len(stem):]):
            return [e for e in (self.gaz.key_of(p) for p in self.lex.route_abbreviations[stem]) if e]
        run = self.lex.abbreviation_run(name)
        if run < 2 or self.gaz.leading_places(name[:run]) or not self._names_route(name[run:]):
            return []
        return [e for e in (self.gaz.key_of(self.lex.place_abbreviations[ch]) for ch in name[:run]) if e]

    def section_ends(self, name: str) -> list[str]:
        """The ends of a section named by place abbreviations: 沈海高速公路福厦段 → 福州, 厦门 (a section
        named after one place, 南平段, lies in it: ``section_place``)."""
        stem = re.match(r"(.+?)段$", name)
        if not stem or self.section_place(name):
            return []
        stem = stem.group(1)
        run = 0
        while run < len(stem) and stem[len(stem) - run - 1] in self.lex.place_abbreviations:
            run += 1
        if not 2 <= run < len(stem):
            return []
        ends = [self.gaz.key_of(self.lex.place_abbreviations[ch]) for ch in stem[len(stem) - run:]]
        return [e for e in ends if e]

    def _names_route(self, rest: str) -> bool:
        """Whether what follows an abbreviation is only the kind of route (城际R1线, 高速, 发展轴)."""
        rest = re.sub(r"^城际", "", rest)
        if rest.startswith("轨道") or re.match(r"[A-Z]\d+线$", rest):
            rest = re.sub(r"([A-Z]\d+|\d+号)?线?$", "", rest)
        return not rest or rest in self.lex.suffixes

    # --------------------------------------------------------------- driver
    def relate(self, seg: Segmented, mentions: list[Mention], entities: dict[str, Entity]) -> list[Relation]:
        mentions = [m for m in mentions if m.entity in entities]
        found = (self.located_from_names(seg, mentions, entities)
                 + self.located_from_qualifiers(seg, mentions)
                 + self.sentence_relations(seg, mentions)
                 + self.responsibility_lines(seg, mentions)
                 + self.responsibility_columns(seg, mentions)
                 + self.management_committees(seg, mentions, entities)
                 + self.endpoints(seg, mentions, entities))
        return found + self.located_by_scope(seg, mentions, entities, found)

    def located_by_scope(self, seg, mentions: list[Mention], entities: dict[str, Entity],
                         found: list[Relation]) -> list[Relation]:
        """A park or a (not linear) project that a county's own plan names without any place lies
        in that county (the plan of 仓山区 builds its 城门水厂 in 仓山区), and a metro line that a
        city's plan names lies in that city (the kinds are in ``relation_cues.csv``)."""
        scope = self.most_specific(self.gaz.only_places(seg.doc.scope.strip())) if seg.doc.scope else ""
        if not scope or self.gaz.level(scope) not in (2, 3):
            return []
        city_kinds = self.cues.get(("locatedIn", "city-kind"), ())
        placed = {r.subject for r in found if r.predicate in ("locatedIn", "connects")}
        out: dict[str, Relation] = {}
        for m in mentions:
            e = entities.get(m.entity)
            if e is None or e.type not in ("Park", "Project") or e.parent or e.key in placed or e.key in out:
                continue
            # a city's plan names the province's and its neighbours' works too: only what stays in a city
            if e.kind not in city_kinds and (self.gaz.level(scope) != 3 or e.kind in self.linear_kinds):
                continue
            out[e.key] = self._relation(seg, e.key, "locatedIn", scope, "document-scope", m.nbegin, m.nend,
                                        SCOPE_CONFIDENCE)
        return list(out.values())

    def sentence_relations(self, seg: Segmented, mentions: list[Mention]) -> list[Relation]:
        """Relations a sentence states with a cue word (``cues.py``)."""
        reader = CueReader(self, seg, mentions)
        return reader.located() + reader.located_at() + reader.connects() + reader.responsible()

    def gazetteer_relations(self, entities: dict[str, Entity]) -> list[Relation]:
        out = []
        for key, e in entities.items():
            if e.parent and e.parent in entities and e.type != "Agency":
                out.append(Relation(key, "locatedIn", e.parent, "gazetteer"))
        for region, members in self.gaz.members.items():
            if region in entities:
                out.extend(Relation(m, "memberOf", region, "membership") for m in members if m in entities)
        return out


def relate(seg: Segmented, mentions: list[Mention], entities: dict[str, Entity]) -> list[Relation]:
    """Relations evidenced in one document."""
    return Relator(load_gazetteer(), load_lexicon()).relate(seg, mentions, entities)


def gazetteer_relations(entities: dict[str, Entity]) -> list[Relation]:
    """The division hierarchy and curated facts among the given entities."""
    return Relator(load_gazetteer(), load_lexicon()).gazetteer_relations(entities)
