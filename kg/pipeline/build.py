"""``kg build``: run the pipeline over a corpus and write the graph."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import RELATIONS, TYPES, Corpus
from ..paths import default_corpus_dir
from .runner import Clock, Progress, paused_gc, run, run_with_stats


@dataclass(frozen=True)
class BuildReport:
    """What a build produced: counts for the summary table, warnings, the output path."""

    output: str
    documents: int
    triples: int
    entities: dict[str, int]  # by type
    relations: dict[str, int]  # by property (asserted triples, distinct)
    mentions: int
    warnings: tuple[str, ...] = field(default=())
    extracted: int = 0  # documents extracted in this build
    reused: int = 0  # documents whose extraction came from the cache
    characters: int = 0  # characters of text read
    jobs: int = 1  # processes used
    seconds: dict[str, float] = field(default_factory=dict)  # wall time by stage (read … relate, graph, write)


def corpus_graph_triples(corpus: Corpus):
    from .graph import corpus_triples

    return corpus_triples(corpus, corpus.issuers)


def write_database(folder: str | Path, triples) -> None:
    """Write the built triples (and the ontology) as an Oxigraph database in ``folder``
    (``kg build -o DIR``), with Oxigraph's bulk loader; see :func:`kg.store.write_database`."""
    import pyoxigraph as ox

    from ..serialize import _oxigraph_triples
    from ..store import write_database as write_store

    write_store(folder, (ox.Quad(t.subject, t.predicate, t.object) for t in _oxigraph_triples(triples)))


def build_graph(corpus_dir: str | Path | None = None, *, progress: Progress | None = None, jobs: int = 1,
                cache: bool | str | Path | None = None):
    """The rdflib Graph of ``corpus_dir`` (options as for :func:`build_file`)."""
    from .graph import to_rdflib

    corpus = run(corpus_dir or default_corpus_dir(), progress=progress, jobs=jobs, cache=cache)
    return to_rdflib(corpus_graph_triples(corpus))


def build_file(corpus_dir: str | Path, output: str | Path, *, fmt: str | None = None,
               progress: Progress | None = None, jobs: int = 1,
               cache: bool | str | Path | None = None) -> BuildReport:
    """Build the graph of ``corpus_dir`` and write it to ``output`` (``-`` for standard output).

    The file is replaced atomically: if anything fails, or the build is interrupted, ``output``
    keeps its previous content. The bytes are the same for the same input, whatever ``jobs``.

    Args:
        corpus_dir: folder of ``.txt`` plans, with an optional ``MANIFEST.csv``.
        output: file to write, its format given by the extension unless ``fmt`` names one; a
            folder (or ``fmt="oxigraph"``) receives an Oxigraph database.
        fmt: RDF format name or alias (see :func:`kg.serialize.rdf_format`), or ``oxigraph``.
        progress: called after each document is extracted.
        jobs: processes working on documents in parallel.
        cache: folder keeping each document's extraction between builds, ``True`` for the
            user's cache folder, ``None`` for none.

    Raises:
        KgError: bad input or an unwritable output, with a message naming the file; an output that
            lies inside ``corpus_dir`` or is not a regular file (see :func:`kg.serialize.check_output`).
    """
    from ..prefixes import PREFIXES
    from ..serialize import check_output, format_for_path, rdf_format, reading, write_graph
    from ..store import check_database_target, wants_database

    database = wants_database(output, fmt)
    if not database:
        rdf = rdf_format(fmt) if fmt else format_for_path(output) if str(output) != "-" else rdf_format("turtle")
    with reading(corpus_dir), paused_gc():
        if database:
            check_database_target(output)
        elif str(output) != "-":
            check_output(output)
        corpus, stats = run_with_stats(corpus_dir, progress=progress, jobs=jobs, cache=cache)
        clock = Clock()
        triples = corpus_graph_triples(corpus)
        clock.lap("graph")
        if database:
            write_database(output, triples)
        else:
            write_graph(output, triples, rdf, PREFIXES)
        clock.lap("write")
        seconds = {**stats.seconds, **clock.laps}
    types = Counter(e.type for e in corpus.entities.values())
    relations = Counter(r.predicate for r in {(r.subject, r.predicate, r.object): r for r in corpus.relations}.values())
    return BuildReport(
        output=str(output), documents=len(corpus.documents), triples=len(triples),
        entities={t: types.get(t, 0) for t in TYPES},
        relations={p: relations.get(p, 0) for p in (*RELATIONS, "memberOf")},
        mentions=len(corpus.mentions), warnings=corpus.warnings,
        extracted=stats.extracted, reused=stats.reused, characters=stats.characters, jobs=stats.jobs,
        seconds=seconds,
    )
