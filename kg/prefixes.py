"""The prefixes every query may use and every Turtle file declares, as plain strings.

Plain strings, in a module of their own, so that the query side (``kg query``, ``kg serve``,
lookups) starts without importing rdflib or the extraction pipeline; the build uses them too.

Each kind of resource has a prefix of its own (``div:350100``, ``park:福州高新技术产业开发区``),
because a ``/`` may not stand unescaped in a SPARQL or Turtle prefixed name: with ``kgr:`` alone,
``kgr:division/350100`` would be a syntax error. The IRIs themselves are unchanged
(``https://w3id.org/fjkg/id/division/350100``); the prefixes only name their folders.
"""
from __future__ import annotations

import re

RESOURCES = "https://w3id.org/fjkg/id/"

# prefix -> the folder of https://w3id.org/fjkg/id/ it names (kept in step with kg/pipeline/graph.py).
RESOURCE_PREFIXES = {
    "div": "division",      # administrative divisions, by official code
    "region": "region",     # planning regions, new areas, places abroad
    "park": "park",
    "corridor": "corridor",
    "project": "project",
    "agency": "agency",
    "doc": "doc",           # documents (and, after #char=, their text positions)
    "stmt": "statement",    # reified statements
    "rule": "rule",         # extraction rules
    "source": "source",     # non-textual sources (the gazetteer)
}

PREFIXES = {
    "kg": "https://w3id.org/fjkg/ontology#",
    "kgr": RESOURCES,
    **{prefix: f"{RESOURCES}{folder}/" for prefix, folder in RESOURCE_PREFIXES.items()},
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
}

# Characters a SPARQL 1.1 / Turtle prefixed name may hold only escaped with a backslash.
_LOCAL_ESCAPES = "~.-!$&'()*+,;=/?#@%_"
# PN_CHARS_BASE of the SPARQL 1.1 and Turtle grammars above ASCII (the Chinese blocks are in it;
# dashes and quotation marks U+2000–U+206F, circled numbers and the ideographic space are not).
_NAME_RANGES = ((0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x370, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D),
                (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFFD),
                (0x10000, 0xEFFFF), (0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040))


def name_char(ch: str) -> bool:
    """True for a character a prefixed name may hold as it is (PN_CHARS, plus ':')."""
    if ch.isascii():
        return ch.isalnum() or ch in "_-:"
    return any(lo <= ord(ch) <= hi for lo, hi in _NAME_RANGES)


def prefixed_name(iri: str) -> str | None:
    r"""The shortest valid SPARQL prefixed name of ``iri``, or None when no prefix fits.

    >>> prefixed_name("https://w3id.org/fjkg/id/division/350100")
    'div:350100'
    >>> prefixed_name("https://w3id.org/fjkg/id/park/A(B)")
    'park:A\\(B\\)'
    """
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns) and len(iri) > len(ns)), key=len, default=None)
    if best is None:
        return None
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    local = iri[len(best):]
    out = []
    for i, ch in enumerate(local):
        inner = 0 < i < len(local) - 1
        if ch == "%" and re.match(r"[0-9A-Fa-f]{2}", local[i + 1:i + 3]):
            out.append(ch)  # PLX: a percent-encoded byte stands as it is
        elif name_char(ch) and not (ch == "-" and i == 0) or ch == "." and inner:
            out.append(ch)
        elif ch in _LOCAL_ESCAPES:
            out.append("\\" + ch)
        else:
            return None
    return f"{prefix}:{''.join(out)}"


_SLASHED = re.compile(r"(?<![\w<#/:\\])([A-Za-z][\w-]*):((?:[^\s/{}()<>\"',;\\]|\\.)*)/([^\s{}()<>\"',;]+)")


def slash_hint(text: str) -> str:
    r"""Advice for a query that writes ``prefix:folder/local``, which SPARQL reads as a path.

    >>> slash_hint("SELECT * { ?p kg:locatedIn+ kgr:division/350200 }")
    "a '/' cannot stand in a prefixed name: write div:350200 (or <https://w3id.org/fjkg/id/division/350200>)"
    >>> slash_hint("SELECT * { ?p kg:locatedIn/kg:locatedIn ?x }")
    ''
    """
    for match in _SLASHED.finditer(text):
        prefix, head, tail = match.groups()
        if prefix not in PREFIXES or ":" in tail:  # kg:a/kg:b is a property path, not a mistake
            continue
        iri = PREFIXES[prefix] + re.sub(r"\\(.)", r"\1", f"{head}/{tail}")
        name = prefixed_name(iri)
        better = f"{name} (or <{iri}>)" if name and "/" not in name else f"<{iri}>"
        return f"a '/' cannot stand in a prefixed name: write {better}"
    return ""
