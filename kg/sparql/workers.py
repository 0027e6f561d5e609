"""The query workers behind ``kg serve``: processes that hold the dataset and answer jobs.

Each worker loads the dataset (graph and ontology) into its own pyoxigraph store. A query that
runs past the time limit is stopped by ending its worker, and a fresh one takes its place: an
engine running inside the server process could not be interrupted. Answers are serialised by
Oxigraph inside the worker, in the negotiated format, and cut off at a size limit.

A supervisor keeps the pool at its size: a worker that dies (killed, out of memory) is replaced,
and a replacement that fails to load (the graph file moved) is retried with growing pauses, the
reason logged once. :meth:`QueryWorkers.health` says how many workers are answering.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..errors import KgError
from ..serialize import FORMATS
from ..settings import setting
from .limits import LimitedSink

SOLUTION_TYPES = {  # media type -> pyoxigraph QueryResultsFormat name; the first is the default
    "application/sparql-results+json": "JSON", "application/json": "JSON",
    "application/sparql-results+xml": "XML", "application/xml": "XML", "text/xml": "XML",
    "text/csv": "CSV", "text/tab-separated-values": "TSV",
}
# media type -> kg.serialize format name; the first (Turtle) is the default
GRAPH_TYPES = {f.media_type: f.name for f in FORMATS} | {"text/plain": "ntriples"}


class Reply(NamedTuple):
    """An HTTP answer from the workers."""

    status: int
    media: str
    body: bytes
    retry_after: int | None = None  # seconds, for a 503 that says the server is busy


@dataclass(frozen=True)
class Limits:
    timeout: float = float(setting("serve_timeout"))  # seconds a query may run
    max_bytes: int = int(setting("serve_max_mb")) * 1024 * 1024  # size of one answer
    services: tuple[str, ...] = ()  # endpoints SERVICE may call (none: federation is off)


BACKOFF = (0.5, 30.0)  # seconds between attempts to start a worker: first, longest (doubling)


class ResultTooLarge(Exception):
    pass


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """The media type of ``offered`` that the ``Accept`` header prefers (the first one for ``*/*``).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_TYPES)
    'application/sparql-results+xml'
    >>> negotiate("text/html", SOLUTION_TYPES) is None
    True
    """
    choices = list(offered)
    wanted = []
    for position, item in enumerate((accept or "*/*").split(",")):
        media, *params = [part.strip() for part in item.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            wanted.append((-q, position, media.lower()))
    for _, _, media in sorted(wanted):
        if media == "*/*":
            return choices[0]
        if media.endswith("/*"):
            match = [c for c in choices if c.startswith(media[:-1])]
            if match:
                return match[0]
        elif media in offered:
            return media
    return None


def execute(store, job: dict, max_bytes: int, services: tuple[str, ...] = ()) -> tuple[int, str, bytes]:
    """Run one job in a worker: ``(HTTP status, media type, body)``."""
    import pyoxigraph as ox

    from ..prefixes import PREFIXES
    from ..serialize import check_xml_characters, prefix_options, rdf_format
    from .guard import QueryRefused, check_query
    from .query import one_line, result_form, syntax_message

    def error(status: int, message: str) -> tuple[int, str, bytes]:
        return status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")

    try:
        if job["kind"] == "library":
            return 200, "application/json", library_examples(store)
        if job["kind"] == "graph":
            graph = ox.NamedNode(job["graph"]) if job.get("graph") else ox.DefaultGraph()
            result = (q.triple for q in store.quads_for_pattern(None, None, None, graph))
            form = "triples"
        else:
            options = {"prefixes": PREFIXES}
            if job.get("default_graph"):
                options["default_graph"] = [ox.NamedNode(iri) for iri in job["default_graph"]]
            if job.get("named_graphs"):
                options["named_graphs"] = [ox.NamedNode(iri) for iri in job["named_graphs"]]
            check_query(job["query"], services=services)  # before the engine parses or fetches anything
            result = store.query(job["query"], **options)
            form = result_form(result)
    except QueryRefused as exc:
        return error(400, str(exc))
    except SyntaxError as exc:
        return error(400, syntax_message(job.get("query", ""), str(exc)))
    except (ValueError, OSError, RuntimeError) as exc:
        return error(400, f"cannot run the query: {one_line(exc)}")
    offered = GRAPH_TYPES if form == "triples" else SOLUTION_TYPES
    media = negotiate(job.get("accept"), offered)
    if media is None:
        return error(406, f"cannot answer in {job.get('accept')}; this answer can be: {', '.join(offered)}")
    buffer = LimitedSink(max_bytes, len, ResultTooLarge)
    try:
        if form == "triples":
            fmt = rdf_format(offered[media])
            ox.serialize(result, buffer, format=fmt.oxigraph, **prefix_options(fmt, PREFIXES))
        else:
            result.serialize(buffer, format=getattr(ox.QueryResultsFormat, offered[media]))
    except ResultTooLarge:
        return error(507, f"the answer is larger than the server's limit of {max_bytes // 1024 // 1024} MB "
                          "(kg serve --max-mb); add LIMIT or narrow the query")
    except (ValueError, OSError, RuntimeError) as exc:
        return error(500, f"the query failed while running: {one_line(exc)}")
    body = buffer.getvalue()
    if "xml" in media:
        try:
            check_xml_characters(body, "the answer", "JSON, CSV or TSV" if form != "triples" else "Turtle or N-Triples")
        except KgError as exc:
            return error(406, str(exc))
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else ""
    return 200, media + charset, body


def library_examples(store) -> bytes:
    """The query library as JSON for the query page: each question with its example values bound."""
    from .library import bound_text, load_library
    from .lookup import resolve

    examples = []
    for q in load_library().values():
        bindings, labels, missing = {}, [], []
        for name, value in q.example.items():
            try:
                resolved = resolve(store, q.parameter(name).type, value, parameter=name)
            except KgError:  # a graph without the example's entity: the question is shown unbound
                missing.append(f"{name}={value}")
                continue
            bindings[name] = resolved.term
            labels.append(f"{name} = {resolved.label}")
        text = bound_text(q, bindings, note=f"参数 / parameters: {'; '.join(labels)}" if labels else "")
        if missing:
            text = (text.rstrip("\n") + f"\n# 示例值不在此图中，参数未绑定（回答所有值）/ the example value {', '.join(missing)} "
                    "is not in this graph: the parameter is left unbound (every value)\n")
        examples.append({"name": q.name, "title": q.title, "zh": q.zh, "en": q.en, "form": q.form, "query": text,
                         "params": [{"name": p.name, "type": p.type, "optional": p.optional,
                                     "description": p.description} for p in q.params]})
    return json.dumps(examples, ensure_ascii=False, indent=1).encode("utf-8")


def _worker_main(conn, graph: str | None, max_bytes: int, services: tuple[str, ...]) -> None:
    """A worker process: load the dataset once, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which ends its workers
    from ..store import open_store, size_of

    try:
        store = open_store(graph)
    except KgError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", size_of(store, graph)))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = execute(store, job, max_bytes, services)
        except Exception as exc:  # a bug must cost one answer, not the worker
            reply = (500, "text/plain; charset=utf-8", f"internal error: {exc!r}\n".encode())
        conn.send(reply)


class _Worker:
    def __init__(self, context, graph: str | None, limits: Limits):
        self.busy = False
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, graph, limits.max_bytes, limits.services),
                                       daemon=True)
        self.process.start()
        child.close()
        try:
            status, detail = self.conn.recv() if self.conn.poll(3600) else ("error", "the worker did not start")
        except (EOFError, OSError):
            how = _death(self.process)
            status, detail = "error", f"the query worker stopped while loading {graph or 'the graph'} ({how})"
        if status != "ready":
            self.stop()
            raise KgError(detail)
        self.triples = detail

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


def _death(process) -> str:
    process.join(5)
    code = process.exitcode
    return f"killed by signal {-code}" if code and code < 0 else f"exit status {code}; out of memory?"


class QueryWorkers:
    """Worker processes that run queries with a time limit (see the module docstring)."""

    def __init__(self, graph: str | Path | None, size: int = 2, limits: Limits | None = None, log=print):
        self.graph = str(graph) if graph else None
        self.size, self.limits, self.log = max(1, size), limits or Limits(), log
        self.problem: str | None = None  # why the pool is short of workers, while it is
        self._told: set[str] = set()  # problems logged since the pool was last whole
        self._context = multiprocessing.get_context("spawn")
        self._started: list[_Worker] = []
        self._idle: asyncio.Queue | None = None
        self._refill: asyncio.Task | None = None

    def start(self) -> int:
        """Start the workers (each loads the dataset); returns how many triples it holds.

        Raises:
            KgError: the graph cannot be read (the message names the file).
        """
        self._started = [self._new_worker() for _ in range(self.size)]
        return self._started[0].triples

    def _new_worker(self) -> _Worker:
        return _Worker(self._context, self.graph, self.limits)

    def watch(self) -> None:
        """Start watching the workers from the running event loop (the server's start-up)."""
        self._ready_queue()

    def _ready_queue(self) -> asyncio.Queue:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._started:
                self._arrived(worker)
        return self._idle

    def _arrived(self, worker: _Worker) -> None:
        """A started worker joins the idle queue and is watched: its death starts a replacement."""
        loop = asyncio.get_running_loop()
        loop.add_reader(worker.process.sentinel, self._died, worker)
        self._idle.put_nowait(worker)

    def _died(self, worker: _Worker) -> None:
        asyncio.get_running_loop().remove_reader(worker.process.sentinel)
        if not worker.busy and worker in self._started:  # a busy one is replaced by the job's run()
            self._replace(worker)
            self._report(f"a query worker died while idle ({_death(worker.process)}); starting another")

    def health(self) -> dict:
        """``status`` (ok, degraded: fewer workers than asked for, down: none), ``workers``, ``size``, ``problem``."""
        alive = sum(1 for worker in self._started if worker.process.is_alive())
        status = "ok" if alive >= self.size else "degraded" if alive else "down"
        return {"status": status, "workers": alive, "size": self.size, "problem": self.problem}

    async def run(self, job: dict) -> Reply:
        """Run ``job`` on an idle worker; a job past the time limit ends with a 503.

        A job waits for an idle worker at most half the time limit (so a client waits at most 1.5
        times the limit in all, and a worker freed by a stopped query is not raced for); then it
        ends with a 503 that says the server is busy, with ``Retry-After``. With no worker running
        (they cannot be started), it ends with a 503 at once, saying why.
        """
        idle = self._ready_queue()
        worker = await self._take(idle)
        if worker is None:
            return self._unavailable()
        loop = asyncio.get_running_loop()
        worker.busy = True
        try:
            worker.conn.send(job)
            if await loop.run_in_executor(None, worker.conn.poll, self.limits.timeout):
                reply = await loop.run_in_executor(None, worker.conn.recv)
                worker.busy = False
                idle.put_nowait(worker)
                return Reply(*reply)
            message = (f"the query ran longer than the server's limit of {self.limits.timeout:g} s "
                       "(kg serve --timeout) and was stopped")
            status = 503
        except (EOFError, OSError):
            message, status = "the query worker stopped unexpectedly; try again", 500
        self._replace(worker)
        if status == 500:
            self._report(f"a query worker died while answering ({_death(worker.process)}); starting another")
        return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    async def _take(self, idle: asyncio.Queue) -> _Worker | None:
        """An idle worker that is alive, waiting at most half the time limit; None if none came."""
        deadline = asyncio.get_running_loop().time() + self.limits.timeout / 2
        while self._started or self.problem is None:
            try:
                worker = await asyncio.wait_for(idle.get(), max(0.0, deadline - asyncio.get_running_loop().time()))
            except asyncio.TimeoutError:
                return None
            if worker in self._started and worker.process.is_alive():
                return worker
            if worker in self._started:  # died just now, before its watcher said so
                self._died(worker)
        return None

    def _unavailable(self) -> Reply:
        if not self._started and self.problem:
            message = f"no query worker is running: {self.problem}; kg serve keeps trying to start one"
        else:
            message = (f"all {self.size} query workers stayed busy for {self.limits.timeout / 2:g} s "
                       "(kg serve --workers, --timeout); try again later")
        return Reply(503, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"),
                     retry_after=max(1, round(self.limits.timeout / 2)))

    def _replace(self, worker: _Worker) -> None:
        """Retire ``worker`` and make sure the supervisor brings the pool back to its size."""
        if worker not in self._started:
            return
        self._started.remove(worker)
        asyncio.get_running_loop().remove_reader(worker.process.sentinel)
        worker.stop()
        if self._refill is None or self._refill.done():
            self._refill = asyncio.get_running_loop().create_task(self._supervise())

    async def _supervise(self) -> None:
        """Start workers until the pool has its size again, pausing longer after each failure."""
        loop = asyncio.get_running_loop()
        pause = BACKOFF[0]
        while len(self._started) < self.size:
            try:
                worker = await loop.run_in_executor(None, self._new_worker)
            except KgError as exc:
                self._report(f"cannot start a query worker: {exc}; retrying with growing pauses")
                await asyncio.sleep(pause)
                pause = min(pause * 2, BACKOFF[1])
                continue
            self._started.append(worker)
            self._arrived(worker)
        if self.problem:
            self.log(f"kg serve: all {self.size} query workers are running again")
            self.problem = None
            self._told.clear()

    def _report(self, problem: str) -> None:
        """Log ``problem`` in one line, once until the pool is whole again."""
        if problem not in self._told:
            self.log(f"kg serve: {problem} ({len(self._started)} of {self.size} query workers running)")
            self._told.add(problem)
        self.problem = problem

    def close(self) -> None:
        if self._refill is not None:
            self._refill.cancel()
        for worker in list(self._started):
            worker.stop()
        self._started = []
