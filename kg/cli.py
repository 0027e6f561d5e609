"""The ``kg`` command: thin wrappers that parse options and call the library."""
from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path

import click

from .errors import KgError
from .paths import DEFAULT_GRAPH


def library_errors(func):
    """Turn a KgError into a message and exit code 1, or the error's own ``exit_code`` (never a traceback)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            error = click.ClickException(str(exc))
            error.exit_code = getattr(exc, "exit_code", 1)
            raise error from exc

    return wrapper


graph_option = click.option(
    "--graph", "graph", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help=f"Graph file to read (any format kg build writes). Default: the built-in {DEFAULT_GRAPH.name}.")


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


@cli.command()
@click.argument("corpus_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="File to write; the format comes from the extension (.ttl .nt .nq .trig .jsonld .rdf), "
                   "'-' writes Turtle to standard output.")
@click.option("--format", "fmt", default=None, help="RDF format name, overriding the extension (turtle, ntriples, "
                                                     "nquads, trig, jsonld, rdfxml).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@library_errors
def build(corpus_dir: Path, output: Path, fmt: str | None, quiet: bool):
    """Build the knowledge graph of the .txt documents in CORPUS_DIR.

    Documents may be UTF-8 or GB18030/GBK; a MANIFEST.csv beside them adds titles, issuers and
    dates. The output is replaced atomically (a failed build leaves it as it was) and is
    byte-identical for the same input.

    \b
    Example:
        kg build ../shared/corpus -o data/kg.ttl
        kg build ../shared/corpus -o fujian.nt
        kg build ../shared/corpus -o - --format jsonld > fujian.jsonld
    """
    from .build import build_file
    from .table import format_table

    show = not quiet and sys.stderr.isatty()
    bar = click.progressbar(length=1, label="extracting", file=sys.stderr) if show else None

    def progress(doc_id: str, done: int, total: int) -> None:
        if bar is not None:
            bar.length = total
            bar.update(1, doc_id)

    try:
        report = build_file(corpus_dir, output, fmt=fmt, progress=progress)
    finally:
        if bar is not None:
            bar.render_finish()
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if quiet:
        return
    click.echo(f"{report.output}: {report.triples} triples from {report.documents} documents, "
               f"{report.mentions} mentions", err=True)
    click.echo(format_table(["entities", "count"], [[t, n] for t, n in report.entities.items()]), err=True)
    click.echo(format_table(["relation", "count"], [[p, n] for p, n in report.relations.items()]), err=True)


@cli.command()
@graph_option
@click.option("--top", default=10, show_default=True, help="How many best-connected entities to list.")
@library_errors
def stats(graph: Path | None, top: int):
    """Counts by type and relation, the documents, and the best-connected entities.

    \b
    Example:
        kg stats
        kg stats --graph fujian.ttl --top 20
    """
    from .serialize import load_store
    from .stats import graph_stats
    from .table import format_table

    s = graph_stats(load_store([graph or DEFAULT_GRAPH]), top=top)
    click.echo(f"{graph or DEFAULT_GRAPH}: {s.triples} triples\n")
    click.echo(format_table(["type", "entities"], [[t, n] for t, n in s.entities.items()]) + "\n")
    click.echo(format_table(["relation", "edges"], [[p, n] for p, n in s.relations.items()]) + "\n")
    click.echo(format_table(["document", "title", "mentions"], [list(d) for d in s.documents]) + "\n")
    click.echo(format_table(["entity", "type", "degree"], [list(t) for t in s.top]))


@cli.command()
@graph_option
@library_errors
def validate(graph: Path | None):
    """Check a graph against the SHACL shapes of ontology/shapes.ttl (exit 1 on violations).

    \b
    Example:
        kg validate
        kg validate --graph fujian.ttl
    """
    from .validate import validate_graph

    report = validate_graph(graph or DEFAULT_GRAPH)
    click.echo(report.text)
    if not report.conforms:
        raise click.ClickException(f"{report.violations} SHACL violation(s)")


@cli.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read the query from a .rq file ('-' reads standard input).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter of the query, e.g. --param city=福州 (repeatable). Names are looked up in "
                   "the graph; IRIs (kgr:division/350100) are taken as they are.")
@graph_option
@click.option("--format", "fmt", default=None,
              help="table, csv, tsv, json, xml for SELECT/ASK; turtle, ntriples, nquads, trig, jsonld, rdfxml or table "
                   "for CONSTRUCT/DESCRIBE. Default: from -o's extension, else table on a terminal, csv or turtle in a pipe.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the answer to this file (replaced atomically) instead of standard output.")
@click.option("--list", "list_queries", is_flag=True, help="List the questions of the query library and exit.")
@library_errors
def query(query: str | None, file: Path | None, params: tuple[str, ...], graph: Path | None, fmt: str | None,
          output: Path | None, list_queries: bool):
    """Ask the graph a question in SPARQL: a query text, a .rq file or a library question by NAME.

    Runs on Oxigraph over the graph and its ontology; the prefixes kg:, kgr:, rdf:, rdfs:, owl:,
    skos:, dcterms:, prov:, nif:, itsrdf:, geo: and xsd: are predeclared. Tables cut long cells;
    csv, tsv and json keep everything. A syntax error exits with status 2.

    \b
    Example:
        kg query --list
        kg query parks_in_city --param city=福州
        kg query connections_between_cities -p city1=福州 -p city2=厦门 --format json
        kg query 'SELECT ?park WHERE { ?park a kg:Park ; kg:locatedIn+ kgr:division\\/350200 }'
        kg query -f my.rq --graph fujian.ttl -o answer.csv
        kg query city_subgraph -p city=厦门 --format turtle > xiamen.ttl
    """
    from .query import answer, library_listing

    if list_queries:
        click.echo(library_listing())
        return
    bindings = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--param")
        bindings[name.strip()] = value
    data = answer(query, file=file, params=bindings, graph=graph, fmt=fmt, output=output,
                  terminal=sys.stdout.isatty())
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@cli.command()
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the endpoint to other machines.")
@click.option("--port", default=7878, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds a query may run before it is stopped.")
@click.option("--max-mb", default=64, show_default=True, help="Largest answer, in megabytes.")
@click.option("--workers", default=2, show_default=True, help="Query processes (each holds the graph in memory).")
@click.option("--cors", is_flag=True, help="Let web pages of other origins (e.g. YASGUI) query the endpoint.")
@library_errors
def serve(graph: Path | None, host: str, port: int, timeout: float, max_mb: int, workers: int, cors: bool):
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with a query page for the browser.

    GET or POST /sparql (SPARQL 1.1 Protocol; JSON, XML, CSV, TSV or Turtle by the Accept
    header), GET /store?default (Graph Store Protocol), and the query page at /. Updates and
    writes are refused; a query that runs past --timeout or answers more than --max-mb is
    stopped with an error. Listens on 127.0.0.1 only unless --host says otherwise.

    \b
    Example:
        kg serve
        kg serve --graph fujian.ttl --port 8080 --timeout 10
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s a kg:Park } LIMIT 5' localhost:7878/sparql
    """
    from .server import serve as run_server
    from .workers import Limits

    run_server(graph, host=host, port=port, workers=workers, cors=cors,
               limits=Limits(timeout=timeout, max_bytes=max_mb * 1024 * 1024), log=click.echo)


@cli.command()
@graph_option
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL 1.1 Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph), "
                   "http://localhost:3030/DATASET/data (Fuseki).")
@click.option("--graph-iri", default=None, metavar="IRI", help="Named graph to fill (default: the default graph).")
@click.option("--append", is_flag=True, help="Add to the graph (POST) instead of replacing it (PUT).")
@click.option("--user", default=None, help="User name, for servers that ask for one; the password is read from "
                                           "$KG_PUSH_PASSWORD or asked for.")
@library_errors
def push(graph: Path | None, endpoint: str, graph_iri: str | None, append: bool, user: str | None):
    """Load the graph and its ontology into any SPARQL 1.1 Graph Store Protocol server.

    Replaces the target graph (PUT), so pushing again after a rebuild leaves one up-to-date copy;
    --append merges instead (POST). Works with Oxigraph, Apache Jena Fuseki, GraphDB and Virtuoso.

    \b
    Example:
        kg push --endpoint http://localhost:7878/store --graph-iri https://w3id.org/fjkg/graph
        kg push --graph fujian.ttl --endpoint http://localhost:3030/fujian/data
        KG_PUSH_PASSWORD=secret kg push --endpoint http://localhost:8890/sparql-graph-crud-auth \\
            --graph-iri https://w3id.org/fjkg/graph --user dba
    """
    import os

    from .push import push as push_graph

    password = None
    if user:
        password = os.environ.get("KG_PUSH_PASSWORD") or click.prompt(f"password for {user}", hide_input=True)
    report = push_graph(graph, endpoint, graph_iri=graph_iri, append=append, user=user, password=password)
    click.echo(f"{report.triples} triples sent to {report.url} ({report.method}, HTTP {report.status})")


def main() -> None:  # pragma: no cover - console-script entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
