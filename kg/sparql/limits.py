"""Bounds on one query: a time limit kept by a child process, and a row limit.

pyoxigraph evaluates a query inside Rust code that no Python thread can interrupt, so a query
with a time limit runs in a child process that is killed when the time is up (``kg serve``
keeps such processes running, see ``kg.sparql.workers``; ``kg query`` starts one per query). On Linux
the child is forked, which costs milliseconds, and dies with its parent; elsewhere it is
spawned and imports kg again.

The row limit is counted while the answer is written, so a huge answer is refused after
``max_rows`` rows, not after it has filled the memory.
"""
from __future__ import annotations

import io
import multiprocessing
import signal
import sys
import time
import traceback
from collections.abc import Callable

from ..errors import KgError
from ..settings import setting

DEFAULT_TIMEOUT = float(setting("query_timeout"))  # seconds
DEFAULT_MAX_ROWS = int(setting("query_max_rows"))


class QueryTimeout(KgError):
    """The query ran past its time limit and was stopped."""


class TooManyRows(KgError):
    """The answer has more rows (or triples) than the row limit allows."""


def too_many_rows(max_rows: int, unit: str = "rows") -> TooManyRows:
    return TooManyRows(f"the answer has more than {max_rows:,} {unit}, the limit (--max-rows N, 0 for no limit); "
                       "add LIMIT to the query or narrow it")


class LimitedSink(io.RawIOBase):
    """A binary sink that keeps what is written and raises ``exceeded()`` as soon as the
    ``measure`` of all of it passes ``limit``: bytes of an HTTP answer, lines of TSV rows."""

    def __init__(self, limit: int, measure: Callable[[bytes], int], exceeded: Callable[[], Exception]):
        super().__init__()
        self.limit, self.measure, self.exceeded = limit, measure, exceeded
        self.size, self.parts = 0, []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.size += self.measure(data)
        if self.size > self.limit:
            raise self.exceeded()
        self.parts.append(data)
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def run_in_child(work: Callable[..., bytes], args: tuple, *, timeout: float | None) -> bytes:
    """``work(*args, ready=callback)`` in a child process, killed if it runs too long.

    ``work`` calls ``ready()`` once its preparations are done (graph loaded, parameters bound);
    the clock starts then, so ``timeout`` bounds the query, not the loading of a large graph.
    ``work`` must be a module-level function and ``args`` picklable (for spawned children).

    Returns:
        The bytes ``work`` returned.

    Raises:
        QueryTimeout: more than ``timeout`` seconds (None or 0: no limit) after ``ready()``.
        KgError: whatever ``work`` raised (the same class, message and attributes), or the
            child died (killed, out of memory).
    """
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, work, args), daemon=True)
    process.start()
    send.close()
    try:
        deadline = None
        while True:
            if not receive.poll(None if deadline is None else max(0.0, deadline - time.monotonic())):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s, its time limit, and was stopped "
                                   "(--timeout SECONDS, 0 for no limit)")
            kind, value = receive.recv()
            if kind == "ready":
                deadline = time.monotonic() + timeout if timeout else None
            elif kind == "ok":
                return receive.recv_bytes()
            elif kind == "error":
                raise value
            else:
                raise RuntimeError(f"the query process failed:\n{value}")
    except EOFError:
        process.join(5)
        code = process.exitcode
        how = f"killed by signal {-code}" if code and code < 0 else f"exit status {code}"
        raise KgError(f"the query process stopped unexpectedly ({how}; out of memory?)") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()


def _child(conn, work: Callable[..., bytes], args: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's; it kills this process
    _die_with_parent()
    try:
        data = work(*args, ready=lambda: conn.send(("ready", None)))
    except KgError as exc:
        reply = ("error", exc)
    except MemoryError:
        reply = ("error", KgError("the query ran out of memory; add LIMIT or narrow it"))
    except BaseException:  # a bug: its traceback goes to the parent, which raises it
        reply = ("crash", traceback.format_exc())
    else:
        conn.send(("ok", len(data)))
        conn.send_bytes(data)
        return
    try:
        conn.send(reply)
    except Exception:  # an error that cannot be pickled still arrives, as text
        conn.send(("crash", "".join(traceback.format_exception_only(reply[1]))))


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, so that no query outlives ``kg query``."""
    if sys.platform != "linux":
        return
    import ctypes
    import os

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before the request took effect
        os._exit(1)
