"""Relations stated by a sentence, found by the cue words of ``data/lexicon/relation_cues.csv``.

* ``connects``: a route or corridor followed by a route cue and a list of places or facilities
  (兴泉铁路经宁化、清流至泉州; 该线北接A铁路，南连B铁路; 与A、B相连); the subject is the route named
  earlier in the sentence, or, after a word standing for it (该线, 线路, 该项目), the route a recent
  sentence opened with.
* ``locatedIn``: 位于 / 地处 / 坐落于 followed by places, for the name before the cue, the name the
  cue phrase qualifies (地处A境内的B), or the one a recent sentence opened with (该项目位于A县);
  在A（规划）建设B.
* ``responsibleFor``: 由X牵头（推进A） / A由X管理 / X负责A / X是A的责任主体, for the things the
  sentence names (label lines such as 牵头单位：X are read with the responsibility lines in ``relate``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from ..knowledge.lexicon import load_relation_cues
from ..model import Mention, Relation, Segmented

CUE_RULES = {
    "responsible-subject": "X是A的责任主体 / 由X牵头（推进A） / A由X管理 / X负责A: the agency is responsible for what "
                           "the sentence names.",
    "route-statement": "A route cue (连接, 途经, 经…至, 北接…南连, 与…相连 …) followed by places: "
                       "the route named before it, or the one a recent sentence opened with, connects them.",
}
CLAUSE_END = "，,；;。！？!?：:\n\t"
AGENT_REACH = 30  # how far before 负责 an agency may stand
TARGET_TYPES = ("Park", "Project", "Corridor")
LIST_JOINERS = "、和及与或—－-–~～至到“”\"'‘’ 　"
QUALIFIER_JOINERS = ("上的", "的")  # 京九线上的赣州东站, 福建的福厦高铁: the first names where the second is
BETWEEN_WORDS = ("之间", "中间", "交界")  # 位于A和B之间: in neither
BORDER_WORDS = ("境内", "境", "界", "省内", "市内")  # 进入福建省境内: a border crossed, not an end
MAX_TOPIC_SENTENCES = 5
RANGE_CUES = ("至", "到")
MAX_VERB_GAP = 4  # 在福清|投资|建设: words between the place and the verb
OPENERS = re.compile(r"\s*(据规划|据介绍|目前|同时|此外|届时|建成后)[,，]?\s*")  # before the subject of a sentence
OBJECT_TYPES = ("Region", "Project")
KIND_ROLES = ("subject-kind", "city-kind", "linear-kind")  # rows of relation_cues.csv naming kinds, not words
_UNKNOWN_ITEM = re.compile(r"[\u4e00-\u9fff]{1,6}?(、|和|及|[,，](?=.))")


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """The mentions not nested in a longer one, from mentions sorted by (begin, -end)."""
    out: list[Mention] = []
    reach, span = -1, (-1, -1)
    for m in mentions:
        if m.nend <= reach and (m.nbegin, m.nend) != span:
            continue
        out.append(m)
        if m.nend > reach:
            reach, span = m.nend, (m.nbegin, m.nend)
    return out


@dataclass(frozen=True)
class Cue:
    begin: int
    end: int
    word: str
    role: str


class CueReader:
    """The cue-word relations of one document, for a ``Relator``."""

    def __init__(self, relator, seg: Segmented, mentions: list[Mention]):
        self.rel, self.seg, self.text = relator, seg, seg.text
        self.cues = load_relation_cues()
        self.subject_kinds = frozenset(self.cues.get(("connects", "subject-kind"), ()))
        self.mentions = sorted(mentions, key=lambda m: (m.nbegin, -m.nend))
        self.mention_starts = [m.nbegin for m in self.mentions]
        self.outer = _outermost(self.mentions)
        self.starts = [m.nbegin for m in self.outer]

    # ----------------------------------------------------------- reading
    @cached_property
    def _pattern(self) -> re.Pattern:
        words = sorted({w for (_, role), ws in self.cues.items() if role not in KIND_ROLES for w in ws},
                       key=lambda w: (-len(w), w))
        return re.compile("|".join(map(re.escape, words)))

    def cues_in(self, begin: int, end: int, roles: tuple[str, ...]) -> list[Cue]:
        """Cue words of ``roles`` in ``[begin, end)`` that are not part of a name."""
        out = []
        for m in self._pattern.finditer(self.text, begin, end):
            if self.mention_over(m.start()):
                continue
            for (_, role), words in self.cues.items():
                if role in roles and m.group() in words:
                    out.append(Cue(m.start(), m.end(), m.group(), role))
        return out

    def mention_over(self, pos: int) -> Mention | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        return next((m for m in self.outer[max(0, i - 1):i + 1] if m.nbegin <= pos < m.nend), None)

    def mention_at(self, pos: int) -> Mention | None:
        i = bisect.bisect_left(self.starts, pos)
        return self.outer[i] if i < len(self.outer) and self.outer[i].nbegin == pos else None

    def items_after(self, pos: int, end: int, types=OBJECT_TYPES, *, borders: bool = True) -> list[Mention]:
        """The list of names that starts at ``pos`` (quotes skipped): A、B和C, A—B—C, A,B (a clause
        that opens with a name continues the list); qualifiers (江西省|赣州市|兴国) and borders
        crossed (福建省|境内) are dropped."""
        items: list[Mention] = []
        pos = self._skip(pos, end, "“”\"'‘’「」")
        while pos < end:
            m = self.mention_at(pos)
            if m is None or m.type not in types:
                unknown = self._unknown_item(pos, end, first=not items)  # a place the gazetteer lacks: the list goes on
                if not unknown:
                    break
                pos = unknown
                continue
            items.append(m)
            pos = m.nend
            if borders and self.text.startswith(BORDER_WORDS, pos):
                items.pop()
                break
            for joiner in QUALIFIER_JOINERS:
                if self.text.startswith(joiner, pos) and self.mention_at(pos + len(joiner)):
                    pos += len(joiner)
                    break
            else:
                bracket = re.match(r"[（(][^（()）]{1,3}[）)]", self.text[pos:pos + 5])  # 庆元县(市)
                pos = self._skip(pos + (bracket.end() if bracket else 0), end, LIST_JOINERS + ",，")
        return self._without_qualifiers(items)

    def _unknown_item(self, pos: int, end: int, first: bool) -> int:
        """Where the list goes on after an unknown short item (A、unknown、B; 沪昆、九景衢铁路), or 0.

        An unknown first item must be a bare short name followed by 、 and a name."""
        m = _UNKNOWN_ITEM.match(self.text, pos, end)
        if not m or any(self.mention_over(i) for i in range(pos, m.end(1) - 1)):
            return 0
        after = m.end()
        if m.group(1) in ",，" and not self.mention_at(after):
            return 0
        if first and (m.group(1) != "、" or m.end(1) - 1 - pos > 4 or not self.mention_at(after)
                      or any(w in m.group() for w in self.rel.lex.suffixes)):
            return 0
        return after

    def _skip(self, pos: int, end: int, chars: str) -> int:
        while pos < end and self.text[pos] in chars:
            pos += 1
        return pos

    def _without_qualifiers(self, items: list[Mention]) -> list[Mention]:
        gaz = self.rel.gaz
        out = []
        for a, b in zip(items, items[1:] + [None]):
            qualifier = (b is not None and a.type == "Region" and self.text[a.nend:b.nbegin] in ("", *QUALIFIER_JOINERS)
                         and (b.type != "Region" or gaz.is_within(b.entity, a.entity)))
            if not qualifier:
                out.append(a)
        return out

    def sentence_of(self, pos: int) -> int:
        sents = self.seg.sentences
        return max(0, bisect.bisect_right([s.nbegin for s in sents], pos) - 1)

    def clause_start(self, pos: int, floor: int) -> int:
        return max([floor] + [self.text.rfind(ch, floor, pos) + 1 for ch in CLAUSE_END])

    def clause_end(self, pos: int, ceiling: int) -> int:
        ends = [i for i in (self.text.find(ch, pos, ceiling) for ch in CLAUSE_END) if i >= 0]
        return min(ends) if ends else ceiling

    # ----------------------------------------------------------- subjects
    def can_connect(self, m: Mention) -> bool:
        return m.type == "Corridor" or (m.type == "Project" and m.kind in self.subject_kinds)

    def in_list(self, m: Mention) -> bool:
        """An item of a list (A、B、C) is no sentence subject."""
        return self.text[m.nend:m.nend + 1] == "、" or self.text[m.nbegin - 1:m.nbegin] == "、"

    def opens_clause(self, m: Mention, floor: int) -> bool:
        return not self.text[self.clause_start(m.nbegin, floor):m.nbegin].strip()

    def topic(self, sentence: int, accept) -> Mention | None:
        """The name of the kind ``accept`` that a clause of one of the previous sentences opened with."""
        sents = self.seg.sentences
        found: list[Mention] = []
        for i in range(sentence - 1, max(-1, sentence - 1 - MAX_TOPIC_SENTENCES), -1):
            s = sents[i]
            lo, hi = bisect.bisect_left(self.starts, s.nbegin), bisect.bisect_left(self.starts, s.nend)
            named = [m for m in self.outer[lo:hi] if accept(m) and not self.in_list(m)]
            found += sorted(named, key=lambda m: not self.opens_clause(m, s.nbegin))
        # 该线 stands for a whole line: a section (衢宁铁路浙江段) only when no line is named
        whole = [m for m in found if not m.surface.endswith("段")]
        return (whole or found or [None])[0]

    def stands_for_subject(self, begin: int, end: int, *, allow_empty: bool) -> bool:
        """Whether ``text[begin:end]`` is only a word standing for the subject (该线, 项目, 产业园)."""
        words = self.text[begin:end].strip()
        words = words[OPENERS.match(words).end():] if OPENERS.match(words) else words
        if not words:
            return allow_empty
        if words in self.cues.get(("connects", "subject"), ()):
            return True
        core = re.sub(r"^[该本此这]", "", words)
        return any(core == s or core == s.rstrip("区") for s in self.rel.lex.suffixes)

    # ----------------------------------------------------------- relations
    def connects(self) -> list[Relation]:
        out: list[Relation] = []
        for s_index, s in enumerate(self.seg.sentences):
            cues = self.cues_in(s.nbegin, s.nend, ("route", "link"))
            if not cues:
                continue
            zones = [(c, self.objects(c, s.nbegin, s.nend)) for c in cues]
            taken = {id(m) for _, objs in zones for m in objs}
            for cue, objects in zones:
                if not objects or self.other_range(cue, taken):
                    continue
                subject = self.route_subject(cue, s_index, taken, cues[0].begin)
                for o in objects:
                    if subject is not None and o.entity != subject.entity:
                        out.append(self.rel._relation(self.seg, subject.entity, "connects", o.entity,
                                                      "route-statement", s.nbegin, s.nend))
        return out

    def other_range(self, cue: Cue, taken: set[int]) -> bool:
        """平潭至莆田的航线: a place right before 至 opens a range of what follows it, not of the
        subject (unless that place ends a list of stops: 经A、B至C)."""
        start = self.mention_ending(cue.begin)
        return cue.word in RANGE_CUES and start is not None and id(start) not in taken

    def objects(self, cue: Cue, floor: int, ceiling: int) -> list[Mention]:
        if cue.role == "route":
            return self.items_after(cue.end, ceiling)
        start = self.clause_start(cue.begin, floor)
        opener = max(self.text.rfind("与", start, cue.begin), self.text.rfind("同", start, cue.begin))
        if opener < 0:
            return []
        items = self.items_after(opener + 1, cue.begin)
        last = items[-1].nend if items else opener + 1
        return items if not self.text[last:cue.begin].strip("相互 ") else []

    def route_subject(self, cue: Cue, s_index: int, taken: set[int], first_cue: int) -> Mention | None:
        """The route before the cue: in its clause, else opening the sentence, else the topic."""
        s = self.seg.sentences[s_index]
        bracket = self.open_bracket(s.nbegin, cue.begin)
        if bracket >= 0:  # 某工程(A至B段): the range qualifies the name before the bracket
            named = self.mention_ending(bracket)
            return named if named is not None and self.can_connect(named) else None
        lo, hi = bisect.bisect_left(self.starts, s.nbegin), bisect.bisect_left(self.starts, cue.begin)
        before = [m for m in self.outer[lo:hi] if self.can_connect(m) and id(m) not in taken
                  and not self.text[m.nend:cue.begin].startswith(QUALIFIER_JOINERS)
                  and not self.in_list(m)]
        if cue.word in RANGE_CUES:  # 福州至厦门, 贵安高速口至: what stands right before 至 is the start
            before = [m for m in before if len(self.text[m.nend:cue.begin].strip()) > 2]
        if before:  # in the cue's clause, or the one an earlier clause named (建设A铁路，途经B)
            return before[-1]
        # 该线北接A (a word standing for it) or 即“A—B—C” opening the sentence: a recent sentence's route
        if not before and self.stands_for_subject(s.nbegin, self._first_word_end(s.nbegin, first_cue),
                                                  allow_empty=not self.text[s.nbegin:first_cue].strip()):
            return self.topic(s_index, self.can_connect)
        return None

    def open_bracket(self, begin: int, pos: int) -> int:
        """Position of the bracket still open at ``pos``, or -1."""
        opening = max(self.text.rfind("(", begin, pos), self.text.rfind("（", begin, pos))
        closing = max(self.text.rfind(")", begin, pos), self.text.rfind("）", begin, pos))
        return opening if opening > closing else -1

    def mention_ending(self, pos: int) -> Mention | None:
        i = bisect.bisect_left(self.starts, pos) - 1
        return self.outer[i] if i >= 0 and self.outer[i].nend == pos else None

    def _first_word_end(self, begin: int, cue: int) -> int:
        """End of what opens the sentence before the cue (据规划, skipped; up to a clause end or 从/自/由)."""
        opener = OPENERS.match(self.text, begin, cue)
        begin = opener.end() if opener else begin
        end = self.clause_end(begin, cue)
        m = re.search(r"[从自由以在]", self.text[begin:end])
        return begin + m.start() if m else end

    def located(self) -> list[Relation]:
        out: list[Relation] = []
        for s_index, s in enumerate(self.seg.sentences):
            for cue in self.cues_in(s.nbegin, s.nend, ("located",)):
                places = self.items_after(self.place_start(cue.end, s.nend), s.nend, ("Region",), borders=False)
                subject = self.located_subject(cue, places, s_index)
                if subject is None or (places and self.text.startswith(BETWEEN_WORDS, places[-1].nend)):
                    continue
                for place in self.containers([p.entity for p in places]):
                    official = not subject.entity.startswith("division/") or \
                        place in self.rel.gaz.ancestors(subject.entity)  # the hierarchy is not up for debate
                    if subject.entity != place and official and not self.rel.gaz.is_within(place, subject.entity):
                        out.append(self.rel._relation(self.seg, subject.entity, "locatedIn", place,
                                                      "located-statement", s.nbegin, s.nend))
        return out

    def located_at(self) -> list[Relation]:
        """在A县（规划）建设B: B lies in A县."""
        out: list[Relation] = []
        verbs = self.cues.get(("locatedIn", "at-verb"), ())
        for s in self.seg.sentences:
            for cue in self.cues_in(s.nbegin, s.nend, ("at",)):
                end = self.clause_end(cue.end, s.nend)
                places = self.items_after(cue.end, end, ("Region",), borders=False)
                if not places:
                    continue
                rest = self.text[places[-1].nend:end]
                verb = next((v for v in verbs if 0 <= rest.find(v) <= MAX_VERB_GAP), "")
                if not verb:
                    continue
                after = places[-1].nend + rest.find(verb) + len(verb)
                lo, hi = bisect.bisect_left(self.starts, after), bisect.bisect_left(self.starts, end)
                built = next((m for m in self.outer[lo:hi] if m.type in TARGET_TYPES), None)
                if built is not None and (built.nbegin - after > MAX_VERB_GAP
                                          or self.text[built.nend:built.nend + 1] not in CLAUSE_END + "、和及等"):
                    built = None  # 在平潭设立福州机场|城市候机楼: the name is only part of what is built
                for place in self.containers([p.entity for p in places]) if built else ():
                    if built.entity != place and not self.rel.gaz.is_within(place, built.entity):
                        out.append(self.rel._relation(self.seg, built.entity, "locatedIn", place,
                                                      "located-statement", s.nbegin, s.nend))
        return out

    def place_start(self, pos: int, end: int) -> int:
        """Where the place after 位于 starts: past a short description (位于城区南部A镇)."""
        for i in range(pos, min(pos + 7, end)):
            if self.text[i] in CLAUSE_END:
                break
            m = self.mention_at(i)
            if m is not None:
                return i if m.type == "Region" else pos
        return pos

    def containers(self, places: list[str]) -> list[str]:
        """The deepest of places on one chain (福建省南平市 → 南平市), or each of places side by side
        (地处A和B境内: it lies in both)."""
        deepest = self.rel.most_specific(places)
        if deepest:
            return [deepest]
        return [p for p in dict.fromkeys(places) if not any(q != p and self.rel.gaz.is_within(q, p) for q in places)]

    def located_subject(self, cue: Cue, places: list[Mention], s_index: int) -> Mention | None:
        s = self.seg.sentences[s_index]
        if places:  # 地处A境内的B: the phrase qualifies the name after it
            clause_end = self.clause_end(places[-1].nend, s.nend)
            of = self.text.find("的", places[-1].nend, clause_end)
            if of >= 0 and (o := self.mention_at(of + 1)) and o.type != "Agency":
                return o
        lo, hi = bisect.bisect_left(self.starts, s.nbegin), bisect.bisect_left(self.starts, cue.begin)
        before = [m for m in self.outer[lo:hi] if m.type != "Agency" and m.nend <= cue.begin]
        if before:
            return before[-1]
        if self.stands_for_subject(s.nbegin, cue.begin, allow_empty=True):  # 该项目位于A县
            return self.topic(s_index, lambda m: m.type in ("Park", "Project", "Corridor"))
        return None

    # ----------------------------------------------------------- responsibility
    def responsible(self) -> list[Relation]:
        out: dict[tuple[str, str, int], Relation] = {}
        for s in self.seg.sentences:
            cues = self.cues_in(s.nbegin, s.nend, ("lead-before", "lead-after", "owner", "focus"))
            lo, hi = bisect.bisect_left(self.mention_starts, s.nbegin), bisect.bisect_left(self.mention_starts, s.nend)
            inside = self.mentions[lo:hi] if cues else []
            for cue in cues:
                agents, targets = self.parties(cue, s, inside)
                targets = [t for t in targets if not any(t is not u and u.nbegin <= t.nbegin and t.nend <= u.nend
                                                         and u.type == t.type for u in targets)]
                for a in agents:
                    for t in targets:
                        if not (t.type == "Region" and t.entity.startswith("division/")):
                            out[(a.entity, t.entity, s.nbegin)] = self.rel._relation(
                                self.seg, a.entity, "responsibleFor", t.entity, "responsible-subject",
                                s.nbegin, s.nend)
        return list(out.values())

    def parties(self, cue: Cue, s, inside: list[Mention]) -> tuple[list[Mention], list[Mention]]:
        """(agencies, what they are responsible for) of one cue."""
        agencies = [m for m in inside if m.type == "Agency"]
        if cue.role == "owner":  # X是A的责任主体
            link = max(self.text.rfind("是", s.nbegin, cue.begin), self.text.rfind("为", s.nbegin, cue.begin))
            if link < 0:
                return [], []
            return ([a for a in agencies if a.nend <= link],
                    [m for m in inside if m.type != "Agency" and link < m.nbegin < cue.begin])
        if cue.role == "focus":  # X将以A、B为主体开展…: the works an agency's campaign is built on
            link = self.text.rfind("以", max(s.nbegin, cue.begin - 2 * AGENT_REACH), cue.begin)
            if link < 0:
                return [], []
            # the agency is the subject of 以: only a modal word (将, 要) may stand between them
            agents = [a for a in agencies if a.nend <= link and not self.text[a.nend:link].strip("将要拟还应 ")]
            return agents[-1:], [m for m in inside if m.type in TARGET_TYPES and link < m.nbegin and m.nend <= cue.begin]
        if cue.role == "lead-before":
            return ([a for a in agencies if max(s.nbegin, cue.begin - AGENT_REACH) <= a.nbegin and a.nend <= cue.begin],
                    [m for m in inside if m.type in TARGET_TYPES and m.nbegin >= cue.end])
        by = self.text.rfind("由", max(s.nbegin, cue.begin - AGENT_REACH), cue.begin)
        agents = [a for a in agencies if by >= 0 and by < a.nbegin and a.nend <= cue.begin]
        if not agents or self.text[agents[-1].nend:cue.begin].strip("直接统一具体负责共同 "):
            return [], []
        after = [m for m in inside if m.type in TARGET_TYPES and m.nbegin >= cue.end]
        outer = {id(m) for m in self.outer}
        before = [m for m in inside if (m.type in TARGET_TYPES or m.type == "Region") and m.nend <= by
                  and id(m) in outer]
        return agents, after or before[-1:]  # 由X牵头推进A; A由X代管
