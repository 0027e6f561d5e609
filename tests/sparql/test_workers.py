"""The query workers behind kg serve (kg.sparql.workers): real worker processes on a copy of the
built-in graph, killed and starved of their graph file to see the pool heal."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal

import pytest

from kg.paths import DEFAULT_GRAPH
from kg.store import open_store
from kg.sparql.workers import SOLUTION_TYPES, Limits, QueryWorkers, execute, negotiate

ASK = {"kind": "query", "query": "ASK { ?p a kg:Park }", "accept": "application/sparql-results+json"}


@pytest.fixture
def graph(tmp_path):
    path = tmp_path / "kg.ttl"
    shutil.copyfile(DEFAULT_GRAPH, path)
    return path


def test_negotiate_prefers_the_highest_quality():
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_TYPES) == "application/sparql-results+xml"
    assert negotiate("*/*", SOLUTION_TYPES) == "application/sparql-results+json"
    assert negotiate("text/html", SOLUTION_TYPES) is None


def test_execute_refuses_service_and_deep_nesting_before_the_engine():
    store = open_store()
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
    status, _, body = execute(store, {**ASK, "query": query}, 1 << 20)
    assert status == 400 and b"--allow-service" in body
    status, _, body = execute(store, {**ASK, "query": "ASK " + "{" * 5000 + "}" * 5000}, 1 << 20)
    assert status == 400 and b"limit of 500" in body


async def until(condition, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the condition never held")


def test_a_killed_worker_is_replaced_and_health_tells_the_truth(graph):
    lines: list[str] = []
    pool = QueryWorkers(graph, 2, Limits(timeout=10), log=lines.append)

    async def scenario():
        assert (await pool.run(ASK)).status == 200
        assert pool.health()["status"] == "ok"
        victim = pool._started[0]
        os.kill(victim.process.pid, signal.SIGKILL)  # idle: its death is noticed without a request
        await until(lambda: pool.problem is not None)
        assert pool.health()["status"] == "degraded" and "killed by signal 9" in pool.health()["problem"]
        await until(lambda: pool.health()["status"] == "ok")
        replies = [await pool.run(ASK) for _ in range(4)]
        assert {reply.status for reply in replies} == {200}

    pool.start()
    try:
        asyncio.run(scenario())
    finally:
        pool.close()
    assert len([line for line in lines if "died while idle" in line]) == 1
    assert lines[-1] == "kg serve: all 2 query workers are running again"


def test_a_replacement_that_cannot_load_is_retried_with_back_off_and_reported_once(graph, tmp_path):
    lines: list[str] = []
    pool = QueryWorkers(graph, 1, Limits(timeout=4), log=lines.append)
    moved = tmp_path / "moved.ttl"

    async def scenario():
        await pool.run(ASK)
        graph.rename(moved)
        os.kill(pool._started[0].process.pid, signal.SIGKILL)
        await until(lambda: any("cannot start" in line for line in lines))
        await asyncio.sleep(2.5)  # several attempts (0.5 s, 1 s, 2 s apart), one report
        assert pool.health() == {"status": "down", "workers": 0, "size": 1, "problem": pool.problem}
        reply = await pool.run(ASK)  # no waiting for a worker that cannot come
        assert reply.status == 503 and b"no query worker is running" in reply.body and reply.retry_after
        moved.rename(graph)
        await until(lambda: pool.health()["status"] == "ok")
        assert (await pool.run(ASK)).status == 200

    pool.start()
    try:
        asyncio.run(scenario())
    finally:
        pool.close()
    reports = [line for line in lines if "cannot start" in line]
    assert len(reports) == 1 and str(graph) in reports[0] and "\n" not in reports[0]
    assert lines[-1] == "kg serve: all 1 query workers are running again"
