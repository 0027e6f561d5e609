"""``kg evaluate``: precision, recall and F1 of a built graph against hand-annotated chunks.

The gold format and the matching rules are those of ``../shared/gold/GUIDELINES.md``:

* a chunk is a character range of a document (``chunks.json``); its ``<chunk>.json`` lists entity
  records (name, type, verbatim aliases, optional flag) and relation records (head, rel, tail);
* a graph entity matches a gold entity when the types agree and one of its labels equals the gold
  name or an alias;
* entity recall counts required gold entities matched by an entity mentioned inside the chunk;
  entity precision counts graph entities with a mention starting inside the chunk (mentions nested
  in a longer gold surface form are ignored) that match a gold entity of the same type;
* relation recall counts required gold relations found anywhere in the graph (``locatedIn`` through
  the transitive closure, a ``connects`` endpoint may lie inside the gold endpoint); relation
  precision counts statements evidenced inside a chunk, where a ``locatedIn`` tail may be any
  region containing the gold one (gold relations plus the official division hierarchy).

Anyone who annotates new documents in this format can measure the tool on them.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KgError
from ..model import RELATIONS, TYPES

_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
_ITS = "http://www.w3.org/2005/11/its/rdf#"
_PROV = "http://www.w3.org/ns/prov#"


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Score:
    """Counts behind precision (``correct``/``predicted``) and recall (``found``/``required``)."""

    predicted: int = 0
    correct: int = 0
    required: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.required if self.required else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.predicted + other.predicted, self.correct + other.correct,
                     self.required + other.required, self.found + other.found)


CURATED = "curated name list"


@dataclass
class Evaluation:
    scores: dict[str, Score]  # ent:Park, rel:locatedIn …
    missed: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)
    # found gold entities by origin: rules | official list | curated name list (see ``_origin``)
    found_by: dict[str, int] = field(default_factory=dict)

    @property
    def curated_share(self) -> float:
        """The share of found gold entities that only a curated name list found (issue 11: keep < 10 %)."""
        total = sum(self.found_by.values())
        return self.found_by.get(CURATED, 0) / total if total else 0.0

    def total(self, prefix: str) -> Score:
        out = Score()
        for key, s in self.scores.items():
            if key.startswith(prefix + ":"):
                out = out + s
        return out

    def to_json(self) -> dict:
        def row(s: Score) -> dict:
            return {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3),
                    "predicted": s.predicted, "correct": s.correct, "required": s.required, "found": s.found}
        return {"entities": row(self.total("ent")), "relations": row(self.total("rel")),
                "by_key": {k: row(s) for k, s in self.scores.items()}, "missed": self.missed,
                "spurious": self.spurious, "found_by": self.found_by,
                "curated_share": round(self.curated_share, 3)}


class _GraphView:
    """What the scorer needs of a graph, read once with SPARQL."""

    def __init__(self, store, stems: set[str]):
        q = lambda text: list(store.query(text))  # noqa: E731
        sub = defaultdict(set)
        for r in q(f"SELECT ?c ?d WHERE {{ ?c <{_RDFS}subClassOf> ?d }}"):
            sub[r["c"].value].add(r["d"].value)

        def base_types(cls: str, seen: frozenset = frozenset()) -> set[str]:
            if cls in seen:
                return set()
            out = {_local(cls)} & set(TYPES)
            for parent in sub.get(cls, ()):
                out |= base_types(parent, seen | {cls})
            return out

        self.types = defaultdict(set)
        for r in q("SELECT ?e ?t WHERE { ?e a ?t }"):
            self.types[r["e"].value] |= base_types(r["t"].value)
        self.labels = defaultdict(set)
        for r in q(f"""SELECT ?e ?l WHERE {{ VALUES ?p {{ <{_RDFS}label> <{_SKOS}prefLabel> <{_SKOS}altLabel> }}
                       ?e ?p ?l FILTER(isLiteral(?l)) }}"""):
            self.labels[r["e"].value].add(r["l"].value.strip())
        contexts = {}
        for r in q(f"""SELECT DISTINCT ?c ?v WHERE {{ ?x <{_NIF}referenceContext> ?c .
                       {{ ?c ?p ?v }} UNION {{ ?c ?p1 ?y . ?y ?p2 ?v }} FILTER(isLiteral(?v)) }}"""):
            v = r["v"].value
            v = v[:-4] if v.endswith(".txt") else v
            if v.rsplit("/", 1)[-1] in stems:
                contexts[r["c"].value] = v.rsplit("/", 1)[-1]
        self.mentions = []
        for r in q(f"""SELECT ?b ?e ?c ?ent ?rule WHERE {{ ?m <{_NIF}beginIndex> ?b ; <{_NIF}endIndex> ?e ;
                       <{_NIF}referenceContext> ?c ; <{_ITS}taIdentRef> ?ent
                       OPTIONAL {{ ?m <{_PROV}wasGeneratedBy> ?rule }} }}"""):
            if r["c"].value in contexts:
                rule = _local(r["rule"].value) if r["rule"] else ""
                self.mentions.append((contexts[r["c"].value], int(r["b"].value), int(r["e"].value), r["ent"].value,
                                      rule))
        self.asserted = defaultdict(set)
        for r in q("SELECT ?h ?p ?t WHERE { ?h ?p ?t FILTER(isIRI(?t)) }"):
            if _local(r["p"].value) in RELATIONS:
                self.asserted[_local(r["p"].value)].add((r["h"].value, r["t"].value))
        self.evidenced = []
        for r in q(f"""SELECT ?h ?p ?t ?b ?c ?rule WHERE {{ ?st <{_RDF}subject> ?h ; <{_RDF}predicate> ?p ;
                       <{_RDF}object> ?t ; <{_PROV}wasDerivedFrom> ?ev .
                       ?ev <{_NIF}beginIndex> ?b ; <{_NIF}referenceContext> ?c
                       OPTIONAL {{ ?st <{_PROV}wasGeneratedBy> ?rule }} }}"""):
            if _local(r["p"].value) in RELATIONS and r["c"].value in contexts:
                self.evidenced.append((_local(r["p"].value), r["h"].value, r["t"].value,
                                       contexts[r["c"].value], int(r["b"].value),
                                       _local(r["rule"].value) if r["rule"] else ""))
        self.parents = defaultdict(set)
        for h, t in self.asserted["locatedIn"]:
            self.parents[h].add(t)

    def ancestors(self, entity: str) -> set[str]:
        out, stack = set(), [entity]
        while stack:
            for p in self.parents.get(stack.pop(), ()):
                if p not in out:
                    out.add(p)
                    stack.append(p)
        return out

    def label(self, entity: str) -> str:
        labels = sorted(self.labels.get(entity, ()), key=lambda s: (s.isascii(), len(s), s))
        return labels[0] if labels else entity


def _official_hierarchy() -> tuple[dict[str, set[str]], dict[str, str]]:
    """Surface forms of every division and its parent's name (from the project's gazetteer)."""
    from ..knowledge.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    forms: dict[str, set[str]] = {}
    parent: dict[str, str] = {}
    for key, e in gaz.entities.items():
        if not key.startswith("division/"):
            continue
        names = {e.name, *e.aliases}
        names |= {n[:-1] for n in list(names) if len(e.code) == 6 and len(n) >= 3 and n[-1] in "市区县"}
        forms[e.name] = names
        if e.parent in gaz.entities:
            parent[e.name] = gaz.entities[e.parent].name
    return forms, parent


def load_gold(gold_dir: Path) -> dict[str, tuple[dict, dict]]:
    """``{chunk id: (chunk metadata, annotations)}`` from a gold folder."""
    index = gold_dir / "chunks.json"
    if not index.exists():
        raise KgError(f"{gold_dir}: no chunks.json (the gold folder lists its chunks there)")
    try:
        meta = json.loads(index.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise KgError(f"{index}: not valid JSON: {exc}") from exc
    chunks = {}
    for cid, m in sorted(meta.items()):
        path = gold_dir / f"{cid}.json"
        if not path.exists():
            continue
        try:
            chunks[cid] = (m, json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise KgError(f"{path}: not valid JSON: {exc}") from exc
    if not chunks:
        raise KgError(f"{gold_dir}: no annotated chunks")
    return chunks


def _chunk_texts(chunks: dict, corpus_dir: Path) -> dict[str, str]:
    texts = {}
    for cid, (m, _) in chunks.items():
        path = corpus_dir / f"{m['doc']}.txt"
        if not path.exists():
            raise KgError(f"{path}: the document of gold chunk {cid} is not in the corpus")
        texts[m["doc"]] = path.read_text(encoding="utf-8")
    return texts


class _Hierarchy:
    """The official divisions: which surface forms name one, and the forms of its ancestors."""

    def __init__(self):
        self.forms, self.parent = _official_hierarchy()

    def division_of(self, forms: set[str]) -> str | None:
        return next((n for n, fs in self.forms.items() if fs & forms), None)

    def ancestor_forms(self, name: str | None) -> set[str]:
        out = set()
        while name and name in self.parent:
            name = self.parent[name]
            out |= self.forms[name]
        return out


@dataclass
class _Tally:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    missed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    spurious: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    found_by_rule: Counter = field(default_factory=Counter)


class _Chunk:
    """One annotated chunk scored against the graph (the four halves of the matching rules)."""

    def __init__(self, cid: str, doc: str, c0: int, c1: int, text: str, gold: dict, g: "_GraphView",
                 hierarchy: _Hierarchy):
        self.cid, self.doc, self.c0, self.c1, self.text, self.g, self.hier = cid, doc, c0, c1, text, g, hierarchy
        self.entities = {e["name"]: e for e in gold["entities"]}
        self.forms = {n: {n} | set(e["aliases"]) for n, e in self.entities.items()}
        self.relations = gold["relations"]
        self.parents = defaultdict(set)
        for r in self.relations:
            if r["rel"] == "locatedIn":
                self.parents[r["head"]].add(r["tail"])

    def inside(self, doc: str, begin: int) -> bool:
        return doc == self.doc and self.c0 <= begin < self.c1

    def matches(self, entity: str) -> tuple[list[str], list[str]]:
        """Gold names the entity matches with its type, and by label alone."""
        labels, types = self.g.labels.get(entity, set()), self.g.types.get(entity, set())
        hits = [n for n, fs in self.forms.items() if fs & labels]
        return [n for n in hits if self.entities[n]["type"] in types], hits

    def graph_entities(self, name: str) -> set[str]:
        forms, type_ = self.forms[name], self.entities[name]["type"]
        return {e for e, ls in self.g.labels.items() if ls & forms and type_ in self.g.types.get(e, ())}

    def entity_recall(self, t: _Tally) -> None:
        rules_of = defaultdict(set)
        for d, b, _, ent, rule in self.g.mentions:
            if self.inside(d, b):
                rules_of[ent].add(rule)
        for name, e in self.entities.items():
            if e.get("optional"):
                continue
            key = "ent:" + e["type"]
            t.counts[key]["required"] += 1
            found = self.graph_entities(name) & set(rules_of)
            if found:
                t.counts[key]["found"] += 1
                t.found_by_rule[_origin(found, rules_of)] += 1
            else:
                t.missed[key].append(f"{self.cid}: {name}")

    def entity_precision(self, t: _Tally) -> None:
        long_spans = [(self.c0 + i, self.c0 + i + len(f)) for n in self.entities for f in self.forms[n]
                      for i in _find_all(self.text, f)]
        seen = set()
        for d, b, e_, ent, _ in sorted(self.g.mentions):
            if not self.inside(d, b) or ent in seen or not self.g.types.get(ent):
                continue
            typed, hits = self.matches(ent)
            if not typed and any(s <= b and e_ <= t_ and t_ - s > e_ - b for s, t_ in long_spans):
                continue  # nested inside a longer gold surface form
            seen.add(ent)
            for type_ in sorted(self.g.types[ent]):
                key = "ent:" + type_
                t.counts[key]["predicted"] += 1
                if any(self.entities[n]["type"] == type_ for n in typed):
                    t.counts[key]["correct"] += 1
                else:
                    why = f"type {self.entities[hits[0]]['type']} in gold" if hits else "not in gold"
                    t.spurious[key].append(f"{self.cid}: {self.g.label(ent)} ({why})")

    def relation_recall(self, t: _Tally) -> None:
        for r in self.relations:
            if r.get("optional") or r["head"] not in self.entities or r["tail"] not in self.entities:
                continue
            key = "rel:" + r["rel"]
            t.counts[key]["required"] += 1
            heads, tails = self.graph_entities(r["head"]), self.graph_entities(r["tail"])
            if self.asserted(r["rel"], heads, tails):
                t.counts[key]["found"] += 1
            else:
                why = " (no head entity)" if not heads else " (no tail entity)" if not tails else ""
                t.missed[key].append(f"{self.cid}: {r['head']} -{r['rel']}-> {r['tail']}{why}")

    def asserted(self, rel: str, heads: set[str], tails: set[str]) -> bool:
        g = self.g
        if rel == "locatedIn":
            return any(tails & g.ancestors(h) for h in heads)
        if rel == "connects":
            return any(h == hh and (t in tails or g.ancestors(t) & tails)
                       for h in heads for hh, t in g.asserted["connects"])
        return any((h, t) in g.asserted[rel] for h in heads for t in tails)

    def relation_precision(self, t: _Tally) -> None:
        pairs = defaultdict(set)
        for r in self.relations:
            pairs[r["rel"]].add((r["head"], r["tail"]))
        seen = set()
        for rel, h, tail, d, b, rule in sorted(self.g.evidenced):
            if not self.inside(d, b) or (rel, h, tail) in seen:
                continue
            seen.add((rel, h, tail))
            key = "rel:" + rel
            t.counts[key]["predicted"] += 1
            ok = self.located_right(h, tail) if rel == "locatedIn" else self.pair_right(rel, h, tail, pairs[rel])
            if ok:
                t.counts[key]["correct"] += 1
            else:
                t.spurious[key].append(f"{self.cid}: {self.g.label(h)} -{rel}-> {self.g.label(tail)} [{rule}]")

    def located_right(self, h: str, tail: str) -> bool:
        """The tail is the gold region of the head or contains it (gold plus the official hierarchy)."""
        tail_labels = self.g.labels.get(tail, set())
        if any(tail_labels & self.gold_ancestor_forms(n) for n in self.matches(h)[0]):
            return True
        return bool(tail_labels & self.hier.ancestor_forms(self.hier.division_of(self.g.labels.get(h, set()))))

    def pair_right(self, rel: str, h: str, tail: str, pairs: set[tuple[str, str]]) -> bool:
        head_labels, tail_labels = self.g.labels.get(h, set()), self.g.labels.get(tail, set())
        for hn, tn in pairs:
            if head_labels & self.forms.get(hn, {hn}):
                tail_forms = self.forms.get(tn, {tn})
                if tail_labels & tail_forms or (rel == "connects" and any(
                        self.g.labels.get(a, set()) & tail_forms for a in self.g.ancestors(tail))):
                    return True
        return False

    def gold_ancestor_forms(self, name: str) -> set[str]:
        out, stack, seen = set(), [name], set()
        while stack:
            x = stack.pop()
            if x in seen:
                continue
            seen.add(x)
            for p in self.parents.get(x, ()):
                out |= self.forms.get(p, {p})
                stack.append(p)
            out |= self.hier.ancestor_forms(self.hier.division_of(self.forms.get(x, {x})))
        return out


def _origin(entities: set[str], rules_of: dict[str, set[str]]) -> str:
    """Where a found entity came from: a curated name list when only the gazetteer rule found a
    non-division entity (the official division list is not curated), else the extraction rules."""
    rules = set().union(*(rules_of[e] for e in entities))
    if rules == {"gazetteer"}:
        official = all(_local_path(e).startswith("division/") for e in entities)
        return "official list" if official else CURATED
    return "rules"


def _local_path(iri: str) -> str:
    return iri.split("/id/", 1)[-1]


def evaluate(store, gold_dir: Path, corpus_dir: Path) -> Evaluation:
    """Score the graph in ``store`` against the gold chunks of ``gold_dir``."""
    chunks = load_gold(Path(gold_dir))
    texts = _chunk_texts(chunks, Path(corpus_dir))
    g = _GraphView(store, set(texts))
    hierarchy = _Hierarchy()
    tally = _Tally()
    for cid, (m, gold) in chunks.items():
        doc, c0, c1 = m["doc"], m["char_start"], m["char_end"]
        chunk = _Chunk(cid, doc, c0, c1, texts[doc][c0:c1], gold, g, hierarchy)
        chunk.entity_recall(tally)
        chunk.entity_precision(tally)
        chunk.relation_recall(tally)
        chunk.relation_precision(tally)
    keys = [f"ent:{t}" for t in TYPES] + [f"rel:{r}" for r in RELATIONS]
    scores = {k: Score(**{f: tally.counts[k][f] for f in ("predicted", "correct", "required", "found")})
              for k in keys}
    return Evaluation(scores=scores, missed=dict(tally.missed), spurious=dict(tally.spurious),
                      found_by=dict(tally.found_by_rule))


def _find_all(text: str, sub: str):
    i = text.find(sub)
    while i >= 0:
        yield i
        i = text.find(sub, i + 1)
