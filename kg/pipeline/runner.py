"""Running the build over a corpus folder: the stages of :mod:`kg.pipeline.stages`, in processes.

1. *load* (this process): list, read and decode every document, in file-name order, so that a bad
   file stops the build before any work and the same file is always reported.
2. *normalize, segment, extract* (per document, in ``jobs`` processes): a document's
   segmentation and mentions go to an :class:`~kg.pipeline.cache.ExtractionStore` (the cache, or a
   spill folder), and only the mentions come back. A document found in the cache is not
   extracted again. Long documents are processed in parts (see :mod:`kg.pipeline.parts`).
3. *resolve* (this process): entities across all documents.
4. *relate* (per document, in ``jobs`` processes): each reads its segmentation back.

Results are merged in document order, so any ``jobs`` gives byte-identical output.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import DamagedEntry, ExtractionStore, default_cache_dir, pipeline_fingerprint
from ..errors import CorpusNotFound, KgError
from .load import decode, find_documents, load_manifest, make_document, read_bytes
from ..model import Corpus, Document, Entity, Mention, Relation
from . import stages as pipeline
from .stages import Stages

Progress = Callable[[str, int, int], None]  # (document id, done, total)


@dataclass(frozen=True)
class RunStats:
    """How a run went: documents built, extracted this time, and taken from the cache."""

    documents: int
    extracted: int
    reused: int
    characters: int
    jobs: int
    seconds: dict[str, float] = field(default_factory=dict)  # wall time by stage: read, extract, resolve, relate


# ------------------------------------------------------------------ work done in worker processes
@dataclass(frozen=True)
class _Source:
    """A document handed to a worker; a worker process gets it without its text and reads the file
    (sending a 50 MB text through a pipe would hold it three times in memory)."""

    doc: Document
    key: str  # in the store
    digest: str  # SHA-256 of the file's bytes when the build read it

    def document(self) -> Document:
        if self.doc.text:
            return self.doc
        data = read_bytes(self.doc.path)
        if hashlib.sha256(data).hexdigest() != self.digest:
            raise KgError(f"{self.doc.path}: changed while the build was running; build again")
        return replace(self.doc, text=decode(data, self.doc.path)[0])


_state: dict = {}


def _init_worker(store: ExtractionStore, stages: Stages, entities: dict[str, Entity] | None, parent: int = 0) -> None:
    """Set up a worker (``parent``: the build's process id, for a worker process; 0 in-process)."""
    _state.update(store=store, stages=stages, entities=entities)
    if parent:
        # Collect this worker's garbage, but never walk the objects inherited from the build
        # (walking them would also copy every page the fork shares).
        gc.freeze()
        gc.enable()
        # Ctrl-C reaches the whole process group: the parent handles it and stops the workers.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # Stopped by the parent: leave at once (a half-written store entry is removed by the parent).
        signal.signal(signal.SIGTERM, lambda *_: os._exit(128 + signal.SIGTERM))
        _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Have Linux send this worker SIGTERM when the build process dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the build died before this worker got here
        os._exit(128 + signal.SIGTERM)


def _extract_task(source: _Source) -> tuple[list[Mention], bool, str]:
    """(mentions, reused, warning) of one document, from the store or by extracting it; a damaged
    entry is extracted again, with a warning."""
    store: ExtractionStore = _state["store"]
    key = source.key
    warning = ""
    try:
        mentions = store.load_mentions(key)
    except DamagedEntry as exc:
        mentions, warning = None, f"{source.doc.path}: damaged cache entry ({exc}), extracted again"
    if mentions is not None:
        return mentions, True, warning
    doc = source.document()
    mentions = []

    def parts():
        for part, part_mentions in pipeline.extract_document(doc, _state["stages"]):
            mentions.extend(part_mentions)
            yield part

    with _naming_bugs(doc, "extraction"):
        store.save(key, parts(), mentions)
    return mentions, False, warning


@contextmanager
def _naming_bugs(doc: Document, stage: str) -> Iterator[None]:
    """A bug (any exception but a KgError) still names the document it happened on."""
    try:
        yield
    except KgError:
        raise
    except Exception as exc:
        raise KgError(f"{doc.path}: {stage} failed ({type(exc).__name__}: {exc}); "
                      "this is a bug in kg, please report it with the file") from exc


def _relate_task(task: tuple[_Source, list[Mention]]) -> list[Relation]:
    source, mentions = task
    doc = source.document()
    stages = _state["stages"]
    args = (mentions, _state["entities"], stages)
    with _naming_bugs(doc, "relating"):
        try:
            return pipeline.relate_document(_state["store"].iter_parts(source.key, doc), *args)
        except DamagedEntry:  # changed since extraction: segment again
            return pipeline.relate_document(pipeline.prepare(doc, stages), *args)


@contextmanager
def _mapper(jobs: int, sources: list[_Source], store: ExtractionStore, stages: Stages,
            entities=None) -> Iterator[tuple]:
    """``(map, sources)``: ``map(func, items)`` in this process, or over a pool of ``jobs``
    processes, and the sources as that map should send them."""
    workers = min(jobs, len(sources))
    if workers <= 1:
        _init_worker(store, stages, entities)
        try:
            yield map, sources
        finally:
            _state.clear()
        return
    # fork shares the loaded dictionaries with the workers; elsewhere fork is unsafe or missing.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    # A process pool that notices a worker dying (killed, out of memory) instead of waiting forever.
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                   initargs=(store, stages, entities, os.getpid()))
    chunk = max(1, min(16, len(sources) // (workers * 4)))

    def pool_map(func, items):
        try:
            yield from executor.map(func, items, chunksize=chunk)
        except BrokenProcessPool as exc:
            raise KgError(f"a worker process ended abruptly (killed, or out of memory?); try fewer --jobs "
                          f"than {workers}") from exc

    finished = False
    try:
        yield pool_map, [replace(s, doc=replace(s.doc, text="")) for s in sources]
        finished = True
    finally:
        if not finished:  # an error or an interruption: stop the workers now, not after their tasks
            # (no public way before Python 3.14's terminate_workers)
            stop = getattr(executor, "terminate_workers", None)
            if stop:
                stop()
            else:
                for process in list((getattr(executor, "_processes", None) or {}).values()):
                    process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)
        if not finished:
            store.discard_unfinished(s.key for s in sources)


# ------------------------------------------------------------------ the driver
@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a build holds millions of objects.

    The build makes no reference cycles worth collecting, but every full collection walks all
    live objects: at 100 times the corpus they took a fifth of the build. Workers collect as
    usual (see ``_init_worker``).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Clock:
    """Wall time of successive stages, in seconds (rounded to ms)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round(now - self._last, 3)
        self._last = now


def open_store(cache: bool | str | Path | None, warnings: list[str]) -> ExtractionStore:
    """The cache folder (``True``: the default one), or a spill folder when ``cache`` is falsy.

    An unusable default cache is a warning; an unusable folder the user named is an error.
    """
    fingerprint = pipeline_fingerprint()
    if cache is True:
        try:
            return ExtractionStore(default_cache_dir(), persistent=True, fingerprint=fingerprint)
        except KgError as exc:
            warnings.append(f"{exc}; building without a cache")
    elif cache:
        return ExtractionStore(Path(cache), persistent=True, fingerprint=fingerprint)
    return ExtractionStore.spill(fingerprint)


def read_corpus(corpus_dir: Path, store: ExtractionStore) -> tuple[list[_Source], list[str]]:
    """Every document (with its text) and its store key; warnings about empty and unlisted files."""
    manifest = load_manifest(corpus_dir)
    paths, warnings = find_documents(corpus_dir)
    listed = {p.relative_to(corpus_dir).as_posix() for p in paths}
    warnings += [f"{corpus_dir / name}: listed in MANIFEST.csv but missing" for name in sorted(set(manifest) - listed)]
    sources = []
    for path in paths:
        data = read_bytes(path)
        text, encoding = decode(data, path)
        if not text or text.isspace():  # (text.strip() would copy a 50 MB text)
            warnings.append(f"{path}: empty document, skipped")
            continue
        doc = make_document(path, corpus_dir, text, encoding, manifest)
        digest = hashlib.sha256(data).hexdigest()
        row = manifest.get(path.relative_to(corpus_dir).as_posix(), {})
        sources.append(_Source(doc, store.key(doc.doc_id, row, digest), digest))
    if not sources:
        raise CorpusNotFound(f"{corpus_dir}: all {len(paths)} .txt documents are empty")
    return sources, warnings


def run_with_stats(corpus_dir: str | Path, *, progress: Progress | None = None, jobs: int = 1,
                   cache: bool | str | Path | None = None) -> tuple[Corpus, RunStats]:
    """Like :func:`run`, and how many documents were extracted or reused."""
    with paused_gc():
        return _run(Path(corpus_dir), progress, jobs, cache)


def _run(corpus_dir: Path, progress: Progress | None, jobs: int, cache) -> tuple[Corpus, RunStats]:
    warnings: list[str] = []
    clock = Clock()
    stages = Stages()
    store = open_store(cache, warnings)
    try:
        sources, read_warnings = read_corpus(corpus_dir, store)
        warnings = read_warnings + warnings
        documents = [s.doc for s in sources]
        clock.lap("read")
        if jobs > 1 and sys.platform.startswith("linux") and not all(store.has(s.key) for s in sources):
            from .segment import domain_tokenizer

            domain_tokenizer()  # loaded once here, shared with the forked workers
        mentions, reused = _extract_all(jobs, sources, store, stages, progress, warnings)
        clock.lap("extract")
        resolution = pipeline.resolve_corpus(documents, mentions, stages)
        clock.lap("resolve")
        relations: set[Relation] = set()
        with _mapper(jobs, sources, store, stages, resolution.entities) as (map_, tasks):
            for doc_relations in map_(_relate_task, [(s, resolution.by_document[s.doc.doc_id]) for s in tasks]):
                relations.update(doc_relations)
    finally:
        store.close()
    corpus = pipeline.assemble(documents, resolution, relations, stages, warnings=warnings)
    clock.lap("relate")
    stats = RunStats(documents=len(documents), extracted=len(documents) - reused, reused=reused,
                     characters=sum(len(d.text) for d in documents), jobs=max(1, min(jobs, len(documents))),
                     seconds=clock.laps)
    return corpus, stats


def _extract_all(jobs: int, sources: list[_Source], store: ExtractionStore, stages: Stages,
                 progress: Progress | None, warnings: list[str]) -> tuple[list[Mention], int]:
    """Every document's mentions, in document order, and how many documents came from the store."""
    mentions: list[Mention] = []
    reused = 0
    with _mapper(jobs, sources, store, stages) as (map_, tasks):
        for i, (doc_mentions, from_cache, warning) in enumerate(map_(_extract_task, tasks)):
            mentions.extend(doc_mentions)
            reused += from_cache
            warnings += [warning] if warning else []
            if progress:
                progress(sources[i].doc.doc_id, i + 1, len(sources))
    return mentions, reused


def run(corpus_dir: str | Path, *, progress: Progress | None = None, jobs: int = 1,
        cache: bool | str | Path | None = None) -> Corpus:
    """Extract everything from the ``.txt`` documents under ``corpus_dir``.

    Args:
        corpus_dir: folder of plans (searched recursively), with an optional ``MANIFEST.csv``.
        progress: called after each document is extracted.
        jobs: processes extracting and relating documents in parallel (same result for any number).
        cache: a folder keeping each document's extraction for the next build, ``True`` for the
            user's cache folder (see :func:`kg.pipeline.cache.default_cache_dir`), or ``None``.

    Raises:
        CorpusNotFound, CorpusEncodingError, ManifestError: bad input, naming the file.
    """
    return run_with_stats(corpus_dir, progress=progress, jobs=jobs, cache=cache)[0]


def cpu_count() -> int:
    """Processors this process may use (the default number of jobs)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
