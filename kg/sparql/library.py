"""The query library: one ``.rq`` file per planner's question in ``kg/sparql/queries/``.

Each file opens with a comment header that states the question and its parameters::

    # title: 城市中的园区 / Parks in a city
    # zh: 某城市内的全部园区，包括位于其下辖区县、乡镇中的园区。
    # en: Every park in a city, directly or through its districts, counties and towns.
    # param: city (city) — 城市或县级行政区 / a city or county-level division
    # param: kind (class, optional) — 园区类别 / kind of park, e.g. 高新区
    # example: city=福州

A parameter is a variable of the query (``?city``). Left unbound, the query answers for every
value (every city); bound, it answers for one. :func:`bound_text` gives a standalone query with
the values in ``VALUES`` blocks (for other engines and clients); ``kg query`` binds them
with the engine's pre-binding instead (``kg.sparql.query.run``), so every parameter variable must be
projected, by the query or by a sub-select.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import KgError

QUERY_DIR = Path(__file__).parent / "queries"
PARAMETER_TYPES = {
    "city": "a city or county-level division: Chinese or English name, abbreviation or IRI (福州, 福州市, Fuzhou, 榕)",
    "region": "a planning region: name or IRI (福州都市圈, 闽西南协同发展区)",
    "agency": "an agency: name, former name or IRI (福建省发展和改革委员会)",
    "document": "a planning document: identifier, title, part of the title, document number or IRI",
    "entity": "any region, park, corridor, project or agency: name or IRI",
    "class": "a class of the ontology: Chinese or English label or local name (铁路, Railway, kg:Railway)",
    "term": "an RDF term in Turtle syntax: <IRI>, prefixed name, \"text\"@zh, number",
}
_HEADER = re.compile(r"^#\s*(title|zh|en|param|example):\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)(?P<optional>,\s*optional)?\)\s*[—-]+\s*(?P<text>.+)$")


class UnknownQuery(KgError):
    """No library query has that name."""

    exit_code = 2


class UnknownParameter(KgError):
    """A parameter the query does not declare, or a required one left out."""

    exit_code = 2


class QueryFileError(KgError):
    """A query file's comment header is malformed."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # a key of PARAMETER_TYPES
    description: str
    optional: bool = False


@dataclass(frozen=True)
class LibraryQuery:
    """One question of the library (or any query file with such a header)."""

    name: str
    text: str
    title: str = ""  # "中文 / English"
    zh: str = ""
    en: str = ""
    params: tuple[Parameter, ...] = ()
    example: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE: the first of these keywords outside comments."""
        body = "\n".join(line.split("#", 1)[0] if line.lstrip().startswith("#") else line
                         for line in self.text.splitlines())
        match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).upper() if match else "SELECT"

    def parameter(self, name: str) -> Parameter:
        """The declared parameter ``name``.

        Raises:
            UnknownParameter: naming the parameters the query expects.
        """
        for p in self.params:
            if p.name == name:
                return p
        expected = ", ".join(p.name for p in self.params) or "none"
        raise UnknownParameter(f"query {self.name!r} has no parameter {name!r}; expected: {expected}")


def parse_query(text: str, name: str, path: Path | None = None) -> LibraryQuery:
    """A ``LibraryQuery`` from the text of a query, reading its comment header.

    Raises:
        QueryFileError: a ``# param:`` line that does not follow the convention, an unknown
            parameter type, or an example binding an undeclared parameter.
    """
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    example: dict[str, str] = {}
    where = path or name
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            p = _PARAM.match(value)
            if not p or p["type"] not in PARAMETER_TYPES:
                raise QueryFileError(f"{where}:{number}: expected '# param: NAME (TYPE[, optional]) — description' "
                                     f"with TYPE one of {', '.join(PARAMETER_TYPES)}")
            params.append(Parameter(p["name"], p["type"], p["text"], bool(p["optional"])))
        elif key == "example":
            for item in value.split():
                key_, sep, val = item.partition("=")
                if not sep:
                    raise QueryFileError(f"{where}:{number}: expected '# example: NAME=VALUE …'")
                example[key_] = val
        else:
            fields[key] = value
    declared = {p.name for p in params}
    for key_ in example:
        if key_ not in declared:
            raise QueryFileError(f"{where}: example binds {key_!r}, which is not a declared parameter")
    return LibraryQuery(name=name, text=text, title=fields.get("title", ""), zh=fields.get("zh", ""),
                        en=fields.get("en", ""), params=tuple(params), example=example, path=path)


@lru_cache(maxsize=4)
def load_library(folder: Path = QUERY_DIR) -> dict[str, LibraryQuery]:
    """Every ``.rq`` file of ``folder`` by name (file name without ``.rq``), sorted by name."""
    return {path.stem: parse_query(path.read_text(encoding="utf-8"), path.stem, path)
            for path in sorted(folder.glob("*.rq"))}


def library_query(name: str) -> LibraryQuery:
    """The library query called ``name``.

    Raises:
        UnknownQuery: listing the available names.
    """
    library = load_library()
    if name in library:
        return library[name]
    raise UnknownQuery(f"no query called {name!r} in the library; available: {', '.join(library)}")


def query_file(path: Path) -> LibraryQuery:
    """A query read from a file (``-`` reads standard input), with its header if it has one."""
    import sys

    if str(path) == "-":
        return parse_query(sys.stdin.read(), "stdin")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise KgError(f"{path}: no such query file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KgError(f"{path}: cannot read the query: {exc}") from exc
    return parse_query(text, Path(path).stem, Path(path))


def values_block(bindings: dict) -> str:
    """A SPARQL ``VALUES`` clause for ``{name: pyoxigraph term}``.

    The terms are written by pyoxigraph's own N-Triples serialisation, which escapes quotes,
    backslashes and line breaks, so a value can never close the block or add a pattern.

    >>> import pyoxigraph as ox
    >>> print(values_block({"city": ox.NamedNode("https://w3id.org/fjkg/id/division/350100"),
    ...                     "name": ox.Literal('x" } ?s ?p ?o {', language="zh")}))
    VALUES (?city ?name) { (<https://w3id.org/fjkg/id/division/350100> "x\\" } ?s ?p ?o {"@zh) }
    """
    import pyoxigraph as ox

    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or not isinstance(bindings[name], (ox.NamedNode, ox.Literal)):
            raise ValueError(f"cannot bind {name!r} to {bindings[name]!r}")
    variables = " ".join(f"?{n}" for n in names)
    row = " ".join(str(bindings[n]) for n in names)
    return f"VALUES ({variables}) {{ ({row}) }}"


# what may hold braces or keywords without being syntax (comments, strings, IRIs), then the groups
_TOKENS = re.compile("|".join((  # noqa: FLY002 (the parts hold both kinds of triple quotes)
    r"(?P<skip>#[^\n]*", r'"""[\s\S]*?"""', r"'''[\s\S]*?'''", r'"(?:[^"\\\n]|\\.)*"', r"'(?:[^'\\\n]|\\.)*'",
    r'<[^<>"{}|^`\\\x00-\x20]*>)', r"(?P<open>\b(?P<keyword>WHERE|OPTIONAL)\s*\{)", r"(?P<brace>[{}])")),
    re.IGNORECASE)


def _groups(text: str) -> list[tuple[int, str, str]]:
    """``(offset after the brace, WHERE or OPTIONAL, the group's text)`` of every such group, in order."""
    stack: list[tuple[int, str] | None] = []
    groups = []
    for match in _TOKENS.finditer(text):
        if match.group("open"):
            stack.append((match.end(), match.group("keyword").upper()))
        elif match.group("brace") == "{":
            stack.append(None)
        elif match.group("brace") == "}" and stack and (opened := stack.pop()):
            groups.append((opened[0], opened[1], text[opened[0]:match.start()]))
    return sorted(groups)


def bound_text(query: LibraryQuery, bindings: dict, note: str = "") -> str:
    """The query as one standalone SPARQL 1.1 text with ``bindings`` in ``VALUES`` blocks.

    This is what other engines, SPARQL clients and the query page are sent (they know no
    pre-binding). A block opens every ``WHERE`` group, sub-selects included, and every
    ``OPTIONAL`` group that uses a parameter, so the engine starts from the bound value there:
    a trailing block is joined after the rest is evaluated, which made ``city_subgraph`` 6–10
    times slower than the pre-bound query (and Virtuoso ignores it). The answers are those of
    :func:`kg.sparql.query.run`, because every parameter is bound by the pattern (a library
    query never tests ``BOUND(?param)``). A text without ``WHERE {`` gets one trailing block.
    ``note`` becomes a comment line above the first block.

    >>> import pyoxigraph as ox
    >>> q = parse_query("SELECT ?n WHERE { ?c <http://e/n> ?n OPTIONAL { ?c <http://e/m> ?m } "
    ...                 "OPTIONAL { ?n <http://e/o> ?o } } # WHERE { in a comment", "q")
    >>> print(bound_text(q, {"c": ox.NamedNode("http://e/c")}))
    SELECT ?n WHERE {
      VALUES (?c) { (<http://e/c>) }
     ?c <http://e/n> ?n OPTIONAL {
      VALUES (?c) { (<http://e/c>) }
     ?c <http://e/m> ?m } OPTIONAL { ?n <http://e/o> ?o } } # WHERE { in a comment
    """
    if not bindings:
        return query.text
    comment = f"  # {note}\n" if note else ""
    parts, position = [], 0
    for offset, keyword, body in _groups(query.text):
        used = {name: term for name, term in bindings.items() if re.search(rf"[?$]{name}\b", body)}
        if keyword == "OPTIONAL" and not used:
            continue
        block = values_block(bindings if keyword == "WHERE" else used)
        parts += [query.text[position:offset], "\n", "" if parts else comment, f"  {block}\n"]
        position = offset
    if not parts:
        return query.text.rstrip() + "\n" + (comment.lstrip() if note else "") + values_block(bindings) + "\n"
    return "".join(parts) + query.text[position:]
