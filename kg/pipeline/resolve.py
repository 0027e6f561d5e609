"""Decide which real-world entity each mention denotes, across all documents.

* Places: the gazetteer candidate that fits the context (a town after its county; the
  document's own area first), else the highest-ranked one.
* Agencies: short forms are completed from the issuing government (区建设局 in a Cangshan
  document → 仓山区建设局; 省发展改革委 → 福建省发展和改革委员会).
* Other names: one node per name, where names that differ only in a suffix variant
  (莆田高新区 / 莆田高新技术产业开发区), in ``国际`` or in a leading city that contains the next
  place (福州长乐国际机场 / 长乐国际机场) are the same node.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from .english import english_name
from ..knowledge.gazetteer import Gazetteer, entity_key, load_gazetteer
from ..knowledge.lexicon import Lexicon, load_lexicon
from ..model import Document, Entity, Mention

PROVINCE = "福建省"
_GOVERNMENT = re.compile(r"^(.*?)(人民政府|政府)(办公厅|办公室)?$")


class Resolver:
    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon):
        self.gaz = gazetteer
        self.lex = lexicon
        self.province_key = gazetteer.key_of(PROVINCE)

    # ----------------------------------------------------------------- context of a document
    def jurisdiction(self, doc: Document) -> dict[str, str]:
        """Region keys the issuer speaks for: {'province': …, 'city': …, 'county': …}."""
        out = {"province": self.province_key}
        for text in (doc.issuer, doc.scope.split(" ")[0] if doc.scope else ""):
            for key in self.leading_places(_GOVERNMENT.sub(r"\1", text)):
                level = self.gaz.level(key)
                if level in (2, 3) and not ({2: "city", 3: "county"}[level] in out):
                    out[{2: "city", 3: "county"}[level]] = key
                    if level == 3:
                        out.setdefault("city", self.gaz.parent(key))
            if len(out) > 1:
                break
        return out

    def scope_regions(self, doc: Document) -> list[str]:
        """The regions a document covers, from its manifest scope (福州都市圈 (福州、莆田…), 福州市仓山区)."""
        keys = []
        for part in re.split(r"[ (),，、（）]+", doc.scope):
            key = self.gaz.key_of(part) if part else ""
            places = [key] if key else self.gaz.leading_places(part)[::-1]  # 福州市仓山区: 仓山区 first
            for key in places:
                keys.append(key)
                keys.extend(self.gaz.members.get(key, ()))
        return keys

    def leading_places(self, name: str) -> list[str]:
        return self.gaz.leading_places(name)

    def pick(self, cands, near: list[str], scope: list[str]) -> str:
        """The candidate named just before (海沧区 again), else one inside a region named just
        before (天宝 after 漳州 → 天宝镇), else one inside the document's own area, except a town
        when the best-ranked candidate is no town (上海 in a Fuzhou plan is Shanghai, not 上海街道),
        else the best ranked."""
        keys = [c.key if hasattr(c, "key") else c for c in cands]
        best_is_town = self.gaz.level(keys[0]) == 4
        for region in near + scope:
            if region in keys:
                return region
            inside = [k for k in keys if k != region and self.gaz.is_within(k, region)
                      and (region in near or best_is_town or self.gaz.level(k) != 4)]
            if inside:
                return inside[0]
        return keys[0]

    # ----------------------------------------------------------------- agencies
    def agency_name(self, surface: str, doc: Document, juris: dict[str, str]) -> str:
        """Official full name of an agency mentioned as ``surface`` in ``doc``."""
        return self.agency(surface, doc, juris)[0]

    def agency(self, surface: str, doc: Document, juris: dict[str, str]) -> tuple[str, str]:
        """(official full name, key of the region it serves) of an agency mentioned as ``surface``."""
        known = self.gaz.key_of(surface)
        if known and self.gaz.entities[known].type == "Agency":
            return self.gaz.entities[known].name, self.gaz.entities[known].parent
        committee = re.match(r"^(.+?)(管委会|管理委员会)$", surface)
        zone = self.gaz.key_of(committee.group(1)) if committee else ""
        if zone and self.gaz.entities[zone].type in ("Park", "Region"):
            # the committee of a known zone: 金山工业园区管委会 → 福州金山工业园区管委会
            e = self.gaz.entities[zone]
            return e.name + committee.group(2), e.parent if e.type == "Park" else zone
        places = self.leading_places(surface)
        rest = surface[self.gaz.spelled(surface, places):]
        region = places[-1] if places else ""
        if not region:
            for word, (level, _) in sorted(self.lex.jurisdictions.items(), key=lambda x: -len(x[0])):
                tail = rest[len(word):]
                # 市场监管局 is a body, not 市 + 场监管局: strip a jurisdiction word only if what
                # follows still reads as an agency
                if rest.startswith(word) and (self._reads_as_agency(tail) or not self._reads_as_agency(rest)):
                    region = "国家" if level == "nation" else juris.get(level) or juris.get("city") or juris["province"]
                    rest = tail
                    break
        if not region:
            region = juris.get("county") or juris.get("city") or juris["province"]
            if rest.endswith("厅"):  # 厅 are provincial departments
                region = juris["province"]
            elif rest.endswith("部"):  # 部 are ministries of the central government
                region = "国家"
        region_key = "" if region == "国家" else region
        if region == "国家":
            region_name = "中华人民共和国" if rest.endswith("部") else "国家"
        else:
            region_name = self.gaz.entities[region].name
        gov = _GOVERNMENT.match(rest)
        if gov and not gov.group(1):
            return region_name + "人民政府" + (gov.group(3) or ""), region_key
        return region_name + self.expand_agency(rest), region_key

    def _reads_as_agency(self, text: str) -> bool:
        """Whether ``text`` is [body][suffix] or a government: 发展改革委, 建设局, 人民政府."""
        if _GOVERNMENT.match(text) and not _GOVERNMENT.match(text).group(1):
            return True
        return any(text.endswith(suffix) and text[: -len(suffix)] in self.lex.agency_bodies
                   for suffix in self.lex.agency_suffixes)

    def expand_agency(self, rest: str) -> str:
        """发展改革委 → 发展和改革委员会, 数字办 → 数字福建建设领导小组办公室."""
        for suffix, long in (("委员会", "委员会"), ("委", "委员会"), ("办公室", "办公室"), ("办", "办公室"),
                             ("局", "局"), ("厅", "厅"), ("部", "部")):
            if rest.endswith(suffix):
                body = rest[: -len(suffix)]
                if body in self.lex.agency_bodies:
                    full = self.lex.agency_bodies[body][0]
                    if full.endswith("委员会") and long == "办公室":
                        return full + long
                    if full.endswith(("领导小组", "委员会")):
                        return full + (long if long == "办公室" else "")
                    return full + long
                return rest
        return rest

    # ----------------------------------------------------------------- other names
    def variant_key(self, type_: str, name: str) -> str:
        """Names that differ only in a suffix variant, 国际, the spelling of their places or a
        containing city share this key (泉州城市轨道交通一期工程 = 泉州市城市轨道交通一期)."""
        key = name.replace("（", "(").replace("）", ")").replace("“", "").replace("”", "")
        for short, long in sorted(self.lex.suffix_variants.items(), key=lambda x: -len(x[0])):
            if key.endswith(short):
                key = key[: -len(short)] + long
                break
        key = key.replace("国际", "")
        places = self.gaz.leading_places(key)
        forms = self.gaz.spellings(key, places)
        rest = key[sum(len(f) for f in forms):]
        if len(places) >= 2 and self.gaz.is_within(places[1], places[0]) and self.gaz.level(places[0]) <= 2:
            places = places[1:]  # 福州长乐机场 = 长乐机场
        return f"{type_}|{''.join(self.gaz.entities[p].name for p in places)}{rest}"

    # ----------------------------------------------------------------- driver
    def resolve(self, documents: list[Document], mentions: list[Mention]) -> tuple[dict[str, Entity], list[Mention]]:
        """One entity key per mention, then text names that are variants of one another merged."""
        docs = {d.doc_id: d for d in documents}
        juris = {d.doc_id: self.jurisdiction(d) for d in documents}
        self._jurisdiction: dict[str, str] = {}
        scope = {d.doc_id: self.scope_regions(d) for d in documents}
        resolved: list[Mention] = []
        by_doc: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_doc[m.doc_id].append(m)
        for doc_id, ms in by_doc.items():
            previous_places: list[str] = []
            for m in ms:
                key, name = self._key_of(m, docs[doc_id], juris[doc_id], previous_places[-2:], scope[doc_id])
                if m.type == "Region" and m.candidates:
                    previous_places.append(key)
                resolved.append(replace(m, entity=key, name=name))
        resolved = self._merge_variants(resolved, scope)
        return self.entities(resolved), resolved

    def _key_of(self, m: Mention, doc: Document, juris: dict[str, str], near: list[str],
                scope: list[str]) -> tuple[str, str]:
        """(entity key, name) of one mention: a gazetteer pick, an agency's full name, or the name itself."""
        if m.candidates:
            key = self.pick(m.candidates, near, scope)
            return key, self.gaz.entities[key].name
        if m.type == "Agency":
            if m.rule == "list-agency":
                name, region = m.name, self.gaz.key_of(m.surface)
            else:
                name, region = self.agency(m.name or m.surface, doc, juris)
            known = self.gaz.key_of(name)
            key = known if known and self.gaz.entities[known].type == "Agency" else entity_key("Agency", name)
            if region:
                self._jurisdiction.setdefault(key, region)
            return key, name
        key = self.gaz.key_of(m.name)
        if not key or self.gaz.entities[key].type != m.type:
            key = entity_key(m.type, m.name)
        return key, m.name

    def _merge_variants(self, resolved: list[Mention], scope: dict[str, list[str]]) -> list[Mention]:
        """Merge text names that are variants of one another (or of a gazetteer entry)."""
        canon: dict[str, str] = {}
        for key, e in self.gaz.entities.items():
            if e.type != "Region":
                for n in (e.name, *e.aliases):
                    canon.setdefault(self.variant_key(e.type, n), key)
        counts = Counter(m.entity for m in resolved)
        first: dict[str, Mention] = {}  # the first mention of each entity (a scan per key was quadratic)
        for m in resolved:
            first.setdefault(m.entity, m)
        for key in sorted({m.entity for m in resolved if m.entity not in self.gaz.entities},
                          key=lambda k: (-len(k), -counts[k], k)):
            m0 = first[key]
            if m0.type == "Region" or m0.type == "Agency":
                continue
            canon.setdefault(self.variant_key(m0.type, m0.name), key)
        # A name without places of its own is the same as the name with the document's area before
        # it (福兴经济开发区 in a Fuzhou plan = 福州福兴经济开发区; 三峡海上风电产业园 = 福建三峡…).
        areas = {doc_id: [a for r in regions for a in (r, *self.gaz.ancestors(r))] for doc_id, regions in scope.items()}
        merged = []
        for m in resolved:
            if m.entity in self.gaz.entities or m.type in ("Region", "Agency"):
                merged.append(m)
                continue
            target = None
            if not self.gaz.leading_places(m.name):
                target = next((canon[vk] for a in areas[m.doc_id]
                               if (vk := self.variant_key(m.type, self.gaz.entities[a].name + m.name)) in canon), None)
            target = target or canon.get(self.variant_key(m.type, m.name), m.entity)
            merged.append(replace(m, entity=target) if target != m.entity else m)
        return merged

    def issuers(self, documents: list[Document], entities: dict[str, Entity]) -> dict[str, str]:
        """The agency that issued each document (added to ``entities`` when new)."""
        out = {}
        for doc in documents:
            if not doc.issuer:
                continue
            name, region = self.agency(doc.issuer, doc, self.jurisdiction(doc))
            known = self.gaz.key_of(name)
            key = known if known and self.gaz.entities[known].type == "Agency" else entity_key("Agency", name)
            if key not in entities:
                kind = "Office" if name.endswith(("办公厅", "办公室")) else "Government" if name.endswith("政府") else "Department"
                entities[key] = Entity(key=key, type="Agency", kind=kind, name=name,
                                       name_en=english_name(name, "Agency", self.gaz, self.lex),
                                       aliases=(doc.issuer,) if doc.issuer != name else (), parent=region)
            out[doc.doc_id] = key
        return out

    def entities(self, mentions: list[Mention]) -> dict[str, Entity]:
        """Gazetteer divisions and planning regions, plus every mentioned entity with its labels."""
        out: dict[str, Entity] = {}
        for key, e in self.gaz.entities.items():
            if key.startswith("division/") or e.kind == "PlanningRegion":
                out[key] = e
        by_key: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_key[m.entity].append(m)
        for key, ms in by_key.items():
            surfaces = [m.surface for m in ms] + [m.anchor for m in ms if "\n" not in m.anchor]
            if key in self.gaz.entities:
                e = self.gaz.entities[key]
                aliases = tuple(dict.fromkeys([*e.aliases, *(s for s in surfaces if s != e.name)]))
                out[key] = replace(e, aliases=aliases)
                continue
            type_ = ms[0].type
            kind = Counter(m.kind for m in ms).most_common(1)[0][0]
            names = Counter(m.name for m in ms)
            # the longest name seen is the fullest one (福州长乐国际机场 over 长乐机场)
            name = max(names, key=lambda n: (len(n), names[n], n))
            aliases = tuple(dict.fromkeys(s for s in [*names, *surfaces] if s != name))
            out[key] = Entity(key=key, type=type_, kind=kind, name=name,
                              name_en=english_name(name, type_, self.gaz, self.lex), aliases=aliases,
                              parent=self._jurisdiction.get(key, "") if type_ == "Agency" else "")
        for region, members in self.gaz.members.items():
            if region in out:
                for key in members:
                    out.setdefault(key, self.gaz.entities[key])
        self.add_referenced(out, {e.parent for e in out.values() if e.parent})
        return out

    def add_referenced(self, entities: dict[str, Entity], keys: set[str]) -> None:
        """Add the gazetteer entities ``keys`` (and the places containing them) to ``entities``."""
        pending = sorted(keys)
        while pending:
            key = pending.pop()
            if key in entities or key not in self.gaz.entities:
                continue
            entities[key] = self.gaz.entities[key]
            if entities[key].parent:
                pending.append(entities[key].parent)


def resolve(documents: list[Document], mentions: list[Mention]) -> tuple[dict[str, Entity], list[Mention]]:
    """Entities of the corpus and the mentions with their ``entity`` key filled in."""
    return Resolver(load_gazetteer(), load_lexicon()).resolve(documents, mentions)
