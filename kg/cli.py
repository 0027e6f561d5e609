"""The ``kg`` command: thin wrappers that parse options and call the library."""
from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path

import click

from .errors import KgError
from .paths import DEFAULT_GRAPH


def library_errors(func):
    """Turn a KgError into a one-line message and exit code 1 (never a traceback)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            raise click.ClickException(str(exc)) from exc

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


def _identity(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return ()
    return info.st_dev, info.st_ino, info.st_mtime_ns


def _default_jobs() -> int:
    from .pipeline import cpu_count

    return cpu_count()


@cli.command()
@click.argument("corpus_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="File to write; the format comes from the extension (.ttl .nt .nq .trig .jsonld .rdf), "
                   "'-' writes Turtle to standard output.")
@click.option("--format", "fmt", default=None, help="RDF format name, overriding the extension (turtle, ntriples, "
                                                     "nquads, trig, jsonld, rdfxml).")
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
    from .build import build_file
    from .table import format_table

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
            click.echo(f"warning: {warning}", err=True)
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


def main() -> None:  # pragma: no cover - console-script entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
