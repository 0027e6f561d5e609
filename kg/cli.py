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
@click.option("--gold", "gold_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder with chunks.json and one <chunk>.json of annotations per chunk.")
@graph_option
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the annotated documents. Default: $KG_CORPUS or ../shared/corpus.")
@click.option("--details/--no-details", default=True, show_default=True, help="List missed and spurious items.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the figures and lists as JSON to this file.")
@library_errors
def evaluate(gold_dir: Path, graph: Path | None, corpus_dir: Path | None, details: bool, json_path: Path | None):
    """Precision, recall and F1 of a graph against hand-annotated chunks, per type and relation.

    The gold format and matching rules are described in kg/evaluate.py (and ../shared/gold/GUIDELINES.md).

    \b
    Example:
        kg evaluate --gold ../shared/gold/dev
        kg evaluate --gold my-annotations --graph fujian.ttl --corpus my-plans --json scores.json
    """
    import json

    from .evaluate import evaluate as run_evaluation
    from .paths import default_corpus_dir
    from .serialize import load_store, write_atomic
    from .table import format_table

    result = run_evaluation(load_store([graph or DEFAULT_GRAPH]), gold_dir, corpus_dir or default_corpus_dir())
    rows = [[key, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", f"{s.predicted}/{s.required}"]
            for key, s in result.scores.items()]
    for name in ("ent", "rel"):
        s = result.total(name)
        rows.append([f"{name} (micro)", f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", f"{s.predicted}/{s.required}"])
    click.echo(format_table(["item", "P", "R", "F1", "predicted/gold"], rows))
    if details:
        for title, items in (("missed", result.missed), ("spurious", result.spurious)):
            for key in sorted(items):
                click.echo(f"\n{key} {title} ({len(items[key])})")
                for item in items[key]:
                    click.echo(f"  {item}")
    if json_path:
        write_atomic(json_path, json.dumps(result.to_json(), ensure_ascii=False, indent=1).encode("utf-8"))


def main() -> None:  # pragma: no cover - console-script entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
