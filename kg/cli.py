"""The ``kg`` command: thin wrappers that parse options and call the library."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import click

from .errors import KgError
from .paths import DEFAULT_GRAPH


def library_errors(func):
    """Turn a KgError into a message and its exit code: 2 for bad input on the command line, else 1
    (the rule in :mod:`kg.errors`; never a traceback)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            from .table import printable

            error = click.ClickException(printable(str(exc)))
            error.exit_code = getattr(exc, "exit_code", 1)
            raise error from exc

    return wrapper


graph_option = click.option(
    "--graph", "graph", type=click.Path(path_type=Path), default=None,
    help=f"Graph to read: a file in any format kg build writes, or an Oxigraph database folder "
         f"(kg build -o DIR). Default: the built-in {DEFAULT_GRAPH.name}.")


def setting_option(flag: str, name: str, **options):
    """An option whose default and help come from the settings table (:mod:`kg.settings`)."""
    from .settings import SETTINGS

    entry = SETTINGS[name]
    return click.option(flag, name.split("_", 1)[1], default=entry.default, show_default=True, help=entry.help,
                        **options)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kg")
def cli():
    """A knowledge graph of Fujian's metropolitan and regional planning documents.

    Regions, parks, corridors, projects and agencies with the relations locatedIn,
    responsibleFor and connects, every fact traced to the sentence that states it.

    \b
    Example:
        kg build ../shared/corpus -o fujian.ttl
        kg stats --graph fujian.ttl
    """


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: unwinds the command so that every ``finally`` and atomic write cleans up."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.outcome = "output files were left unchanged"


def interruptible(func):
    """Exit with 128 + the signal number and one line on SIGINT/SIGTERM (never a traceback).

    The signal becomes an exception where the command is, so temporary files are removed and
    outputs keep their previous content; a second signal during that cleanup is ignored.
    """

    @wraps(func)
    def wrapper(*args, **kwargs):
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return func(*args, **kwargs)  # signals are delivered to the main thread only

        def handler(signum, frame):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            raise Interrupted(signum)

        previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return func(*args, **kwargs)
        except (Interrupted, KeyboardInterrupt) as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            outcome = getattr(exc, "outcome", "output files were left unchanged")
            click.echo(f"kg: interrupted by {signal.Signals(signum).name}; {outcome}", err=True)
            sys.exit(128 + signum)
        finally:
            for s, h in previous.items():
                signal.signal(s, h)

    return wrapper


@contextmanager
def _several_files() -> Iterator[None]:
    """An interruption of a command writing a folder of files says what is left (each file is atomic)."""
    try:
        yield
    except Interrupted as exc:
        exc.outcome = "files written before it are complete, none is half-written"
        raise


def _identity(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return ()
    return info.st_dev, info.st_ino, info.st_mtime_ns


def _default_jobs() -> int:
    from .pipeline.runner import cpu_count

    return cpu_count()


@cli.command()
@click.argument("corpus_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="File to write; the format comes from the extension (.ttl .nt .nq .trig .jsonld .rdf), "
                   "'-' writes Turtle to standard output; a folder (DIR/) receives an Oxigraph database.")
@click.option("--format", "fmt", default=None, help="RDF format name, overriding the extension (turtle, ntriples, "
                                                     "nquads, trig, jsonld, rdfxml), or oxigraph for a database.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=_default_jobs, show_default="the number of cores",
              help="Documents processed in parallel; the output is the same for any number.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder keeping each document's extraction, so that a rebuild only extracts changed "
                   "documents. Default: $KG_CACHE_DIR or the user cache folder (~/.cache/kg).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@interruptible
@library_errors
def build(corpus_dir: Path, output: Path, fmt: str | None, jobs: int, cache_dir: Path | None, no_cache: bool,
          quiet: bool):
    """Build the knowledge graph of the .txt documents in CORPUS_DIR.

    Documents may be UTF-8, UTF-16 with a byte-order mark, or GB18030/GBK; a MANIFEST.csv beside
    them adds titles, issuers and dates. The output is replaced atomically (a failed or interrupted
    build leaves it as it was) and is byte-identical for the same input. Documents are extracted
    in parallel, and only those changed since the last build are extracted again.

    \b
    Example:
        kg build ../shared/corpus -o data/kg.ttl
        kg build ../shared/corpus -o fujian.nt --jobs 4
        kg build ../shared/corpus -o - --format jsonld --no-cache > fujian.jsonld
    """
    from .pipeline.build import build_file
    from .table import format_table, printable

    show = not quiet and sys.stderr.isatty()
    bar = click.progressbar(length=1, label="extracting", file=sys.stderr) if show else None

    def progress(doc_id: str, done: int, total: int) -> None:
        if bar is not None:
            bar.length = total
            bar.update(1, doc_id)

    cache = False if no_cache else cache_dir or True
    before = _identity(output)
    try:
        try:
            report = build_file(corpus_dir, output, fmt=fmt, progress=progress, jobs=jobs, cache=cache)
        finally:
            if bar is not None:
                bar.render_finish()
        for warning in report.warnings:
            click.echo(f"warning: {printable(warning)}", err=True)
        if not quiet:
            click.echo(f"{report.output}: {report.triples} triples from {report.documents} documents "
                       f"({report.extracted} extracted, {report.reused} from the cache; {report.jobs} jobs), "
                       f"{report.mentions} mentions", err=True)
            click.echo(format_table(["entities", "count"], [[t, n] for t, n in report.entities.items()]), err=True)
            click.echo(format_table(["relation", "count"], [[p, n] for p, n in report.relations.items()]), err=True)
    except Interrupted as exc:
        if str(output) != "-" and _identity(output) != before:  # the signal came after the atomic rename
            exc.outcome = f"{output} had been written completely"
        raise


@cli.command()
@graph_option
@click.option("--top", default=10, show_default=True, help="How many best-connected entities to list.")
@interruptible
@library_errors
def stats(graph: Path | None, top: int):
    """Counts by type and relation, the documents, and the best-connected entities.

    \b
    Example:
        kg stats
        kg stats --graph fujian.ttl --top 20
    """
    from .outputs.stats import graph_stats
    from .store import open_store
    from .table import format_table, printable

    s = graph_stats(open_store(graph), top=top)
    click.echo(f"{printable(str(graph or DEFAULT_GRAPH))}: {s.triples} triples, the ontology's included\n")
    click.echo(format_table(["type", "entities"], [[t, n] for t, n in s.entities.items()]) + "\n")
    click.echo(format_table(["relation", "edges"], [[p, n] for p, n in s.relations.items()]) + "\n")
    click.echo(f"parks, projects and corridors with neither locatedIn nor connects: {s.placeable - s.placed} of "
               f"{s.placeable} ({s.unplaced_share:.1%})\n")
    click.echo(format_table(["document", "title", "mentions"], [list(d) for d in s.documents]) + "\n")
    click.echo(format_table(["entity", "type", "degree"], [list(t) for t in s.top]))


@cli.command()
@graph_option
@click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Check the graph as written (none), or as a reasoning store sees it after RDFS or OWL-RL "
                   "inference with the ontology (slower: about a minute for the built-in graph).")
@interruptible
@library_errors
def validate(graph: Path | None, inference: str):
    """Check a graph against the SHACL shapes of ontology/shapes.ttl (exit 1 on violations).

    Progress goes to standard error, shape by shape; the report to standard output.

    \b
    Example:
        kg validate
        kg validate --graph fujian.ttl
        kg validate --inference rdfs
    """
    from .outputs.validate import validate_graph
    from .table import printable

    report = validate_graph(graph or DEFAULT_GRAPH, inference=inference,
                            progress=lambda line: click.echo(printable(line), err=True))
    click.echo(printable(report.text))
    if not report.conforms:
        raise click.ClickException(f"{report.violations} SHACL violation(s)")


@cli.command()
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder with chunks.json and one <chunk>.json of annotations per chunk.")
@graph_option
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the annotated documents. Default: $KG_CORPUS or ../shared/corpus.")
@click.option("--details/--no-details", default=True, show_default=True, help="List missed and spurious items.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the figures and lists as JSON to this file.")
@interruptible
@library_errors
def evaluate(gold_dir: Path, graph: Path | None, corpus_dir: Path | None, details: bool, json_path: Path | None):
    """Precision, recall and F1 of a graph against hand-annotated chunks, per type and relation.

    The gold format and matching rules are described in kg/outputs/evaluate.py (and ../shared/gold/GUIDELINES.md).

    \b
    Example:
        kg evaluate --gold ../shared/gold/dev
        kg evaluate --gold my-annotations --graph fujian.ttl --corpus my-plans --json scores.json
    """
    import json

    from .outputs.evaluate import evaluate as run_evaluation
    from .paths import default_corpus_dir
    from .serialize import check_output, reading, write_atomic
    from .store import open_store
    from .table import format_table, printable

    inputs = (graph or DEFAULT_GRAPH, gold_dir, corpus_dir or default_corpus_dir())
    if json_path:
        with reading(*inputs):
            check_output(json_path)  # before the work, not after it
    result = run_evaluation(open_store(graph), gold_dir, corpus_dir or default_corpus_dir())
    scores = [*result.scores.items(), *((f"{name} (micro)", result.total(name)) for name in ("ent", "rel"))]
    rows = [[key, f"{s.precision:.3f}", f"{s.correct}/{s.predicted}", f"{s.recall:.3f}", f"{s.found}/{s.required}",
             f"{s.f1:.3f}"] for key, s in scores]
    click.echo(format_table(["item", "P", "correct/predicted", "R", "found/required", "F1"], rows))
    click.echo("predicted: items of the graph inside the annotated chunks; required: gold items not marked "
               "optional (a prediction may also match an optional gold item, so predicted can exceed required)")
    found = sum(result.found_by.values())
    origins = ", ".join(f"{n} {k}" for k, n in sorted(result.found_by.items()))
    click.echo(f"\nfound entities from curated name lists: {result.found_by.get('curated name list', 0)} of {found} "
               f"({result.curated_share:.1%}; {origins or 'none'})")
    if details:
        for title, items in (("missed", result.missed), ("spurious", result.spurious)):
            for key in sorted(items):
                click.echo(f"\n{key} {title} ({len(items[key])})")
                for item in items[key]:
                    click.echo(f"  {printable(str(item))}")
    if json_path:
        with reading(*inputs):
            write_atomic(json_path, json.dumps(result.to_json(), ensure_ascii=False, indent=1).encode("utf-8"))


def _names_option(known_attr: str, what: str):
    """A click callback turning ``a,b`` into checked names (usage error, exit 2, when unknown)."""
    def callback(ctx, param, value):
        from .outputs import visualize
        from .model import TYPES

        known = TYPES if known_attr == "TYPES" else visualize.RELATION_NAMES
        try:
            return visualize.parse_names(value, known, what)
        except KgError as exc:
            raise click.BadParameter(str(exc)) from exc

    return callback


def _city_usage_errors(func):
    """An unknown or ambiguous CITY is a usage error (exit 2) with the closest names."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        from .outputs.subgraph import UnknownCity

        try:
            return func(*args, **kwargs)
        except UnknownCity as exc:
            raise click.BadParameter(str(exc), param_hint="CITY") from exc

    return wrapper


@cli.command()
@graph_option
@click.option("--city", default=None, help="Draw only the subgraph of this city or county (福州, 福州市, 榕, Fuzhou, "
                                           "仓山区 …).")
@click.option("--type", "types", callback=_names_option("TYPES", "type"),
              help="Keep only nodes of these types, comma-separated: Region,Park,Corridor,Project,Agency.")
@click.option("--relation", "relations", callback=_names_option("RELATIONS", "relation"),
              help="Keep only edges of these relations (locatedIn,responsibleFor,connects,memberOf,jurisdiction) "
                   "and the nodes they join.")
@click.option("--layout", type=click.Choice(["force", "map"]), default="force", show_default=True,
              help="force: springs computed in Python; map: places at their real coordinates, the rest around them.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="HTML file to write ('-' for standard output). Default: kg-viz.html, or <code>-<city>.html "
                   "with --city.")
@click.option("--all-cities", "all_cities", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Write a page per prefecture-level city, one of the whole graph and an index.html "
                                  "into DIR.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser afterwards.")
@interruptible
@library_errors
@_city_usage_errors
def viz(graph: Path | None, city: str | None, types: tuple, relations: tuple, layout: str, output: Path | None,
        all_cities: Path | None, open_page: bool):
    """Write an interactive page of the graph: one self-contained HTML file that works offline.

    Nodes are coloured and shaped by type and sized by degree; search by Chinese, pinyin,
    English name or alias; click a node for its documents and the sentence behind each
    relation; double-click a city to open its page. Landmarks are labelled at every zoom;
    townships start folded into their county and unconnected entities hidden (a check box each).
    With --open and no browser at hand, says so and where the page is.

    \b
    Example:
        kg viz --open
        kg viz --city 福州 -o fuzhou.html
        kg viz --type Park,Project --relation locatedIn --layout map -o parks.html
        kg viz --all-cities site/
    """
    from .outputs import visualize

    if all_cities is not None:
        if city or types or relations or output:
            raise click.UsageError("--all-cities takes no --city, --type, --relation or -o")
        with _several_files():
            written = visualize.write_city_pages(all_cities, graph, layout=layout)
        click.echo(f"{len(written)} pages written to {all_cities}", err=True)
        target = all_cities / "index.html"
    else:
        target = visualize.write_page(output, graph, city=city, types=types, relations=relations, layout=layout)
        if str(target) != "-":
            click.echo(f"{target}: written", err=True)
    if open_page and str(target) != "-":
        _open_in_browser(target)


def _open_in_browser(page: Path) -> None:
    """Open ``page`` in the web browser, or say that none could be and where the page is."""
    import webbrowser

    try:
        opened = webbrowser.open(page.resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if opened:
        click.echo(f"opened {page} in the web browser", err=True)
    else:
        click.echo(f"no web browser could be opened here (none found, or it failed); the page is at "
                   f"{page.resolve()}: open that file in a browser", err=True)


def _export_formats() -> list[str]:
    """The formats kg export writes: its RDF ones by every name and alias of kg.serialize.FORMATS, then the others."""
    from .serialize import FORMATS

    rdf = [name for f in FORMATS if f.name in ("turtle", "ntriples", "jsonld", "rdfxml") for name in (f.name, *f.aliases)]
    return list(dict.fromkeys(["ttl", "nt", "jsonld", "rdf", *rdf, "graphml", "gexf", "csv", "html"]))


@cli.command()
@click.argument("city", required=False)
@graph_option
@click.option("--format", "fmt", type=click.Choice(_export_formats(), case_sensitive=False), default=None,
              help="Output format. Default: from the extension of -o, else ttl.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write ('-' for standard output); with --all-cities, the folder. csv writes nodes.csv and "
                   "edges.csv into a .zip file or a folder. Default: <code>-<city>.<ext> here.")
@click.option("--no-provenance", is_flag=True, help="Only entities and relations: no mentions, statements, "
                                                    "evidence sentences or documents.")
@click.option("--all-cities", "all_cities", is_flag=True,
              help="One file per prefecture-level city into the folder -o, with index.csv (counts).")
@interruptible
@library_errors
@_city_usage_errors
def export(city: str | None, graph: Path | None, fmt: str | None, output: Path | None, no_provenance: bool,
           all_cities: bool):
    """Export the subgraph of CITY: RDF, GraphML/GEXF for Gephi, CSV tables, or the viz page.

    CITY is any name or alias of a prefecture-level city or county-level division (福州,
    福州市, 榕, Fuzhou, 仓山区, 长乐市 …). The subgraph holds the city, every region in it and
    what lies there, routes connecting it (with their far ends), the agencies responsible,
    the planning regions it belongs to, and the provenance of every statement.

    \b
    Example:
        kg export 福州 -o fuzhou.ttl
        kg export Fuzhou --format graphml -o fuzhou.graphml
        kg export 仓山区 --format csv -o cangshan.zip
        kg export 厦门 --format jsonld --no-provenance -o - | head
        kg export --all-cities --format gexf -o cities/
    """
    from .outputs import export as exporter

    provenance = not no_provenance
    if all_cities:
        if city or output is None:
            raise click.UsageError("--all-cities takes no CITY and needs -o DIR")
        with _several_files():
            results = exporter.export_all_cities(output, graph, fmt=fmt, provenance=provenance)
        for result in results:
            click.echo(f"{result.city.name}: {result.entities} entities, {result.relations} relations, "
                       f"{result.triples} triples", err=True)
        return
    if not city:
        raise click.UsageError("missing CITY (or --all-cities)")
    result, where = exporter.export_city(city, output, graph, fmt=fmt, provenance=provenance)
    if where != "-":
        click.echo(f"{where}: {result.city.name}, {result.entities} entities, {result.relations} relations, "
                   f"{result.triples} triples", err=True)


def _absolute_url(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        if not value.lower().startswith(("http://", "https://")) or any(c in value for c in " <>\"{}|^`\\"):
            raise click.BadParameter(f"expected an absolute http(s) URL, got {value!r}", param=param)
    return values


allow_service_option = click.option(
    "--allow-service", "services", multiple=True, metavar="URL", callback=_absolute_url,
    help="Let SERVICE call this endpoint (repeatable; exactly this URL). Without it, federated queries "
         "are refused: they would make requests to other servers.")


@cli.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read the query from a .rq file ('-' reads standard input).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter of the query, e.g. --param city=福州 (repeatable). Names are looked up in "
                   "the graph; IRIs (div:350100) are taken as they are.")
@graph_option
@click.option("--format", "fmt", default=None,
              help="table, csv, tsv, json, xml for SELECT/ASK; turtle, ntriples, nquads, trig, jsonld, rdfxml or table "
                   "for CONSTRUCT/DESCRIBE. Default: from -o's extension, else table on a terminal, csv or turtle in a pipe.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the answer to this file (replaced atomically) instead of standard output.")
@setting_option("--timeout", "query_timeout", type=click.FloatRange(min=0))
@setting_option("--max-rows", "query_max_rows", type=click.IntRange(min=0))
@click.option("--list", "list_queries", is_flag=True, help="List the questions of the query library and exit.")
@allow_service_option
@interruptible
@library_errors
def query(query: str | None, file: Path | None, params: tuple[str, ...], graph: Path | None, fmt: str | None,
          output: Path | None, timeout: float, max_rows: int, list_queries: bool, services: tuple[str, ...]):
    """Ask the graph a question in SPARQL: a query text, a .rq file or a library question by NAME.

    Runs on Oxigraph over the graph and its ontology; the prefixes kg:, rdf:, rdfs:, owl:, skos:,
    dcterms:, prov:, nif:, itsrdf:, geo:, xsd: and one per kind of resource (div:350100,
    park:…, region:…, corridor:…, project:…, agency:…, doc:…) are predeclared. Tables cut long cells;
    csv, tsv and json keep everything. A syntax error exits with status 2; a query stopped by
    --timeout or an answer past --max-rows exits with status 1 and writes nothing. A query over
    1 MB or nested deeper than 500 levels, or one calling a SERVICE not allowed with
    --allow-service, is refused with status 2 before it runs.

    \b
    Example:
        kg query --list
        kg query parks_in_city --param city=福州
        kg query connections_between_cities -p city1=福州 -p city2=厦门 --format json
        kg query 'SELECT ?park WHERE { ?park a kg:Park ; kg:locatedIn+ div:350200 }'
        kg query -f my.rq --graph fujian.ttl -o answer.csv --timeout 600 --max-rows 0
        kg query city_subgraph -p city=厦门 --format turtle > xiamen.ttl
    """
    from .paths import ONTOLOGY_FILE
    from .serialize import check_output, reading
    from .sparql.query import answer, library_listing

    if list_queries:
        click.echo(library_listing())
        return
    bindings = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--param")
        bindings[name.strip()] = value
    with reading(graph or DEFAULT_GRAPH, ONTOLOGY_FILE, file):
        if output is not None and str(output) != "-":
            check_output(output)  # before the query runs
        data = answer(query, file=file, params=bindings, graph=graph, fmt=fmt, output=output,
                      terminal=sys.stdout.isatty(), timeout=timeout, max_rows=max_rows, services=services)
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@cli.command()
@graph_option
@setting_option("--host", "serve_host")
@setting_option("--port", "serve_port")
@setting_option("--timeout", "serve_timeout")
@setting_option("--max-mb", "serve_max_mb")
@setting_option("--workers", "serve_workers")
@click.option("--cors", is_flag=True, help="Let web pages of other origins (e.g. YASGUI) query the endpoint.")
@allow_service_option
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Answer requests for this host name too (repeatable); besides it, only localhost and IP "
                   "addresses are served, so that DNS rebinding cannot reach the endpoint.")
@click.option("--read-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a client may take to send its request, or to take each part of an answer.")
@library_errors
def serve(graph: Path | None, host: str, port: int, timeout: float, max_mb: int, workers: int, cors: bool,
          services: tuple[str, ...], allow_hosts: tuple[str, ...], read_timeout: float):
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with a query page for the browser.

    GET or POST /sparql (SPARQL 1.1 Protocol; JSON, XML, CSV, TSV or Turtle by the Accept
    header), GET /store?default (Graph Store Protocol), and the query page at /. Updates and
    writes are refused; a query that runs past --timeout or answers more than --max-mb is
    stopped with an error. Listens on 127.0.0.1 only unless --host says otherwise. SERVICE is
    refused unless --allow-service names the endpoint; other host names (--allow-host) and
    pages of other sites (--cors) are refused. GET /health reports the query workers.

    \b
    Example:
        kg serve
        kg serve --graph fujian.ttl --port 8080 --timeout 10
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s a kg:Park } LIMIT 5' localhost:7878/sparql
    """
    from .sparql.server import serve as run_server
    from .sparql.workers import Limits

    run_server(graph, host=host, port=port, workers=workers, cors=cors, allow_hosts=allow_hosts,
               read_timeout=read_timeout, log=click.echo,
               limits=Limits(timeout=timeout, max_bytes=max_mb * 1024 * 1024, services=services))


@cli.command()
@graph_option
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL 1.1 Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph), "
                   "http://localhost:3030/DATASET/data (Fuseki).")
@click.option("--graph-iri", default=None, metavar="IRI", help="Named graph to fill (default: the default graph).")
@click.option("--append", is_flag=True, help="Add to the graph (POST) instead of replacing it (PUT).")
@click.option("--user", default=None, envvar="KG_PUSH_USER",
              help="User name, for servers that ask for one (also $KG_PUSH_USER).")
@click.option("--password", default=None, envvar="KG_PUSH_PASSWORD", show_envvar=True,
              help="The user's password; better from $KG_PUSH_PASSWORD (command lines are visible to other users "
                   "of the machine). Asked for when missing. Never printed.")
@setting_option("--chunk", "push_chunk_triples", type=click.IntRange(min=1))
@setting_option("--retries", "push_retries", type=click.IntRange(min=1))
@setting_option("--timeout", "push_timeout", type=click.FloatRange(min=1))
@interruptible
@library_errors
def push(graph: Path | None, endpoint: str, graph_iri: str | None, append: bool, user: str | None,
         password: str | None, chunk_triples: int, retries: int, timeout: float):
    """Load the graph and its ontology into any SPARQL 1.1 Graph Store Protocol server.

    Replaces the target graph (PUT), so pushing again after a rebuild leaves one up-to-date copy;
    --append merges instead (POST). A large graph goes in parts of --chunk triples (the first
    PUT, the rest POSTed). Works with Oxigraph, Apache Jena Fuseki, GraphDB and Virtuoso
    Open-Source: a server that asks for a password (Basic or Digest) is asked first, before
    any data is sent, and a part whose connection fails is sent again.

    \b
    Example:
        kg push --endpoint http://localhost:7878/store --graph-iri https://w3id.org/fjkg/graph
        kg push --graph fujian.ttl --endpoint http://localhost:3030/fujian/data
        KG_PUSH_PASSWORD=secret kg push --endpoint http://localhost:8890/sparql-graph-crud-auth \\
            --graph-iri https://w3id.org/fjkg/graph --user dba
    """
    from .sparql.push import push as push_graph

    if user and password is None:
        password = click.prompt(f"password for {user}", hide_input=True, err=True)
    report = push_graph(graph, endpoint, graph_iri=graph_iri, append=append, user=user, password=password,
                        chunk=chunk_triples, retries=retries, timeout=timeout)
    click.echo(f"{report.triples} triples sent to {report.url} in {report.parts} part(s) "
               f"({report.method} first, HTTP {report.status})")


def main() -> None:  # pragma: no cover - console-script entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
