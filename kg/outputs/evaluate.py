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


@dataclass
class Evaluation:
    scores: dict[str, Score]  # ent:Park, rel:locatedIn …
    missed: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)

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
                "spurious": self.spurious}


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
        for r in q(f"""SELECT ?b ?e ?c ?ent WHERE {{ ?m <{_NIF}beginIndex> ?b ; <{_NIF}endIndex> ?e ;
                       <{_NIF}referenceContext> ?c ; <{_ITS}taIdentRef> ?ent }}"""):
            if r["c"].value in contexts:
                self.mentions.append((contexts[r["c"].value], int(r["b"].value), int(r["e"].value), r["ent"].value))
        self.asserted = defaultdict(set)
        for r in q("SELECT ?h ?p ?t WHERE { ?h ?p ?t FILTER(isIRI(?t)) }"):
            if _local(r["p"].value) in RELATIONS:
                self.asserted[_local(r["p"].value)].add((r["h"].value, r["t"].value))
        self.evidenced = []
        for r in q(f"""SELECT ?h ?p ?t ?b ?c WHERE {{ ?st <{_RDF}subject> ?h ; <{_RDF}predicate> ?p ;
                       <{_RDF}object> ?t ; <{_PROV}wasDerivedFrom> ?ev .
                       ?ev <{_NIF}beginIndex> ?b ; <{_NIF}referenceContext> ?c }}"""):
            if _local(r["p"].value) in RELATIONS and r["c"].value in contexts:
                self.evidenced.append((_local(r["p"].value), r["h"].value, r["t"].value,
                                       contexts[r["c"].value], int(r["b"].value)))
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


def evaluate(store, gold_dir: Path, corpus_dir: Path) -> Evaluation:
    """Score the graph in ``store`` against the gold chunks of ``gold_dir``."""
    chunks = load_gold(Path(gold_dir))
    texts = {}
    for cid, (m, _) in chunks.items():
        path = Path(corpus_dir) / f"{m['doc']}.txt"
        if not path.exists():
            raise KgError(f"{path}: the document of gold chunk {cid} is not in the corpus")
        texts[m["doc"]] = path.read_text(encoding="utf-8")
    g = _GraphView(store, set(texts))
    forms_of_division, division_parent = _official_hierarchy()
    counts: dict[str, Counter] = defaultdict(Counter)
    missed: dict[str, list[str]] = defaultdict(list)
    spurious: dict[str, list[str]] = defaultdict(list)

    def division_of(forms: set[str]) -> str | None:
        return next((n for n, fs in forms_of_division.items() if fs & forms), None)

    def division_ancestor_forms(name: str | None) -> set[str]:
        out = set()
        while name and name in division_parent:
            name = division_parent[name]
            out |= forms_of_division[name]
        return out

    for cid, (m, gold) in chunks.items():
        doc, c0, c1 = m["doc"], m["char_start"], m["char_end"]
        text = texts[doc][c0:c1]
        gold_entities = {e["name"]: e for e in gold["entities"]}
        gold_forms = {n: {n} | set(e["aliases"]) for n, e in gold_entities.items()}

        def matches(entity: str) -> tuple[list[str], list[str]]:
            labels, types = g.labels.get(entity, set()), g.types.get(entity, set())
            hits = [n for n, fs in gold_forms.items() if fs & labels]
            return [n for n in hits if gold_entities[n]["type"] in types], hits

        def graph_entities(name: str) -> set[str]:
            forms, type_ = gold_forms[name], gold_entities[name]["type"]
            return {e for e, ls in g.labels.items() if ls & forms and type_ in g.types.get(e, ())}

        mentioned = {ent for d, b, _, ent in g.mentions if d == doc and c0 <= b < c1}
        for name, e in gold_entities.items():
            if e.get("optional"):
                continue
            key = "ent:" + e["type"]
            counts[key]["required"] += 1
            if graph_entities(name) & mentioned:
                counts[key]["found"] += 1
            else:
                missed[key].append(f"{cid}: {name}")
        long_spans = [(c0 + i, c0 + i + len(f)) for n in gold_entities for f in gold_forms[n]
                      for i in _find_all(text, f)]
        seen = set()
        for d, b, e_, ent in sorted(g.mentions):
            if d != doc or not c0 <= b < c1 or ent in seen or not g.types.get(ent):
                continue
            typed, hits = matches(ent)
            if not typed and any(s <= b and e_ <= t and t - s > e_ - b for s, t in long_spans):
                continue
            seen.add(ent)
            for t in sorted(g.types[ent]):
                key = "ent:" + t
                counts[key]["predicted"] += 1
                if any(gold_entities[n]["type"] == t for n in typed):
                    counts[key]["correct"] += 1
                else:
                    why = f"type {gold_entities[hits[0]]['type']} in gold" if hits else "not in gold"
                    spurious[key].append(f"{cid}: {g.label(ent)} ({why})")

        gold_parents = defaultdict(set)
        for r in gold["relations"]:
            if r["rel"] == "locatedIn":
                gold_parents[r["head"]].add(r["tail"])

        def gold_ancestor_forms(name: str) -> set[str]:
            out, stack, seen_names = set(), [name], set()
            while stack:
                x = stack.pop()
                if x in seen_names:
                    continue
                seen_names.add(x)
                for p in gold_parents.get(x, ()):
                    out |= gold_forms.get(p, {p})
                    stack.append(p)
                out |= division_ancestor_forms(division_of(gold_forms.get(x, {x})))
            return out

        for r in gold["relations"]:
            if r.get("optional") or r["head"] not in gold_entities or r["tail"] not in gold_entities:
                continue
            key = "rel:" + r["rel"]
            counts[key]["required"] += 1
            heads, tails = graph_entities(r["head"]), graph_entities(r["tail"])
            if r["rel"] == "locatedIn":
                ok = any(tails & g.ancestors(h) for h in heads)
            elif r["rel"] == "connects":
                ok = any(h == hh and (t in tails or g.ancestors(t) & tails)
                         for h in heads for hh, t in g.asserted["connects"])
            else:
                ok = any((h, t) in g.asserted[r["rel"]] for h in heads for t in tails)
            if ok:
                counts[key]["found"] += 1
            else:
                missed[key].append(f"{cid}: {r['head']} -{r['rel']}-> {r['tail']}")
        gold_pairs = defaultdict(set)
        for r in gold["relations"]:
            gold_pairs[r["rel"]].add((r["head"], r["tail"]))
        seen_statements = set()
        for rel, h, t, d, b in sorted(g.evidenced):
            if d != doc or not c0 <= b < c1 or (rel, h, t) in seen_statements:
                continue
            seen_statements.add((rel, h, t))
            key = "rel:" + rel
            counts[key]["predicted"] += 1
            head_labels, tail_labels = g.labels.get(h, set()), g.labels.get(t, set())
            if rel == "locatedIn":
                ok = any(tail_labels & gold_ancestor_forms(n) for n in matches(h)[0])
                ok = ok or bool(tail_labels & division_ancestor_forms(division_of(head_labels)))
            else:
                ok = False
                for hn, tn in gold_pairs[rel]:
                    if head_labels & gold_forms.get(hn, {hn}):
                        tail_forms = gold_forms.get(tn, {tn})
                        ok = ok or bool(tail_labels & tail_forms) or (rel == "connects" and any(
                            g.labels.get(a, set()) & tail_forms for a in g.ancestors(t)))
            if ok:
                counts[key]["correct"] += 1
            else:
                spurious[key].append(f"{cid}: {g.label(h)} -{rel}-> {g.label(t)}")
    keys = [f"ent:{t}" for t in TYPES] + [f"rel:{r}" for r in RELATIONS]
    scores = {k: Score(**{f: counts[k][f] for f in ("predicted", "correct", "required", "found")}) for k in keys}
    return Evaluation(scores=scores, missed=dict(missed), spurious=dict(spurious))


def _find_all(text: str, sub: str):
    i = text.find(sub)
    while i >= 0:
        yield i
        i = text.find(sub, i + 1)
