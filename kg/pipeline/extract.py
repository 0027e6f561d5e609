"""Find mentions of regions, parks, corridors, projects and agencies in a segmented document.

Rules (each mention records the one that produced it; ``MENTION_RULES`` describes them in the graph):

``gazetteer``      a known name or short form (福州市, 福州, 长乐机场, 海西), aligned with jieba tokens;
                   a short form that is also a common word (平和, 城门) or a town needs context:
                   its parent before it, another place in the same list, 至/— with a place, or a name
                   around it.
``suffix``         a type suffix (开发区, 铁路, 发展轴, 机场 …) and the name before it (kg/pipeline/scan.py).
``line-code``      coded roads and rail lines (G316线, 国道G104, 城际铁路F1线, 地铁4号线).
``agency``         [jurisdiction][body][suffix]: 省发展改革委, 区建设局, 交通运输厅.
``responsibility`` every item of a （责任单位：…） line is an agency.
``list-agency``    a list of places before 人民政府 (福州、莆田、南平、宁德市人民政府) names one
                   government per place.
``elided-list``    items sharing one suffix (kg/pipeline/lists.py).
``segment``        a section of a route (kg/pipeline/lists.py).
``place-alias``    a place and an urban-area word (福州中心城区) is the place.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace

from ..knowledge.gazetteer import Gazetteer, load_gazetteer
from ..knowledge.lexicon import Lexicon, load_lexicon
from .lists import ListReader, list_item_ends, list_items, whole_list_item
from ..model import Mention, Segmented
from .scan import Known, NameScanner, RightQualifiers, TokenIndex
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
    "place-alias": "A place written with an urban-area word: 福州中心城区 is 福州市.",
}
MAX_KNOWN_TOKENS = 6
RESPONSIBILITY = re.compile(
    r"[（(]\s*((?:省直|市直|区直|县直|有关|其他)?(?:牵头|责任|配合|协办|主办|参与)(?:单位|部门))\s*[:：]\s*"
    r"([^（()）]*(?:[（(][^）)]*[）)][^（()）]*)*)[）)]"
)
_LINE_CODE = re.compile(
    r"(?:(?:国道|省道)\s*)?[GSX]\d{1,4}(?:线|国道|省道)?(?=[^A-Za-z0-9]|$)|\d{3}(?:国道|省道)|(?:国道|省道)\d{2,4}线?"
)
_RAIL_LINE = re.compile(r"(?:[A-Z]\d{1,2}|\d{1,2}号)线(?:[一二三]期)?")
_SUPPORT = ("配合", "协办", "参与")
_OFFICE_BODY_TOKENS = 4  # 全面深化改革工作联络办: at most four words between the place and 办

Name = tuple[int, int, str, str, str, str]  # (begin, end, type, kind, rule, canonical name)


class Extractor:
    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, tokenizer: DomainTokenizer):
        self.gaz = gazetteer
        self.lex = lexicon
        self.tokenizer = tokenizer
        self.scanner = NameScanner(gazetteer, lexicon, tokenizer)
        self.lists = ListReader(gazetteer, lexicon, self.scanner)
        self.qualifiers = RightQualifiers(gazetteer, lexicon)
        self.route_branches = tuple(w for w, names_route in lexicon.branch_words.items() if names_route)
        self.item_edges = _ITEM_EDGES | lexicon.range_joiners
        self.suffix_lengths = sorted({len(x) for x in lexicon.suffixes}, reverse=True)
        self.agency_bodies_by_len = sorted(lexicon.agency_bodies, key=len, reverse=True)
        self.agency_suffixes_by_len = sorted(lexicon.agency_suffixes.items(), key=lambda x: -len(x[0]))

    # ------------------------------------------------------------------ known names
    def known_matches(self, idx: TokenIndex) -> list[Known]:
        """Every token-aligned run of tokens that spells a gazetteer surface."""
        out = []
        toks = idx.tokens
        for i in range(len(toks)):
            s = ""
            for n in range(MAX_KNOWN_TOKENS):
                if i + n >= len(toks):
                    break
                s += toks[i + n].word
                cands = self.gaz.lookup(s)
                if cands:
                    out.append(Known(toks[i].nbegin, toks[i + n].nend, s, tuple(c.key for c in cands),
                                     all(c.short for c in cands), self._ambiguous(s, cands)))
        out.sort(key=lambda k: (k.nbegin, -(k.nend - k.nbegin)))
        return out

    def _ambiguous(self, surface: str, cands) -> bool:
        if not all(c.short for c in cands):
            return False
        if self.gaz.is_national(cands[0].key) and self.gaz.level(cands[0].key) == 3:
            return True  # a county far away (苍南): read as a place only with another place beside it
        if self.gaz.level(cands[0].key) == 4:  # a town's short form (天宝 for 天宝镇)
            return surface in self.tokenizer.general_words
        return surface in self.tokenizer.common_words or len(surface) < 2

    def _has_context(self, text: str, k: Known, by_end: dict, by_begin: dict) -> bool:
        """A short form that could be a common word reads as a place only with support around it."""
        before = [p for gap in (0, 1) for p in by_end.get(k.nbegin - gap, ()) if text[p.nend:k.nbegin] in ("", "(", "（")]
        after = by_begin.get(k.nend, ())
        # a city or county with one of its places: 漳州天宝, 厦门海沧, 福州(马尾), 福清江阴
        if any((self.gaz.level(pk) in (2, 3) or self.gaz.is_national(c)) and self.gaz.is_within(c, pk)
               for p in before for pk in p.keys for c in k.keys):  # (江西省赣县: a far county after its province)
            return True
        if any(self.gaz.level(c) in (2, 3) and self.gaz.is_within(pk, c) for p in after for pk in p.keys
               for c in k.keys):
            return True
        # 至, —, 、 between it and another place (two county-level short forms support each other:
        # 福建土楼（南靖－华安）)
        county = self.gaz.level(k.keys[0]) in (2, 3)
        if self.gaz.is_national(k.keys[0]) and not _stands_alone(text, k.nbegin, k.nend, self.item_edges):
            return False  # 空港资源、滨海资源: a far county's short form inside a longer list item
        linked = [p for p in by_end.get(k.nbegin - 1, ()) if text[k.nbegin - 1] in self.lex.range_joiners or text[k.nbegin - 1] == "、"]
        linked += [p for p in by_begin.get(k.nend + 1, ()) if text[k.nend] in self.lex.range_joiners or text[k.nend] == "、"]
        return any(p is not k and (not p.ambiguous or (county and self.gaz.level(p.keys[0]) in (2, 3))) for p in linked)

    def _crossed_far_place(self, text: str, k: Known) -> bool:
        """A far place's short form across the edge of a Fujian name: 西宁 in 海西|宁德."""
        if not (k.short and all(self.gaz.is_national(key) for key in k.keys)):
            return False
        spans = [(b, e) for b in range(max(0, k.nbegin - 3), k.nbegin) for e in range(k.nbegin + 1, k.nend + 1)]
        spans += [(b, e) for b in range(k.nbegin + 1, k.nend) for e in range(k.nend + 1, k.nend + 4)]
        return any(not self.gaz.is_national(c.key) for b, e in spans for c in self.gaz.lookup(text[b:e]))

    def _names_a_feature(self, idx: TokenIndex, k: Known) -> bool:
        """福清湾, 萩芦溪, 平潭岛: a place's short form naming a bay, river or island is not the place
        (but 福清江阴 is two places)."""
        if not k.short or not self.lex.names_feature(idx.text, k.nend):
            return False
        following = idx.tokens[idx.token_at(k.nend)]
        return following.nbegin != k.nend or not self.gaz.lookup(following.word)

    def _with_own_places(self, k: Known, by_end: dict, accepted_ids: set[int]) -> int:
        """Where a known park or project begins when the places it lies in stand before it
        (泉港|石化工业园区, the zone the division list names without its district)."""
        begin = k.nbegin
        while True:
            places = [p for p in by_end.get(begin, ()) if id(p) in accepted_ids
                      and self.gaz.entities[p.keys[0]].type == "Region"
                      and any(self.gaz.is_within(k.keys[0], pk) for pk in p.keys)]
            if not places:
                return begin
            begin = min(p.nbegin for p in places)

    def _names_a_river(self, text: str, k: Known, by_end: dict) -> bool:
        """A short form that ends like a river (敖江 the town, 晋江 the city) names the river before
        a river word (敖江流域, 敖江下游), and as a whole item of a 、-list in which another item is a
        river that is no place (闽江、敖江、龙江等)."""
        rivers = self.lex.river_chars
        if not k.short or text[k.nend - 1] not in rivers:
            return False
        if text.startswith(self.lex.river_words, k.nend):
            return True
        if not whole_list_item(text, k.nbegin, k.nend):
            return False
        return any(text[end - 1] in rivers and not by_end.get(end)
                   for end in list_item_ends(text, k.nbegin, k.nend, rivers))

    # ------------------------------------------------------------------ names ending in a suffix
    def suffix_matches(self, idx: TokenIndex) -> list[tuple[int, int, str]]:
        """(start, end, suffix) of every type suffix that ends at a token boundary."""
        out = []
        text = idx.text
        for t in idx.tokens:
            e = t.nend
            for length in self.suffix_lengths:
                s = e - length
                if s < 0 or text[s:e] not in self.lex.suffixes:
                    continue
                host = idx.tokens[idx.token_at(s)]
                if host.nbegin != s and text[host.nbegin:s] not in self.lex.jurisdictions:  # 省|政府 is fine
                    # inside a longer word only when that word is a new or a proper name (厦门港,
                    # 远洋渔业|基地), never inside a known place (泉港区)
                    if self.gaz.lookup(host.word) or host.tag not in ("nx", "ns", "nz", "nt") or \
                            (length == 1 and host.nend - host.nbegin < 3 and host.word[0] not in "一二三四五六七八九"):
                        continue  # (but 闽侯|二桥: an ordinal and a one-character suffix)
                out.append((s, e, text[s:e]))
                # a branch of a route names the route too: 兴泉|铁路|支线 → 兴泉铁路
                if t.nbegin == s and t.tag == "sfx" and t.word.endswith(self.route_branches):
                    for inner in range(2, len(t.word)):
                        if t.word[:inner] in self.lex.suffixes:
                            out.append((s, s + inner, t.word[:inner]))
                break
        return out

    def suffix_names(self, idx: TokenIndex, known_by_end, responsibility: list[re.Match]) -> list[Name]:
        text = idx.text
        lines = [m.span(2) for m in responsibility]
        out: list[Name] = []
        matches = self.suffix_matches(idx)
        codes = [m.span() for m in _LINE_CODE.finditer(text)]
        first_start_by_end: dict[int, int] = {}
        for s2, e2, _ in matches:
            first_start_by_end[e2] = min(s2, first_start_by_end.get(e2, s2))
        for s, e, suffix in matches:
            if any(rb <= s < re_ for rb, re_ in lines):
                continue
            if first_start_by_end.get(e + 1, e) < e:
                continue  # 厦门港东渡港|区: a longer suffix (港区) ends one character later
            sfx = self.lex.suffixes[suffix]
            if len(suffix) == 1 and sfx.naming == "distinct" and not _names_by_head(idx, e, suffix):
                continue
            parts = self.scanner.scan(idx, s, known_by_end, links=sfx.type in ("Project", "Corridor"),
                                      coordination=sfx.type == "Park")
            if sfx.type == "Agency" and suffix in self.lex.government_suffixes:
                # a government is named by places or a jurisdiction word only: 福州市仓山区人民政府
                keep = len(parts)
                while keep and (parts[keep - 1].role == "place" or parts[keep - 1].text in self.lex.jurisdictions):
                    keep -= 1
                parts = parts[keep:]
                if parts and parts[0].role != "place" and idx.text[parts[0].begin - 1:parts[0].begin] in "）)各":
                    continue  # 各县（市）区人民政府: every district government, no one in particular
            if sfx.naming == "place":
                parts = _from_own_place(parts)
            if not parts:
                continue
            b = parts[0].begin
            # a name opening inside a coded line starts with the code (324国道|乌龙江大桥)
            b = next((cb for cb, ce in codes if cb < b < ce), b)
            name = text[b:e]
            if not self.scanner.acceptable(parts, sfx, name):
                continue
            head = name[:-2]
            if suffix == "委" and name[-2:-1] in "省市区县" and (
                    not head or self.gaz.only_places(head)):
                continue  # 福建省委, 福州市委, 市委: the party committee of a place, not a government body
            # a known name at the end: what is before it must be places (福州|滨海新城), else it is a
            # phrase around the known name (印发|福州都市圈)
            inner = [k for k in known_by_end.get(e, []) if not k.ambiguous and b < k.nbegin]
            if inner and not all(p.role == "place" for p in parts if p.end <= min(k.nbegin for k in inner)):
                continue
            if sfx.naming == "alias":
                out.append((b, e, "Region", "", "place-alias", text[b:s]))
                continue
            type_, kind = self._refine_type(name, suffix, sfx.type, sfx.kind)
            out.append((b, e, type_, kind, "suffix", name))
            qualified = self.qualifiers.end(text, e) if type_ == "Project" else e
            if qualified > e:  # 衢宁铁路|（福建段）, 104国道|拓宽改建工程: the route, and the work on it
                out.append((b, qualified, type_, kind, "suffix", text[b:qualified]))
        for m in _RAIL_LINE.finditer(text):
            if text[m.start() - 1:m.start()] == "、" and text[m.start() - 2:m.start() - 1].isdigit():
                continue  # 地铁7、8号线: the numbered list gives each line its name (lists.py)
            parts = self.scanner.scan(idx, m.start(), known_by_end, links=True)
            b = parts[0].begin if parts else m.start()
            kind = "IntercityRailway" if text[m.start()].isalpha() else "MetroLine"
            out.append((b, m.end(), "Project", kind, "suffix", text[b:m.end()]))
        for m in _LINE_CODE.finditer(text):
            out.append((m.start(), m.end(), "Project", "Road", "line-code", m.group()))
        return out

    def _qualified_known(self, text: str, routes: list[Name]) -> list[Name]:
        """A known project or coded line with qualifiers after it is a project of its own
        (沈海高速|杏林互通及接线工程, 104国道|拓宽改建工程)."""
        out = []
        for b, e, type_, kind, rule, _ in routes:
            if type_ == "Project" and rule in ("gazetteer", "line-code"):
                end = self.qualifiers.end(text, e)
                if end > e:
                    out.append((b, end, type_, kind, "suffix", text[b:end]))
        return out

    def _refine_type(self, name: str, suffix: str, type_: str, kind: str) -> tuple[str, str]:
        """Part names inherit the type of the named thing they are part of (自贸试验区福州片区 is a park)."""
        if suffix in ("片区", "功能区", "分园", "组团"):
            head = name[: -len(suffix)]
            for inner in self.lists.suffixes_by_len:
                sfx = self.lex.suffixes[inner]
                if len(inner) > 1 and head.find(inner) > 0 and sfx.type in ("Park", "Region"):
                    return sfx.type, sfx.kind if sfx.type == "Park" else "NewArea"
            if suffix == "片区":
                return "Region", "NewArea"
        return type_, kind

    # ------------------------------------------------------------------ agencies
    def agency_names(self, idx: TokenIndex, known_by_end) -> list[Name]:
        """[jurisdiction or places][body][suffix]: 省发展改革委, 福州市交通运输局, 区建设局."""
        out: list[Name] = []
        text = idx.text
        for t in idx.tokens:
            e = t.nend
            for suffix, (kind, _) in self.agency_suffixes_by_len:
                s = e - len(suffix)
                if s <= 0 or text[s:e] != suffix:
                    continue
                body = next((bd for bd in self.agency_bodies_by_len if text[s - len(bd):s] == bd), "")
                if not body:
                    continue
                b = s - len(body)
                host = idx.tokens[idx.token_at(b)]
                if host.nbegin != b and not host.word.endswith(text[b:s]):
                    continue  # the body is the tail of another word (格局, 布局 …)
                if len(body) == 1 and text[b - 1:b] not in self.lex.jurisdictions:
                    continue  # 省台办 is an office, 平台办公室 is not
                while b > 0:
                    known = [k for k in known_by_end.get(b, []) if self.gaz.entities[k.keys[0]].type == "Region"]
                    if known:
                        b = min(k.nbegin for k in known)
                    elif text[b - 1] in self.lex.jurisdictions:
                        b -= 1
                    elif text[b - 2:b] in self.lex.jurisdictions:
                        b -= 2
                    else:
                        break
                out.append((b, e, "Agency", kind, "agency", text[b:e]))
                break
        return out

    def office_names(self, idx: TokenIndex, known_by_end) -> list[Name]:
        """Short office names with a body of any nouns: 龙岩市铁办, 市重点办, 县改革工作联络办.

        The body is not looked up in a list; the name is recognised by its frame: a place or a
        jurisdiction word, then nouns only, then an agency suffix that ends a token and is not
        the tail of a verb (举办, 督办).
        """
        out: list[Name] = []
        text, toks = idx.text, idx.tokens
        for i, t in enumerate(toks):
            suffix = next((x for x, _ in self.agency_suffixes_by_len if t.word.endswith(x)), "")
            if not suffix or t.word != suffix and not self._names_office(t, suffix):
                continue
            j, b = i, t.nbegin
            while j > 0 and i - j < _OFFICE_BODY_TOKENS and _is_body_word(toks[j - 1]) \
                    and toks[j - 1].word not in self.lex.jurisdictions:
                j -= 1
                b = toks[j].nbegin
            if b >= t.nend - len(suffix):
                continue  # no body
            known = [k for k in known_by_end.get(b, []) if self.gaz.entities[k.keys[0]].type == "Region"]
            if known:
                b = min(k.nbegin for k in known)
            elif j > 0 and toks[j - 1].word in self.lex.jurisdictions:
                b = toks[j - 1].nbegin  # a whole word: 城区内部 is not an office of a 区
            else:
                continue
            kind = self.lex.agency_suffixes[suffix][0]
            out.append((b, t.nend, "Agency", kind, "office", text[b:t.nend]))
        return out

    def _names_office(self, token, suffix: str) -> bool:
        """A word ending in the suffix names an office: 建设局 (organisation tag), 铁办; not 大局, 举办."""
        return token.tag == "nt" or suffix in self.lex.glued_agency_suffixes and not token.tag.startswith("v")

    @staticmethod
    def _new_offices(names: list[Name], offices: list[Name]) -> list[Name]:
        """Offices that no name read from the listed bodies already covers (those are read better)."""
        covered = {}
        for b, e, *_ in names:
            covered[e] = min(b, covered.get(e, b))
        return [o for o in offices if o[0] < covered.get(o[1], o[1])]

    def responsibility_items(self, text: str, responsibility: list[re.Match]) -> list[tuple[int, int, str, str]]:
        """(begin, end, name, role) of the agencies listed in the ``responsibility`` lines."""
        out = []
        for m in responsibility:
            role = "support" if any(w in m.group(1) for w in _SUPPORT) else "lead"
            for ib, ie in list_items(text, *m.span(2)):
                item = text[ib:ie]
                # a zone named as a responsible unit stands for its administrative committee
                zone = any(item.endswith(x) for x, sfx in self.lex.suffixes.items()
                           if sfx.type == "Park" or x in ("新区", "功能区"))
                out.append((ib, ie, item + "管委会" if zone else item, role))
        return out

    # ------------------------------------------------------------------ driver
    def extract(self, seg: Segmented) -> list[Mention]:
        idx = TokenIndex(seg)
        text = idx.text
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
                    mentions[key] = replace(mentions[key], role=role, rule=rule, name=name)
                return
            mentions[key] = Mention(doc_id=doc_id, nbegin=nb, nend=ne, begin=b, end=e,
                                    anchor=seg.doc.text[b:e], surface=text[nb:ne], type=type_,
                                    kind=kind, rule=rule, name=name, candidates=candidates, role=role)

        known, known_by_end, accepted = self._known_in_context(idx)
        firm = [k for k in known if not k.ambiguous]

        responsibility = list(RESPONSIBILITY.finditer(text))
        names = self.suffix_names(idx, known_by_end, responsibility) + self.agency_names(idx, known_by_end)
        names += self._new_offices(names, self.office_names(idx, known_by_end))
        routes = names + [(k.nbegin, k.nend, self.gaz.entities[k.keys[0]].type, self.gaz.entities[k.keys[0]].kind,
                           "gazetteer", k.surface) for k in firm
                          if self.gaz.entities[k.keys[0]].type in ("Project", "Corridor")]
        names += self.lists.elided_lists(idx, names) + self.lists.segments(idx, routes) + self.lists.range_lists(idx)
        names += self.lists.bare_items(idx, names)
        names += self._qualified_known(text, routes) + self.lists.numbered_lists(idx, known_by_end)
        exact_known = {(k.nbegin, k.nend) for k in firm}
        for b, e, type_, kind, rule, name in names:
            if rule == "place-alias":  # 福州中心城区: another way to write the place
                key = self.gaz.only_places(name)[-1]
                add(b, e, type_, self.gaz.entities[key].kind, rule, self.gaz.entities[key].name, (key,))
            elif (b, e) not in exact_known or rule in ("elided-list", "segment"):
                add(b, e, type_, kind, rule, name)
        # a county's short form that may be a common word is a place inside a name (长泰枋洋水库)
        spans = sorted((b, e) for b, e, *_ in names)
        starts = [b for b, _ in spans]
        for k in known:
            if k.ambiguous and k not in accepted and self.gaz.level(k.keys[0]) != 4 and \
                    not self.gaz.is_national(k.keys[0]):
                i = bisect.bisect_right(starts, k.nbegin)
                if any(e >= k.nend and (b, e) != (k.nbegin, k.nend) for b, e in spans[max(0, i - 8):i]):
                    accepted.append(k)
        accepted_ids = {id(k) for k in accepted}
        for k in accepted:
            ent = self.gaz.entities[k.keys[0]]
            add(self._with_own_places(k, known_by_end, accepted_ids) if ent.type != "Region" else k.nbegin,
                k.nend, ent.type, ent.kind, "gazetteer", ent.name, k.keys)

        for ib, ie, name, role in self.responsibility_items(text, responsibility):
            add(ib, ie, "Agency", "Department", "responsibility", name, role=role)
        for nb, ne, name in self._listed_governments(text, list(mentions.values()), known_by_end):
            add(nb, ne, "Agency", "Government", "list-agency", name, role="elided")
        return _drop_crossing(list(mentions.values()))

    def _known_in_context(self, idx: TokenIndex) -> tuple[list[Known], dict[int, list[Known]], list[Known]]:
        """Known names read as what they name (not a bay, a river or a far place across a Fujian
        name), indexed by end, and those of them the context accepts."""
        text = idx.text
        known = [k for k in self.known_matches(idx) if not self._names_a_feature(idx, k)
                 and not self._crossed_far_place(text, k)]
        all_by_end: dict[int, list[Known]] = {}
        for k in known:
            all_by_end.setdefault(k.nend, []).append(k)
        known = [k for k in known if not self._names_a_river(text, k, all_by_end)]
        known_by_end: dict[int, list[Known]] = {}
        known_by_begin: dict[int, list[Known]] = {}
        for k in known:
            known_by_end.setdefault(k.nend, []).append(k)
            known_by_begin.setdefault(k.nbegin, []).append(k)
        accepted = [k for k in known if not k.ambiguous or self._has_context(text, k, known_by_end, known_by_begin)]
        return known, known_by_end, accepted

    def _listed_governments(self, text: str, mentions: list[Mention], known_by_end) -> list[tuple[int, int, str]]:
        """福州、莆田、南平、宁德市人民政府: one government per listed place."""
        out = []
        for m in mentions:
            if m.type != "Agency" or not m.surface.endswith("人民政府"):
                continue
            pos = m.nbegin
            while pos > 0 and text[pos - 1] == "、":
                prev = [k for k in known_by_end.get(pos - 1, []) if self.gaz.entities[k.keys[0]].type == "Region"]
                if not prev:
                    break
                k = min(prev, key=lambda k: k.nbegin)
                out.append((k.nbegin, k.nend, self.gaz.entities[k.keys[0]].name + "人民政府"))
                pos = k.nbegin
        return out


def _from_own_place(parts: list) -> list:
    """A name made of a place and its kind word starts at the place when another named thing
    stands before it (福厦高铁|漳州站: the station of 漳州 on that line)."""
    first = next((i for i, p in enumerate(parts) if p.role == "place"), None)
    if first and any(p.role == "known" or p.tag in ("sfx", "nz") for p in parts[:first]):
        return parts[first:]
    return parts


def _names_by_head(idx: TokenIndex, end: int, head: str) -> bool:
    """A one-character head closes a name when it is a word of its own (津泰|路) or ends a word read as
    a name or a number (甘洪路, 五一|南路, 南|四路), not a common word (铁路, 集成电路, 思路)."""
    ti = idx.token_ending_at(end)
    return ti >= 0 and (idx.tokens[ti].word == head or idx.tokens[ti].tag in _NAME_TAGS)


_NAME_TAGS = frozenset({"ns", "nr", "m", "nx"})  # place, person (甘洪路), numeral (四路), our unknown word (津泰路)


def _is_body_word(token) -> bool:
    """A noun, a verbal noun or an abbreviation may be part of an office's body; 和 joins two."""
    return token.tag[:1] in ("n", "j") and token.tag != "ns" or token.tag == "vn" or token.word == "和"


_ITEM_EDGES = frozenset("、，。；：,;:（）() \n\t和及与等经自从到")


def _stands_alone(text: str, begin: int, end: int, edges: frozenset[str]) -> bool:
    """Whether ``text[begin:end]`` is a whole item between separators (、于都、会昌、), not part of a word."""
    return (begin == 0 or text[begin - 1] in edges) and (end == len(text) or text[end] in edges)


def _drop_crossing(mentions: list[Mention]) -> list[Mention]:
    """Keep nested mentions, drop one of two that partly overlap (the shorter, then the later)."""
    kept: list[Mention] = []
    spans: list[tuple[int, int]] = []  # kept (begin, end), sorted
    longest = 0
    for m in sorted(mentions, key=lambda m: (-(m.nend - m.nbegin), m.nbegin, m.type)):
        # only a kept span that begins less than the longest length before m can cross it
        lo = bisect.bisect_left(spans, (m.nbegin - longest, -1))
        hi = bisect.bisect_left(spans, (m.nend, -1))
        if any(kb < m.nbegin < ke < m.nend or m.nbegin < kb < m.nend < ke for kb, ke in spans[lo:hi]):
            continue
        kept.append(m)
        bisect.insort(spans, (m.nbegin, m.nend))
        longest = max(longest, m.nend - m.nbegin)
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

