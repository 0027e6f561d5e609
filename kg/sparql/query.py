"""``kg query``: SPARQL over the graph on Oxigraph, with the query library and parameters.

The dataset a query sees is the graph plus the ontology (``ontology/kg.ttl``), both in the
default graph, so queries can walk ``rdfs:subClassOf`` and show the Chinese names of classes.
The prefixes of ``kg.prefixes.PREFIXES`` are predeclared; a query may declare its own.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import KgError, UnknownFormat
from ..prefixes import PREFIXES, prefixed_name, slash_hint
from .guard import MAX_QUERY_BYTES, QueryRefused, check_query, too_large_message
from .library import LibraryQuery, UnknownParameter, library_query, load_library, parse_query
from .limits import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, LimitedSink, too_many_rows

RESULT_FORMATS = {  # SPARQL results formats (and table) -> the file extensions that choose them
    "table": (".txt",), "csv": (".csv",), "tsv": (".tsv",), "json": (".srj", ".json"), "xml": (".srx", ".xml"),
}
TABLE_CELL_WIDTH = 60  # display columns; longer cells are cut in tables (csv/json keep everything)


class QuerySyntaxError(KgError):
    """The query is not valid SPARQL; the message gives the line and column."""

    exit_code = 2


def run(store, text: str, bindings: dict | None = None, *, source: str = "query", services: tuple[str, ...] = ()):
    """Run the SPARQL query ``text`` on ``store`` with ``bindings`` ({variable name: term}).

    Bindings are pre-bound by the engine (SEP-0007 substitution), not written into the text;
    Oxigraph accepts only variables the query projects (or a sub-select does). The text is
    checked first (:func:`kg.sparql.guard.check_query`): ``SERVICE`` may call only the endpoints
    in ``services``.

    Returns:
        pyoxigraph's answer: ``QuerySolutions`` (SELECT), ``QueryBoolean`` (ASK) or
        ``QueryTriples`` (CONSTRUCT, DESCRIBE), to pass to :func:`format_result`.

    Raises:
        QuerySyntaxError: the query does not parse (message with line and column).
        QueryRefused: too large, nested too deep, or a ``SERVICE`` not allowed.
        UnknownParameter: a bound variable the query does not project.
    """
    import pyoxigraph as ox

    check_query(text, services=services, source=source)
    substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    try:
        result = store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
    except SyntaxError as exc:
        raise QuerySyntaxError(syntax_message(text, str(exc), source)) from exc
    except RuntimeError as exc:
        missing = re.search(r"does not contains? variable \?(\w+)", str(exc))
        if missing:
            raise UnknownParameter(f"{source}: cannot bind ?{missing.group(1)}: it must be in the SELECT "
                                   "projection (or a sub-select's) to be given as a parameter") from exc
        raise KgError(f"{source}: {one_line(exc)}") from exc
    except OSError as exc:  # a SERVICE call that failed
        raise KgError(f"{source}: the query failed: {one_line(exc)}") from exc
    return result


def one_line(error: BaseException) -> str:
    """An engine error as one line (a SERVICE endpoint's answer may hold many)."""
    text = " ".join(str(error).split())
    return text if len(text) <= 300 else text[:299] + "…"


_PROLOGUE = re.compile(r"\s+|#[^\n]*|(?:PREFIX\s+[^\s:]*:\s*|BASE\s+)<[^>]*>", re.IGNORECASE)
_UPDATE = re.compile(r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


def update_operation(text: str) -> str | None:
    r"""The SPARQL Update operation ``text`` starts with (``INSERT``, ``DROP`` …), or None.

    >>> update_operation("PREFIX ex: <http://e/#>  # add one\ninsert data { ex:a ex:b ex:c }")
    'INSERT'
    >>> update_operation("SELECT * WHERE { ?s ?p ?o }") is None
    True
    """
    position = 0
    while match := _PROLOGUE.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    update = _UPDATE.match(text, position)
    return update.group(1).upper() if update else None


def syntax_message(text: str, error: str, source: str = "query") -> str:
    """``source:line:column: message``, the offending line and a caret under the column."""
    operation = update_operation(text)
    if operation:
        return (f"{source}: {operation} is SPARQL Update, and the graph is read-only here: only queries "
                "(SELECT, ASK, CONSTRUCT, DESCRIBE) are answered; kg build makes a new graph")
    match = re.match(r"error at (\d+):(\d+): (.*)", error, re.DOTALL)
    if not match:
        return f"{source}: syntax error: {error}"
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.splitlines() or [""]
    code = lines[line - 1] if 0 < line <= len(lines) else ""
    rest = "\n".join([code[max(column - 1, 0):], *lines[line:]])
    if not rest.strip() and text.strip():  # the parser ran out of text: point after the last word
        line = max(i for i, ln in enumerate(lines, 1) if ln.strip())
        code, column = lines[line - 1], len(lines[line - 1].rstrip()) + 1
        detail = "the query ends too early (an unclosed { or ( or a missing term?); " + detail
    if "Prefix not found" in detail:
        prefixes = re.findall(r"(?<![\w<#/])([A-Za-z][\w-]*):", code[:column])
        detail = f"unknown prefix {prefixes[-1] + ':' if prefixes else ''} (declare it with PREFIX)"
    detail = " ".join(detail.split())
    if len(detail) > 160:
        detail = detail[:157] + "…"
    hint = slash_hint(text)
    if hint:
        detail = f"{detail}; {hint}"
    from ..table import display_width

    caret = " " * display_width(code[:max(column - 1, 0)]) + "^"
    return f"{source}:{line}:{column}: syntax error: {detail}\n  {code}\n  {caret}"


def bind_parameters(store, query: LibraryQuery, params: dict[str, str]) -> dict:
    """The RDF terms ``params`` ({name: what the user typed}) stand for, checked against the header.

    A query without declared parameters takes values in Turtle syntax for any variable it uses.

    Raises:
        UnknownParameter: a parameter the query does not declare, or a required one missing.
    """
    from .lookup import resolve

    if not query.params:
        for name in params:
            if not re.search(rf"[?$]{re.escape(name)}\b", query.text):
                raise UnknownParameter(f"query {query.name!r} declares no parameters and has no variable ?{name}")
        return {name: resolve(store, "term", value, parameter=name).term for name, value in params.items()}
    declared = {name: query.parameter(name) for name in params}  # an unknown name raises here
    missing = [p.name for p in query.params if not p.optional and p.name not in params]
    if missing:
        expected = "; ".join(f"{p.name} ({p.type}{', optional' if p.optional else ''}): {p.description}"
                             for p in query.params)
        raise UnknownParameter(f"query {query.name!r} needs {', '.join(missing)}; parameters: {expected}")
    return {name: resolve(store, declared[name].type, value, parameter=name).term for name, value in params.items()}


def find_query(query: str | None = None, file: str | Path | None = None) -> LibraryQuery:
    """The query a user means: a library name, SPARQL text, or a file (``-`` for standard input).

    Raises:
        QueryRefused: a query (or file) larger than ``MAX_QUERY_BYTES``, found before more is read.
    """
    if file is not None:
        if query:
            raise UnknownParameter("give a query as text, as a library name or with -f FILE, not two of them")
        return read_query_file(Path(file))
    if not query:
        raise UnknownParameter(f"no query given: a SPARQL text, -f FILE or one of: {', '.join(load_library())}")
    if re.fullmatch(r"[\w-]+", query.strip()):
        return library_query(query.strip())
    if len(query.encode("utf-8", errors="surrogatepass")) > MAX_QUERY_BYTES:
        raise QueryRefused(too_large_message())
    return parse_query(query, "query")


def read_query_file(path: Path) -> LibraryQuery:
    """A query read from a file (``-``: standard input), at most ``MAX_QUERY_BYTES`` of it, so that
    ``/dev/zero`` or an endless pipe is refused instead of filling the memory."""
    import sys

    name = "stdin" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        else:
            with open(path, "rb") as stream:
                data = stream.read(MAX_QUERY_BYTES + 1)
        text = data.decode("utf-8")
    except FileNotFoundError as exc:
        raise KgError(f"{path}: no such query file") from exc
    except UnicodeDecodeError as exc:
        if len(data) > MAX_QUERY_BYTES:
            raise QueryRefused(too_large_message(name)) from exc
        raise KgError(f"{name}: cannot read the query: not UTF-8 (byte {exc.start})") from exc
    except OSError as exc:
        raise KgError(f"{name}: cannot read the query: {exc.strerror or exc}") from exc
    if len(data) > MAX_QUERY_BYTES:
        raise QueryRefused(too_large_message(name))
    return parse_query(text, "stdin" if str(path) == "-" else path.stem, None if str(path) == "-" else path)


def result_form(result) -> str:
    """``solutions``, ``boolean`` or ``triples``: the kind of a pyoxigraph query answer."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(result, ox.QuerySolutions) else "triples"


def sorted_triples(result, max_rows: int | None = None) -> list:
    """The triples of a CONSTRUCT or DESCRIBE answer, without duplicates, in a fixed order.

    Raises:
        TooManyRows: more than ``max_rows`` distinct triples (counted as they arrive).
    """
    triples = set()
    for triple in result:
        triples.add(triple)
        if max_rows and len(triples) > max_rows:
            raise too_many_rows(max_rows, "triples")
    return sorted(triples, key=_triple_key)


def _triple_key(triple) -> tuple[str, str, str]:
    return str(triple.subject), str(triple.predicate), str(triple.object)


def format_result(result, fmt: str, *, max_rows: int | None = None) -> bytes:
    """``result`` (from :func:`run`) in ``fmt``: a result format (table, csv, tsv, json, xml) for
    SELECT and ASK, an RDF format (turtle, ntriples, jsonld, rdfxml, …) or table for triples.

    Raises:
        UnknownFormat: a format that does not fit the kind of result.
        TooManyRows: more than ``max_rows`` rows or triples (None or 0: no limit).
    """
    import pyoxigraph as ox

    from ..serialize import FORMATS, check_xml_characters, prefix_options, rdf_format

    form = result_form(result)
    if form == "triples" and fmt in RESULT_FORMATS and fmt != "table":
        names = ", ".join(["table", *(f.name for f in FORMATS)])
        raise UnknownFormat(f"{fmt} is a format for SELECT and ASK results; CONSTRUCT and DESCRIBE give RDF: "
                            f"use one of {names}")
    if form != "triples" and fmt not in RESULT_FORMATS:
        raise UnknownFormat(f"unknown result format {fmt!r} for a {'SELECT' if form == 'solutions' else 'ASK'} "
                            f"query; known: {', '.join(RESULT_FORMATS)}")
    if fmt == "table":
        return (_table(result, form, max_rows) + "\n").encode("utf-8")
    if form == "triples":
        target = rdf_format(fmt)
        triples = sorted_triples(result, max_rows)
        data = ox.serialize(triples, format=target.oxigraph, **prefix_options(target, PREFIXES))
        return check_xml_characters(data, "the answer") if target.name == "rdfxml" else data
    data = _serialize_solutions(result, form, fmt, max_rows)
    return check_xml_characters(data, "the answer", "json, csv or tsv") if fmt == "xml" else data


def _serialize_solutions(result, form: str, fmt: str, max_rows: int | None) -> bytes:
    """SELECT or ASK answers in a SPARQL results format, refused past ``max_rows`` rows."""
    import pyoxigraph as ox

    wanted = getattr(ox.QueryResultsFormat, fmt.upper())
    if not max_rows or form == "boolean":
        return result.serialize(format=wanted)
    # Rows are counted in TSV, one line per row, as Oxigraph writes them; the TSV is then turned
    # into the format asked for (exactly: TSV writes every term in full N-Triples syntax).
    counter = LimitedSink(max_rows + 1, lambda data: data.count(b"\n"), lambda: too_many_rows(max_rows))  # and the header
    result.serialize(counter, format=ox.QueryResultsFormat.TSV)
    tsv = counter.getvalue()
    if fmt == "tsv":
        return tsv
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=wanted)


def compact(term) -> str:
    """A term for people: IRIs as prefixed names one can paste into a query (park:…), literals as their text."""
    if term is None:
        return ""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return prefixed_name(term.value) or term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


_INTEGER_TYPES = {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"}


def _cell(term, width: int = TABLE_CELL_WIDTH):
    import pyoxigraph as ox

    from ..table import display_width

    if isinstance(term, ox.Literal) and term.datatype.value.rsplit("#", 1)[-1] in _INTEGER_TYPES:
        try:
            return int(term.value)
        except ValueError:
            pass
    text = " ".join(compact(term).split())
    if display_width(text) > width:
        while display_width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text


def _table(result, form: str, max_rows: int | None = None) -> str:
    from ..table import format_table

    if form == "boolean":
        return "true" if bool(result) else "false"
    if form == "triples":
        rows = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in sorted_triples(result, max_rows)]
        return format_table(["subject", "predicate", "object"], rows) + f"\n({len(rows)} triples)"
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        if max_rows and len(rows) == max_rows:
            raise too_many_rows(max_rows)
        rows.append([_cell(solution[v]) for v in variables])
    return format_table(variables, rows) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"


def output_format(fmt: str | None, output: str | Path | None, form: str, terminal: bool) -> str:
    """The format to write: the one asked for, else the output file's extension, else a default
    (a table on a terminal; CSV for solutions and Turtle for triples otherwise)."""
    from ..serialize import format_for_path

    if fmt:
        return fmt.lower()
    if output and str(output) != "-":
        suffix = Path(output).suffix.lower()
        for name, extensions in RESULT_FORMATS.items():
            if suffix in extensions and (form != "triples" or name == "table"):
                return name
        return format_for_path(output).name
    if terminal:
        return "table"
    return "turtle" if form == "triples" else "csv"


def answer(query: str | None = None, *, file: str | Path | None = None, params: dict[str, str] | None = None,
           graph: str | Path | None = None, fmt: str | None = None, output: str | Path | None = None,
           terminal: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
           max_rows: int | None = DEFAULT_MAX_ROWS, services: tuple[str, ...] = ()) -> bytes:
    """Everything ``kg query`` does: find the query, bind its parameters, run it, format the answer.

    With a ``timeout`` (seconds; None or 0: none) the query runs in a child process that is
    killed when the time is up (:mod:`kg.sparql.limits`); ``max_rows`` bounds the rows or triples of
    the answer; ``SERVICE`` may call only the endpoints in ``services``. Returns the bytes written
    to ``output`` (atomically) or, without ``output``, to be printed; nothing is written when the
    query fails or is stopped.

    Raises:
        QuerySyntaxError, UnknownQuery, UnknownParameter, UnknownValue, UnknownFormat: (exit 2 or 1).
        QueryRefused: too large, nested too deep or federated (exit 2), before the graph is loaded.
        QueryTimeout: the query ran past ``timeout``.
        TooManyRows: the answer has more than ``max_rows`` rows.
    """
    from ..serialize import write_atomic
    from .limits import run_in_child

    chosen = find_query(query, file)
    check_query(chosen.text, services=services, source=str(chosen.path or chosen.name))
    args = (chosen, params or {}, str(graph) if graph else None, fmt, str(output) if output else None, terminal,
            max_rows, tuple(services))
    data = run_in_child(evaluate, args, timeout=timeout) if timeout else evaluate(*args)
    if output and str(output) != "-":
        write_atomic(output, data)
    return data


def evaluate(query: LibraryQuery, params: dict[str, str], graph: str | None, fmt: str | None, output: str | None,
             terminal: bool, max_rows: int | None, services: tuple[str, ...] = (), ready=lambda: None) -> bytes:
    """Load the dataset, bind ``params``, call ``ready()``, run ``query`` and format its answer."""
    from ..store import open_store

    store = open_store(graph)
    bindings = bind_parameters(store, query, params)
    ready()
    source = str(query.path or query.name)
    result = run(store, query.text, bindings, source=source, services=services)
    try:
        return format_result(result, output_format(fmt, output, result_form(result), terminal), max_rows=max_rows)
    except (OSError, RuntimeError, ValueError) as exc:  # raised by the engine while the answer streams
        raise KgError(f"{source}: the query failed while running: {one_line(exc)}") from exc


def library_listing() -> str:
    """The library as a table: name, question (中文 / English), parameters."""
    from ..table import format_table

    rows = []
    for q in load_library().values():
        params = ", ".join(p.name + ("?" if p.optional else "") for p in q.params)
        example = " ".join(f"--param {k}={v}" for k, v in q.example.items())
        rows.append([q.name, q.title, params or "-", example])
    return format_table(["name", "question", "parameters (? optional)", "example"], rows)
