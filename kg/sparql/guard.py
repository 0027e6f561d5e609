"""What a query may ask for, checked on its tokens before the engine sees it.

* **Size**: a query text over :data:`MAX_QUERY_BYTES` is refused (before more of it is read,
  where it comes from a file or a request body).
* **Nesting**: Oxigraph parses and evaluates by recursion, and a query nested a few thousand
  deep (``{{{…}}}``, ``((…))``, ``!!!…``, sub-selects, long chains of ``UNION``, ``BIND`` or
  operators, which it turns into trees as deep) overflows the stack and kills the process. A
  nesting over :data:`MAX_NESTING` is refused.
* **Federation**: ``SERVICE <url>`` makes the engine request ``url`` and read the answer back:
  from a server, a request forgery reaching anything the server can reach. ``SERVICE`` is refused
  unless its endpoint is on an explicit allow-list.

The query is read as SPARQL's grammar splits it into tokens (comments, strings, IRIs, prefixed
names, variables), so ``SERVICE`` in a comment or a string is harmless text, and one written in
any case or glued to its neighbour (``SERVICEex:x``, which Oxigraph reads as ``SERVICE ex:x``)
is still found.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..errors import KgError
from ..prefixes import PREFIXES

MAX_QUERY_BYTES = 1_000_000
MAX_NESTING = 500  # Oxigraph overflows an 8 MB stack near 3,000 (about 2.8 KB of stack a level)

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]*)
  | (?P<blank>_:[\w.\-\u00b7]*)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00b7]*)?:(?:[\w:.\-\u00b7%]|\\.)*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>\w+)
  | (?P<op><<|>>|\^\^|&&|\|\||!=|<=|>=|.)
""", re.VERBOSE | re.DOTALL)
_OPEN, _CLOSE = {"{", "(", "[", "<<"}, {"}", ")", "]", ">>"}
_UNARY = {"!", "-", "+"}
# What Oxigraph nests one level deeper each time it follows in the same group or expression
_CHAINED = {"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "UNION", "OPTIONAL", "MINUS",
            "BIND", "FILTER", "GRAPH", "VALUES", "IN", "NOT"}


class QueryRefused(KgError):
    """A query the tool will not run as it is: too large, nested too deep, or federated."""

    exit_code = 2


def check_query(text: str, *, services: Iterable[str] = (), source: str = "query") -> None:
    """Refuse ``text`` if it is too large, nested too deep or calls a ``SERVICE`` not in ``services``.

    Raises:
        QueryRefused: with a one-line message naming the limit (or the endpoint) and how to proceed.
    """
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryRefused(too_large_message(source))
    tokens = list(_tokens(text))
    depth = nesting(tokens)
    if depth > MAX_NESTING:
        raise QueryRefused(f"{source}: the query is nested {depth} levels deep, deeper than the limit of "
                           f"{MAX_NESTING} (brackets, negations, sub-queries and chains of UNION, OPTIONAL, "
                           "BIND or operators count); flatten it or use VALUES / IN lists")
    for endpoint in service_endpoints(tokens):
        if endpoint is None or endpoint not in set(services):
            named = f"<{endpoint}>" if endpoint else "an endpoint given by a variable or relative IRI"
            raise QueryRefused(f"{source}: SERVICE {named} refused: federated queries would let the query make "
                               "requests to other servers; allow an endpoint with --allow-service URL")


def too_large_message(source: str = "query") -> str:
    return (f"{source}: the query is larger than the limit of {MAX_QUERY_BYTES:,} bytes; "
            "a longer list of values belongs in the graph, not in the query")


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` of every token but spaces and comments."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            yield kind, match.group()


def nesting(tokens: list[tuple[str, str]]) -> int:
    """How deep the query's tree can be: open brackets, runs of unary operators and, in each
    bracket, the chained operators and keywords that Oxigraph nests one inside the other."""
    chains = [0]  # per open bracket: chained items so far
    deepest = unary = chained = 0  # chained: the sum of chains
    for kind, token in tokens:
        if token in _OPEN:
            chained += token == "{"
            chains[-1] += token == "{"  # groups side by side are joined one inside the other
            chains.append(0)
        elif token in _CLOSE:
            if len(chains) > 1:
                chained -= chains.pop()
        elif (kind == "op" and token in _CHAINED) or (kind == "word" and token.upper() in _CHAINED):
            chains[-1] += 1
            chained += 1
        unary = unary + 1 if kind == "op" and token in _UNARY else 0
        deepest = max(deepest, len(chains) + chained + unary)
    return deepest


def _is_service(kind: str, token: str) -> bool:
    # Oxigraph matches keywords without a word boundary: "SERVICEex:x" is SERVICE ex:x, and
    # "trueSERVICE" may be true SERVICE; no bare word or prefix of ours contains "service".
    if kind == "word":
        return "service" in token.lower()
    return kind == "pname" and "service" in token.partition(":")[0].lower()


def service_endpoints(tokens: list[tuple[str, str]]) -> Iterator[str | None]:
    """The absolute IRI each ``SERVICE`` calls, or None where it cannot be known before running
    (a variable, a relative IRI, a keyword glued to its neighbour)."""
    prefixes = dict(PREFIXES)
    for i, (kind, token) in enumerate(tokens):
        if kind == "word" and token.upper() == "PREFIX" and i + 2 < len(tokens):
            (name_kind, name), (iri_kind, iri) = tokens[i + 1], tokens[i + 2]
            if name_kind == "pname" and name.endswith(":") and iri_kind == "iri":
                prefixes[name[:-1]] = iri[1:-1]
    for i, (kind, token) in enumerate(tokens):
        if not _is_service(kind, token):
            continue
        rest = tokens[i + 1:i + 3]
        if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
            rest = rest[1:]
        yield _absolute(token.upper() == "SERVICE" and rest[:1], prefixes)


def _absolute(term: list, prefixes: dict[str, str]) -> str | None:
    if not term:
        return None
    kind, token = term[0]
    iri = None
    if kind == "iri":
        iri = token[1:-1]
    elif kind == "pname":
        prefix, _, local = token.partition(":")
        iri = prefixes[prefix] + local if prefix in prefixes and "\\" not in local else None
    return iri if iri and re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri) else None
